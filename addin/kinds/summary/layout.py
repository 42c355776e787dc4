"""Where things are on a summary sheet (附件2): header fields, branch rows, the 合计 row.

Pure: reads a `SheetData` by labels (the table may sit anywhere, with title rows above, blank
rows inside, the fields above or below it) and records cells; `summary.py` checks and computes.

A live book read through xlwings carries no merged ranges (`SheetData.merges == []`), so where a
field's value or a count is found must not depend on them: a value is the next non-empty cell
right of its label, a count the number right of (or under) its label. Only where a blank
field's value belongs is a guess, made the same way with or without merges in the usual forms.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ...cells import fold, is_blank
from ...labelled import Labelled, repeats_header, split_labelled
from ...locate import Header, row_blank
from ...workbook.model import Cell, SheetData
from ..rubric.spec import RubricSpec
from .spec import SummarySpec

FIELD_KEYS = ("unit", "reporter", "phone")
_NOTE_STARTS = ("备注", "注:", "说明", "填表说明", "填报说明")
_NEAR = 3  # cells to look right of a count label for its number
_FIELD_SPAN = 7  # cells to look right of a field label for its value
_COLUMN_WIDTH = 8  # Excel's default column shows about 8 characters; a wider label spills over


@dataclass
class FieldValue:
    label: str
    cell: Cell | None  # where the value is or belongs; None when the label is nowhere
    raw: object = ""  # "" when blank


@dataclass
class BranchRow:
    row: int
    name: str


@dataclass
class CountSlot:
    """Where one grade's count is typed, or where fill writes it."""

    grade: str
    label: str
    cell: Cell
    typed: object = None  # what the person typed (None: nothing)
    hit: Labelled | None = None  # set when the count lives in the label's own cell
    fresh: bool = False  # a blank cell fill writes "先进数：N" into


@dataclass
class SummarySheet:
    sheet: SheetData
    spec: SummarySpec
    rubric: RubricSpec
    header: Header
    rows: list[BranchRow] = field(default_factory=list)
    fields: dict[str, FieldValue] = field(default_factory=dict)
    total_row: int | None = None
    total_cell: Cell | None = None  # the 合计 label (written by fill when it creates the row)
    create_total: bool = False
    slots: dict[str, CountSlot] = field(default_factory=dict)

    def col(self, label: str) -> int | None:
        return self.header.col(label)

    @property
    def count_labels(self) -> dict[str, str]:
        return {g: self.spec.count_label(g) for g in self.rubric.grading.names}


def read_layout(
    sheet: SheetData, spec: SummarySpec, rubric: RubricSpec, header: Header
) -> SummarySheet:
    layout = SummarySheet(sheet=sheet, spec=spec, rubric=rubric, header=header)
    labels = spec.labels
    left, right = header.left, header.right
    name_col = header.col(labels.branch)
    data_cols = [header.col(x) for x in (labels.branch, labels.score, labels.grade)]
    if header.col(labels.last_year) is not None:
        data_cols.append(header.col(labels.last_year))
    field_labels = _field_labels(spec)
    end = header.row
    for r in range(header.row + 1, sheet.height):
        if row_blank(sheet, r, left, right):
            continue
        first = _first_text(sheet, r, left, right)
        if first.startswith(fold(labels.total)):
            layout.total_row = r
            layout.total_cell = _first_cell(sheet, r, left, right)
            break
        if first.startswith(_NOTE_STARTS) or split_labelled(
            str(sheet.shown(r, left)), field_labels
        ):
            break  # a note or the header fields below a table without its 合计 row
        end = r
        if repeats_header(sheet, r, header):
            continue  # the header pasted again inside the table: not a branch
        if all(is_blank(sheet.value(r, c)) for c in data_cols):
            continue  # a numbered row nobody used (the template numbers ten rows)
        name = sheet.shown(r, name_col)
        layout.rows.append(BranchRow(row=r, name="" if is_blank(name) else str(name).strip()))
    if layout.total_row is None:
        below = end + 1  # after the numbered rows too: the 合计 row closes the whole table
        if row_blank(sheet, below, left, right):
            layout.total_row, layout.total_cell = below, (below, left)
            layout.create_total = True
    if layout.total_row is not None:
        layout.slots = _count_slots(layout)
    after = (layout.total_row if layout.total_row is not None else end) + 1
    rows = [*range(0, header.row), *range(after, min(after + 10, sheet.height))]
    layout.fields = _fields(sheet, spec, rows)
    return layout


def _first_cell(sheet: SheetData, r: int, left: int, right: int) -> Cell:
    for c in range(left, right + 1):
        if not is_blank(sheet.shown(r, c)):
            return sheet.anchor(r, c)
    return (r, left)


def _first_text(sheet: SheetData, r: int, left: int, right: int) -> str:
    return fold(sheet.shown(*_first_cell(sheet, r, left, right)))


def _field_labels(spec: SummarySpec) -> dict[str, str]:
    labels = spec.labels
    return {"unit": labels.unit, "reporter": labels.reporter, "phone": labels.phone}


# --- header fields ---------------------------------------------------------------------------


def _fields(sheet: SheetData, spec: SummarySpec, rows: list[int]) -> dict[str, FieldValue]:
    """Each field's value: after its label in the same cell, else the next cell to the right."""
    labels = _field_labels(spec)
    found: dict[str, FieldValue] = {}
    blank: dict[str, tuple[int, int, str, int | None]] = {}  # key → label cell, text, next label
    columns: dict[int, Counter] = {}  # label column → the columns its fields' values sit in
    for r in rows:
        for c, raw in enumerate(sheet.rows[r]):
            if not isinstance(raw, str):
                continue
            wanted = {k: v for k, v in labels.items() if k not in found and k not in blank}
            hits = split_labelled(raw, wanted)
            # "联系电话：____" or several labels on one line: the value belongs in this cell.
            inline = len(hits) > 1 or "_" in raw or "＿" in raw
            for hit in hits:
                label = labels[hit.key]
                if hit.value or not hit.last:
                    found[hit.key] = FieldValue(label, (r, c), hit.value)
                    continue
                cell, value, stop = _right_of(sheet, r, c, labels)
                if cell is not None:
                    found[hit.key] = FieldValue(label, cell, value)
                    columns.setdefault(c, Counter())[cell[1]] += 1
                elif inline:
                    found[hit.key] = FieldValue(label, (r, c))
                else:
                    blank[hit.key] = (r, c, raw, stop)
    for key, (r, c, text, stop) in blank.items():
        usual = columns.get(c)
        column = usual.most_common(1)[0][0] if usual else None
        found[key] = FieldValue(labels[key], _blank_cell(sheet, r, c, text, stop, column))
    for key, label in labels.items():
        found.setdefault(key, FieldValue(label, None))
    return {k: found[k] for k in FIELD_KEYS}


def _right_of(
    sheet: SheetData, r: int, c: int, labels: dict[str, str]
) -> tuple[Cell | None, object, int | None]:
    """The value right of a label: (its cell, the value, None); or, when there is none,
    (None, "", the column of the next field label in the row, if any). Merged cells need not be
    known: the blank cells a merged label covers are skipped like any blank cell."""
    line = sheet.rows[r]
    for cc in range(c + 1, min(c + 1 + _FIELD_SPAN, len(line))):
        value = line[cc]
        if is_blank(value) or (isinstance(value, str) and not value.strip("_＿ ")):
            continue
        if isinstance(value, str) and split_labelled(value, labels):
            return None, "", cc  # the next field's label: this one is blank
        return (r, cc), value, None
    return None, "", None


def _blank_cell(
    sheet: SheetData, r: int, c: int, text: str, stop: int | None, column: int | None
) -> Cell:
    """Where a blank field's value belongs: in the column the other fields with labels in this
    column have their values; else right after the label, past a label too wide for its cell
    (the template's labels are merged over two columns: without merge information their text
    is what tells that the next cell is still the label's); never at or past the next label."""
    if column is not None and column > c and (stop is None or column < stop):
        return (r, column)
    merge = sheet.merge_at(r, c)
    if merge is not None:
        col = merge.right + 1
    else:
        spills = _width(text) > _COLUMN_WIDTH and is_blank(sheet.value(r, c + 1))
        col = c + 2 if spills else c + 1
    if stop is not None and col >= stop:
        col = c + 1 if c + 1 < stop else c
    return (r, col)


def _width(text: str) -> int:
    """Display width: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.strip())


# --- the 合计 row ----------------------------------------------------------------------------


def _count_slots(layout: SummarySheet) -> dict[str, CountSlot]:
    """先进数 / 一般数 / 后进数: "先进数：3" in one cell, or the number next to (or under) it."""
    sheet, r = layout.sheet, layout.total_row
    labels = layout.count_labels
    slots: dict[str, CountSlot] = {}
    if not layout.create_total:
        line = sheet.rows[r]
        for c, raw in enumerate(line):
            if c < layout.header.left or not isinstance(raw, str):
                continue
            wanted = {g: v for g, v in labels.items() if g not in slots}
            for hit in split_labelled(raw, wanted):
                grade, label = hit.key, labels[hit.key]
                near = None if (hit.value or not hit.last) else _count_near(sheet, r, c, labels)
                if near is not None:
                    slots[grade] = CountSlot(grade, label, near[0], typed=near[1])
                else:
                    slots[grade] = CountSlot(grade, label, (r, c), hit.value or None, hit)
    # Grades without a label get the free cells right of 合计, inside the table.
    used = {s.cell for s in slots.values()}
    free = [
        (r, c)
        for c in range(layout.total_cell[1] + 1, layout.header.right + 1)
        if (r, c) not in used and is_blank(sheet.value(r, c)) and sheet.merge_at(r, c) is None
    ]
    for grade, label in labels.items():
        if grade not in slots and free:
            slots[grade] = CountSlot(grade, label, free.pop(0), fresh=True)
    return slots


def _count_near(
    sheet: SheetData, r: int, c: int, labels: dict[str, str]
) -> tuple[Cell, object] | None:
    """The number typed right of a count label (before the next label), else just under it."""
    line = sheet.rows[r]
    # From the next cell: blank cells a merged label covers are skipped like any blank cell.
    for cc in range(c + 1, min(c + 1 + _NEAR, len(line))):
        value = line[cc]
        if is_blank(value):
            continue
        if isinstance(value, str) and split_labelled(value, labels):
            break  # the next label: no number between
        return (r, cc), value
    below = sheet.value(r + 1, c)
    if not is_blank(below) and read_count(below)[0] == "ok":
        return (r + 1, c), below
    return None


def read_count(raw: object) -> tuple[str, int | None]:
    """A typed count: 3, "3", "３个" → ("ok", 3); blank → ("missing", None); else ("bad", None)."""
    if is_blank(raw):
        return "missing", None
    if isinstance(raw, bool):
        return "bad", None
    if isinstance(raw, int | float):
        return ("ok", int(raw)) if raw >= 0 and float(raw).is_integer() else ("bad", None)
    text = fold(raw).removesuffix("个").removesuffix("家")
    return ("ok", int(text)) if text.isascii() and text.isdigit() else ("bad", None)
