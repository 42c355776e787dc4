"""Execute the actions of ``book.json()`` on a copy of an .xlsx file with openpyxl.

On the remote engine every write is queued as an *action*; the Office.js client runs
them in order against Excel. :func:`replay_actions` does the same against a workbook
file, so that a test can reopen the result and check values, fills, notes and sheets.

Every action carries::

    {"func": "setValues", "args": [...], "values": [[...]] | None,
     "sheet_position": 0-based sheet index | None,
     "start_row": 0-based, "start_column": 0-based, "row_count": n, "column_count": n}

Positions refer to the workbook *as it is when the action runs* (the engine tracks
added, moved and deleted sheets), so actions must be applied strictly in order.

Writes are interpreted the way Excel interprets a value written through Office.js
(``range.values = ...``), unless ``excel_coercion=False``: ``""`` empties the cell,
text that looks like a number, a boolean, a percentage or a date (``2024-03-01``,
``2024/3/1``, ``2024-03-01 10:30:00``) becomes that value - the remote engine sends
``date``/``datetime`` values as exactly such strings -,
text starting with ``=`` becomes a formula, a leading apostrophe or a text number
format (``"@"``) keeps text as text.

Unknown actions raise :class:`UnsupportedActionError` naming the action, so a test
notices when code starts to use something this replay can't reproduce. Actions with
no effect on the file (alerts, autofit, select, screen updating, calculate) are
recorded in the returned :class:`ReplayReport` instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo


class ReplayError(Exception):
    """An action can't be applied the way Excel would apply it."""


class UnsupportedActionError(ReplayError):
    """The replay has no implementation for this action."""

    def __init__(self, func: str, reason: str = "") -> None:
        self.func = func
        message = f"Unsupported xlwings action '{func}'"
        super().__init__(f"{message}: {reason}" if reason else message)


@dataclass
class ReplayReport:
    """What :func:`replay_actions` did."""

    applied: Counter = field(default_factory=Counter)
    """Number of handled actions per ``func`` (recorded-only ones included)."""
    alerts: list[dict[str, Any]] = field(default_factory=list)
    """``book.app.alert(...)`` calls: prompt, title, buttons, mode, callback."""
    ignored: list[dict[str, Any]] = field(default_factory=list)
    """Actions without effect on the file (autofit, select, calculate, ...)."""
    warnings: list[str] = field(default_factory=list)
    """Approximations, e.g. a threaded comment written as a note."""


def actions_of(source: Any) -> list[dict[str, Any]]:
    """The action list of a remote ``xw.Book``, of ``book.json()``, or a list as is."""
    if hasattr(source, "json") and callable(source.json):
        source = source.json()
    if isinstance(source, dict):
        source = source.get("actions", [])
    return list(source or [])


def count_actions(actions: Any) -> Counter:
    """``Counter`` of action names, e.g. ``{"setValues": 3, "setRangeColor": 1}``."""
    return Counter(action["func"] for action in actions_of(actions))


# --- value coercion (what Excel makes of a value written via range.values) ----------

_INT_RE = re.compile(r"^[+-]?\d+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_PERCENT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLASH_DATE_RE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")
_DATETIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)


def excel_input(value: Any, number_format: str = "General") -> Any:
    """What a cell holds after Office.js writes ``value`` into it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        raise ReplayError(f"Value {value!r} of type {type(value).__name__} isn't JSON")
    if number_format == "@":
        return value
    if value.startswith("'"):
        return value[1:]
    if value.startswith("="):
        return value
    text = value.strip()
    if _DATE_RE.match(text):
        try:
            return dt.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            return value
    if _SLASH_DATE_RE.match(text):
        try:
            return dt.datetime.strptime(text, "%Y/%m/%d").date()
        except ValueError:
            return value
    match = _DATETIME_RE.match(text)
    if match:
        try:
            return dt.datetime.fromisoformat(f"{match[1]} {match[2]}{match[4] or ''}")
        except ValueError:
            return value
    if _INT_RE.match(text):
        # Excel keeps 15 significant digits: an 18-digit ID loses its tail.
        return int(text) if len(text.lstrip("+-")) <= 15 else float(text)
    if _FLOAT_RE.match(text):
        return float(text)
    if _PERCENT_RE.match(text):
        return float(text[:-1]) / 100
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    return value


# --- helpers ------------------------------------------------------------------------


def _hex_to_argb(color: str | None) -> str | None:
    if color is None:
        return None
    color = color.lstrip("#").upper()
    if len(color) != 6 or not re.fullmatch(r"[0-9A-F]{6}", color):
        raise ReplayError(f"Color {color!r} isn't #RRGGBB")
    return "FF" + color


def _solid(color: str | None) -> PatternFill:
    argb = _hex_to_argb(color)
    if argb is None:
        return PatternFill(fill_type=None)
    return PatternFill(fill_type="solid", start_color=argb, end_color=argb)


def _cell_ref(address: str) -> str:
    """``"$A$1"`` / ``"Sheet1!A1"`` -> ``"A1"``."""
    return address.rsplit("!", 1)[-1].replace("$", "").upper()


_H_ALIGN = {
    "General": "general",
    "Left": "left",
    "Center": "center",
    "Right": "right",
    "Fill": "fill",
    "Justify": "justify",
    "CenterAcrossSelection": "centerContinuous",
    "Distributed": "distributed",
}
_V_ALIGN = {
    "Top": "top",
    "Center": "center",
    "Bottom": "bottom",
    "Justify": "justify",
    "Distributed": "distributed",
}
_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}
_CALCULATION = {
    "Automatic": "auto",
    "Manual": "manual",
    "AutomaticExceptTables": "autoNoTable",
}
# (xlwings line_style, weight) <-> openpyxl border style
_BORDER_STYLES = {
    ("continuous", "hairline"): "hair",
    ("continuous", "thin"): "thin",
    ("continuous", "medium"): "medium",
    ("continuous", "thick"): "thick",
    ("dash", "thin"): "dashed",
    ("dash", "medium"): "mediumDashed",
    ("dash_dot", "thin"): "dashDot",
    ("dash_dot", "medium"): "mediumDashDot",
    ("dash_dot_dot", "thin"): "dashDotDot",
    ("dash_dot_dot", "medium"): "mediumDashDotDot",
    ("dot", "thin"): "dotted",
    ("double", "thick"): "double",
    ("slant_dash_dot", "medium"): "slantDashDot",
}
_BORDER_STYLES_REVERSE = {v: k for k, v in _BORDER_STYLES.items()}


def _border_style(line_style: str | None, weight: str | None) -> str | None:
    if line_style in (None, "none"):
        return None
    weight = weight or "thin"
    if (line_style, weight) in _BORDER_STYLES:
        return _BORDER_STYLES[(line_style, weight)]
    for (style, _), value in _BORDER_STYLES.items():
        if style == line_style:
            return value
    raise ReplayError(f"Unknown border line style {line_style!r}")


def _points_to_column_width(points: float) -> float:
    """Office.js column widths are points; openpyxl wants characters of the default
    font (Calibri 11: 7 px per character plus 5 px padding). Approximate."""
    pixels = points * 96 / 72
    return max(0.0, round((pixels - 5) / 7, 2))


# --- the replay ---------------------------------------------------------------------


class _Replayer:
    def __init__(self, wb, report: ReplayReport, excel_coercion: bool, note_author: str):
        self.wb = wb
        self.report = report
        self.excel_coercion = excel_coercion
        self.note_author = note_author
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            # values & formulas
            "setValues": self.set_values,
            "setFormula": self.set_formula,
            "setFormulaArray": self.set_formula_array,
            "rangeClearContents": self.range_clear_contents,
            "rangeClearFormats": self.range_clear_formats,
            "rangeClear": self.range_clear,
            # formats
            "setRangeColor": self.set_range_color,
            "setRangeColors": self.set_range_colors,
            "setNumberFormat": self.set_number_format,
            "setFontProperty": self.set_font_property,
            "setWrapText": self.set_wrap_text,
            "setHorizontalAlignment": self.set_horizontal_alignment,
            "setVerticalAlignment": self.set_vertical_alignment,
            "setBorderProperty": self.set_border_property,
            "setColumnWidth": self.set_column_width,
            "setRowHeight": self.set_row_height,
            "setRowHidden": self.set_row_hidden,
            "setColumnHidden": self.set_column_hidden,
            "rangeMerge": self.range_merge,
            "rangeUnmerge": self.range_unmerge,
            # notes, comments, hyperlinks
            "addNote": self.add_note,
            "setNoteText": self.set_note_text,
            "deleteNote": self.delete_note,
            "addComment": self.add_comment,
            "setCommentText": self.set_comment_text,
            "deleteComment": self.delete_comment,
            "addCommentReply": self.add_comment_reply,
            "addHyperlink": self.add_hyperlink,
            # sheets
            "addSheet": self.add_sheet,
            "setSheetName": self.set_sheet_name,
            "setSheetVisibility": self.set_sheet_visibility,
            "sheetDelete": self.sheet_delete,
            "activateSheet": self.activate_sheet,
            "setSheetPosition": self.set_sheet_position,
            "copySheet": self.copy_sheet,
            "sheetClear": self.sheet_clear,
            "sheetClearContents": self.sheet_clear_contents,
            "sheetClearFormats": self.sheet_clear_formats,
            "setShowGridlines": self.set_show_gridlines,
            "setPrintArea": self.set_print_area,
            "freezePaneAtRange": self.freeze_pane_at_range,
            "freezePaneUnfreeze": self.freeze_pane_unfreeze,
            # names, tables, validation
            "namesAdd": self.names_add,
            "nameDelete": self.name_delete,
            "setNameRefersTo": self.set_name_refers_to,
            "setRangeName": self.set_range_name,
            "addTable": self.add_table,
            "setDataValidationList": self.set_data_validation_list,
            "deleteDataValidation": self.delete_data_validation,
            "addConditionalFormat": self.add_conditional_format,
            "clearConditionalFormats": self.clear_conditional_formats,
            # application
            "alert": self.alert,
            "setCalculation": self.set_calculation,
            "setAutofit": self.ignore,
            "setSheetAutofit": self.ignore,
            "rangeSelect": self.ignore,
            "setScreenUpdating": self.ignore,
            "calculate": self.ignore,
            "save": self.ignore,
        }

    def apply(self, action: dict[str, Any]) -> None:
        func = action.get("func")
        handler = self.handlers.get(func)
        if handler is None:
            raise UnsupportedActionError(str(func))
        handler(action)
        self.report.applied[func] += 1

    # -- addressing --

    def sheet(self, action: dict[str, Any]):
        position = action.get("sheet_position")
        if position is None:
            raise ReplayError(f"{action['func']}: action has no sheet_position")
        try:
            return self.wb.worksheets[position]
        except IndexError:
            raise ReplayError(
                f"{action['func']}: no sheet at position {position} (sheets: {self.wb.sheetnames})"
            ) from None

    @staticmethod
    def bounds(action: dict[str, Any]) -> tuple[int, int, int, int]:
        """1-based (first_row, first_col, last_row, last_col) of the action's range."""
        row = action["start_row"] + 1
        col = action["start_column"] + 1
        return row, col, row + action["row_count"] - 1, col + action["column_count"] - 1

    def rows(self, action: dict[str, Any]) -> list[list[Any]]:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        return [[ws.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def cells(self, action: dict[str, Any]) -> Iterable[Any]:
        for row in self.rows(action):
            yield from row

    def note_cell(self, action: dict[str, Any], address: str):
        return self.sheet(action)[_cell_ref(address)]

    def _worksheet_index(self, position: int) -> int:
        """Position among worksheets -> index in wb._sheets (chartsheets included)."""
        worksheets = self.wb.worksheets
        if position >= len(worksheets):
            return len(self.wb._sheets)
        return self.wb._sheets.index(worksheets[position])

    def _ensure_visible_active(self) -> None:
        active = self.wb.active
        if active is None or active.sheet_state != "visible":
            for index, sheet in enumerate(self.wb._sheets):
                if getattr(sheet, "sheet_state", "visible") == "visible":
                    self._activate(index)
                    return

    def _activate(self, index: int) -> None:
        self.wb.active = index
        for i, sheet in enumerate(self.wb._sheets):
            view = getattr(sheet, "sheet_view", None)
            if view is not None:
                view.tabSelected = i == index

    # -- values --

    def _write(self, cell, value: Any) -> None:
        if self.excel_coercion:
            value = excel_input(value, cell.number_format)
        elif value == "":
            value = None
        if isinstance(cell, MergedCell):
            if value is None:
                return
            raise ReplayError(
                f"Writing {value!r} to {cell.coordinate}, which is hidden inside a "
                "merged area: only the merged area's top-left cell holds a value"
            )
        cell.value = value

    def set_values(self, action: dict[str, Any]) -> None:
        values = action["values"]
        rows = self.rows(action)
        shape = (len(values), len(values[0]) if values else 0)
        if shape != (len(rows), len(rows[0])):
            raise ReplayError(
                f"setValues: {shape[0]}x{shape[1]} values for a {len(rows)}x{len(rows[0])} range"
            )
        for cell_row, value_row in zip(rows, values, strict=True):
            for cell, value in zip(cell_row, value_row, strict=True):
                self._write(cell, value)

    def set_formula(self, action: dict[str, Any]) -> None:
        values = action["values"]
        rows = self.rows(action)
        if not isinstance(values, list):
            # One formula for a bigger range: Excel fills it, adjusting references.
            origin = rows[0][0].coordinate
            for row in rows:
                for cell in row:
                    formula = Translator(values, origin=origin).translate_formula(cell.coordinate)
                    self._write(cell, formula)
            return
        for cell_row, value_row in zip(rows, values, strict=True):
            for cell, value in zip(cell_row, value_row, strict=True):
                self._write(cell, value)

    def set_formula_array(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        ws.cell(r1, c1).value = ArrayFormula(ref, action["args"][0])

    def range_clear_contents(self, action: dict[str, Any]) -> None:
        for cell in self.cells(action):
            if not isinstance(cell, MergedCell):
                cell.value = None
            cell.hyperlink = None

    def range_clear_formats(self, action: dict[str, Any]) -> None:
        for cell in self.cells(action):
            self._clear_format(cell)

    def range_clear(self, action: dict[str, Any]) -> None:
        for cell in self.cells(action):
            if not isinstance(cell, MergedCell):
                cell.value = None
            cell.hyperlink = None
            cell.comment = None
            self._clear_format(cell)

    @staticmethod
    def _clear_format(cell) -> None:
        cell.font = Font()
        cell.fill = PatternFill(fill_type=None)
        cell.border = Border()
        cell.alignment = Alignment()
        cell.protection = Protection()
        cell.number_format = "General"

    # -- formats --

    def set_range_color(self, action: dict[str, Any]) -> None:
        fill = _solid(action["args"][0])
        for cell in self.cells(action):
            cell.fill = copy(fill)

    def set_range_colors(self, action: dict[str, Any]) -> None:
        matrix = action["args"][0]
        for cell_row, color_row in zip(self.rows(action), matrix, strict=True):
            for cell, color in zip(cell_row, color_row, strict=True):
                if color != "keep":
                    cell.fill = _solid(color)

    def set_number_format(self, action: dict[str, Any]) -> None:
        for cell in self.cells(action):
            cell.number_format = action["args"][0]

    def set_font_property(self, action: dict[str, Any]) -> None:
        attribute, value = action["args"][:2]
        if attribute == "color":
            value = _hex_to_argb(value)
        elif attribute == "size":
            attribute = "sz"
        elif attribute == "italic":
            attribute = "i"
        elif attribute == "bold":
            attribute = "b"
        elif attribute != "name":
            raise UnsupportedActionError("setFontProperty", f"attribute {attribute!r}")
        for cell in self.cells(action):
            font = copy(cell.font)
            setattr(font, attribute, value)
            cell.font = font

    def _set_alignment(self, action: dict[str, Any], **changes: Any) -> None:
        for cell in self.cells(action):
            alignment = copy(cell.alignment)
            for key, value in changes.items():
                setattr(alignment, key, value)
            cell.alignment = alignment

    def set_wrap_text(self, action: dict[str, Any]) -> None:
        self._set_alignment(action, wrap_text=bool(action["args"][0]))

    def set_horizontal_alignment(self, action: dict[str, Any]) -> None:
        self._set_alignment(action, horizontal=_H_ALIGN[action["args"][0]])

    def set_vertical_alignment(self, action: dict[str, Any]) -> None:
        self._set_alignment(action, vertical=_V_ALIGN[action["args"][0]])

    def set_border_property(self, action: dict[str, Any]) -> None:
        side_name, attribute, value = action["args"][:3]
        r1, c1, r2, c2 = self.bounds(action)
        ws = self.sheet(action)
        targets: list[tuple[Any, str]] = []
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cell = ws.cell(r, c)
                if side_name == "edge_top" and r == r1:
                    targets.append((cell, "top"))
                elif side_name == "edge_bottom" and r == r2:
                    targets.append((cell, "bottom"))
                elif side_name == "edge_left" and c == c1:
                    targets.append((cell, "left"))
                elif side_name == "edge_right" and c == c2:
                    targets.append((cell, "right"))
                elif side_name == "inside_horizontal" and r < r2:
                    targets.append((cell, "bottom"))
                elif side_name == "inside_vertical" and c < c2:
                    targets.append((cell, "right"))
                elif side_name in ("diagonal_down", "diagonal_up"):
                    targets.append((cell, "diagonal"))
        if side_name not in (
            "edge_top",
            "edge_bottom",
            "edge_left",
            "edge_right",
            "inside_horizontal",
            "inside_vertical",
            "diagonal_down",
            "diagonal_up",
        ):
            raise UnsupportedActionError("setBorderProperty", f"side {side_name!r}")
        for cell, part in targets:
            border = copy(cell.border)
            side = copy(getattr(border, part))
            line_style, weight = _BORDER_STYLES_REVERSE.get(side.style, (None, None))
            if attribute == "line_style":
                side.style = _border_style(value, weight)
            elif attribute == "weight":
                side.style = _border_style(line_style or "continuous", value)
            elif attribute == "color":
                side.color = _hex_to_argb(value)
            else:
                raise UnsupportedActionError("setBorderProperty", f"attribute {attribute!r}")
            setattr(border, part, Side(style=side.style, color=side.color))
            if part == "diagonal":
                if side_name == "diagonal_down":
                    border.diagonalDown = True
                else:
                    border.diagonalUp = True
            cell.border = border

    def set_column_width(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        _, c1, _, c2 = self.bounds(action)
        width = _points_to_column_width(action["args"][0])
        for c in range(c1, c2 + 1):
            ws.column_dimensions[get_column_letter(c)].width = width
        self.report.warnings.append("setColumnWidth: points converted to characters")

    def set_row_height(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, _, r2, _ = self.bounds(action)
        for r in range(r1, r2 + 1):
            ws.row_dimensions[r].height = action["args"][0]

    def set_row_hidden(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, _, r2, _ = self.bounds(action)
        for r in range(r1, r2 + 1):
            ws.row_dimensions[r].hidden = bool(action["args"][0])

    def set_column_hidden(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        _, c1, _, c2 = self.bounds(action)
        for c in range(c1, c2 + 1):
            ws.column_dimensions[get_column_letter(c)].hidden = bool(action["args"][0])

    def range_merge(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        across = bool(action["args"][0])
        row_spans = [(r, r) for r in range(r1, r2 + 1)] if across else [(r1, r2)]
        for top, bottom in row_spans:
            if (top, c1) != (bottom, c2):
                ws.merge_cells(start_row=top, start_column=c1, end_row=bottom, end_column=c2)

    def range_unmerge(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        for merged in list(ws.merged_cells.ranges):
            if not (
                merged.max_row < r1
                or merged.min_row > r2
                or merged.max_col < c1
                or merged.min_col > c2
            ):
                ws.unmerge_cells(merged.coord)

    # -- notes, comments, hyperlinks --

    def _new_comment(self, text: str, author: str | None = None) -> Comment:
        comment = Comment(text, author or self.note_author)
        comment.width, comment.height = 200, 80
        return comment

    def add_note(self, action: dict[str, Any]) -> None:
        address, text = action["args"][:2]
        cell = self.note_cell(action, address)
        if cell.comment is not None:
            raise ReplayError(f"addNote: {cell.coordinate} already has a note")
        cell.comment = self._new_comment(text)

    def set_note_text(self, action: dict[str, Any]) -> None:
        address, text = action["args"][:2]
        cell = self.note_cell(action, address)
        if cell.comment is None:
            raise ReplayError(f"setNoteText: {cell.coordinate} has no note")
        cell.comment = self._new_comment(text, cell.comment.author)

    def delete_note(self, action: dict[str, Any]) -> None:
        cell = self.note_cell(action, action["args"][0])
        if cell.comment is None:
            raise ReplayError(f"deleteNote: {cell.coordinate} has no note")
        cell.comment = None

    def add_comment(self, action: dict[str, Any]) -> None:
        address, text = action["args"][:2]
        self.note_cell(action, address).comment = self._new_comment(text)
        self.report.warnings.append(
            f"addComment at {address}: threaded comment written as a note "
            "(openpyxl can't write threaded comments)"
        )

    def set_comment_text(self, action: dict[str, Any]) -> None:
        _, address, text = action["args"][:3]
        cell = self.note_cell(action, address)
        cell.comment = self._new_comment(text)
        self.report.warnings.append(f"setCommentText at {address}: written as a note")

    def delete_comment(self, action: dict[str, Any]) -> None:
        self.note_cell(action, action["args"][1]).comment = None

    def add_comment_reply(self, action: dict[str, Any]) -> None:
        _, address, text = action["args"][:3]
        cell = self.note_cell(action, address)
        previous = cell.comment.text if cell.comment is not None else ""
        cell.comment = self._new_comment(f"{previous}\n{text}".strip())
        self.report.warnings.append(f"addCommentReply at {address}: appended to the note")

    def add_hyperlink(self, action: dict[str, Any]) -> None:
        address, text, screen_tip = (list(action["args"]) + [None, None])[:3]
        for cell in self.cells(action):
            if address.startswith("#"):  # a place in this workbook, e.g. "#'结果'!A1"
                link = Hyperlink(ref=cell.coordinate, location=address[1:])
            else:
                link = Hyperlink(ref=cell.coordinate, target=address)
            link.tooltip = screen_tip or None
            link.display = text
            cell.hyperlink = link
            if not isinstance(cell, MergedCell):
                cell.value = text if text is not None else address

    # -- sheets --

    def add_sheet(self, action: dict[str, Any]) -> None:
        position, name = (list(action["args"]) + [None])[:2]
        if name is None:
            number = 1
            while f"Sheet{number}" in self.wb.sheetnames:
                number += 1
            name = f"Sheet{number}"
        if name.casefold() in (title.casefold() for title in self.wb.sheetnames):
            raise ReplayError(f"addSheet: a sheet named {name!r} already exists")
        self.wb.create_sheet(title=name, index=self._worksheet_index(int(position)))

    def set_sheet_name(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        name = str(action["args"][0])
        others = [title.casefold() for title in self.wb.sheetnames if title != ws.title]
        if name.casefold() in others:
            raise ReplayError(f"setSheetName: a sheet named {name!r} already exists")
        ws.title = name

    def set_sheet_visibility(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        state = _VISIBILITY[action["args"][0]]
        if state != "visible":
            visible = [s for s in self.wb.worksheets if s.sheet_state == "visible"]
            if visible == [ws]:
                raise ReplayError("setSheetVisibility: can't hide the only visible sheet")
        ws.sheet_state = state
        self._ensure_visible_active()

    def sheet_delete(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        visible = [s for s in self.wb.worksheets if s.sheet_state == "visible"]
        if visible == [ws]:
            raise ReplayError("sheetDelete: can't delete the only visible sheet")
        active = self.wb.active
        self.wb.remove(ws)
        if active is ws or self.wb.active is None:
            self._activate(0)
        else:
            self._activate(self.wb._sheets.index(active))
        self._ensure_visible_active()

    def activate_sheet(self, action: dict[str, Any]) -> None:
        self._activate(self._worksheet_index(int(action["args"][0])))

    def set_sheet_position(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        active = self.wb.active
        new_index = self._worksheet_index(int(action["args"][0]))
        self.wb.move_sheet(ws, offset=new_index - self.wb._sheets.index(ws))
        self._activate(self.wb._sheets.index(active))

    def copy_sheet(self, action: dict[str, Any]) -> None:
        source = self.sheet(action)
        where, target_position, name = action["args"][:3]
        copied = self.wb.copy_worksheet(source)
        copied.title = name
        target = self.wb.worksheets[int(target_position)]
        index = self.wb._sheets.index(target) + (0 if where == "Before" else 1)
        if self.wb._sheets.index(copied) < index:
            index -= 1
        self.wb.move_sheet(copied, offset=index - self.wb._sheets.index(copied))

    def _all_cells(self, action: dict[str, Any]) -> Iterable[Any]:
        ws = self.sheet(action)
        return list(ws._cells.values())

    def sheet_clear(self, action: dict[str, Any]) -> None:
        for cell in self._all_cells(action):
            if not isinstance(cell, MergedCell):
                cell.value = None
            cell.hyperlink = None
            cell.comment = None
            self._clear_format(cell)

    def sheet_clear_contents(self, action: dict[str, Any]) -> None:
        for cell in self._all_cells(action):
            if not isinstance(cell, MergedCell):
                cell.value = None
            cell.hyperlink = None

    def sheet_clear_formats(self, action: dict[str, Any]) -> None:
        for cell in self._all_cells(action):
            self._clear_format(cell)

    def set_show_gridlines(self, action: dict[str, Any]) -> None:
        self.sheet(action).sheet_view.showGridLines = bool(action["args"][0])

    def set_print_area(self, action: dict[str, Any]) -> None:
        value = action["args"][0]
        self.sheet(action).print_area = _cell_ref(value) if value else None

    def freeze_pane_at_range(self, action: dict[str, Any]) -> None:
        frozen = str(action["args"][0]).rsplit("!", 1)[-1].replace("$", "")
        if ":" not in frozen:
            frozen = f"{frozen}:{frozen}"
        _, _, max_col, max_row = range_boundaries(frozen)
        col = (max_col or 0) + 1
        row = (max_row or 0) + 1
        self.sheet(action).freeze_panes = f"{get_column_letter(col)}{row}"

    def freeze_pane_unfreeze(self, action: dict[str, Any]) -> None:
        self.sheet(action).freeze_panes = None

    # -- names, tables, validation --

    def _names_container(self, action: dict[str, Any], book_scope: bool | None = None):
        if book_scope is None:
            book_scope = action.get("sheet_position") is None
        return self.wb.defined_names if book_scope else self.sheet(action).defined_names

    def names_add(self, action: dict[str, Any]) -> None:
        name, refers_to = action["args"][:2]
        container = self._names_container(action)
        if name in container:
            raise ReplayError(f"namesAdd: name {name!r} already exists")
        container[name] = DefinedName(name, attr_text=str(refers_to).lstrip("="))

    def name_delete(self, action: dict[str, Any]) -> None:
        _, _, name, _, book_scope, scope_sheet_index = action["args"][:6]
        if book_scope:
            container = self.wb.defined_names
        else:
            container = self.wb.worksheets[scope_sheet_index].defined_names
        if name not in container:
            raise ReplayError(f"nameDelete: name {name!r} doesn't exist")
        del container[name]

    def set_name_refers_to(self, action: dict[str, Any]) -> None:
        name, book_scope, scope_sheet_index, value = action["args"][:4]
        if book_scope:
            container = self.wb.defined_names
        else:
            container = self.wb.worksheets[scope_sheet_index].defined_names
        if name not in container:
            raise ReplayError(f"setNameRefersTo: name {name!r} doesn't exist")
        container[name].attr_text = str(value).lstrip("=")

    def set_range_name(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        title = ws.title.replace("'", "''")
        ref = f"'{title}'!${get_column_letter(c1)}${r1}"
        if (r1, c1) != (r2, c2):
            ref += f":${get_column_letter(c2)}${r2}"
        name = str(action["args"][0])
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)

    def add_table(self, action: dict[str, Any]) -> None:
        address, has_headers, style, name = (list(action["args"]) + [None] * 4)[:4]
        if not has_headers:
            raise UnsupportedActionError(
                "addTable", "has_headers=False (Excel inserts a header row)"
            )
        ws = self.sheet(action)
        ref = _cell_ref(address)
        min_col, min_row, max_col, _ = range_boundaries(ref)
        for offset, c in enumerate(range(min_col, max_col + 1), start=1):
            header = ws.cell(min_row, c)
            if header.value in (None, "") or header.data_type == "f":
                if header.data_type == "f":  # Excel freezes its result; unknown here
                    self.report.warnings.append(f"addTable: formula header {header.coordinate}")
                header.value = f"Column{offset}"
            elif not isinstance(header.value, str):
                header.value = str(header.value)
        existing = {t for sheet in self.wb.worksheets for t in sheet.tables}
        if not name:
            number = 1
            while f"Table{number}" in existing:
                number += 1
            name = f"Table{number}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(
            name=style or "TableStyleMedium2", showRowStripes=True
        )
        ws.add_table(table)

    def set_data_validation_list(self, action: dict[str, Any]) -> None:
        source, in_cell_dropdown = action["args"][:2]
        ws = self.sheet(action)
        if source["type"] == "literal":
            values = source["values"]
            if isinstance(values, str):
                values = [v.strip() for v in values.split(",")]
            formula = '"' + ",".join(str(v) for v in values) + '"'
        elif source["type"] == "range":
            src_ws = self.wb.worksheets[source["sheet_position"]]
            r1 = source["start_row"] + 1
            c1 = source["start_column"] + 1
            r2 = r1 + source["row_count"] - 1
            c2 = c1 + source["column_count"] - 1
            title = src_ws.title.replace("'", "''")
            formula = f"'{title}'!${get_column_letter(c1)}${r1}:${get_column_letter(c2)}${r2}"
        elif source["type"] == "name":
            formula = source["name"]
        else:
            raise UnsupportedActionError("setDataValidationList", f"source {source!r}")
        self._delete_validation(action)
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showDropDown=not in_cell_dropdown,  # sic: OOXML's flag *hides* the arrow
        )
        r1, c1, r2, c2 = self.bounds(action)
        validation.add(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
        ws.add_data_validation(validation)

    def _delete_validation(self, action: dict[str, Any]) -> None:
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        target = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for validation in list(ws.data_validations.dataValidation):
            kept = []
            for cell_range in validation.sqref.ranges:
                cells = {
                    (r, c)
                    for r in range(cell_range.min_row, cell_range.max_row + 1)
                    for c in range(cell_range.min_col, cell_range.max_col + 1)
                }
                if cells & target:
                    kept.extend(f"{get_column_letter(c)}{r}" for r, c in sorted(cells - target))
                else:
                    kept.append(cell_range.coord)
            if kept:
                validation.sqref = " ".join(kept)
            else:
                ws.data_validations.dataValidation.remove(validation)

    def delete_data_validation(self, action: dict[str, Any]) -> None:
        self._delete_validation(action)

    # -- conditional formats --

    def add_conditional_format(self, action: dict[str, Any]) -> None:
        """A custom-formula rule (``range.conditional_formats.add_custom``), inserted on top of
        the rule order like Excel does; other rule types raise."""
        (rule,) = action["args"][:1]
        if rule.get("type") != "Custom":
            raise UnsupportedActionError("addConditionalFormat", f"rule type {rule.get('type')!r}")
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        fill = (
            PatternFill(fill_type="solid", bgColor=_hex_to_argb(rule["fill_color"]))
            if rule.get("fill_color")
            else None
        )
        font_changes = {
            "color": _hex_to_argb(rule["font_color"]) if rule.get("font_color") else None,
            "b": rule.get("font_bold"),
            "i": rule.get("font_italic"),
        }
        font = Font(**font_changes) if any(v is not None for v in font_changes.values()) else None
        formula = rule["formula"][1:] if rule["formula"].startswith("=") else rule["formula"]
        new = FormulaRule(
            formula=[formula], fill=fill, font=font, stopIfTrue=rule.get("stop_if_true")
        )
        existing = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules]
        ws.conditional_formatting = ConditionalFormattingList()
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        for priority, (sqref, old) in enumerate([(ref, new), *existing], start=1):
            old.priority = priority
            ws.conditional_formatting.add(sqref, old)

    def clear_conditional_formats(self, action: dict[str, Any]) -> None:
        """Remove the rules from the action's cells; a rule reaching beyond them keeps the rest."""
        ws = self.sheet(action)
        r1, c1, r2, c2 = self.bounds(action)
        target = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        kept = []
        for cf in ws.conditional_formatting:
            cells = {
                (r, c)
                for cell_range in cf.sqref.ranges
                for r in range(cell_range.min_row, cell_range.max_row + 1)
                for c in range(cell_range.min_col, cell_range.max_col + 1)
            }
            left = sorted(cells - target)
            if left:
                sqref = " ".join(f"{get_column_letter(c)}{r}" for r, c in left)
                kept.extend((sqref if cells & target else str(cf.sqref), r) for r in cf.rules)
        ws.conditional_formatting = ConditionalFormattingList()
        for sqref, rule in kept:
            ws.conditional_formatting.add(sqref, rule)

    # -- application --

    def alert(self, action: dict[str, Any]) -> None:
        keys = ("prompt", "title", "buttons", "mode", "callback")
        self.report.alerts.append(dict(zip(keys, action["args"], strict=False)))

    def set_calculation(self, action: dict[str, Any]) -> None:
        self.wb.calculation.calcMode = _CALCULATION[action["args"][0]]

    def ignore(self, action: dict[str, Any]) -> None:
        self.report.ignored.append(action)


def replay_actions(
    actions: Any,
    xlsx_in: str | PathLike[str],
    xlsx_out: str | PathLike[str],
    *,
    excel_coercion: bool = True,
    note_author: str = "xlwings",
) -> ReplayReport:
    """Apply ``book.json()``'s actions to a copy of ``xlsx_in``, saved as ``xlsx_out``.

    Args:
        actions: the action list, ``book.json()`` or the remote book itself.
        xlsx_in: workbook the payload was built from; never modified.
        xlsx_out: where the result is written (may not be ``xlsx_in``).
        excel_coercion: interpret written strings like Excel does (see module doc).
        note_author: author of notes added by the replay.

    Raises:
        UnsupportedActionError: an action this replay doesn't implement.
        ReplayError: an action Excel would reject (e.g. a note on a noted cell).
    """
    xlsx_in, xlsx_out = Path(xlsx_in), Path(xlsx_out)
    if xlsx_in.resolve() == xlsx_out.resolve():
        raise ValueError("xlsx_out must differ from xlsx_in: the original stays untouched")
    # Through JSON, as on the wire: non-JSON values fail here like on a real server.
    action_list = json.loads(json.dumps(actions_of(actions), allow_nan=False))
    shutil.copyfile(xlsx_in, xlsx_out)
    keep_vba = xlsx_out.suffix.lower() == ".xlsm"
    wb = openpyxl.load_workbook(xlsx_out, keep_vba=keep_vba)
    report = ReplayReport()
    replayer = _Replayer(wb, report, excel_coercion, note_author)
    for index, action in enumerate(action_list):
        try:
            replayer.apply(action)
        except ReplayError as error:
            error.add_note(f"action #{index}: {action}")
            raise
    wb.save(xlsx_out)
    return report


__all__ = [
    "ReplayError",
    "ReplayReport",
    "UnsupportedActionError",
    "actions_of",
    "count_actions",
    "excel_input",
    "replay_actions",
]
