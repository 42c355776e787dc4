"""Where things are on a task-list sheet (附件3): the task rows, the official task each one
is, the columns (found, or where `fill` creates them) and edits of the official wording.

Pure, like `tasks.py` which uses it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime

from ... import findings as F
from ...cells import clip, fold, is_blank, read_number
from ...findings import Finding
from ...labelled import repeats_header
from ...locate import Header
from ...workbook.model import SheetData, cell_ref
from .spec import ProgressLabels, TaskItem, TasksSpec

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


@dataclass
class TaskRow:
    row: int  # 0-based
    no: int | None  # the 序号 typed in the row
    official: TaskItem | None = None


@dataclass
class TasksLayout:
    """Where things are on one task sheet (0-based rows/cols)."""

    sheet: SheetData
    spec: TasksSpec
    header: Header
    rows: list[TaskRow] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # label → column, created ones too
    created: list[str] = field(default_factory=list)  # labels fill adds at the right

    def col(self, label: str) -> int | None:
        return self.columns.get(label)


def read_layout(
    sheet: SheetData, spec: TasksSpec, header: Header
) -> tuple[TasksLayout, list[Finding]]:
    labels = spec.labels
    layout = TasksLayout(sheet=sheet, spec=spec, header=header, columns=dict(header.columns))
    task_col, deadline_col = header.col(labels.task), header.col(labels.deadline)
    no_col = header.col(labels.no)
    for r in range(header.row + 1, sheet.height):
        if is_blank(own(sheet, r, task_col)) and is_blank(own(sheet, r, deadline_col)):
            continue  # blank lines, the issuing office and date under the table
        if repeats_header(sheet, r, header):
            continue  # the header pasted again inside the table: not a task, never written
        no = row_number(own(sheet, r, no_col)) if no_col is not None else None
        layout.rows.append(TaskRow(row=r, no=no))
    found = _match_official(layout)
    layout.created = add_columns(layout.columns, _table_right(layout), labels)
    return layout, found


def add_columns(columns: dict[str, int], right: int, labels: ProgressLabels) -> list[str]:
    """Place the input and computed columns the sheet lacks right of column `right`, in the
    spec's order (`fill` creates them there); returns the labels placed."""
    created = []
    for label in [*labels.inputs, *labels.computed]:
        if label not in columns:
            right += 1
            columns[label] = right
            created.append(label)
    return created


def own(sheet: SheetData, r: int, c: int | None) -> object:
    """The cell's value; a vertically merged cell shows its anchor, a cell covered by a merge
    from another column (a footer across the table) is blank."""
    if c is None:
        return None
    merge = sheet.merge_at(r, c)
    if merge is not None and merge.left != c:
        return None
    return sheet.shown(r, c)


def row_number(raw: object) -> int | None:
    """A 序号 as typed (“3”, “3.”, “３、”), None when it is no whole number."""
    number = read_number(fold(raw).rstrip(".、") if isinstance(raw, str) else raw)
    if number.value is None or number.value != number.value.to_integral_value():
        return None
    return int(number.value)


def _table_right(layout: TasksLayout) -> int:
    """The rightmost used column of the header and the task rows: new columns go past it."""
    sheet, right = layout.sheet, max(layout.columns.values())
    for r in [layout.header.row, *(t.row for t in layout.rows)]:
        line = sheet.rows[r] if r < sheet.height else []
        for c, value in enumerate(line):
            if not is_blank(value):
                merge = sheet.merge_at(r, c)
                right = max(right, merge.right if merge else c)
    return right


def _norm(text: object) -> str:
    """Official text for comparison: folded, quotes and a final full stop dropped."""
    return fold(text).translate(_QUOTES).rstrip("。.;；")


def _match_official(layout: TasksLayout) -> list[Finding]:
    """Match rows to the official tasks: exact text first, then 序号, then similar text.

    Exact text goes first so that a row someone inserted (and numbered) in the middle does not
    take the number of an official task that merely moved down.
    """
    sheet, spec = layout.sheet, layout.spec
    task_col = layout.header.col(spec.labels.task)
    unmatched = {t.no: t for t in spec.tasks}
    texts = {id(t): _norm(own(sheet, t.row, task_col)) for t in layout.rows}

    def take(row: TaskRow, item: TaskItem) -> None:
        row.official = item
        unmatched.pop(item.no)

    for row in layout.rows:
        item = next((i for i in unmatched.values() if _norm(i.task) == texts[id(row)]), None)
        if item is not None:
            take(row, item)
    for row in layout.rows:
        if row.official is None and row.no in unmatched and texts[id(row)]:
            take(row, unmatched[row.no])
    for row in layout.rows:
        if row.official is None and texts[id(row)] and unmatched:
            ratios = {
                no: difflib.SequenceMatcher(None, texts[id(row)], _norm(i.task)).ratio()
                for no, i in unmatched.items()
            }
            best = max(ratios, key=ratios.__getitem__)
            if ratios[best] >= 0.6:
                take(row, unmatched[best])
    found = []
    for row in layout.rows:
        if row.official is not None:
            found += _check_official_text(layout, row)
    for item in unmatched.values():
        found.append(F.TASKS_ITEM_MISSING(sheet=sheet.name, no=item.no, text=item.task))
    return found


def _check_official_text(layout: TasksLayout, row: TaskRow) -> list[Finding]:
    sheet, labels, item = layout.sheet, layout.spec.labels, row.official
    found = []
    for label, expected in (
        (labels.task, item.task),
        (labels.requirement, item.requirement),
        (labels.deadline, item.deadline),
    ):
        c = layout.col(label)
        if c is None:
            continue
        value = own(sheet, row.row, c)
        if _norm(text_of(value)) != _norm(expected):
            found.append(
                F.TASKS_TEMPLATE_MODIFIED(
                    sheet=sheet.name,
                    cell=cell_ref(row.row, c),
                    value=clip(text_of(value)),
                    no=item.no,
                    what=label,
                    expected=clip(expected),
                )
            )
    return found


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
