"""Render a `Report` as readable Chinese text (grouped by file and sheet) or as JSON."""

from __future__ import annotations

from itertools import groupby

from ..findings import SEVERITY_LABEL
from ..kinds import KINDS
from ..safe_text import visible_line
from .model import FileReport, Report

STATUS_LABEL = {"ok": "通过", "errors": "有错误", "unreadable": "无法读取"}


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def to_text(report: Report) -> str:
    lines: list[str] = []
    for file in report.files:
        lines += _file_text(file)
        lines.append("")
    errors = sum(f.errors for f in report.files)
    warnings = sum(f.warnings for f in report.files)
    unreadable = sum(1 for f in report.files if f.status == "unreadable")
    tail = f"共检查 {len(report.files)} 个文件：{errors} 个错误，{warnings} 个警告"
    if unreadable:
        tail += f"，{unreadable} 个文件无法读取"
    lines.append(tail)
    # Names and texts from the files must not steer the terminal (ESC sequences, CR).
    return "\n".join(visible_line(line) for line in lines)


def _file_text(file: FileReport) -> list[str]:
    lines = [
        f"■ {file.path}（{STATUS_LABEL[file.status]}：{file.errors} 个错误，{file.warnings} 个警告）"
    ]
    for kind in KINDS:
        lines += kind.text_lines(getattr(file, kind.report_field))
    # Sheets in workbook order (first appearance), findings by row within a sheet.
    first_seen = {s: i for i, s in reversed(list(enumerate(f.sheet or "" for f in file.findings)))}
    ordered = sorted(file.findings, key=lambda f: (first_seen[f.sheet or ""], _row_key(f.cell)))
    for sheet, group in groupby(ordered, key=lambda f: f.sheet or ""):
        lines.append(f"  工作表“{sheet}”：" if sheet else "  整个文件：")
        for f in group:
            where = f"{f.cell} " if f.cell else ""
            lines.append(f"    [{SEVERITY_LABEL[f.severity]}] {where}{f.message}  ({f.code})")
    return lines


def _row_key(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits or 0), letters.rjust(3))
