"""联系电话 as people type it: a mainland mobile number or a landline with its area code.

Spaces, dashes, brackets round the area code, full-width digits, a +86 before a mobile and an
extension (转 / 分机 / ext / a last dash group) are tolerated; several numbers may be given,
separated by / 、 ， ; or 或. Pure: plain values in, a canonical string (or None) out.
"""

from __future__ import annotations

import re
import unicodedata

_SPLIT = re.compile(r"[/、,，;；]|或")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|#)\s*([0-9]{1,6})\s*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^(?:\+|00)?86(?=[\s\-]*1[3-9])")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―~～().]+")
_DIGITS = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalize_phone(value: object) -> str | None:
    """ "138 1234 5678" → "13812345678"; "(029)8888-6666" → "029-88886666"; invalid → None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a cell Excel stores as 13812345678.0
    text = unicodedata.normalize("NFKC", str(value)).strip()
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if not parts:
        return None
    canonical = [_one(p) for p in parts]
    if any(c is None for c in canonical):
        return None
    return " / ".join(canonical)


def _one(text: str) -> str | None:
    text = _COUNTRY.sub("", text.strip())
    extension = None
    match = _EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    groups = [g for g in _SEPARATORS.split(text) if g]
    if not groups or not all(_DIGITS.fullmatch(g) for g in groups):
        return None
    digits = "".join(groups)
    if extension is None and _MOBILE.fullmatch(digits):
        return digits
    landline = _landline(digits)
    if landline is None and extension is None and len(groups) >= 3 and len(groups[-1]) <= 6:
        # "029-88886666-123": the last dash group is the extension
        extension = groups[-1]
        landline = _landline("".join(groups[:-1]))
    if landline is None:
        return None
    return f"{landline}转{extension}" if extension else landline


def _landline(digits: str) -> str | None:
    """Area code (010, 02x: three digits; others four) + a 7–8 digit local number."""
    if len(digits) < 10 or digits[0] != "0" or digits[1] == "0":
        return None
    area_len = 3 if digits[1] in "12" else 4
    area, local = digits[:area_len], digits[area_len:]
    if len(local) not in (7, 8) or local[0] in "01":
        return None
    return f"{area}-{local}"
