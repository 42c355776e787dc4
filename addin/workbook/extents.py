"""How far the cells of an .xlsb sheet or an .ods spreadsheet reach, read by streaming before
calamine builds their ranges (the .xlsx scan is `guard._ExtentScan`, the .xls one `biff`).

Both feed on the inflated bytes of one zip member, chunk by chunk, and give the last row and
column (1-based) holding a value, per sheet; `guard` compares them with the limits.
"""

from __future__ import annotations

import re
import struct

from .model import column_letter

# --- .xlsb: BIFF12 records --------------------------------------------------------------------
_ROW_HEADER = 0x0000
# BrtCellRk … BrtFmlaError: the records calamine turns into cells (BrtCellBlank 0x0001 holds
# no value and is skipped). Each starts with its column (u32); the row comes from BrtRowHdr.
_BIN_CELLS = frozenset(range(0x0002, 0x000C))


class BinSheetScan:
    """The records of one .xlsb worksheet part: only their headers are decoded, and the first
    four bytes of row headers and cells."""

    def __init__(self, label: str):
        self.label = label
        self._rest = b""
        self._skip = 0
        self._row = 0
        self.rows = self.cols = 0
        self.far = ""

    def feed(self, chunk: bytes) -> None:
        data = self._rest + chunk
        at = min(self._skip, len(data))
        self._skip -= at
        end = len(data)
        while at < end:
            head = _record_head(data, at)
            if head is None:
                break  # the header continues in the next chunk
            kind, size, body = head
            wanted = kind == _ROW_HEADER or kind in _BIN_CELLS
            if wanted and size >= 4:
                if body + 4 > end:
                    break
                (number,) = struct.unpack_from("<I", data, body)
                self._record(kind, number)
            if body + size > end:
                self._skip = body + size - end
                at = end
                break
            at = body + size
        self._rest = data[at:]

    def _record(self, kind: int, number: int) -> None:
        if kind == _ROW_HEADER:
            self._row = number + 1
            return
        col = number + 1
        if self._row > self.rows or col > self.cols:
            self.far = f"{column_letter(number)}{self._row}"
        self.rows, self.cols = max(self.rows, self._row), max(self.cols, col)

    def extents(self) -> list[tuple[str, int, int, str, str]]:
        """(label, last row, last column, the cell that reaches farthest, twice)."""
        return [(self.label, self.rows, self.cols, self.far, self.far)]


def _record_head(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(type, size, where the body starts): type in up to 2 bytes, size in up to 4, 7 bits
    each, the high bit saying another byte follows."""
    values = []
    for most in (2, 4):
        value, shift = 0, 0
        for _ in range(most):
            if at >= len(data):
                return None
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        values.append(value)
    return values[0], values[1], at


# --- XML, streamed -----------------------------------------------------------------------------
def split_at_tag(rest: bytes, chunk: bytes) -> tuple[bytes, int, bytes]:
    """(data, cut, what to keep): the chunk after what was kept of the last, scanned up to the
    last "<" (a tag may go on in the next chunk; a run of 1 MB without one is dropped)."""
    data = rest + chunk
    cut = data.rfind(b"<")
    if cut < 0:
        return data, 0, b""
    return data, cut, data[cut:] if len(data) - cut < 1 << 20 else b""


# --- .ods: content.xml ------------------------------------------------------------------------
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
_ODS_TAG = re.compile(
    rb"<(/?)[\w.-]+:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])("
    + _ATTRS
    + rb")(/?)>"
)
_REPEAT = {
    b"table-row": re.compile(rb"number-rows-repeated=[\"'](\d+)"),
    b"table-cell": re.compile(rb"number-columns-repeated=[\"'](\d+)"),
}
_NAME = re.compile(rb"\b[\w.-]+:name=([\"'])(.*?)\1")
_VALUE = re.compile(rb"value-type=")


class OdsScan:
    """The tables of content.xml: rows and cells counted with their repeat attributes; a cell
    holds a value when it has a value type or any content (text)."""

    def __init__(self) -> None:
        self._rest = b""
        self.tables: list[list] = []  # [name, rows, cols, far cell]
        self._row = self._repeat = self._col = 0

    def feed(self, chunk: bytes) -> None:
        data, cut, self._rest = split_at_tag(self._rest, chunk)
        for m in _ODS_TAG.finditer(data, 0, cut):
            self._tag(m.group(1) == b"/", m.group(2), m.group(3), m.group(4) == b"/")

    def _tag(self, closing: bool, local: bytes, attrs: bytes, empty: bool) -> None:
        if closing:
            return
        if local == b"table":
            name = _NAME.search(attrs)
            label = name.group(2).decode("utf-8", "replace") if name else ""
            self.tables.append([f"工作表“{label}”", 0, 0, ""])
            self._row = self._repeat = 0
            return
        if not self.tables:
            return
        if local == b"table-row":
            self._row += self._repeat
            self._repeat, self._col = _repeats(b"table-row", attrs), 0
            return
        span = _repeats(b"table-cell", attrs)
        if not empty or _VALUE.search(attrs):
            table = self.tables[-1]
            rows, cols = self._row + max(1, self._repeat), self._col + span
            if rows > table[1] or cols > table[2]:
                table[3] = f"{column_letter(cols - 1)}{rows}"
            table[1], table[2] = max(table[1], rows), max(table[2], cols)
        self._col += span

    def extents(self) -> list[tuple[str, int, int, str, str]]:
        self.feed(b"<")
        return [(label, rows, cols, far, far) for label, rows, cols, far in self.tables]


def _repeats(kind: bytes, attrs: bytes) -> int:
    m = _REPEAT[kind].search(attrs)
    if m is None:
        return 1
    return max(1, min(int(m.group(1)[:10]), 1 << 24))  # a huge count is huge, not wrapped
