"""The one way Jiceng's openpyxl writers put a value that may come from a submission into a cell.

Every user-derived value in every workbook we produce (report, 校验结果, notes, the record
sheet, computed cells in copies) goes through `put` / `append` / `note_text`: control characters
become visible (openpyxl would refuse the workbook), and formula-like text is stored as a
string cell with Excel's quote prefix — shown as typed, and still text when someone edits the
cell. Formulas Jiceng writes itself go through `put_formula`, the only place that makes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from ..safe_text import looks_like_formula, safe_value, visible


def put(cell: Cell, value: Any) -> Cell:
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and looks_like_formula(value):
        _as_text(cell)
    return cell


def append(ws: Worksheet, values: Iterable[Any]) -> None:
    """ws.append for a row of values that may come from a submission."""
    row = [safe_value(v) for v in values]
    ws.append(row)
    r = ws.max_row
    for c, value in enumerate(row, start=1):
        if isinstance(value, str) and looks_like_formula(value):
            _as_text(ws.cell(r, c))


def put_formula(cell: Cell, formula: str) -> Cell:
    """A formula Jiceng wrote (never text from a file)."""
    cell.value = formula if formula.startswith("=") else f"={formula}"
    return cell


def note_text(text: str) -> str:
    return visible(text)


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True
