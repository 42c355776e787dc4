"""Print layout arithmetic shared by every writer (openpyxl sheets and patched packages):
page widths, the landscape rule, the height wrapped text needs. Pure: no workbook library."""

from __future__ import annotations

import math

# Printable width of an A4 page in column-width units (the width of "0" in the default font,
# about 7 px = 5.25 pt) between 0.5-inch side margins: a table wider than portrait turns landscape.
PORTRAIT_WIDTH = 92
LANDSCAPE_WIDTH = 138
# Printable height in points between the margins below (A4 is 841.9 pt high, 595.3 pt wide).
PRINTABLE_HEIGHT = {"portrait": 841.9 - 72 * 1.3, "landscape": 595.3 - 72 * 1.3}
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
DEFAULT_HEIGHT = 15.0  # and height of a row nobody sized, in points
LINE_HEIGHT = 16.0
PAGE_FOOTER = "第 &P 页，共 &N 页"  # &P / &N: Excel's codes for this page and the page count


def needs_landscape(width: float) -> bool:
    """Landscape when portrait would shrink the print below 80 %: a tall table that is only a
    little wide (the rubric) reads better portrait, slightly reduced."""
    return width > PORTRAIT_WIDTH * 1.25


# How wide a character is in column-width units (the width of "0"): a CJK character two, a
# lowercase letter or light punctuation a little less than one (rubric.score_out_of_range is
# 25 characters and fits a column 22 wide in Excel, WPS and LibreOffice alike).
_NARROW = frozenset("abcdeghknopqsuvxyz.,:;_-/()'\" ijlftr")
NARROW_WIDTH = 0.85


def text_width(line: str) -> float:
    """A line's width in column-width units."""
    return sum(2 if ord(ch) > 0x2E80 else NARROW_WIDTH if ch in _NARROW else 1 for ch in line)


def wrapped_height(text: str, widths_chars: float) -> float:
    """Row height (points) that shows wrapped text whole, no taller: a row of one line keeps
    the default height (half-empty pages otherwise).

    WPS and LibreOffice do not grow rows to fit wrapped text, so every writer sets them. The
    column width already holds the cell's padding (Excel adds it to the characters' width)."""
    usable = max(1.0, float(widths_chars))
    lines = 0
    for line in str(text).split("\n"):
        lines += max(1, math.ceil(text_width(line) / usable - 1e-9))
    return LINE_HEIGHT * lines + 2
