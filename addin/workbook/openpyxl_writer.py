"""Fill adapter: apply a `WritePlan` to a copy of a workbook file with openpyxl.

The original is only read. Marks (fill colour + note) are recorded in the hidden `_jiceng`
sheet with what the cell looked like before, so the next run (or 清除标记) restores exactly
that and nothing else — which also makes `fill` idempotent.

A computed value aimed at a cell holding the person's formula is not written: the formula
stays (its cached value was checked, and a wrong one is marked). A write or mark aimed inside
a merged area goes to the area's top-left cell, the only one Excel shows.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_atomically
from ..writes import (
    FILL_COLOURS,
    FINDINGS_FIRST_ROW,
    FINDINGS_HEADER,
    FINDINGS_HEADER_FILL,
    FINDINGS_SHEET,
    FINDINGS_WIDTHS,
    LEVEL_FILL,
    RECORD_HEADER,
    RECORD_SHEET,
    ConditionalFill,
    WritePlan,
)
from . import own_output
from .model import UnreadableWorkbook, WorkbookData, parse_ref
from .safe_cells import append, note_text, put
from .sheet_style import (
    PAGE_FOOTER,
    add_conditional_fill,
    fit_row_heights,
    needs_landscape,
    print_setup,
    sheet_width,
)

AUTHOR = "Jiceng"


class CopyFormatMismatch(UnreadableWorkbook):
    """The copy's file type cannot hold what the original is (e.g. no macros → .xlsm)."""


def fill_file(
    src: Path | str,
    dst: Path | str,
    plan: WritePlan,
    data: WorkbookData | None = None,
    mark: str = own_output.COPY,
) -> None:
    """Write `plan` onto a copy of `src` at `dst`.

    .xlsm → .xlsm keeps the macros; .xlsm → .xlsx drops them (what Excel's “另存为 .xlsx”
    does: an .xlsx must not carry macros, Excel refuses to open one that does); .xlsx → .xlsm
    is refused, since a workbook without macros saved under .xlsm is rejected by Excel too.
    `mark`: what the copy is (`own_output`): check and batch skip it until a person saves it.
    """
    src, dst = Path(src), Path(dst)
    src_macros, dst_macros = src.suffix.lower() == ".xlsm", dst.suffix.lower() == ".xlsm"
    if dst_macros and not src_macros:
        raise CopyFormatMismatch(
            f"{src.name} 不含宏，副本不能存为 .xlsm（Excel 会拒绝打开），请改用 .xlsx 扩展名"
        )
    try:
        wb = load_workbook(src, keep_vba=src_macros and dst_macros, rich_text=True)
    except Exception as exc:  # openpyxl raises many types for odd files
        raise UnreadableWorkbook(f"无法用 openpyxl 打开以写入副本（{exc}）") from exc
    clear_marks(wb)
    apply_plan(wb, plan, data)
    _save_atomically(wb, dst, mark)


def clear_marks(wb: Workbook) -> int:
    """Undo what the record says Jiceng marked; drop the findings and record sheets."""
    restored = 0
    if RECORD_SHEET in wb.sheetnames:
        record = wb[RECORD_SHEET]
        rows = [(list(r) + [None] * 7)[:7] for r in record.iter_rows(min_row=2, values_only=True)]
        for kind, sheet, _ref, _fill, _note, _original, written in rows:
            if kind == "conditional" and sheet in wb.sheetnames and written:
                remove_conditional_fills(wb[sheet], {str(written)})
        for kind, sheet, ref, fill, note, *_ in rows:
            # "fill": a live book (xlwings) marked the colour only and left the cell's own note.
            if kind not in ("mark", "fill") or sheet not in wb.sheetnames or not ref:
                continue
            cell = wb[sheet][ref]
            cell.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill(fill_type=None)
            if kind == "mark":
                cell.comment = Comment(note_text(note), AUTHOR) if note else None
            restored += 1
        del wb[RECORD_SHEET]
    if FINDINGS_SHEET in wb.sheetnames:
        del wb[FINDINGS_SHEET]
    return restored


def apply_plan(wb: Workbook, plan: WritePlan, data: WorkbookData | None = None) -> None:
    """`data` (what was read, with cached formula values) lets the copy remember those values:
    openpyxl writes formulas without their results."""
    overwritten: list[list] = []
    family = font_family(wb)
    for w in plan.writes:
        if w.sheet not in wb.sheetnames:
            continue
        cell = _target(wb[w.sheet], w.row, w.col)
        if _is_formula(cell):
            continue  # the person's formula stays; check already compared its cached value
        put(cell, w.value)
        _named_font(cell, family)
        if w.replaces is not None:
            overwritten.append(["overwrite", w.sheet, cell.coordinate, "", "", w.replaces, w.value])
    record: list[list] = []
    marked: set[tuple[str, str]] = set()
    for mark in plan.marks:
        if mark.sheet not in wb.sheetnames:
            continue
        cell = _target(wb[mark.sheet], mark.row, mark.col)
        if (mark.sheet, cell.coordinate) in marked:
            # Two marks in one merged area: one record (the original look), both messages.
            cell.comment = Comment(
                note_text(f"{cell.comment.text}\n{mark.note}"), AUTHOR, width=320, height=120
            )
            continue
        marked.add((mark.sheet, cell.coordinate))
        old_fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else ""
        old_note = cell.comment.text if cell.comment else ""
        record.append(
            [
                "mark",
                mark.sheet,
                cell.coordinate,
                old_fill if isinstance(old_fill, str) else "",
                old_note,
                "",
                "",
            ]
        )
        cell.fill = PatternFill("solid", fgColor=FILL_COLOURS[mark.severity])
        text = f"{old_note}\n\n{mark.note}" if old_note else mark.note
        cell.comment = Comment(note_text(text), AUTHOR, width=320, height=120)
    record += overwritten
    touched: dict[str, set[int]] = {}
    for item in (*plan.writes, *plan.marks):
        touched.setdefault(item.sheet, set()).add(item.row + 1)
    for sheet, rows in touched.items():
        if sheet in wb.sheetnames:
            _print_ready_where_missing(wb[sheet], rows)
    record += _formula_values(wb, data)
    record += _apply_conditional(wb, plan.conditional)
    _findings_sheet(wb, plan)
    _record_sheet(wb, record)


def _print_ready_where_missing(ws: Worksheet, rows: set[int]) -> None:
    """What the submitter's sheet leaves unset: A4, fitting one page width (unless a scale was
    chosen), an orientation by its width, page numbers (unless it has a footer). Rows Jiceng
    wrote to grow to show their wrapped text. A setting the file has is never changed."""
    setup = ws.page_setup
    if setup.paperSize is None:
        setup.paperSize = ws.PAPERSIZE_A4
    if setup.orientation in (None, "default"):
        setup.orientation = "landscape" if needs_landscape(sheet_width(ws)) else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    # An old template set fitToWidth without the flag that makes it count: the flag honours it.
    if not ws.sheet_properties.pageSetUpPr.fitToPage and setup.scale in (None, 100):
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0
    footer = ws.oddFooter
    if not any(part.text for part in (footer.left, footer.center, footer.right)):
        footer.center.text = PAGE_FOOTER
    fit_row_heights(ws, sorted(rows))


def _formula_values(wb: Workbook, data: WorkbookData | None) -> list[list]:
    """Record lines "formula": the cached result of every formula cell, so reading the copy
    (which has no cached results) gives what reading the original gave."""
    if data is None:
        return []
    lines = []
    for ws in wb.worksheets:
        sheet = data.sheet(ws.title)
        if sheet is None or ws.title in (FINDINGS_SHEET, RECORD_SHEET):
            continue
        # The cells that exist, not every cell of the sheet's dimension: iter_rows() would
        # create (and save) a million empty cells for one far cell or a Gnumeric dimension.
        for (r, c), cell in sorted(ws._cells.items()):
            if cell.data_type == "f":
                value = sheet.value(r - 1, c - 1)
                lines.append(["formula", ws.title, cell.coordinate, "", "", value, ""])
    return lines


def _target(ws: Worksheet, row: int, col: int):
    """The cell at 0-based (row, col), or the top-left cell of the merged area holding it."""
    cell = ws.cell(row + 1, col + 1)
    if isinstance(cell, MergedCell):
        for area in ws.merged_cells.ranges:
            if area.min_row <= row + 1 <= area.max_row and area.min_col <= col + 1 <= area.max_col:
                return ws.cell(area.min_row, area.min_col)
    return cell


def _is_formula(cell) -> bool:
    value = cell.value
    return cell.data_type == "f" or (isinstance(value, str) and value.startswith("="))


def _apply_conditional(wb: Workbook, rules: list[ConditionalFill]) -> list[list]:
    """Add the plan's colour rules, first removing any rule with the same formula on the sheet
    (added by an earlier run or by the blank template): re-running never stacks rules."""
    record: list[list] = []
    by_sheet: dict[str, list[ConditionalFill]] = {}
    for rule in rules:
        if rule.sheet in wb.sheetnames:
            by_sheet.setdefault(rule.sheet, []).append(rule)
    for sheet, sheet_rules in by_sheet.items():
        ws = wb[sheet]
        remove_conditional_fills(ws, {r.formula for r in sheet_rules})
        for rule in sheet_rules:
            add_conditional_fill(ws, rule)
            record.append(["conditional", sheet, rule.ref, "", "", "", rule.formula])
    return record


def remove_conditional_fills(ws: Worksheet, formulas: set[str]) -> int:
    """Drop the conditional-format rules whose (single) formula is one of `formulas`."""
    kept = ConditionalFormattingList()
    removed = 0
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if list(rule.formula or [])[:1] and rule.formula[0] in formulas:
                removed += 1
            else:
                kept.add(str(cf.sqref), rule)
                kept.max_priority = max(kept.max_priority, rule.priority or 0)
    ws.conditional_formatting = kept
    return removed


def font_family(wb: Workbook) -> str:
    """The workbook's own font (its default, the Normal style's): everything Jiceng writes in a
    copy uses it. A font without a name prints in a serif fallback in WPS and LibreOffice."""
    default = wb._fonts[0] if len(wb._fonts) else None
    return (default.name if default is not None else None) or "Calibri"


def _named_font(cell, family: str) -> None:
    """A written cell whose font names no family gets the workbook's (size, colour kept)."""
    if not cell.font or not cell.font.name:
        font = copy(cell.font) if cell.font else Font()
        font.name = family
        cell.font = font


def _findings_sheet(wb: Workbook, plan: WritePlan) -> None:
    """The summary line, then the table: message first, the level coloured like the marks, a
    link to each cell, the code last; printable on A4 with its header on every page. One font
    family, the workbook's, for every cell."""
    family = font_family(wb)
    ws = wb.create_sheet(FINDINGS_SHEET)
    ws.append([plan.findings_summary()])
    ws["A1"].font = Font(name=family, bold=True, size=12)
    ws.append(FINDINGS_HEADER)
    for cell in ws[2]:
        cell.font = Font(name=family, bold=True)
        cell.fill = PatternFill("solid", fgColor=FINDINGS_HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in plan.findings_rows():
        append(ws, row)
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name=family)
        colour = LEVEL_FILL.get(row[1])
        if colour:
            ws.cell(r, 2).fill = PatternFill("solid", fgColor=colour)
        ws.cell(r, len(row)).font = Font(name=family, size=8, color="595959")  # for look-ups
        sheet, ref = row[3], row[4]
        if sheet in wb.sheetnames and ref:
            try:
                parse_ref(ref)
            except ValueError:
                continue
            link = ws.cell(r, 5)
            quoted = sheet.replace("'", "''")  # a quote in a sheet name is doubled in a reference
            link.hyperlink = f"#'{quoted}'!{ref}"
            link.font = Font(name=family, color="0563C1", underline="single")
    last_finding = ws.max_row
    for row in plan.note_rows():  # e.g. each branch's 薄弱环节, under the filtered table
        append(ws, row)
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name=family)
    for i, width in enumerate(FINDINGS_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(FINDINGS_FIRST_ROW, 1)
    ws.auto_filter.ref = f"A{FINDINGS_FIRST_ROW - 1}:G{last_finding}"
    fit_row_heights(ws, range(FINDINGS_FIRST_ROW, ws.max_row + 1))
    header = FINDINGS_FIRST_ROW - 1
    print_setup(ws, title_rows=f"{header}:{header}", name_in_footer=True)


def _record_sheet(wb: Workbook, record: list[list]) -> None:
    ws = wb.create_sheet(RECORD_SHEET)
    ws.append(RECORD_HEADER)
    for row in record:
        append(ws, row)
    ws.sheet_state = "hidden"


def _save_atomically(wb: Workbook, dst: Path, mark: str) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(dst, lambda temp: own_output.save_marked(wb, temp, mark))
