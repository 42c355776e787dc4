"""Run the checks on a workbook built in memory, without saving and re-reading a file.

The same pure path as `check_path` after its calamine read: cell values, merged ranges and
sheet visibility become plain `WorkbookData` for `evaluate_workbook`. Fast enough to pin every
boundary of the checks and to serve as the selected tests of mutation testing.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from addin.engine import Evaluation, evaluate_workbook
from addin.report.model import FileReport
from addin.spec import SpecSet
from addin.workbook.model import Merge, SheetData, WorkbookData


def workbook_data(wb: Workbook, path: str = "内存.xlsx") -> WorkbookData:
    """What the file reader would hand the checks (the tests write values, never formulas)."""
    sheets = []
    for ws in wb.worksheets:
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        merges = [
            Merge(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in ws.merged_cells.ranges
        ]
        sheets.append(SheetData(ws.title, rows, merges, hidden=ws.sheet_state != "visible"))
    return WorkbookData(path, sheets)


def evaluation(
    wb: Workbook, specs: SpecSet, as_of: date | None = None, year: int | None = None
) -> Evaluation:
    return evaluate_workbook(workbook_data(wb), specs, as_of=as_of, year=year)


def report(
    wb: Workbook, specs: SpecSet, as_of: date | None = None, year: int | None = None
) -> FileReport:
    return evaluation(wb, specs, as_of=as_of, year=year).report
