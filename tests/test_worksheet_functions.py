"""JICENG_GRADE / JICENG_DUE / JICENG_STATUS take what Excel passes: single cells, ranges,
TRUE/FALSE, serial dates, date text, odd years — called the way xlwings' custom-functions
runtime calls them (Office.js argument matrices), and never raising."""

from __future__ import annotations

import datetime as dt

import pytest
import test_excel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlwings_harness import call_function

excel = test_excel.excel  # the fixture: addin.excel registered as on xlwings Lite / Server

MAY_20 = (dt.date(2022, 5, 20) - dt.date(1899, 12, 30)).days  # 44701


def cell(excel, name, *args):
    (row,) = call_function(excel, name, *args)
    (value,) = row
    return value


def test_a_range_of_completion_dates_is_read_cell_by_cell(excel):
    one = cell(excel, "jiceng_status", "5 月/12 月", "进行中", MAY_20, "2022-06-15")
    assert one == "正常推进"
    for dates in (
        [[MAY_20, ""]],
        [[MAY_20], [""]],
        [["2022-05-20", None]],
        [["", "2022年5月20日"]],
    ):
        assert cell(excel, "jiceng_status", "5 月/12 月", "进行中", dates, "2022-06-15") == one
    both = [["2022-05-20", "2022-12-20"]]
    assert cell(excel, "jiceng_status", "5 月/12 月", "已完成", both, "2022-12-31") == "已完成"
    # Blank cells skipped: one date for two milestones by the year's end is not "done in time".
    done_once = cell(excel, "jiceng_status", "5 月/12 月", "已完成", [[MAY_20, ""]], "2023-01-05")
    assert done_once != "已完成"
    assert cell(excel, "jiceng_status", "4 月底", "已完成", [[True, ""]], "2022-06-15") == (
        "完成日期不能是逻辑值 TRUE"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((True,), "总分不能是逻辑值 TRUE"),
        ((False,), "总分不能是逻辑值 FALSE"),
        (([[85, 60]],), "总分只能是一个单元格，所选区域中有 2 个单元格有内容"),
        (([[85], [""]],), "先进"),  # one filled cell of a range is that cell
        (([["", ""]],), ""),
        ((85.0,), "先进"),
        (("85",), "先进"),
    ],
)
def test_grade_arguments(excel, args, expected):
    assert cell(excel, "jiceng_grade", *args) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1999, "年度应在 2000～2100 之间，不是 1999"),
        (2000, "ok"),
        (2100, "ok"),
        (2101, "年度应在 2000～2100 之间，不是 2101"),
        (-3, "年度应在 2000～2100 之间，不是 -3"),
        (1.5, "年度应为整数，如 2022，不是“1.5”"),
        (2022.0, "ok"),
        ("2022", "ok"),
        ("明年", "年度应为整数，如 2022，不是“明年”"),
        (True, "年度不能是逻辑值 TRUE"),
        ([[2022, 2023]], "年度只能是一个单元格，所选区域中有 2 个单元格有内容"),
    ],
)
def test_year_is_an_integer_from_2000_to_2100(excel, year, expected):
    got = cell(excel, "jiceng_due", "12 月", "2000-01-01", year)
    if expected == "ok":
        assert isinstance(got, dict) and got["type"] == "FormattedNumber", got
    else:
        assert got == expected
    assert cell(excel, "jiceng_status", "12 月", "进行中", None, "2000-01-01", year) == (
        "正常推进" if expected == "ok" else expected
    )


def test_as_of_takes_serials_dates_and_text(excel):
    june_25 = (dt.date(2022, 6, 25) - dt.date(1899, 12, 30)).days
    answers = {
        cell(excel, "jiceng_status", "6 月/12 月", "进行中", None, as_of)
        for as_of in (june_25, dt.date(2022, 6, 25), "2022-06-25", "2022/6/25", "2022年6月25日")
    }
    assert answers == {"即将到期"}
    assert cell(excel, "jiceng_due", "4 月底", False) == "基准日期不能是逻辑值 FALSE"
    assert cell(excel, "jiceng_due", "4 月底", [["2022-06-15", "2022-06-16"]]) == (
        "基准日期只能是一个单元格，所选区域中有 2 个单元格有内容"
    )


def test_an_unexpected_failure_is_a_sentence_in_the_cell(excel, monkeypatch):
    from addin import worksheet_functions

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(worksheet_functions, "parse_deadline", broken)
    assert (
        cell(excel, "jiceng_due", "4 月底", "2022-06-15")
        == "计算出错（ZeroDivisionError），请检查参数"
    )


# --- property: whatever Office.js sends, a value comes back -----------------------------------

# What one cell can hold when it reaches a custom function: a number (dates are serials), text,
# a logical value or nothing.
VALUES = st.one_of(
    st.integers(-(10**6), 3 * 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=12),
    st.sampled_from(["", "2022-05-20", "5月20日", "4 月底", "每季度", "已完成", "进行中", "85分"]),
    st.booleans(),
)
# One argument: omitted (None), one cell, or a rectangular range.
ARGUMENTS = st.one_of(
    st.none(),
    VALUES,
    st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(VALUES, min_size=width, max_size=width), min_size=1, max_size=3
        )
    ),
)


def returned_to_excel(result) -> bool:
    """One cell back: text, or a date as xlwings hands it to Excel."""
    (row,) = result
    (value,) = row
    return isinstance(value, str) or (
        isinstance(value, dict) and value["type"] == "FormattedNumber"
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(total=ARGUMENTS.filter(lambda a: a is not None))
def test_grade_never_raises(excel, total):
    result = call_function(excel, "jiceng_grade", total)
    assert returned_to_excel(result) and not str(result[0][0]).startswith("计算出错")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(deadline=ARGUMENTS.filter(lambda a: a is not None), as_of=ARGUMENTS, year=ARGUMENTS)
def test_due_never_raises(excel, deadline, as_of, year):
    result = call_function(excel, "jiceng_due", deadline, as_of, year)
    assert returned_to_excel(result) and not str(result[0][0]).startswith("计算出错")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deadline=ARGUMENTS.filter(lambda a: a is not None),
    progress=ARGUMENTS,
    done=ARGUMENTS,
    as_of=ARGUMENTS,
    year=ARGUMENTS,
)
def test_status_never_raises(excel, deadline, progress, done, as_of, year):
    result = call_function(excel, "jiceng_status", deadline, progress, done, as_of, year)
    # Every shape is read by the function itself, none falls through to the last-resort guard.
    assert returned_to_excel(result) and not str(result[0][0]).startswith("计算出错")
