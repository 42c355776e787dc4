"""What a run wants changed in a workbook, as plain data the adapters apply.

Checks and computations produce `CellWrite`s (computed values) and findings; `plan_for`
turns them into one `WritePlan`. The openpyxl adapter applies it to a copy of a file, the
xlwings adapter to a live book, both in a few bulk operations (`blocks`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .findings import SEVERITY_LABEL, Finding
from .workbook.model import parse_ref

FINDINGS_SHEET = "校验结果"
RECORD_SHEET = "_jiceng"  # hidden: what Jiceng marked and overwrote, so it can undo exactly that
OWN_SHEETS = frozenset({FINDINGS_SHEET, RECORD_SHEET})

FILL_COLOURS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
LEVEL_FILL = {SEVERITY_LABEL[level]: colour for level, colour in FILL_COLOURS.items()}
FINDINGS_HEADER_FILL = "D9E1F2"
# The message leads; the code (for those who look it up in `jiceng codes`) comes last. The sheet
# and cell keep columns 4 and 5 (1-based), where both adapters put the link to the cell.
FINDINGS_HEADER = ["序号", "级别", "说明", "工作表", "单元格", "值", "代码"]
FINDINGS_WIDTHS = [5, 6, 60, 16, 8, 14, 24]
FINDINGS_FIRST_ROW = 3  # 1-based: the summary line, the header, then one row per finding
NO_FINDINGS = "未发现问题"
NOTE_LABEL = "薄弱环节"
RECORD_HEADER = ["类型", "工作表", "单元格", "原底色", "原批注", "原值", "写入值"]


@dataclass(frozen=True)
class CellWrite:
    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    value: Any
    # Value the person had typed there, when it differs; kept in a note and the record.
    replaces: Any = None


@dataclass(frozen=True)
class Mark:
    sheet: str
    row: int
    col: int
    severity: str
    note: str


@dataclass(frozen=True)
class ConditionalFill:
    """A conditional-format rule: colour `ref` while `formula` holds.

    Unlike a mark's fixed colour, Excel re-evaluates it after every edit, so the colours of
    computed columns stay right when a person changes a cell. `formula` is an Excel formula
    without the leading "=", written for the top-left cell of `ref` (relative references move
    with each cell, e.g. `$J5="已逾期"` over "I5:L15"). Adapters replace, never stack, the rules
    Jiceng added before: a rule is identified by its sheet and formula.
    """

    sheet: str
    ref: str  # A1 range, e.g. "I5:L15"
    formula: str
    fill: str  # background, RRGGBB
    font: str | None = None  # text colour, RRGGBB


@dataclass
class WritePlan:
    writes: list[CellWrite] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    conditional: list[ConditionalFill] = field(default_factory=list)
    # Lines under the findings on the 校验结果 sheet: (sheet, text), e.g. each branch's
    # 薄弱环节 after 评分 (`addin/support.py`).
    notes: list[tuple[str, str]] = field(default_factory=list)

    def note_rows(self) -> list[list[Any]]:
        """A blank row, then one row per note (its label in the 级别 column), in the findings
        table's columns; none without notes."""
        if not self.notes:
            return []
        width = len(FINDINGS_HEADER)
        rows: list[list[Any]] = [[""] * width]
        for sheet, text in self.notes:
            rows.append(["", NOTE_LABEL, text, sheet, "", "", ""])
        return rows

    def findings_rows(self) -> list[list[Any]]:
        """The 校验结果 table below its header (one row saying 未发现问题 when clean)."""
        if not self.findings:
            return [["", "", NO_FINDINGS, "", "", "", ""]]
        return [
            [
                i,
                SEVERITY_LABEL[f.severity],
                f.message,
                f.sheet or "",
                f.cell or "",
                "" if f.value is None else f.value,
                f.code,
            ]
            for i, f in enumerate(self.findings, start=1)
        ]

    def findings_summary(self) -> str:
        """The line above the 校验结果 table: "校验结果：2 个错误，1 个警告，0 个提示"."""
        counts = Counter(f.severity for f in self.findings)
        return "校验结果：" + "，".join(
            f"{counts[level]} 个{label}" for level, label in SEVERITY_LABEL.items()
        )


def plan_for(
    writes: list[CellWrite],
    findings: list[Finding],
    conditional: list[ConditionalFill] | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> WritePlan:
    """Marks: one per finding cell, the worst severity colouring it, all messages in the note.
    `notes`: lines for the 校验结果 sheet under the findings (see `WritePlan.notes`)."""
    by_cell: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet not in OWN_SHEETS:
            try:
                row, col = parse_ref(finding.cell)
            except ValueError:
                continue
            by_cell[(finding.sheet, row, col)].append(finding)
    order = {"error": 0, "warning": 1, "info": 2}
    marks = []
    for (sheet, row, col), found in by_cell.items():
        worst = min(found, key=lambda f: order[f.severity]).severity
        note = "\n".join(f"{f.message}（{f.code}）" for f in found)
        marks.append(Mark(sheet, row, col, worst, note))
    return WritePlan(
        writes=list(writes),
        marks=marks,
        findings=list(findings),
        conditional=list(conditional or []),
        notes=list(notes or []),
    )


@dataclass(frozen=True)
class Block:
    """A rectangle of values to write in one call."""

    sheet: str
    top: int
    left: int
    values: list[list[Any]]


def blocks(
    writes: list[CellWrite],
    blank: Callable[[str, int, int], bool] | None = None,
    max_gap: int = 8,
) -> list[Block]:
    """Group writes into vertical runs per column, then merge equal-height runs side by side.

    A rubric's score column becomes one block, not eighteen calls. With `blank` (is this cell
    empty in what was read?), runs in one column separated by up to `max_gap` empty cells
    become one block writing "" into the gap: the five 小计 cells of the 2022 rubric (merged
    areas whose interiors are empty) then cost one call, and nothing a person typed is touched.
    """
    per_col: dict[tuple[str, int], dict[int, Any]] = defaultdict(dict)
    for w in writes:
        per_col[(w.sheet, w.col)][w.row] = w.value
    runs: list[Block] = []
    for (sheet, col), cells in sorted(per_col.items()):
        rows = sorted(cells)
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and (
                r == prev + 1 or _bridgeable(blank, sheet, col, prev, r, max_gap)
            ):
                prev = r
                continue
            runs.append(
                Block(sheet, start, col, [[cells.get(i, "")] for i in range(start, prev + 1)])
            )
            if r is not None:
                start = prev = r
    merged: list[Block] = []
    for run in runs:
        last = merged[-1] if merged else None
        if (
            last
            and last.sheet == run.sheet
            and last.top == run.top
            and len(last.values) == len(run.values)
            and last.left + len(last.values[0]) == run.left
        ):
            merged[-1] = Block(
                last.sheet,
                last.top,
                last.left,
                [a + b for a, b in zip(last.values, run.values, strict=True)],
            )
        else:
            merged.append(run)
    return merged


def _bridgeable(blank, sheet: str, col: int, prev: int, nxt: int, max_gap: int) -> bool:
    if blank is None or nxt - prev - 1 > max_gap:
        return False
    return all(blank(sheet, r, col) for r in range(prev + 1, nxt))
