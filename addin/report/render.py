"""Render a `Report` as readable Chinese text (grouped by file and sheet) or as JSON."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import TextIO

from ..file_kinds import not_checked_counts, not_checked_line
from ..findings import SEVERITY_LABEL
from ..kinds import KINDS
from ..safe_text import visible_line
from .model import FileReport, Report

STATUS_LABEL = {"ok": "通过", "errors": "有错误", "unreadable": "无法读取", "skipped": "未检查"}


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


class JsonStream:
    """report.json written file by file, so a batch need not hold every FileReport: the bytes
    are exactly `to_json(Report(files=all, **rest))`. Fields before `files` are fixed (tool,
    version); fields after it come from the Report given to `close`."""

    _FILES = '"files": []'

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.count = 0
        head, _tail = to_json(Report()).split(self._FILES, 1)
        handle.write(head + '"files": [')

    def add(self, file: FileReport) -> None:
        body = file.model_dump_json(indent=2).replace("\n", "\n    ")
        self.handle.write(("," if self.count else "") + "\n    " + body)
        self.count += 1

    def close(self, rest: Report | None = None) -> None:
        _head, tail = to_json(rest or Report()).split(self._FILES, 1)
        self.handle.write(("\n  ]" if self.count else "]") + tail + "\n")


def to_text(report: Report) -> str:
    blocks = [file_text(file) + "\n" for file in report.files]
    errors = sum(f.errors for f in report.files)
    warnings = sum(f.warnings for f in report.files)
    unreadable = sum(1 for f in report.files if f.status == "unreadable")
    skipped = not_checked_counts((f.path, f.status) for f in report.files)
    checked = len(report.files) - skipped.total()
    return "\n".join([*blocks, totals_line(checked, errors, warnings, unreadable, skipped)])


def file_text(file: FileReport) -> str:
    """One file's block of the text report (a batch prints them as the files are done)."""
    # Names and texts from the files must not steer the terminal (ESC sequences, CR).
    return "\n".join(visible_line(line) for line in _file_text(file))


def roster_lines(roster) -> list[str]:
    """The roster in the terminal summary (a batch given --roster): 应交 / 已交 / 未交, the
    missing units named. `roster`: the batch's RosterReport, or None."""
    if roster is None:
        return []
    missing = roster.missing_units
    lines = [
        f"名单（{roster.source}）：应交 {roster.units_expected} 个党总支，"
        f"已交 {roster.units_submitted} 个，未交 {len(missing)} 个"
    ]
    if missing:
        lines.append("未交：" + "、".join(missing))
    if roster.unknown_units:
        lines.append("名单外：" + "、".join(e.unit for e in roster.unknown_units))
    return lines


def totals_line(
    files: int, errors: int, warnings: int, unreadable: int, skipped: Counter[str] | None = None
) -> str:
    """The closing line(s): what was checked, and what was not (`file_kinds`: kinds counted)."""
    tail = f"共检查 {files} 个文件：{errors} 个错误，{warnings} 个警告"
    if unreadable:
        tail += f"，{unreadable} 个文件无法读取"
    others = not_checked_line(skipped or Counter())
    return f"{tail}\n{others}" if others else tail


def _file_text(file: FileReport) -> list[str]:
    if file.status == "skipped":  # one line: its reason
        return [f"■ {file.path}（{'；'.join(f.message for f in file.findings)}）"]
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
