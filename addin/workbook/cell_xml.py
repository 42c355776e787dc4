"""A Python value as a SpreadsheetML cell's content, the way openpyxl's `put` writes it: text
made visible, formula-like text kept as text (quote prefix), dates as serial numbers shown in a
date format; new text as inline strings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..safe_text import looks_like_formula, safe_value
from .shared_strings import inline_text
from .styles_patch import Styles

TIME_FORMATS = {datetime: "yyyy-mm-dd h:mm:ss", date: "yyyy-mm-dd", time: "h:mm:ss"}
EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)


@dataclass(frozen=True)
class Encoded:
    kind: str | None  # the t attribute (None: none)
    body: bytes  # <v>…</v> or <is>…</is>; empty for an empty cell
    style: int


def encode(value: Any, style: int, styles: Styles, epoch: date) -> Encoded:
    value = safe_value(value)
    if value is None or value == "":
        return Encoded(None, b"", style)
    if isinstance(value, bool):
        return Encoded("b", b"<v>" + (b"1" if value else b"0") + b"</v>", style)
    if isinstance(value, int | float) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        shown = repr(value) if isinstance(value, float) else str(value)
        return Encoded("n", b"<v>" + shown.encode() + b"</v>", style)
    if isinstance(value, date | time):
        kind = datetime if isinstance(value, datetime) else type(value)
        if not styles.is_date(style):
            style = styles.with_number_format(style, TIME_FORMATS[kind])
        return Encoded("n", b"<v>" + repr(serial(value, epoch)).encode() + b"</v>", style)
    value = value if isinstance(value, str) else str(value)
    if looks_like_formula(value):
        style = styles.with_quote_prefix(style)
    return Encoded("inlineStr", inline_text(value), style)


def serial(value: date | datetime | time, epoch: date) -> float | int:
    """Excel's serial number of a date (with the 1900 system's phantom 29 February)."""
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    day = value.date() if isinstance(value, datetime) else value
    days = (day - epoch).days
    if epoch == EPOCH_1900 and day < date(1900, 3, 1):
        days -= 1
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return days + seconds / 86400
    return days
