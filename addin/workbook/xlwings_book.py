"""Live-book adapter: an open xlwings `Book` ⇄ `WorkbookData` / `WritePlan`.

One adapter for every xlwings engine — desktop Excel (COM / AppleScript), xlwings Lite and
xlwings Server (the remote engine, which turns each call into an *action* the Office.js client
runs). Reads are one bulk value read per sheet; writes are a few bulk calls per sheet.

What the remote engine cannot do, and how this module lives with it:

* **Merged cells are not readable.** The client sends values only, so the checks see an
  unmerged grid where a merged area's value sits in its top-left cell and the rest is blank
  (desktop Excel is read the same way, so that every runtime agrees). The checks are meant not
  to depend on merges — tests/test_excel.py compares both readers — and value blocks are never
  widened over blank cells (they may be parts of merged areas): one call per contiguous block
  from `writes.blocks`.
* **Colours and note texts are not readable.** Jiceng keeps its own record (the hidden
  `_jiceng` sheet, read back as plain values) of what it marked and what the cell had before,
  and never reads a format back. A cell Jiceng marks for the first time in a live book has an
  unknown original fill: the record stores "" and 清除标记 removes the fill. A cell that already
  carries someone else's note keeps that note untouched (record kind ``fill``); the message is
  still on the 校验结果 sheet.
* **No bulk notes.** xlwings has no call that writes several notes at once: each note is one
  action (add, set text or delete), while the colours of one sheet go in a single `set_colors`
  call and values in one call per block. So a click writes notes only while it marks at most
  `NOTE_LIMIT` cells; above that every marked cell gets its colour only and its message is on
  the 校验结果 sheet (with a link), which costs the same whatever the number of findings.
* **Excel without notes.** Cell notes need Office.js requirement set ExcelApi 1.18; on older
  hosts the client sends ``notes_supported: false`` and xlwings refuses every note write. Then
  marks are colours only (record kind ``fill``), and notes an earlier run left stay untouched
  and on record, for a run in an Excel that can remove them.
* **Conditional colour rules** (the task list's status colours) cannot be listed, so Jiceng
  clears the conditional formats of the ranges it colours before adding its rules: a rule
  someone else put on exactly those computed cells goes too.
* **Hyperlinks** on the 校验结果 sheet are `HYPERLINK` formulas written with the table, so the
  sheet costs the same few calls whatever the number of findings.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..cells import is_blank
from ..safe_text import visible
from ..writes import (
    FILL_COLOURS,
    FINDINGS_FIRST_ROW,
    FINDINGS_HEADER,
    FINDINGS_HEADER_FILL,
    FINDINGS_SHEET,
    LEVEL_FILL,
    OWN_SHEETS,
    RECORD_HEADER,
    RECORD_SHEET,
    ConditionalFill,
    Mark,
    WritePlan,
    blocks,
)
from .model import SheetData, WorkbookData, cell_ref, is_ref, parse_ref

MAX_COLOUR_CELLS = 10_000  # xlwings' limit for one Range.set_colors call
# Above this many marked cells one click sends no notes (one action each): colours only, the
# messages stay on the 校验结果 sheet.
NOTE_LIMIT = 20
LINK_COLOUR = "#0563C1"
KIND_MARK = "mark"  # Jiceng set fill and note; restore both from the record
KIND_FILL = "fill"  # Jiceng set the fill only (the cell had a note of its own)
KIND_OVERWRITE = "overwrite"
KIND_CONDITIONAL = "conditional"  # a colour rule over `ref`; `written` holds its formula


class SheetProtected(Exception):
    """A sheet Jiceng has to change is protected; `sheet` names it."""

    def __init__(self, sheet: str):
        super().__init__(sheet)
        self.sheet = sheet


class StepFailed(Exception):
    """Writing to the workbook failed at `step` (a Chinese phrase such as "写入计算结果")."""

    def __init__(self, step: str, cause: BaseException):
        super().__init__(f"{step}: {type(cause).__name__}: {cause}")
        self.step = step
        self.cause = cause


@contextmanager
def step(name: str) -> Iterator[None]:
    """Name the part of the work an exception comes from; `SheetProtected` passes as is."""
    try:
        yield
    except (SheetProtected, StepFailed):
        raise
    except Exception as exc:
        raise StepFailed(name, exc) from exc


# Why a run marks with colours only.
NOTES_UNSUPPORTED = "unsupported"  # this Excel cannot show notes
TOO_MANY_MARKS = "too_many"  # more than NOTE_LIMIT cells to mark


@dataclass(frozen=True)
class Marked:
    """What `apply_plan` marked: `cells` cells, with notes unless `colour_only` says why not;
    `kept_notes` notes of earlier runs this Excel could not remove."""

    cells: int = 0
    colour_only: str = ""
    kept_notes: int = 0


def notes_supported(book) -> bool:
    """Whether this engine can write cell notes: desktop Excel can; on xlwings Lite / Server
    only the Office.js client on a host with ExcelApi 1.18, which says so per sheet."""
    api = getattr(book, "api", None)
    if not isinstance(api, dict):
        return True
    if api.get("client") != "Office.js":
        return False
    return all(sheet.get("notes_supported") is not False for sheet in api.get("sheets") or [])


# --- reading -----------------------------------------------------------------------------------


def read_book(book) -> WorkbookData:
    """Every worksheet's values from A1 to the end of its used range, one read per sheet."""
    sheets = []
    for sheet in book.sheets:
        sheets.append(
            SheetData(name=sheet.name, rows=_sheet_rows(sheet), hidden=not _visible(sheet))
        )
    return WorkbookData(path=book.name, sheets=sheets)


def _sheet_rows(sheet) -> list[list[Any]]:
    used = sheet.used_range
    last_row = used.row + used.shape[0] - 1
    last_col = used.column + used.shape[1] - 1
    values = sheet.range((1, 1), (last_row, last_col)).options(ndim=2).value
    return [[_plain(v) for v in row] for row in values]


def _plain(value: Any) -> Any:
    """Cell values as the file reader gives them: "" for blank, floats for numbers."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _visible(sheet) -> bool:
    try:
        return bool(sheet.visible)
    except Exception:  # an engine that cannot tell: treat as visible
        return True


# --- the record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the `_jiceng` record."""

    kind: str
    sheet: str
    ref: str
    fill: str = ""
    note: str = ""
    original: Any = ""
    written: Any = ""

    def row(self) -> list[Any]:
        return [self.kind, self.sheet, self.ref, self.fill, self.note, self.original, self.written]


def read_record(book) -> list[Entry]:
    """The record as plain values (what the previous runs marked and overwrote)."""
    sheet = _sheet(book, RECORD_SHEET)
    if sheet is None:
        return []
    entries = []
    for line in _sheet_rows(sheet)[1:]:
        kind, name, ref, fill, note, original, written = (list(line) + [""] * 7)[:7]
        name, ref = _text(name), _text(ref).strip()
        if kind in (KIND_MARK, KIND_FILL) and name and ref:
            entries.append(Entry(kind, name, ref, _text(fill), _text(note)))
        elif kind in (KIND_OVERWRITE, KIND_CONDITIONAL) and name and ref:
            entries.append(Entry(kind, name, ref, "", "", original, written))
    return entries


def _text(value: Any) -> str:
    """A text cell of the record; a sheet named "2022" may come back as the number 2022.0."""
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- applying a plan ---------------------------------------------------------------------------


def apply_plan(
    book, plan: WritePlan, *, activate: str | None = None, data: WorkbookData | None = None
) -> Marked:
    """Undo the previous marks, then write values, marks, the 校验结果 sheet and the record.

    `activate` names the sheet to show afterwards (default: the sheet that was active).
    `data` (what `read_book` read) lets value blocks span cells known to be empty.
    Every part runs under `step`, so a failure names what was being written.
    """
    with step("读取工作簿"):
        active = activate or book.sheets.active.name
        previous = read_record(book)
    touched = {w.sheet for w in plan.writes} | {m.sheet for m in plan.marks}
    touched |= {e.sheet for e in previous if e.kind in (KIND_MARK, KIND_FILL)}
    touched |= {rule.sheet for rule in plan.conditional}
    with step("检查工作表保护"):
        check_unprotected(book, touched)
    with step("写入计算结果"):
        for block in blocks(
            [w for w in plan.writes if _sheet(book, w.sheet) is not None], blank=_blank_in(data)
        ):
            top_left = book.sheets[block.sheet].range((block.top + 1, block.left + 1))
            top_left.value = [[_literal(v) for v in row] for row in block.values]
    marks = _marks_in(book, plan.marks)
    can_note = notes_supported(book)
    if not can_note:
        colour_only = NOTES_UNSUPPORTED
    elif len(marks) > NOTE_LIMIT:
        colour_only = TOO_MANY_MARKS
    else:
        colour_only = ""
    with step("标记问题单元格"):
        entries = _remark(book, previous, marks, notes=not colour_only, can_note=can_note)
    kept_notes = 0 if can_note else sum(1 for e in entries if e.kind == KIND_MARK)
    written = {(w.sheet, cell_ref(w.row, w.col)) for w in plan.writes}
    entries += [
        Entry(KIND_OVERWRITE, w.sheet, cell_ref(w.row, w.col), "", "", w.replaces, w.value)
        for w in plan.writes
        if w.replaces is not None
    ]
    entries += [e for e in previous if e.kind == KIND_OVERWRITE and (e.sheet, e.ref) not in written]
    with step("设置状态配色"):
        entries += _colour_rules(book, previous, plan.conditional)
    with step("写入“校验结果”工作表"):
        _findings_sheet(book, plan)
    with step("写入标记记录（隐藏的 _jiceng 工作表）"):
        _record_sheet(book, entries)
    with step("切换工作表"):
        _activate(book, active)
    return Marked(len(marks), colour_only if marks else "", kept_notes)


def _blank_in(data: WorkbookData | None):
    if data is None:
        return None

    def blank(sheet_name: str, row: int, col: int) -> bool:
        sheet = data.sheet(sheet_name)
        return sheet is not None and is_blank(sheet.value(row, col))

    return blank


def clear_marks(book) -> Marked:
    """清除标记: restore what the record says Jiceng marked, remove its colour rules and the
    校验结果 sheet.

    Values Jiceng computed stay; so do the record's overwrite lines (the originals people typed),
    and on an Excel without notes the lines of Jiceng's notes it cannot remove; the record sheet
    is removed only when nothing is left in it. Returns the number of cells restored.
    """
    with step("读取工作簿"):
        active = book.sheets.active.name
        previous = read_record(book)
    marked = [e for e in previous if e.kind in (KIND_MARK, KIND_FILL) and _sheet(book, e.sheet)]
    rules = [e for e in previous if e.kind == KIND_CONDITIONAL and _sheet(book, e.sheet)]
    with step("检查工作表保护"):
        check_unprotected(book, {e.sheet for e in marked + rules})
    can_note = notes_supported(book)
    with step("恢复原底色和批注"):
        left = _remark(book, previous, {}, notes=can_note, can_note=can_note)
    with step("清除状态配色"):
        for sheet_name, ref in sorted({(e.sheet, e.ref) for e in rules}):
            book.sheets[sheet_name].range(ref).conditional_formats.clear()
    with step("删除“校验结果”工作表"):
        findings = _sheet(book, FINDINGS_SHEET)
        if findings is not None:
            findings.delete()
    kept = [e for e in previous if e.kind == KIND_OVERWRITE] + left
    with step("更新标记记录（隐藏的 _jiceng 工作表）"):
        record = _sheet(book, RECORD_SHEET)
        if kept:
            _record_sheet(book, kept)
        elif record is not None:
            record.delete()
    if active != FINDINGS_SHEET:
        with step("切换工作表"):
            _activate(book, active)
    return Marked(len(marked), "" if can_note or not left else NOTES_UNSUPPORTED, len(left))


def _colour_rules(book, previous: list[Entry], rules: list[ConditionalFill]) -> list[Entry]:
    """Replace Jiceng's conditional colour rules on the sheets the plan has rules for.

    The remote engine cannot list a sheet's rules, so the ranges are cleared instead: the ones
    recorded by earlier runs and the new ones (which also drops a copy the blank template may
    carry); then each rule is added. Rules recorded for other sheets stay on record.
    """
    new = [r for r in rules if _sheet(book, r.sheet) is not None]
    sheets = {r.sheet for r in new}
    old = [e for e in previous if e.kind == KIND_CONDITIONAL]
    clear = {(e.sheet, e.ref) for e in old if e.sheet in sheets} | {(r.sheet, r.ref) for r in new}
    for sheet_name, ref in sorted(clear):
        book.sheets[sheet_name].range(ref).conditional_formats.clear()
    for rule in new:
        book.sheets[rule.sheet].range(rule.ref).conditional_formats.add_custom(
            "=" + rule.formula,
            fill_color="#" + rule.fill,
            font_color="#" + rule.font if rule.font else None,
        )
    kept = [e for e in old if e.sheet not in sheets and _sheet(book, e.sheet) is not None]
    return kept + [Entry(KIND_CONDITIONAL, r.sheet, r.ref, "", "", "", r.formula) for r in new]


def check_unprotected(book, names: Iterable[str]) -> None:
    """Raise `SheetProtected` before writing to a sheet the engine reports as protected."""
    for name in sorted(set(names)):
        sheet = _sheet(book, name)
        if sheet is not None and _protected(sheet):
            raise SheetProtected(name)


def read_record_sheets(book) -> set[str]:
    """The sheets Jiceng's record says it marked (清除标记 and the next marks touch them)."""
    try:
        return {e.sheet for e in read_record(book) if e.kind in (KIND_MARK, KIND_FILL)}
    except Exception:
        return set()


@contextmanager
def lifted_protection(book, names: Iterable[str]) -> Iterator[None]:
    """Desktop Excel (COM): lift the password-less protection of the workbook's structure and
    of the sheets `names` for the block, then put it back with the options it had (a
    distributed workbook: resizing rows and columns allowed). The remote engine (xlwings Lite,
    Server) has no call to lift protection: there the block runs as it is, and a write Excel
    refuses is reported by `_run`. A password Jiceng does not know raises `SheetProtected`."""
    lifted: list[tuple[Any, dict[str, bool]]] = []
    structure = None
    try:
        api = book.api
        if not isinstance(api, dict) and bool(getattr(api, "ProtectStructure", False)):
            structure = api
            _unprotect(api, "工作簿结构")
        for name in sorted(set(names)):
            sheet = _sheet(book, name)
            if sheet is None or isinstance(sheet.api, dict) or not _protected(sheet):
                continue
            options = _protection_options(sheet.api)
            _unprotect(sheet.api, name)
            lifted.append((sheet.api, options))
        yield
    finally:
        for sheet_api, options in lifted:
            sheet_api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, **options)
        if structure is not None:
            structure.Protect(Structure=True)


def _unprotect(api, name: str) -> None:
    try:
        api.Unprotect()
    except Exception as exc:  # a password: Excel refuses without it
        raise SheetProtected(name) from exc


def _protection_options(api) -> dict[str, bool]:
    """The Allow* options of a protected sheet (COM `Protection`), to protect it again so."""
    options = {}
    protection = getattr(api, "Protection", None)
    for option in (
        "AllowFormattingCells",
        "AllowFormattingColumns",
        "AllowFormattingRows",
        "AllowInsertingRows",
        "AllowDeletingRows",
        "AllowSorting",
        "AllowFiltering",
    ):
        try:
            options[option] = bool(getattr(protection, option))
        except Exception:
            continue
    return options


def _protected(sheet) -> bool:
    """Desktop Excel can tell (COM / AppleScript); the remote engine cannot — there Excel itself
    refuses the write and xlwings Lite / Server report it."""
    api = sheet.api
    if isinstance(api, dict):
        return False
    for read in (lambda: api.ProtectContents, lambda: api.protect_contents.get()):
        try:
            return bool(read())
        except Exception:
            continue
    return False


def _marks_in(book, marks: list[Mark]) -> dict[tuple[str, str], Mark]:
    """The marks on sheets of this book (not Jiceng's own), one per cell."""
    found: dict[tuple[str, str], Mark] = {}
    for mark in marks:
        if mark.sheet not in OWN_SHEETS and _sheet(book, mark.sheet) is not None:
            found[(mark.sheet, cell_ref(mark.row, mark.col))] = mark
    return found


def _remark(
    book,
    previous: list[Entry],
    new: dict[tuple[str, str], Mark],
    *,
    notes: bool,
    can_note: bool,
) -> list[Entry]:
    """Restore the previous marks and set the new ones: one colour call per sheet, one call per
    note (none when `notes` is off). Returns the record lines of the new marks, and of the notes
    of earlier runs left in place because this Excel (`can_note` off) cannot remove them."""
    old = {(e.sheet, e.ref): e for e in previous if e.kind in (KIND_MARK, KIND_FILL)}
    per_sheet: dict[str, set[str]] = defaultdict(set)
    for sheet_name, ref in [*old, *new]:
        if _sheet(book, sheet_name) is not None:
            per_sheet[sheet_name].add(ref)
    entries: list[Entry] = []
    for sheet_name in [s.name for s in book.sheets if s.name in per_sheet]:
        sheet = book.sheets[sheet_name]
        colours: dict[str, str | None] = {}
        for ref in sorted(per_sheet[sheet_name], key=parse_ref):
            before, mark = old.get((sheet_name, ref)), new.get((sheet_name, ref))
            colours[ref] = (
                "#" + FILL_COLOURS[mark.severity] if mark else _hex(before.fill if before else "")
            )
            if notes:
                entry = _note(sheet[ref], before, mark)
            elif can_note:
                entry = _colour_only(sheet[ref], before, mark)
            else:
                entry = _untouched_note(before, mark)
            if entry is not None:
                entries.append(Entry(entry[0], sheet_name, ref, entry[1], entry[2]))
        _set_colours(sheet, colours)
    return entries


def _note(cell, before: Entry | None, mark: Mark | None) -> tuple[str, str, str] | None:
    """Bring one cell's note to its new state; return (kind, original fill, original note) to
    record, or None when the cell is no longer marked."""
    has_note = cell.note is not None
    if before is not None and before.kind == KIND_FILL:
        return (KIND_FILL, before.fill, "") if mark else None
    if before is not None:  # Jiceng's note is there (unless someone deleted it)
        original = before.note
        text = _joined(original, mark.note) if mark else original
        if text:
            _put_note(cell, has_note, text)
        elif has_note:
            cell.note.delete()
        return (KIND_MARK, before.fill, original) if mark else None
    if mark is None:
        return None
    if has_note:  # someone else's note, whose text the remote engine cannot read: keep it
        return (KIND_FILL, "", "")
    cell.add_note(mark.note)
    return (KIND_MARK, "", "")


def _colour_only(cell, before: Entry | None, mark: Mark | None) -> tuple[str, str, str] | None:
    """Too many marks for notes: give a cell back the note it had before Jiceng's, if any."""
    if before is not None and before.kind == KIND_MARK:
        if before.note:
            _put_note(cell, cell.note is not None, before.note)
        elif cell.note is not None:
            cell.note.delete()
    if mark is None:
        return None
    return (KIND_FILL, before.fill if before else "", "")


def _untouched_note(before: Entry | None, mark: Mark | None) -> tuple[str, str, str] | None:
    """This Excel cannot write notes: a note of an earlier run stays, and on record so that a run
    in an Excel with notes (or `jiceng fill`) can still remove it; other marks are colours."""
    if before is not None and before.kind == KIND_MARK:
        return (KIND_MARK, before.fill, before.note)
    if mark is None:
        return None
    return (KIND_FILL, before.fill if before else "", "")


def _put_note(cell, has_note: bool, text: str) -> None:
    if has_note:
        cell.note.text = text
    else:
        cell.add_note(text)


def _joined(original: str, note: str) -> str:
    return f"{original}\n\n{note}" if original else note


def _hex(fill: str) -> str | None:
    """Record fill ("FFC7CE", "FFFFC7CE", "#FFC7CE" or "") → "#FFC7CE" / None."""
    fill = fill.strip().lstrip("#")
    if len(fill) == 8:
        fill = fill[2:]
    return f"#{fill.upper()}" if len(fill) == 6 else None


def _set_colours(sheet, colours: dict[str, str | None]) -> None:
    """One `set_colors` over the rows and columns the cells span; `...` keeps every other cell."""
    if not colours:
        return
    cells = {parse_ref(ref): colour for ref, colour in colours.items()}
    top = min(r for r, _ in cells)
    bottom = max(r for r, _ in cells)
    left = min(c for _, c in cells)
    right = max(c for _, c in cells)
    step = max(1, MAX_COLOUR_CELLS // (right - left + 1))
    for start in range(top, bottom + 1, step):
        end = min(bottom, start + step - 1)
        matrix = [
            [cells.get((r, c), ...) for c in range(left, right + 1)] for r in range(start, end + 1)
        ]
        if any(v is not ... for row in matrix for v in row):
            sheet.range((start + 1, left + 1), (end + 1, right + 1)).set_colors(matrix)


# --- Jiceng's own sheets -----------------------------------------------------------------------


def _findings_sheet(book, plan: WritePlan) -> None:
    """The same table `fill` writes (summary line, header, one row per finding), in one write;
    one colour call shades the header and the levels, one more colours the links."""
    header_row = FINDINGS_FIRST_ROW - 1
    width = len(FINDINGS_HEADER)
    rows: list[list[Any]] = [[plan.findings_summary()] + [""] * (width - 1)]
    rows.append(list(FINDINGS_HEADER))
    links = 0
    colours = {cell_ref(header_row - 1, c): "#" + FINDINGS_HEADER_FILL for c in range(width)}
    for row in plan.findings_rows():
        sheet_name, ref = row[3], row[4]
        if row[1] in LEVEL_FILL:
            colours[cell_ref(len(rows), 1)] = "#" + LEVEL_FILL[row[1]]
        row = [_literal(v) for v in row]
        if ref and _sheet(book, sheet_name) is not None and is_ref(ref):
            row[4] = _hyperlink(sheet_name, ref)
            links += 1
        rows.append(row)
    rows += [[_literal(v) for v in row] for row in plan.note_rows()]
    sheet = _sheet(book, FINDINGS_SHEET)
    if sheet is None:
        record = _sheet(book, RECORD_SHEET)
        if record is not None:
            sheet = book.sheets.add(FINDINGS_SHEET, before=record)
        else:
            sheet = book.sheets.add(FINDINGS_SHEET, after=book.sheets[-1])
    else:
        sheet.clear()
    sheet["A1"].value = rows
    sheet.range((1, 1), (header_row, width)).font.bold = True
    _set_colours(sheet, colours)
    if links:
        sheet.range((FINDINGS_FIRST_ROW, 5), (len(rows), 5)).font.color = LINK_COLOUR
    sheet.autofit("columns")  # (no frozen header row: one call more than the budget allows)


def _record_sheet(book, entries: list[Entry]) -> None:
    rows = [list(RECORD_HEADER)] + [[_literal(v) for v in e.row()] for e in entries]
    sheet = _sheet(book, RECORD_SHEET)
    if sheet is None:
        sheet = book.sheets.add(RECORD_SHEET, after=book.sheets[-1])
        sheet["A1"].value = rows
        sheet.visible = False
        return
    # Blank out what is left of a longer previous record in the same call.
    used = sheet.used_range
    height = max(len(rows), used.row + used.shape[0] - 1)
    width = len(RECORD_HEADER)
    padded = [row + [""] * (width - len(row)) for row in rows]
    padded += [[""] * width for _ in range(height - len(rows))]
    sheet["A1"].value = padded


def _activate(book, name: str) -> None:
    sheet = _sheet(book, name)
    if sheet is not None and _visible(sheet) and book.sheets.active.name != name:
        sheet.activate()


# --- small helpers -----------------------------------------------------------------------------


def _sheet(book, name: str):
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


def _hyperlink(sheet_name: str, ref: str) -> str:
    target = f"#'{sheet_name.replace(chr(39), chr(39) * 2)}'!{ref}".replace('"', '""')
    return f'=HYPERLINK("{target}","{ref}")'


def _literal(value: Any) -> Any:
    """A value as Excel must store it: text stays text (Excel would turn "001", "5月31日",
    "TRUE" or "=x" into something else), so text gets the apostrophe prefix Excel hides —
    except text starting with a Chinese character, which Excel never converts. Control
    characters from a submission are shown, not written (see `safe_text`)."""
    if isinstance(value, str) and value:
        value = visible(value)
        return value if _starts_with_hanzi(value) else "'" + value
    return value


def _starts_with_hanzi(text: str) -> bool:
    return unicodedata.name(text[0], "").startswith("CJK UNIFIED IDEOGRAPH")
