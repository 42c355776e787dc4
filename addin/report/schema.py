"""The JSON Schema of the `--format json` report, made from the pydantic models.

`jiceng schema` prints it; docs/report.schema.json is the committed copy that consumers read,
and tests/test_report_schema.py fails when the models and that copy drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Report

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_schema() -> dict[str, Any]:
    """The schema of what `to_json` writes (serialization mode: dates as strings)."""
    schema = Report.model_json_schema(mode="serialization")
    schema["title"] = "Jiceng 检查报告（jiceng check --format json）"
    schema["description"] = (
        "每个文件一项：状态、问题（代码、级别、工作表、单元格、说明）、各党支部评分、"
        "汇总表和任务清单的结果。由 jiceng schema 从报告模型生成。"
    )
    return {"$schema": DIALECT, **schema}


def report_schema_json() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"
