"""Print layout arithmetic shared by every writer (openpyxl sheets and patched packages):
page widths, the landscape rule, the height wrapped text needs. Pure: no workbook library."""

from __future__ import annotations

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


def wrapped_height(text: str, widths_chars: float) -> float:
    """Row height (points) that shows wrapped text whole; a CJK character is two columns wide.

    WPS and LibreOffice do not grow rows to fit wrapped text, so every writer sets them. One
    column of the width is left for the cell's padding and for words that do not split."""
    usable = max(1, int(widths_chars) - 1)
    lines = 0
    for line in str(text).split("\n"):
        columns = sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
        lines += max(1, -(-columns // usable))
    return LINE_HEIGHT * lines + 2
