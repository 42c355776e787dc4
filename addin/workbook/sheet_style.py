"""The look shared by the blank templates (附件1–3): styles and the blocks every sheet repeats.

Each template starts with the attachment line in A1 and the title merged across row 2, has one
bold, shaded, bordered header row, a bordered body, a merged note under the table and a header
row that stays visible and prints on every page.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..writes import ConditionalFill
from .print_layout import (  # noqa: F401 — re-exported for the templates and the report
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    LANDSCAPE_WIDTH,
    LINE_HEIGHT,
    PAGE_FOOTER,
    PORTRAIT_WIDTH,
    PRINTABLE_HEIGHT,
    needs_landscape,
    text_width,
    wrapped_height,
)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells a distributed form opens
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


def column_width(ws: Worksheet, column: int) -> float:
    width = ws.column_dimensions[get_column_letter(column)].width
    return float(width) if width else DEFAULT_WIDTH


def sheet_width(ws: Worksheet) -> float:
    """Width of the used columns in column-width units."""
    return sum(column_width(ws, c) for c in range(1, ws.max_column + 1))


def print_setup(
    ws: Worksheet,
    landscape: bool | None = None,
    title_rows: str | None = None,
    name_in_footer: bool = False,
) -> None:
    """A4, all columns on one page width (the fit-to-page flag on, any number of pages high),
    page numbers in the footer; `landscape` None: landscape when the used columns are wider
    than a portrait page. `title_rows` ("3:3") print on every page; `name_in_footer` prints
    the sheet's name at the left of the footer (a printed report of several tables)."""
    if landscape is None:
        landscape = needs_landscape(sheet_width(ws))
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # also on write-only sheets
    # Without the flag Excel and LibreOffice ignore fitToWidth and print at 100 %.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = PAGE_FOOTER
    if name_in_footer:
        ws.oddFooter.left.text = "&A"
    if title_rows:
        ws.print_title_rows = title_rows


def a4_portrait_one_page_wide(ws: Worksheet) -> None:
    """Print on A4 portrait, one page wide, as the plan prints its tables."""
    print_setup(ws, landscape=False)


# One palette for grades wherever they are drawn or shaded: (chart colour, light cell fill).
GOOD = ("70AD47", "C6EFCE")
MIDDLE = ("FFC000", "FFEB9C")
BAD = ("E0403A", "FFC7CE")
NO_GRADE = ("A5A5A5", "EDEDED")


def grade_colours(grades: Sequence[str], unknown: str, light: bool = False) -> dict[str, str]:
    """Colour by rank, since the names come from the spec: the best grade green, the worst red,
    those between amber, and `unknown` (no grade could be given) grey."""
    pick = 1 if light else 0
    colours = {name: MIDDLE[pick] for name in grades}
    if grades:
        colours[grades[-1]] = BAD[pick]
        colours[grades[0]] = GOOD[pick]
    colours[unknown] = NO_GRADE[pick]
    return colours


def fit_row_heights(ws: Worksheet, rows: Iterable[int]) -> None:
    """Give each row the height its wrapped cells need (merged across columns: their summed
    width); a row only grows, so a height someone chose for more room stays."""
    spans = {
        (area.min_row, area.min_col): (area.max_col, area.max_row > area.min_row)
        for area in ws.merged_cells.ranges
    }
    last_col = ws.max_column  # once: `ws[r]` works it out over every cell for each row
    for r in rows:
        needed = 0.0
        (cells,) = ws.iter_rows(min_row=r, max_row=r, max_col=last_col)
        for cell in cells:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            last, tall = spans.get((r, cell.column), (cell.column, False))
            if tall:
                continue  # a cell merged down several rows has their height to itself
            width = sum(column_width(ws, c) for c in range(cell.column, last + 1))
            needed = max(needed, wrapped_height(str(cell.value), width))
        current = ws.row_dimensions[r].height
        if needed > max(current or 0, LINE_HEIGHT + 2):  # one line: the default height
            ws.row_dimensions[r].height = needed


def add_conditional_fill(ws: Worksheet, rule: ConditionalFill) -> None:
    """A colour rule Excel re-evaluates after every edit (templates and copies alike)."""
    fill = PatternFill(start_color=rule.fill, end_color=rule.fill, fill_type="solid")
    font = Font(color=rule.font) if rule.font else None
    ws.conditional_formatting.add(
        rule.ref, FormulaRule(formula=[rule.formula], fill=fill, font=font)
    )
