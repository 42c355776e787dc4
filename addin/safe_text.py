"""Text from a submitted file, made safe for every place Jiceng writes it.

Cell texts, branch names and file names are typed by strangers. In our outputs they must stay
exactly what they are — visible text — and never become:
- a character an XML file cannot hold (openpyxl refuses the whole workbook then), or a
  terminal control sequence (ESC[…] recolours or rewrites the screen): each such character is
  shown as its visible Unicode picture, e.g. BEL → ␇;
- a formula: text starting with = + - @ (after spaces too, and the full-width ＝＋－＠) is
  what spreadsheet programs treat as a formula (“CSV injection”); writers store it as text.
Pure functions: the workbook adapters and the report renderers all call these.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except TAB, LF, CR; DEL; C1 controls; non-characters; lone surrogates.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Bidirectional controls (embeddings, overrides, isolates, marks): a file name with one
# shows reordered — “a<RLO>gpj.xlsx” reads as “axslx.jpg” — and a terminal line with one is
# redrawn the same way; in names and lines each is shown as its code point, “<U+202E>”.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = frozenset("=+-@＝＋－＠")
_LEADING_SPACE = " \t\r\n\u3000\u00a0"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def visible(text: str) -> str:
    """`text` with every control or invalid character replaced by a visible stand-in."""
    return _INVISIBLE.sub(_picture, text)


def visible_name(text: str) -> str:
    """A file or member name as it is: controls made visible, bidirectional controls named."""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", visible(text))


def visible_line(text: str) -> str:
    """For one line of terminal or log output: line breaks are shown, not obeyed, and no
    bidirectional control reorders what follows."""
    return visible_name(text).replace("\r", "␍").replace("\n", "␊")


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet program take this text for a formula?"""
    stripped = text.lstrip(_LEADING_SPACE)
    return bool(stripped) and stripped[0] in _FORMULA_START


def safe_value(value: Any) -> Any:
    """A cell value from a submission, ready to be written: strings made visible."""
    return visible(value) if isinstance(value, str) else value


def path_text(name: str) -> str:
    """A file name as a person reads it. Names unzipped on Linux from a Windows zip are often
    GBK bytes that Python holds as lone surrogates (which no JSON or XML writer accepts):
    read them as UTF-8, else GBK, else with replacement characters; then make them visible."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        for encoding in ("utf-8", "gbk"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            name = raw.decode("utf-8", "replace")
    return visible_name(name)
