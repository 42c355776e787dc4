"""Normalising what people type into score cells (property tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.cells import (
    agrees,
    clip,
    exact_sum,
    exact_text,
    fold,
    fold_label,
    plain,
    read_number,
    shown,
    shows_exactly,
    to_decimal,
)

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
halves = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2)
spaces = st.sampled_from(["", " ", "  ", "\u3000", "\t", "\u00a0"])


def show(value: Decimal) -> str:
    return format(value.normalize(), "f")


@given(halves)
def test_plain_numbers_pass_without_warning(value):
    assert read_number(float(value)).state == "ok"
    assert read_number(float(value)).value == value


@given(halves, spaces, spaces, st.sampled_from(["", "分"]), st.booleans())
def test_text_variants_read_back_the_same_number(value, before, after, unit, full_width):
    text = show(value)
    if full_width:
        text = text.translate(FULL_WIDTH)
    number = read_number(f"{before}{text}{unit}{after}")
    assert number.state == "normalized"
    assert number.value == value


@given(st.text())
def test_any_text_is_a_number_or_a_clear_state(text):
    number = read_number(text)
    assert number.state in {"ok", "normalized", "missing", "not_number"}
    assert (number.value is not None) == (number.state in {"ok", "normalized"})


def test_things_that_are_not_numbers():
    for raw in ["良好", "4-5", "五", "4..5", "--1", True, dt.date(2022, 4, 30), float("nan")]:
        assert read_number(raw).state == "not_number", raw
    for raw in [None, "", "  ", "\u3000"]:
        assert read_number(raw).state == "missing"


def test_float_noise_from_storage_is_removed():
    assert read_number(0.1 + 0.2).value == Decimal("0.3")
    assert read_number(4.499999999999).value == Decimal("4.5")


@given(st.text(alphabet="党支部名称 　ＡＢＣ１２３:：", max_size=20))
def test_fold_is_idempotent_and_spaceless(text):
    assert fold(fold(text)) == fold(text)
    assert " " not in fold(text) and "\u3000" not in fold(text)


def test_fold_of_other_values():
    assert (fold(None), fold(5), fold(4.5), fold(" 第 一 ")) == ("", "5", "4.5", "第一")
    assert (fold_label(None), fold_label(5), fold_label("得 分（满分5分）：")) == ("", "5", "得分")


def test_minus_zero_reads_as_zero():
    # "-0分" or a -0.0 cell is 0, never shown as "-0" in a message
    assert str(read_number("-0分").value) == "0"
    assert str(read_number("-0").value) == "0"
    assert str(to_decimal(-0.0)) == "0"


def test_float_noise_is_cut_at_nine_decimals():
    assert to_decimal(1.00000000006) == Decimal(1)  # the 10th decimal is storage noise
    assert to_decimal(1.000000006) == Decimal("1.000000006")  # the 9th is not


def test_clip_at_the_limit():
    assert clip("x" * 40) == "x" * 40  # exactly the limit: whole
    assert clip("x" * 39) == "x" * 39
    assert clip("x" * 41) == "x" * 39 + "…"  # one over: cut to the limit, "…" included
    assert clip("  甲乙  ", limit=2) == "甲乙"
    assert clip("甲乙丙", limit=2) == "甲…"
    assert clip(dt.date(2022, 5, 1)) == dt.date(2022, 5, 1)


def test_plain_numbers_for_json():
    assert (plain(None), plain(Decimal("18.0")), plain(Decimal("86.5"))) == (None, 18, 86.5)
    assert type(plain(Decimal("18.0"))) is int


def test_read_number_keeps_what_was_read():
    # every outcome carries the cell value as read, beside its state
    day = dt.date(2022, 5, 1)
    for raw, state in [
        (None, "missing"),
        ("  ", "missing"),
        (True, "not_number"),
        (day, "not_number"),
        (float("inf"), "not_number"),
        (4.5, "ok"),
        (5, "ok"),
        ("4.5分", "normalized"),
        ("良好", "not_number"),
    ]:
        number = read_number(raw)
        assert (number.state, number.raw) == (state, raw)


@pytest.mark.parametrize(
    ("exact", "expected"),
    [
        (None, None),
        (Fraction(18), 18),
        (Fraction(173, 2), 86.5),
        (Fraction(89975, 1000), 89.975),  # four decimals: shown as they are
        (Fraction(1, 10000), 0.0001),
        (Fraction(1, 100000), 0),  # five decimals: cut to two
        (Fraction(25, 3), 8.33),  # 1/3 of 25: cut, not rounded
        (Fraction(50, 3), 16.66),  # 16.666…: cut, never rounded up to 16.67
        (Fraction(269, 3), 89.66),
        (Fraction(-25, 3), -8.33),  # cut toward zero
        (Fraction(-1, 100000), 0),  # cut to nothing: 0, never -0.0
        (Fraction(300001, 3000), 100),  # 100.000333…: cut to a whole number, shown as one
        (Decimal("86.50"), 86.5),
        (Decimal("-0"), 0),
        (7, 7),
    ],
)
def test_shown_keeps_four_decimals_and_cuts_longer_ones_to_two(exact, expected):
    value = shown(exact)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("typed", "exact", "agree"),
    [
        ("84.995", Fraction(16999, 200), True),  # the exact value
        ("85", Fraction(16999, 200), True),  # rounded half up to cents, as Excel's ROUND
        ("84.99", Fraction(16999, 200), False),  # shown as 84.995: no cut to agree with
        ("85.01", Fraction(16999, 200), False),
        ("84.98", Fraction(16999, 200), False),
        ("16.67", Fraction(50, 3), True),  # rounded
        ("16.66", Fraction(50, 3), True),  # shown
        ("16.68", Fraction(50, 3), False),
        ("16.65", Fraction(50, 3), False),
        ("0.01", Fraction(1, 200), True),  # 0.005 rounds half up
        ("0", Fraction(1, 200), False),
        ("0.02", Fraction(1, 200), False),
        ("NaN", Fraction(1), False),  # text typed where a number belongs
    ],
)
def test_a_typed_result_agrees_with_the_exact_one_rounded_or_as_shown(typed, exact, agree):
    assert agrees(Decimal(typed), exact) is agree


@pytest.mark.parametrize(
    ("exact", "text"),
    [
        (Fraction(18), "18"),
        (Fraction(1, 8), "0.125"),
        (Fraction(1, 20), "0.05"),
        (Fraction(999999, 1000000), "0.999999"),
        (Fraction(1, 10**7), "0.0000001"),  # written out, never "1E-7"
        (Fraction(-1, 4), "-0.25"),
        (Fraction(269, 3), "269/3"),  # no finite decimal: a fraction
        (Fraction(1, 6), "1/6"),  # 2 and 3 in the denominator
        (Fraction(1, 15), "1/15"),  # 5 and 3
    ],
)
def test_exact_text_is_a_decimal_when_there_is_one_else_a_fraction(exact, text):
    assert exact_text(exact) == text


@pytest.mark.parametrize(
    ("exact", "exactly"),
    [
        (Fraction(179951, 2000), True),  # 89.9755: four decimals, shown as it is
        (Fraction(179951, 20000), False),  # 8.99755: five decimals, cut
        (Fraction(50, 3), False),
        (Decimal("84.995"), True),
        (18, True),
    ],
)
def test_shows_exactly_when_nothing_is_cut(exact, exactly):
    assert shows_exactly(exact) is exactly
    assert (Fraction(str(shown(exact))) == exact) is exactly


@given(
    st.lists(
        st.one_of(
            st.fractions(max_denominator=400),
            st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6),
            st.integers(-1000, 1000),
        ),
        max_size=20,
    )
)
def test_exact_sum_is_the_sum_of_the_values(values):
    total = exact_sum(values)
    assert type(total) is Fraction
    assert total == sum((Fraction(v) for v in values), Fraction(0))
