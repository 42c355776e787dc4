"""Build the JSON that xlwings' Office.js client sends, from a real .xlsx file.

The remote engine (``xw.Book(json=payload)``) only knows what the client sends: cell
*values* of every sheet (no formats, no formulas), plus structure: sheet names and
order, visibility, tables, defined names, which cells carry a note. This module
produces exactly that from a file on disk:

* cached cell values (formula results included) come from python-calamine, the way
  Excel has them in the file (a formula without a cached value reads as empty);
* error values, notes, tables, names, visibility, selection come from openpyxl.

Conversions follow the client:

* ``values`` is a 2D list anchored at A1 and reaching the last cell of the used range,
  padded to a rectangle; empty cells (and merged cells other than the top-left one)
  are ``""``;
* whole numbers are JSON integers (``5``, not ``5.0``): JavaScript has one number type
  and ``JSON.stringify(5.0) == "5"``, so the remote engine reads them back as ``int``;
* date/time cells become ``new Date(...).toISOString()`` strings such as
  ``"2024-03-01T00:00:00.000Z"``, which the remote engine turns into ``datetime``;
* error cells are their text (``"#DIV/0!"``), read back as ``None`` by default.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.merge import MergedCellRange

from . import ensure_remote_engine

xw = ensure_remote_engine()

CLIENT = "Office.js"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_CALCULATION = {
    "auto": "Automatic",
    "manual": "Manual",
    "autoNoTable": "AutomaticExceptTables",
}
# Excel writes a legacy note next to every threaded comment for older readers.
_THREADED_PLACEHOLDER = re.compile(r"^\[Threaded comment\]")


def _iso_z(value: dt.datetime) -> str:
    """Format like JavaScript's ``Date.prototype.toISOString()`` (millisecond precision)."""
    value = value.replace(tzinfo=None)
    millis = round(value.microsecond / 1000)
    value = value.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond // 1000:03d}Z"


def to_client_value(value: Any) -> Any:
    """Convert one python-calamine cell value to what the Office.js client sends."""
    if value is None:
        return ""
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return int(value)
        return value
    if isinstance(value, dt.datetime):
        return _iso_z(value)
    if isinstance(value, dt.date):
        return _iso_z(dt.datetime.combine(value, dt.time()))
    if isinstance(value, dt.time):
        return _iso_z(dt.datetime.combine(_EXCEL_EPOCH.date(), value))
    if isinstance(value, dt.timedelta):
        return _iso_z(_EXCEL_EPOCH + value)
    return str(value)


def _address(min_row: int, min_col: int, max_row: int, max_col: int) -> str:
    first = f"{get_column_letter(min_col)}{min_row}"
    if (min_row, min_col) == (max_row, max_col):
        return first
    return f"{first}:{get_column_letter(max_col)}{max_row}"


def _strip_sheet(reference: str) -> str:
    """``"'评分'!$A$1:$B$2"`` -> ``"$A$1:$B$2"`` (each comma-separated area)."""
    return ",".join(part.rsplit("!", 1)[-1] for part in reference.split(","))


def _sheet_extent(ws, cal_rows: list[list[Any]]) -> tuple[int, int, int, int] | None:
    """Used range as (min_row, min_col, max_row, max_col), 1-based, or None if empty.

    Like Excel's used range, it covers cells with a value, a formula *or* formatting
    and merged areas - not only calamine's data cells.
    """
    points: list[tuple[int, int]] = []
    for r, row in enumerate(cal_rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in ("", None):
                points.append((r, c))
    # Every cell stored in the file counts: Excel only stores cells that have a value,
    # a formula (possibly without cached result) or formatting.
    points.extend(getattr(ws, "_cells", {}).keys())
    for merged in ws.merged_cells.ranges:
        points.append((merged.min_row, merged.min_col))
        points.append((merged.max_row, merged.max_col))
    if not points:
        return None
    rows = [p[0] for p in points]
    cols = [p[1] for p in points]
    return min(rows), min(cols), max(rows), max(cols)


def _sheet_values(ws, cal_rows: list[list[Any]], extent) -> list[list[Any]]:
    if extent is None:
        return [[""]]
    _, _, max_row, max_col = extent
    values = [["" for _ in range(max_col)] for _ in range(max_row)]
    for r, row in enumerate(cal_rows[:max_row]):
        for c, value in enumerate(row[:max_col]):
            values[r][c] = to_client_value(value)
    # python-calamine reads cached error values as "": the client sends "#DIV/0!" etc.
    for (r, c), cell in getattr(ws, "_cells", {}).items():
        if cell.data_type == "e" and r <= max_row and c <= max_col:
            values[r - 1][c - 1] = str(cell.value)
    return values


def _tables(ws) -> list[dict[str, Any]]:
    tables = []
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        headers = table.headerRowCount if table.headerRowCount is not None else 1
        totals = table.totalsRowCount or 0
        body_first = min_row + headers
        body_last = max_row - totals
        style = table.tableStyleInfo
        tables.append(
            {
                "name": table.displayName or table.name,
                "range_address": _address(min_row, min_col, max_row, max_col),
                "header_row_range_address": (
                    _address(min_row, min_col, min_row, max_col) if headers else None
                ),
                "data_body_range_address": (
                    _address(body_first, min_col, body_last, max_col)
                    if body_last >= body_first
                    else None
                ),
                "total_row_range_address": (
                    _address(max_row, min_col, max_row, max_col) if totals else None
                ),
                "show_headers": bool(headers),
                "show_totals": bool(totals),
                "table_style": style.name if style is not None and style.name else "",
                "show_autofilter": table.autoFilter is not None,
                "show_table_style_first_column": bool(style and style.showFirstColumn),
                "show_table_style_last_column": bool(style and style.showLastColumn),
                "show_table_style_row_stripes": bool(style and style.showRowStripes),
                "show_table_style_column_stripes": bool(style and style.showColumnStripes),
                "columns": [column.name for column in table.tableColumns],
                "row_count": max_row - min_row + 1,
                "column_count": max_col - min_col + 1,
            }
        )
    return tables


def _notes(ws) -> list[dict[str, str]]:
    notes = []
    for (r, c), cell in sorted(getattr(ws, "_cells", {}).items()):
        comment = cell.comment
        if comment is None or _THREADED_PLACEHOLDER.match(comment.text or ""):
            continue
        # The client only says *where* notes are; their text is fetched on demand.
        notes.append({"address": f"{get_column_letter(c)}{r}"})
    return notes


def _name_entry(defined_name, sheet_names: list[str], scope_index: int | None):
    refers_to = "=" + (defined_name.attr_text or "")
    sheet_index = address = None
    try:
        destinations = list(defined_name.destinations)
    except Exception:  # a formula or constant, not a reference
        destinations = []
    if len(destinations) == 1 and destinations[0][0] in sheet_names:
        title, coordinate = destinations[0]
        sheet_index = sheet_names.index(title)
        address = coordinate.replace("$", "").upper()
    return {
        "name": defined_name.name,
        "sheet_index": sheet_index,
        "address": address,
        "book_scope": scope_index is None,
        "scope_sheet_name": None if scope_index is None else sheet_names[scope_index],
        "scope_sheet_index": scope_index,
        "refers_to": refers_to,
    }


def _names(wb, sheet_names: list[str]) -> list[dict[str, Any]]:
    names = []
    for defined_name in wb.defined_names.values():
        if not defined_name.name.startswith("_xlnm."):
            names.append(_name_entry(defined_name, sheet_names, None))
    for index, ws in enumerate(wb.worksheets):
        for defined_name in ws.defined_names.values():
            if not defined_name.name.startswith("_xlnm."):
                names.append(_name_entry(defined_name, sheet_names, index))
    return names


def _selection(ws) -> str:
    try:
        sqref = str(ws.sheet_view.selection[0].sqref or "A1")
    except (IndexError, AttributeError):
        return "A1"
    return sqref.split()[0] or "A1"


def _as_set(names: str | Iterable[str] | None) -> set[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        return {name.strip() for name in names.split(",") if name.strip()}
    return set(names)


def payload_from_xlsx(
    path: str | PathLike[str],
    *,
    active_sheet: int | str | None = None,
    selection: str | None = None,
    include: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    notes_supported: bool = True,
) -> dict[str, Any]:
    """Return the request payload the Office.js client would send for this workbook.

    Args:
        path: .xlsx/.xlsm file. It is only read.
        active_sheet: override the active sheet (0-based index or name); defaults to
            the sheet that is active in the file.
        selection: override the selected address (e.g. ``"B2"``) of the active sheet.
        include / exclude: like ``@script(include=..., exclude=...)``: sheets that are
            not loaded are sent with ``values == [[]]`` (structure only).
        notes_supported: what ``Office.context.requirements.isSetSupported("ExcelApi",
            "1.18")`` answers on the host; without it the client sends no note locations
            and xlwings refuses every note write (Excel 2016/2019, older Excel for Mac).
    """
    path = Path(path)
    include_set, exclude_set = _as_set(include), _as_set(exclude)
    if include_set is not None and exclude_set is not None:
        raise ValueError("Either use 'include' or 'exclude', but not both!")
    # The same bytes under the same name give the same payload: tests press several buttons
    # on one file, and reading it (openpyxl's styles of merged cells) costs most of a click.
    key = (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        path.name,
        active_sheet,
        selection,
        tuple(sorted(include_set)) if include_set is not None else None,
        tuple(sorted(exclude_set)) if exclude_set is not None else None,
        notes_supported,
    )
    if key not in _PAYLOADS:
        _PAYLOADS[key] = _payload(
            path, active_sheet, selection, include_set, exclude_set, notes_supported
        )
    return json.loads(_PAYLOADS[key])  # a fresh copy for each book


_PAYLOADS: dict[tuple, str] = {}


@contextmanager
def merged_cells_unstyled() -> Iterator[None]:
    """openpyxl without copying each merged area's borders (and protection) onto its covered
    cells while it reads: the client sends neither, and that copying is most of the reading
    (a rubric has hundreds of merged areas). The covered cells are still there, empty. Only for
    books that are read, never saved (a saved one would lose those borders)."""
    format_ = MergedCellRange.format
    MergedCellRange.format = lambda self: None
    try:
        yield
    finally:
        MergedCellRange.format = format_


def _payload(
    path: Path,
    active_sheet: int | str | None,
    selection: str | None,
    include_set: set[str] | None,
    exclude_set: set[str] | None,
    notes_supported: bool,
) -> str:
    """payload_from_xlsx's payload, as its JSON text."""
    # data_only=True: formulas are replaced by their cached results, errors included.
    with merged_cells_unstyled():
        wb = openpyxl.load_workbook(path, data_only=True)
    cal = python_calamine.CalamineWorkbook.from_path(str(path))
    worksheets = wb.worksheets
    sheet_names = [ws.title for ws in worksheets]

    if active_sheet is None:
        active_index = worksheets.index(wb.active) if wb.active in worksheets else 0
    elif isinstance(active_sheet, str):
        active_index = sheet_names.index(active_sheet)
    else:
        active_index = int(active_sheet)

    sheets = []
    for ws in worksheets:
        loaded = (include_set is None or ws.title in include_set) and (
            exclude_set is None or ws.title not in exclude_set
        )
        cal_rows = cal.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        extent = _sheet_extent(ws, cal_rows)
        values = _sheet_values(ws, cal_rows, extent) if loaded else [[]]
        print_area = ws.print_area
        sheets.append(
            {
                "name": ws.title,
                "values": values,
                "used_range_address": _address(*extent) if extent else None,
                "visibility": _VISIBILITY.get(ws.sheet_state, "Visible"),
                "show_gridlines": ws.sheet_view.showGridLines is not False,
                "print_area": _strip_sheet(print_area) if print_area else None,
                "pictures": [],
                "shapes": [],
                "charts": [],
                "tables": _tables(ws) if loaded else [],
                "pivot_tables": [],
                "notes": _notes(ws) if notes_supported else [],
                "notes_supported": notes_supported,
                "used_range_row_count": extent[2] - extent[0] + 1 if extent else 1,
                "used_range_column_count": extent[3] - extent[1] + 1 if extent else 1,
            }
        )

    calc_mode = getattr(getattr(wb, "calculation", None), "calcMode", None) or "auto"
    payload = {
        "client": CLIENT,
        "version": xw.__version__,
        "book": {
            "name": path.name,
            "active_sheet_index": active_index,
            "selection": selection or _selection(worksheets[active_index]),
            "calculation": _CALCULATION.get(calc_mode, "Automatic"),
        },
        "names": _names(wb, sheet_names),
        "sheets": sheets,
    }
    # What travels over the wire is JSON: fail here, not in the engine, if it isn't.
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def _excel_serial(value: dt.date) -> float:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def _as_argument(value: Any) -> Any:
    """One custom-function argument as Excel sends it: a 2D matrix of cell values."""
    if value is None or isinstance(value, list):
        return value  # omitted optional argument / a range (or a vararg's list of them)
    if isinstance(value, dt.date):
        value = _excel_serial(value)  # cells hold serials; only hints make them dates
    return [[value]]


def function_call_payload(
    func_name: str,
    *args: Any,
    book_name: str = "Book1.xlsx",
    caller_address: str | None = "Sheet1!A1",
    culture_info_name: str = "zh-CN",
    date_format: str = "yyyy/m/d",
    runtime: str = "1.4",
) -> dict[str, Any]:
    """The ``data`` the xlwings custom-functions JS posts to ``custom_functions_call``.

    Each positional argument becomes what Excel passes for one parameter: a scalar
    ``x`` -> ``[[x]]`` (dates -> Excel serial numbers), a 2D list -> a range as is,
    ``None`` -> an omitted optional argument. For a ``*args`` parameter pass one list
    holding a matrix per value, e.g. ``[[[1]], [[2]]]``.
    """
    return {
        "client": CLIENT,
        "func_name": func_name,
        "args": [_as_argument(arg) for arg in args],
        "caller_address": f"[{book_name}]{caller_address}" if caller_address else None,
        "session_id": None,
        "culture_info_name": culture_info_name,
        "date_format": date_format,
        "version": xw.__version__,
        "runtime": runtime,
    }


def book_from_xlsx(path: str | PathLike[str], **kwargs: Any):
    """``xw.Book(json=payload_from_xlsx(path, **kwargs))`` on the remote engine."""
    return xw.Book(json=payload_from_xlsx(path, **kwargs))
