"""The committed JSON Schema of the report (docs/report.schema.json) is the models' own, and
real reports validate against it: drift fails CI like `templates --check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from addin.report.schema import report_schema_json

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "report.schema.json"


def validator() -> Draft202012Validator:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_committed_schema_matches_the_models():
    assert COMMITTED.read_text(encoding="utf-8") == report_schema_json(), (
        "docs/report.schema.json 与报告模型不一致：请运行 jiceng schema -o docs/report.schema.json"
    )


def test_schema_command_prints_and_writes_it(cli, tmp_path):
    assert cli("schema").stdout == report_schema_json()
    out = tmp_path / "report.schema.json"
    result = cli("schema", "-o", out)
    assert result.exit_code == 0 and out.read_text(encoding="utf-8") == report_schema_json()


def test_reports_of_every_template_validate(cli):
    """The bundled samples hold rubrics, a summary table and a task list."""
    report = json.loads(
        cli("check", ROOT / "workbooks" / "samples", "-f", "json", "--as-of", "2022-07-26").stdout
    )
    assert any(f["summary"] for f in report["files"]) and any(f["tasks"] for f in report["files"])
    assert [e.message for e in validator().iter_errors(report)] == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r["files"][0].__setitem__("status", "fine"), "status"),
        (lambda r: r["files"][0]["findings"][0].__setitem__("severity", "fatal"), "severity"),
        (lambda r: r["files"][0].pop("path"), "path"),
        (lambda r: r["files"][0]["branches"][0].__setitem__("total", "百"), "total"),
    ],
)
def test_schema_rejects_a_wrong_report(cli, make_rubric, change, where):
    path = make_rubric(edit=lambda wb: wb.active.__setitem__("D7", 6))
    report = json.loads(cli("check", path, "-f", "json").stdout)
    assert list(validator().iter_errors(report)) == []
    change(report)
    errors = list(validator().iter_errors(report))
    assert errors and where in " ".join(str(e.path) + e.message for e in errors)
