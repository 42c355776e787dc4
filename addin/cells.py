"""Normalise what people type into cells: numbers with 分, full-width digits, stray spaces.

Pure functions, no workbook library: they take plain cell values (str, float, int, bool,
date, None) as an adapter read them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# After NFKC: optional sign, digits with at most one decimal point, optional 分/points unit.
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:分|pts?|points?)?$", re.IGNORECASE)


# Texts longer than this are folded each time, not cached: a worker checks file after file,
# and the caches would keep (up to 8192) texts of any length — a hostile file's megabytes.
CACHED_CHARS = 256


def fold(text: object) -> str:
    """Fold text for comparison: NFKC (full-width → half-width), no whitespace at all."""
    if text is None:
        return ""
    text = text if isinstance(text, str) else str(text)
    return (_fold_str if len(text) <= CACHED_CHARS else _fold_str.__wrapped__)(text)


@lru_cache(maxsize=8192)
def _fold_str(text: str) -> str:
    # Cached: the same labels and item texts recur on every sheet of every submission.
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def _fold_label_str(text: str) -> str:
    folded = fold(text).rstrip(":：")
    return re.sub(r"[（(].*?[)）]", "", folded)


def fold_label(text: object) -> str:
    """Fold a label cell: also drop a trailing colon and any parenthesised note."""
    text = text if isinstance(text, str) else fold(text)
    return (_fold_label_str if len(text) <= CACHED_CHARS else _fold_label_str.__wrapped__)(text)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and (value == "" or fold(value) == ""))


@dataclass(frozen=True)
class Number:
    """The outcome of reading one numeric cell."""

    value: Decimal | None
    state: str  # "ok" | "normalized" | "missing" | "not_number"
    raw: object = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def read_number(raw: object) -> Number:
    """Read a score-like cell: plain numbers pass; "4分", "４", " 4.5 " are normalised."""
    if type(raw) in (str, float, int):
        return _read_number_cached(raw)
    return _read_number(raw)


@lru_cache(maxsize=4096, typed=True)
def _read_number_cached(raw: str | float | int) -> Number:
    # Scores repeat endlessly (5, 4.5, "5分"); reading each distinct value once is enough.
    return _read_number(raw)


def _read_number(raw: object) -> Number:
    if is_blank(raw):
        return Number(None, "missing", raw)
    if isinstance(raw, bool | date | datetime | time):
        return Number(None, "not_number", raw)
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Number(None, "not_number", raw)
        return Number(to_decimal(raw), "ok", raw)
    text = fold(raw)
    match = _NUMBER.match(text)
    if not match:
        return Number(None, "not_number", raw)
    try:
        return Number(Decimal(match.group(1)).normalize() + 0, "normalized", raw)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return Number(None, "not_number", raw)


def to_decimal(value: int | float | Decimal) -> Decimal:
    """Exact decimal of a cell number, with float noise from binary storage removed."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(round(value, 9))).normalize() + 0


def plain(value: Decimal | None) -> int | float | None:
    """A decimal as the JSON/Excel number a person expects: 18 not 18.0, 86.5 as is."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# How an exact score is shown (cells, messages, JSON): as it is when it has at most four
# decimals (89.975), else cut — not rounded — to two (1/3 of 25 → 8.33). Cutting never shows
# a total at a grade boundary it has not reached (89.9966 is shown 89.99, not 90.00); the grade
# always comes from the exact value.
EXACT_PLACES = 4
SHOWN_PLACES = 2


def shown(value: Fraction | Decimal | int | None) -> int | float | None:
    """An exact value (a fraction from weights such as 1/3) as a person reads it; see above.

    Integer arithmetic on the value's lowest-terms ratio (every score of every sheet passes
    here): an int when whole, else the float nearest to the decimal shown (int / int rounds
    correctly, as float(Decimal) does)."""
    if value is None:
        return None
    numerator, denominator = value.as_integer_ratio()
    if denominator == 1:
        return numerator
    scale = 10**EXACT_PLACES
    if scale % denominator == 0:
        return numerator * (scale // denominator) / scale
    cents = abs(numerator) * 10**SHOWN_PLACES // denominator  # cut, never rounded
    cut = cents if numerator >= 0 else -cents  # toward zero
    whole, rest = divmod(cut, 10**SHOWN_PLACES)
    return whole if rest == 0 else cut / 10**SHOWN_PLACES


def shows_exactly(value: Fraction | Decimal | int) -> bool:
    """True when `shown(value)` is the value itself (at most four decimals), not a cut one."""
    return 10**EXACT_PLACES % value.as_integer_ratio()[1] == 0


def exact_sum(values: Iterable[Fraction | Decimal | int]) -> Fraction:
    """The exact sum, added as integers over a common denominator and made a Fraction once
    (`sum(values, Fraction(0))` normalises a new Fraction at every addition; scores are
    decimals, so the denominators are few and small)."""
    numerator, denominator = 0, 1
    for value in values:
        n, d = value.as_integer_ratio()
        if d != denominator:
            common = math.lcm(denominator, d)
            numerator *= common // denominator
            n *= common // d
            denominator = common
        numerator += n
    return Fraction(numerator, denominator)


def agrees(typed: Decimal, exact: Fraction) -> bool:
    """A typed result agrees with the exact one when it is that value, or that value rounded
    half up to cents (84.995 → 85.00, as Excel's ROUND gives), or as Jiceng shows it (cut to
    two decimals). Grades are still judged on the exact value."""
    if typed.is_nan():
        return False
    rounded = Fraction(math.floor(exact * 100 + Fraction(1, 2)), 100)
    return Fraction(typed) in (exact, rounded, Fraction(str(shown(exact))))


def exact_text(value: Fraction | Decimal | int) -> str:
    """The exact value as text: a decimal when it has one (0.999999), else a fraction (269/3)."""
    exact = Fraction(value)
    d = exact.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{exact.numerator}/{exact.denominator}"
    places = 0
    while (exact * 10**places).denominator != 1:
        places += 1
    return format(Decimal(int(exact * 10**places)).scaleb(-places), "f")


def clip(value: object, limit: int = 40) -> object:
    """Text shortened for a message ("…" at the cut); other values (TRUE, a date) unchanged,
    since the findings catalogue shows those."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
