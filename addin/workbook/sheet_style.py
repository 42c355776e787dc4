"""The look shared by the blank templates (附件1–3): styles and the blocks every sheet repeats.

Each template starts with the attachment line in A1 and the title merged across row 2, has one
bold, shaded, bordered header row, a bordered body, a merged note under the table and a header
row that stays visible and prints on every page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
BOLD = Font(bold=True)


def title_rows(ws: Worksheet, attachment: str, title: str, width: int) -> None:
    """The attachment line in A1 and the title centred across the `width` columns of row 2."""
    ws["A1"] = attachment
    ws.merge_cells(f"A2:{get_column_letter(width)}2")
    ws["A2"] = title
    ws["A2"].font = TITLE_FONT
    ws["A2"].alignment = CENTER
    ws.row_dimensions[2].height = 30


def header_cells(
    ws: Worksheet, row: int, columns: Iterable[tuple[str, int]], computed: Collection[str] = ()
) -> None:
    """Bold, bordered, centred header cells: (label, 1-based column) pairs; `computed` ones grey."""
    for label, c in columns:
        cell = ws.cell(row, c, label)
        cell.font = BOLD
        cell.fill = COMPUTED_FILL if label in computed else HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER


def bordered(ws: Worksheet, rows: range, columns: range) -> Iterator[tuple[int, int, Cell]]:
    """The cells of a block row by row as (row, column, cell), each given the thin border."""
    for r in rows:
        for c in columns:
            cell = ws.cell(r, c)
            cell.border = BORDER
            yield r, c, cell


def merged_note(ws: Worksheet, row: int, width: int, text: str) -> Cell:
    """A wrapped note merged across the `width` columns of `row`."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = ws.cell(row, 1, text)
    cell.alignment = WRAP
    return cell


def keep_header(ws: Worksheet, header: int, column: int = 1) -> None:
    """Freeze the panes below the header row (and left of `column`); print it on every page."""
    ws.freeze_panes = ws.cell(header + 1, column)
    ws.print_title_rows = f"{header}:{header}"


def a4_portrait_one_page_wide(ws: Worksheet) -> None:
    """Print on A4 portrait, one page wide, as the plan prints its tables."""
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def wrapped_height(text: str, widths_chars: int) -> float:
    """Row height (points) that shows wrapped text whole; a CJK character is two columns wide."""
    columns = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    lines = max(1, -(-columns // widths_chars))
    return 16.0 * lines + 2
