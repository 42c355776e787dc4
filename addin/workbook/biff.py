"""Bound an .xls before calamine reads it: the cells each sheet would hold.

calamine reads every sheet of an .xls when it opens the file, reserving room for the range a
sheet's DIMENSIONS record declares and then building the range between its first and last
cell. A 42 KB file can declare 65,535 × 255 cells and take a gigabyte. This walks the BIFF
records of the workbook stream (their headers only, plus the few records that give a sheet's
extent) and refuses the file with `TooLarge` when the cells it would allocate pass
`Limits.max_cells` — or a sheet passes `max_rows` / `max_cols`, as for an .xlsx.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from ..limits import Limits
from .model import TooLarge, column_letter
from .ole import CompoundFile
from .sniff import XLS_STREAMS

_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x0200
_MULRK = 0x00BD
# Cell records calamine keeps (Blank and MulBlank hold no value and are skipped):
# Number, Label, RString, BoolErr, Rk, LabelSst, Formula. Each starts with row, column (u16).
_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}
_WORKSHEET = 0x0010


@dataclass
class _Sheet:
    name: str
    declared: int = 0  # cells the DIMENSIONS record asks room for
    first_row: int = 1 << 31
    first_col: int = 1 << 31
    last_row: int = -1
    last_col: int = -1
    far: tuple[int, int] = (0, 0)  # the cell that set the last row or column

    def cell(self, row: int, first_col: int, last_col: int) -> None:
        self.first_row, self.first_col = min(self.first_row, row), min(self.first_col, first_col)
        if row > self.last_row or last_col > self.last_col:
            self.far = (row, last_col)
        self.last_row, self.last_col = max(self.last_row, row), max(self.last_col, last_col)

    @property
    def used(self) -> int:
        if self.last_row < 0:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)


def inspect_xls(handle: BinaryIO, limits: Limits) -> None:
    """Raise TooLarge when the .xls's sheets would take more cells than `limits` allow."""
    ole = CompoundFile(handle)
    entry = ole.find(*XLS_STREAMS)
    if entry is None:
        return  # sniff named it already; calamine says what else is wrong
    sheets = _sheets(ole.read(entry, limits.max_file_bytes))
    total = 0
    for sheet in sheets:
        where = f"工作表“{sheet.name}”"
        if sheet.last_row + 1 > limits.max_rows or sheet.last_col + 1 > limits.max_cols:
            row, col = sheet.far
            raise TooLarge(
                f"{where}的内容延伸到 {column_letter(col)}{row + 1}，超过上限 {limits.max_rows} "
                f"行 × {limits.max_cols} 列，未读取；如是误填，请删除该处内容后重新提交"
            )
        if sheet.declared > limits.max_cells:
            raise TooLarge(
                f"{where}声明的区域有 {sheet.declared:,} 个单元格，超过上限 "
                f"{limits.max_cells:,} 个，未读取"
            )
        total += max(sheet.declared, sheet.used)
        if total > limits.max_cells:
            raise TooLarge(
                f"{where}及之前的工作表共有 {total:,} 个单元格的区域，超过上限 "
                f"{limits.max_cells:,} 个，未读取"
            )


def _sheets(stream: bytes) -> list[_Sheet]:
    """The worksheets of a BIFF5/BIFF8 workbook stream with their extents."""
    names: dict[int, str] = {}
    sheets: list[_Sheet] = []
    current: _Sheet | None = None
    biff8 = True
    offset, end = 0, len(stream) - 4
    while offset <= end:
        kind, size = struct.unpack_from("<HH", stream, offset)
        data = offset + 4
        if data + size > len(stream):
            break  # a record cut off by a damaged file: calamine says what is wrong
        if kind == _BOF and offset == 0 and size >= 2:
            biff8 = struct.unpack_from("<H", stream, data)[0] >= 0x0600
        if kind == _BOF:
            is_sheet = size >= 4 and struct.unpack_from("<H", stream, data + 2)[0] == _WORKSHEET
            current = _Sheet(names.get(offset, f"第 {len(sheets) + 1} 张")) if is_sheet else None
            if current is not None:
                sheets.append(current)
        elif kind == _BOUNDSHEET and size >= 8:
            names[struct.unpack_from("<I", stream, data)[0]] = _sheet_name(stream, data, biff8)
        elif current is not None and size >= 4:
            _record(current, kind, stream, data, size)
        if kind == _EOF:
            current = None
        offset = data + size
    return sheets


def _record(sheet: _Sheet, kind: int, stream: bytes, data: int, size: int) -> None:
    if kind in _CELLS:
        row, col = struct.unpack_from("<HH", stream, data)
        sheet.cell(row, col, col)
    elif kind == _MULRK and size >= 6:
        row, first = struct.unpack_from("<HH", stream, data)
        (last,) = struct.unpack_from("<H", stream, data + size - 2)
        sheet.cell(row, first, max(first, last))
    elif kind == _DIMENSIONS and size in (10, 14):
        if size == 14:
            first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, data)
        else:
            first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, data)
        if first_col > 0xFF or last_col < first_col:  # as calamine reads it
            first_col = 0
        if last_row >= 1 and last_col >= 1:
            sheet.declared = max(0, last_row - first_row) * max(0, last_col - first_col)


def _sheet_name(stream: bytes, data: int, biff8: bool) -> str:
    """BoundSheet's name: BIFF8 a short string with a flags byte (UTF-16 or 8-bit), BIFF5
    8-bit characters in the file's code page (GBK for a Chinese Excel 95)."""
    length = stream[data + 6]
    if not biff8:
        return stream[data + 7 : data + 7 + length].decode("gbk", "replace")
    start = data + 8
    if stream[data + 7] & 0x01:
        return stream[start : start + 2 * length].decode("utf-16-le", "replace")
    return stream[start : start + length].decode("latin-1")
