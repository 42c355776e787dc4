"""联系电话: every rule of the phone reader on both sides of its edge (pure, no workbook)."""

from __future__ import annotations

import pytest

from addin.kinds.summary.phone import normalize_phone


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        # mobile: 11 digits starting 13–19
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("12812345678", None),  # 12x is no mobile prefix
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits
        (13812345678.0, "13812345678"),  # a number cell
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        # landline: area code (010, 02x: 3 digits; others 4) + a 7–8 digit local number 2–9…
        ("029-88886666", "029-88886666"),
        ("029-28886666", "029-28886666"),
        ("029-18886666", None),  # a local number starting with 1
        ("029-08886666", None),  # ... or with 0
        ("029-98886666", "029-98886666"),
        ("010-1234567", None),
        ("010-2345678", "010-2345678"),  # 7 digits
        ("010-23456789", "010-23456789"),  # 8 digits
        ("010-234567", None),  # 6 digits
        ("010-234567890", None),  # 9 digits
        ("0351-7654321", "0351-7654321"),  # a four-digit area code
        ("0351-1654321", None),
        ("001-23456789", None),  # no area code starts 00
        ("(029)8888-6666", "029-88886666"),
        ("０２９－８８８８６６６６", "029-88886666"),
        # extensions
        ("029-88886666转123", "029-88886666转123"),
        ("029-88886666 ext. 12", "029-88886666转12"),
        ("029-88886666-123456", "029-88886666转123456"),  # a last dash group of 6: extension
        ("029-88886666-1234567", None),  # 7 digits is no extension
        ("029-8888-6666", "029-88886666"),  # three groups that are the number itself
        ("13812345678转12", None),  # a mobile has no extension
        # several numbers
        ("029-88886666 / 13812345678", "029-88886666 / 13812345678"),
        ("029-88886666或123", None),  # every part must be a number
        # not a number at all
        ("", None),
        ("  ", None),
        ("无", None),
        ("029-8888666x", None),  # a letter inside a group that would otherwise be a number
        ("O29-88886666", None),
        (None, None),
        (True, None),
    ],
)
def test_normalize_phone(typed, canonical):
    assert normalize_phone(typed) == canonical
