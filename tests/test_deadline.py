"""Tests for addin.deadline: Chinese deadline wordings (时间期限) -> dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.deadline import (
    CADENCES,
    DEFAULT_FIXED_DAYS,
    Deadline,
    Milestone,
    cadence_from_text,
    milestones_of,
    next_due,
    parse_deadline,
    period_ends,
)

Y = 2022


def d(month: int, day: int, year: int = Y) -> date:
    return date(year, month, day)


# (text, expected milestones as (start, end)) for year 2022; start None = a plain deadline.
MILESTONE_CASES = [
    # the four official deadlines of 附件3
    ("5 月/12 月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("4 月底", [(None, d(4, 30))]),
    ("全年", [(None, d(12, 31))]),
    ("6 月/12 月", [(None, d(6, 30)), (None, d(12, 31))]),
    # end of month / month alone
    ("4月末", [(None, d(4, 30))]),
    ("2月底", [(None, d(2, 28))]),
    ("5 月", [(None, d(5, 31))]),
    ("5月份", [(None, d(5, 31))]),
    ("4月底前", [(None, d(4, 30))]),
    ("4月底前完成", [(None, d(4, 30))]),
    ("截至5月底", [(None, d(5, 31))]),
    # separators
    ("5月／12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月、12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月，12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月,12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月;12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月；12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月和12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月及12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月以及12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5月\n12月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("12月/5月", [(None, d(5, 31)), (None, d(12, 31))]),  # sorted by end
    ("5月/5月底", [(None, d(5, 31))]),  # duplicates collapse
    # the year
    ("年底前", [(None, d(12, 31))]),
    ("年底", [(None, d(12, 31))]),
    ("年末", [(None, d(12, 31))]),
    ("年中", [(None, d(6, 30))]),
    ("上半年", [(None, d(6, 30))]),
    ("下半年", [(None, d(12, 31))]),
    ("全年度", [(None, d(12, 31))]),
    # days
    ("5月10日前", [(None, d(5, 10))]),
    ("5月10日", [(None, d(5, 10))]),
    ("5月10号", [(None, d(5, 10))]),
    ("5月10日之前", [(None, d(5, 10))]),
    ("5月10日以前", [(None, d(5, 10))]),
    ("6月30日前夕", [(None, d(6, 30))]),
    ("2月28日", [(None, d(2, 28))]),
    # ten-day parts
    ("3月上旬", [(None, d(3, 10))]),
    ("3月中旬", [(None, d(3, 20))]),
    ("3月下旬", [(None, d(3, 31))]),
    ("2月下旬", [(None, d(2, 28))]),
    ("4月中下旬", [(d(4, 11), d(4, 30))]),
    ("4月上中旬", [(d(4, 1), d(4, 20))]),
    ("4月中旬前", [(None, d(4, 20))]),
    # ranges
    ("3月上旬—4月中旬", [(d(3, 1), d(4, 20))]),
    ("3月上旬——4月中旬", [(d(3, 1), d(4, 20))]),
    ("3月上旬–4月中旬", [(d(3, 1), d(4, 20))]),
    ("3月中旬~4月下旬", [(d(3, 11), d(4, 30))]),
    ("3月下旬～4月上旬", [(d(3, 21), d(4, 10))]),
    ("5月-6月", [(d(5, 1), d(6, 30))]),
    ("5月至6月", [(d(5, 1), d(6, 30))]),
    ("5月到6月", [(d(5, 1), d(6, 30))]),
    ("5-6月", [(d(5, 1), d(6, 30))]),
    ("5月10日至20日", [(d(5, 10), d(5, 20))]),
    ("5月10-20日", [(d(5, 10), d(5, 20))]),
    ("5月10日—6月上旬", [(d(5, 10), d(6, 10))]),
    ("5月中下旬—6月上旬", [(d(5, 11), d(6, 10))]),
    ("二季度—三季度", [(d(4, 1), d(9, 30))]),
    ("七一—十一月", [(d(7, 1), d(11, 30))]),
    ("2022年12月—2023年1月", [(d(12, 1), d(1, 31, 2023))]),
    ("5 月 - 6 月 / 12 月", [(d(5, 1), d(6, 30)), (None, d(12, 31))]),
    # year prefix
    ("2022年5月底", [(None, d(5, 31))]),
    ("2023年3月", [(None, d(3, 31, 2023))]),
    ("2023年底", [(None, d(12, 31, 2023))]),
    ("2023年年底", [(None, d(12, 31, 2023))]),
    ("2023年上半年", [(None, d(6, 30, 2023))]),
    ("2023年全年", [(None, d(12, 31, 2023))]),
    ("2024年2月底", [(None, d(2, 29, 2024))]),
    ("二〇二三年五月", [(None, d(5, 31, 2023))]),
    ("2023-05-31", [(None, d(5, 31, 2023))]),
    ("2023/5/31", [(None, d(5, 31, 2023))]),
    # quarters
    ("第二季度", [(None, d(6, 30))]),
    ("二季度", [(None, d(6, 30))]),
    ("二季度末", [(None, d(6, 30))]),
    ("Q2", [(None, d(6, 30))]),
    ("q2", [(None, d(6, 30))]),
    ("Ｑ２", [(None, d(6, 30))]),
    ("一季度", [(None, d(3, 31))]),
    ("第三季度", [(None, d(9, 30))]),
    ("第四季度", [(None, d(12, 31))]),
    ("第4季度", [(None, d(12, 31))]),
    # fixed days, any quotes
    ("“七一”前", [(None, d(7, 1))]),
    ("七一前", [(None, d(7, 1))]),
    ("七一前夕", [(None, d(7, 1))]),
    ('"七一"前', [(None, d(7, 1))]),
    ("「七一」前", [(None, d(7, 1))]),
    ("'七一'前", [(None, d(7, 1))]),
    ("五四前", [(None, d(5, 4))]),
    ("十一前", [(None, d(10, 1))]),
    ("国庆前", [(None, d(10, 1))]),
    ("元旦前", [(None, d(1, 1))]),
    ("“七一”前/年底", [(None, d(7, 1)), (None, d(12, 31))]),
    # Chinese numerals, full width, spaces
    ("三月", [(None, d(3, 31))]),
    ("十二月", [(None, d(12, 31))]),
    ("十一月", [(None, d(11, 30))]),
    ("十月二十日", [(None, d(10, 20))]),
    ("十二月三十一日前", [(None, d(12, 31))]),
    ("五月二十一日", [(None, d(5, 21))]),
    ("两月底", [(None, d(2, 28))]),
    ("５月", [(None, d(5, 31))]),
    ("１２月３１日", [(None, d(12, 31))]),
    ("5 月 / 12 月", [(None, d(5, 31)), (None, d(12, 31))]),
    ("5\u3000月\xa0底", [(None, d(5, 31))]),
    (" 4 月 底 前 ", [(None, d(4, 30))]),
    # notes in parentheses are ignored
    ("5 月（初稿）/12 月（定稿）", [(None, d(5, 31)), (None, d(12, 31))]),
    ("4月底(报组织部)", [(None, d(4, 30))]),
    ("4月底【含汇总表】", [(None, d(4, 30))]),
]


@pytest.mark.parametrize(("text", "expected"), MILESTONE_CASES)
def test_milestones(text: str, expected: list[tuple[date | None, date]]) -> None:
    result = parse_deadline(text, Y)
    assert [(m.start, m.end) for m in result.milestones] == expected
    assert result.unparsed == ()
    assert result.cadence is None
    assert result.ok
    assert result.text == text


@pytest.mark.parametrize(
    ("text", "cadence"),
    [
        ("每月", "monthly"),
        ("每个月", "monthly"),
        ("每月底前", "monthly"),
        ("每季度", "quarterly"),
        ("每个季度", "quarterly"),
        ("每季度末", "quarterly"),
        ("每季度一次", "quarterly"),
        ("每半年", "half_yearly"),
        ("每年", "yearly"),
    ],
)
def test_cadence_only(text: str, cadence: str) -> None:
    result = parse_deadline(text, Y)
    assert result.milestones == ()
    assert result.cadence == cadence
    assert result.ok


def test_cadence_with_milestone_and_finest_cadence_wins() -> None:
    result = parse_deadline("每季度/年底", Y)
    assert result.cadence == "quarterly"
    assert [m.end for m in result.milestones] == [d(12, 31)]
    assert parse_deadline("每年、每月", Y).cadence == "monthly"


@pytest.mark.parametrize(
    "text",
    [
        "待定",
        "尽快",
        "另行通知",
        "长期",
        "2月30日",
        "2月29日",  # 2022 is not a leap year
        "13月",
        "0月",
        "5月32日",
        "5月0日",
        "中下旬",  # no month to attach to
        "20日",
        "5月初",
        "5月中",
        "12月—1月",  # ends before it starts: no silent year rollover
        "5月或6月",
        "Q5",
        "第五季度",
        "五五前",
        "（待定）",
        "/",
        "5月(初稿",
        "3月上旬—4月中旬—5月",
    ],
)
def test_unreadable_is_reported_not_guessed(text: str) -> None:
    result = parse_deadline(text, Y)
    assert result.milestones == ()
    assert result.cadence is None
    assert result.unparsed
    assert not result.ok


def test_partly_readable_keeps_good_parts_and_reports_the_rest() -> None:
    result = parse_deadline("5月/待定/2月30日", Y)
    assert [m.end for m in result.milestones] == [d(5, 31)]
    assert result.unparsed == ("待定", "2月30日")
    assert not result.ok


@pytest.mark.parametrize("text", ["", "   ", "\u3000\xa0\n", None])
def test_blank_text(text: str | None) -> None:
    result = parse_deadline(text, Y)
    assert result.milestones == ()
    assert result.unparsed == ()
    assert result.cadence is None
    assert not result.ok


def test_labels_are_the_normalised_fragments() -> None:
    result = parse_deadline("5 月（初稿）/ “七一”前 / 3月上旬—4月中旬", Y)
    assert [m.label for m in result.milestones] == ["3月上旬—4月中旬", "5月", "七一前"]


def test_excel_date_cell() -> None:
    result = parse_deadline(datetime(2022, 5, 31, 0, 0), Y)
    assert result.milestones == (Milestone(d(5, 31), None, "2022-05-31"),)
    assert result.ok


def test_custom_fixed_days_extend_defaults() -> None:
    fixed = {"“一二·九”": (12, 9), "开学": (9, 1)}
    result = parse_deadline("开学前/一二·九前/七一", Y, fixed_days=fixed)
    assert [m.end for m in result.milestones] == [d(7, 1), d(9, 1), d(12, 9)]
    assert parse_deadline("开学前", Y).unparsed == ("开学前",)
    assert DEFAULT_FIXED_DAYS["七一前夕"] == (7, 1)


def test_invalid_fixed_day_is_unparsed() -> None:
    assert not parse_deadline("闰日", Y, fixed_days={"闰日": (2, 29)}).ok
    assert parse_deadline("闰日", 2024, fixed_days={"闰日": (2, 29)}).milestones[0].end == date(
        2024, 2, 29
    )


def test_cadence_hint_applies_to_whole_year_only() -> None:
    hinted = parse_deadline("全年", Y, cadence_hint="monthly")
    assert hinted.cadence == "monthly"
    assert [m.end for m in hinted.milestones] == [d(12, 31)]
    assert parse_deadline("5月/12月", Y, cadence_hint="monthly").cadence is None
    assert parse_deadline("每季度", Y, cadence_hint="monthly").cadence == "quarterly"
    assert parse_deadline("", Y, cadence_hint="monthly").cadence is None
    with pytest.raises(ValueError, match="unknown cadence_hint 'weekly'"):
        parse_deadline("全年", Y, cadence_hint="weekly")


def test_bad_year_rejected() -> None:
    with pytest.raises(ValueError, match=r"year must be an int in 1\.\.9999, got 0"):
        parse_deadline("5月", 0)


# --- cadence_from_text / period_ends --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cadence"),
    [
        ("1. 每月联系不少于 1 个党支部； 2. 每月提交一份联系支部工作报告。", "monthly"),
        ("党支部每季度向党总支汇报一次工作开展情况", "quarterly"),
        ("每个季度召开一次", "quarterly"),
        ("每半年开展一次专题组织生活会", "half_yearly"),
        ("每年评议一次", "yearly"),
        ("每 月 一 次", "monthly"),
        ("每季度汇报，每年总结", "quarterly"),
        ("按照分类定级评分参考标准划分", None),
        ("", None),
        (None, None),
    ],
)
def test_cadence_from_text(text: str | None, cadence: str | None) -> None:
    assert cadence_from_text(text) == cadence


def test_period_ends() -> None:
    assert period_ends("quarterly", Y) == [d(3, 31), d(6, 30), d(9, 30), d(12, 31)]
    assert period_ends("half_yearly", Y) == [d(6, 30), d(12, 31)]
    assert period_ends("yearly", Y) == [d(12, 31)]
    monthly = period_ends("monthly", 2024)
    assert len(monthly) == 12 and monthly[1] == date(2024, 2, 29)
    assert set(CADENCES) == {"monthly", "quarterly", "half_yearly", "yearly"}
    with pytest.raises(ValueError, match="unknown cadence 'weekly'"):
        period_ends("weekly", Y)


# --- next_due -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "as_of", "expected"),
    [
        ("5 月/12 月", d(1, 1), d(5, 31)),
        ("5 月/12 月", d(5, 31), d(5, 31)),
        ("5 月/12 月", d(6, 1), d(12, 31)),
        ("5 月/12 月", d(12, 31), d(12, 31)),
        ("5 月/12 月", date(2023, 1, 1), None),
        ("4 月底", d(4, 2), d(4, 30)),
        ("4 月底", d(5, 1), None),
        ("3月上旬—4月中旬", d(3, 15), d(4, 20)),
        ("每月", d(6, 15), d(6, 30)),
        ("每月", d(2, 1), d(2, 28)),
        ("每季度", d(5, 1), d(6, 30)),
        ("每季度", d(7, 1), d(9, 30)),
        ("每半年", d(7, 1), d(12, 31)),
        ("每年", d(3, 1), d(12, 31)),
        ("每季度", date(2021, 11, 1), d(3, 31)),  # before the year: its first period end
        ("每月", date(2023, 1, 1), None),  # limited to the deadline's year
        ("每季度/5月10日", d(4, 2), d(5, 10)),  # the earlier of milestone and period end
        ("每季度/5月10日", d(5, 11), d(6, 30)),
        ("待定", d(1, 1), None),
    ],
)
def test_next_due(text: str, as_of: date, expected: date | None) -> None:
    assert next_due(parse_deadline(text, Y), as_of) == expected


def test_next_due_whole_year_with_hint_is_current_month_end() -> None:
    deadline = parse_deadline("全年", Y, cadence_hint=cadence_from_text("每月提交一份报告"))
    assert next_due(deadline, d(6, 15)) == d(6, 30)
    assert next_due(deadline, d(12, 1)) == d(12, 31)
    assert next_due(deadline, date(2023, 1, 1)) is None
    assert next_due(parse_deadline("全年", Y), d(6, 15)) == d(12, 31)


def test_cadence_year_follows_written_year() -> None:
    hinted = parse_deadline("2023年全年", Y, cadence_hint="monthly")
    assert hinted.year == 2023
    assert next_due(hinted, date(2023, 6, 15)) == date(2023, 6, 30)
    quarterly = parse_deadline("2023年每季度", Y)
    assert (quarterly.cadence, quarterly.year) == ("quarterly", 2023)
    assert next_due(quarterly, d(5, 1)) == date(2023, 3, 31)


def test_next_due_accepts_datetime_and_handmade_deadline() -> None:
    deadline = Deadline("x", (Milestone(d(5, 31)),), None, ())
    assert next_due(deadline, datetime(2022, 5, 31, 18, 0)) == d(5, 31)
    cadence_only = Deadline("每季度", (), "quarterly", ())
    assert next_due(cadence_only, date(2030, 2, 1)) == date(2030, 3, 31)


# --- property tests -------------------------------------------------------------------------

_CN = "〇一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_SPACES = st.text(alphabet=" \u3000\xa0\t", max_size=3)


def to_chinese(n: int) -> str:
    """1..31 -> 一 .. 三十一 (independent of the module under test)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN[ones]
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def render(n: int, style: str) -> str:
    if style == "cn":
        return to_chinese(n)
    if style == "full":
        return str(n).translate(_FULL_WIDTH)
    return str(n)


@st.composite
def valid_dates(draw: st.DrawFn) -> date:
    year = draw(st.integers(2000, 2100))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return date(year, month, day)


@given(
    valid_dates(),
    st.sampled_from(["ascii", "cn", "full"]),
    st.sampled_from(["日前", "日", "号", "日之前", "日以前"]),
    st.lists(_SPACES, min_size=5, max_size=5),
)
def test_property_day_before(day: date, style: str, suffix: str, gaps: list[str]) -> None:
    tokens = [render(day.month, style), "月", render(day.day, style), suffix]
    text = gaps[0] + "".join(t + g for t, g in zip(tokens, gaps[1:], strict=True))
    result = parse_deadline(text, day.year)
    assert result.ok, (text, result)
    assert [(m.start, m.end) for m in result.milestones] == [(None, day)]


@given(st.integers(2000, 2100), st.integers(1, 12), st.sampled_from(["ascii", "cn", "full"]))
def test_property_month_alone_is_last_day(year: int, month: int, style: str) -> None:
    result = parse_deadline(f"{render(month, style)}月", year)
    last = calendar.monthrange(year, month)[1]
    assert [m.end for m in result.milestones] == [date(year, month, last)]


def _blank(text: str) -> bool:
    return all(
        ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"}
        for ch in unicodedata.normalize("NFKC", text)
    )


def written_years(text: str) -> set[int]:
    """Years written in the text: '2023年', '二〇二三年', '2023-05-31'."""
    squeezed = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _blank(ch))
    found = re.findall(r"([0-9]{4}|[〇零一二三四五六七八九]{4})(?:年|[-/.][0-9])", squeezed)
    digits = str.maketrans("〇零一二三四五六七八九", "00123456789")
    return {int(y.translate(digits)) for y in found}


_VOCAB = st.sampled_from(
    list("0123456789一二三十两月日号年底末旬上中下前季度Q/、—-至全每半七一（）()“”")
    + ["2022年", "3000年", "上半年", "中下旬", "七一", "每月", "每季度", " ", "\u3000"]
)


@given(st.one_of(st.text(), st.lists(_VOCAB, max_size=12).map("".join)), st.integers(1, 9998))
def test_property_never_raises_and_always_reports(text: str, year: int) -> None:
    result = parse_deadline(text, year)
    if _blank(text):
        assert not result.milestones and not result.unparsed
    else:
        assert result.milestones or result.cadence or result.unparsed
    assert result.ok == (not result.unparsed and bool(result.milestones or result.cadence))
    ends = [m.end for m in result.milestones]
    assert ends == sorted(ends)
    for m in result.milestones:
        assert m.start is None or m.start <= m.end
        assert m.label
    # dates only come from the year argument or a year written in the text
    years = {year} | written_years(text)
    assert {m.end.year for m in result.milestones} <= years
    assert cadence_from_text(text) in (None, *CADENCES)
    next_due(result, date(year, 1, 1))


_PIECES = st.sampled_from(
    [
        "5月",
        "12月",
        "4月底",
        "全年",
        "年底",
        "二季度",
        "七一前",
        "3月上旬—4月中旬",
        "十月二十日",
        "Q3",
    ]
)


@given(
    st.lists(st.tuples(st.none() | st.integers(2000, 2100), _PIECES), min_size=1, max_size=5),
    st.sampled_from(["/", "、", "，", "；", "和", " / "]),
    st.integers(2000, 2100),
)
def test_property_lists_sorted_and_in_years(
    pieces: list[tuple[int | None, str]], sep: str, year: int
) -> None:
    text = sep.join(f"{y}年{p}" if y else p for y, p in pieces)
    result = parse_deadline(text, year)
    assert result.ok, (text, result)
    ends = [m.end for m in result.milestones]
    assert ends == sorted(ends)
    assert 1 <= len(ends) <= len(pieces)
    allowed = {y if y else year for y, _ in pieces}
    assert {e.year for e in ends} <= allowed
    assert {e.year for e in ends} == allowed


# --- edges pinned for mutation testing ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("5月十日", d(5, 10)),
        ("5月十一日", d(5, 11)),
        ("5月二十日前", d(5, 20)),
        ("5月二十一日", d(5, 21)),
        ("5月三十日", d(5, 30)),
        ("5月两日", d(5, 2)),
        ("十月底", d(10, 31)),
        ("十二月底", d(12, 31)),
        ("5月20日至5月20日", d(5, 20)),  # a range of one day: its end may equal its start
    ],
)
def test_chinese_numbers_and_one_day_ranges(text: str, end: date) -> None:
    deadline = parse_deadline(text, Y)
    assert deadline.unparsed == ()
    assert [m.end for m in deadline.milestones] == [end]


@pytest.mark.parametrize(
    "text",
    [
        "5月二十十日",
        "5月十二三日",
        "5月一二十日",
        "5月零日",
        "5月〇十日",
        "十三月",
        "6月至5月",
        "5月20日至5月19日",
    ],
)
def test_numbers_and_ranges_that_are_not_dates(text: str) -> None:
    deadline = parse_deadline(text, Y)
    assert (deadline.milestones, deadline.unparsed) == ((), (text,))


def test_the_finest_cadence_wins_in_the_plan_order() -> None:
    # by CADENCES order (monthly < quarterly < half_yearly < yearly), not alphabetically
    assert cadence_from_text("每半年总结，每月报送") == "monthly"
    assert cadence_from_text("每年评议，每半年总结") == "half_yearly"
    assert parse_deadline("每半年/每季度", Y).cadence == "quarterly"


def test_cadence_milestones_start_in_january_by_default() -> None:
    ends = milestones_of(parse_deadline("每月", Y))
    assert ends[0] == d(1, 31) and len(ends) == 12
    assert milestones_of(parse_deadline("每季度", Y), cadence_from_month=4)[0] == d(6, 30)


def test_a_hand_made_deadline_takes_its_year_from_its_milestones() -> None:
    made = Deadline("全年", (Milestone(date(2023, 12, 31)),), "half_yearly", (), year=None)
    assert milestones_of(made) == [date(2023, 6, 30), date(2023, 12, 31)]
    bare = Deadline("每季度", (), "quarterly", (), year=None)
    assert milestones_of(bare, fallback_year=2021)[0] == date(2021, 3, 31)


# (text, [(start, end)]) more wordings, each read as the rules in deadline.py's docstring say
MORE_CASES = [
    ("国庆前", [(None, d(10, 1))]),
    ("七一前夕", [(None, d(7, 1))]),
    ("元旦", [(None, d(1, 1))]),
    ("国庆至15日", [(d(10, 1), d(10, 15))]),  # the right side inherits the fixed day's month
    ("五一至国庆", [(d(5, 1), d(10, 1))]),
    ("年中", [(None, d(6, 30))]),
    ("下半年至11月", [(d(7, 1), d(11, 30))]),
    ("全年度内", [(None, d(12, 31))]),
    ("第三季度", [(None, d(9, 30))]),
    ("Q2末", [(None, d(6, 30))]),
    ("q4", [(None, d(12, 31))]),
    ("第一季度至第二季度", [(d(1, 1), d(6, 30))]),
    ("二季度末至7月10日", [(d(6, 30), d(7, 10))]),  # 末: the quarter's last day is the start
    ("第二季度至8月", [(d(4, 1), d(8, 31))]),
    ("5月上旬", [(None, d(5, 10))]),
    ("5月中旬", [(None, d(5, 20))]),
    ("5月下旬", [(None, d(5, 31))]),
    ("5月上中旬", [(d(5, 1), d(5, 20))]),
    ("5月中下旬", [(d(5, 11), d(5, 31))]),
    ("6月上旬至中旬", [(d(6, 1), d(6, 20))]),
    ("5月10日—6月", [(d(5, 10), d(6, 30))]),
    ("2022年12月—2023年1月", [(d(12, 1), d(1, 31, 2023))]),
    ("截止到5月底", [(None, d(5, 31))]),
    ("不晚于5月", [(None, d(5, 31))]),
    ("5月底之前完成", [(None, d(5, 31))]),
    ("5月底为止", [(None, d(5, 31))]),
    ("于5月20日前完成", [(None, d(5, 20))]),
    ("“5月”", [(None, d(5, 31))]),
    ("5月（初稿（草））", [(None, d(5, 31))]),  # nested notes
    ("2022-5-20", [(None, d(5, 20))]),
    ("5\u200b月", [(None, d(5, 31))]),  # a zero-width space
    ("5月\u3000底", [(None, d(5, 31))]),
    ("二〇二三年底", [(None, d(12, 31, 2023))]),
    ("5月/5月", [(None, d(5, 31))]),  # said twice, one milestone
]


@pytest.mark.parametrize(("text", "expected"), MORE_CASES)
def test_more_wordings(text: str, expected: list) -> None:
    deadline = parse_deadline(text, Y)
    assert deadline.unparsed == ()
    assert [(m.start, m.end) for m in deadline.milestones] == expected


@pytest.mark.parametrize(
    ("text", "unparsed"),
    [
        ("5月0日", ("5月0日",)),
        ("上旬", ("上旬",)),  # a part of a month without the month
        ("中旬", ("中旬",)),
        ("（待定）", ("(待定)",)),  # only a note
        ("/", ("/",)),  # only a separator
        ("12月—1月", ("12月—1月",)),  # a range ending before it starts
        ("5月/待定", ("待定",)),
    ],
)
def test_what_is_not_read_is_said(text: str, unparsed: tuple) -> None:
    assert parse_deadline(text, Y).unparsed == unparsed


def test_year_of_a_cadence_and_of_a_date_cell() -> None:
    assert (parse_deadline("2023年每月", Y).cadence, parse_deadline("2023年每月", Y).year) == (
        "monthly",
        2023,
    )
    cell = parse_deadline(datetime(2023, 5, 20, 9, 0), Y)
    assert ([m.end for m in cell.milestones], cell.year) == ([date(2023, 5, 20)], 2023)


def test_next_due_on_the_day_itself() -> None:
    deadline = parse_deadline("5月/12月", Y)
    assert next_due(deadline, d(5, 31)) == d(5, 31)  # due today: still the next one
    assert next_due(deadline, d(6, 1)) == d(12, 31)
    assert next_due(deadline, datetime(2022, 5, 31, 18, 0)) == d(5, 31)
    assert next_due(deadline, d(12, 31)) == d(12, 31)
    assert next_due(deadline, date(2023, 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年至12月", [(d(1, 1), d(12, 31))]),  # 全年 as the left side starts on 1 January
        ("5月至20日", [(d(5, 1), d(5, 20))]),  # the right side inherits the month
        ("第二季度至15日", [(d(4, 1), d(6, 15))]),  # ... a quarter's last month
        ("5月//6月", [(None, d(5, 31)), (None, d(6, 30))]),  # an empty piece is skipped
        (
            "5月20日、5月10日至20日",
            [(None, d(5, 20)), (d(5, 10), d(5, 20))],
        ),  # same end: plain first
    ],
)
def test_ranges_inherit_and_lists_skip(text: str, expected: list) -> None:
    deadline = parse_deadline(text, Y)
    assert ([(m.start, m.end) for m in deadline.milestones], deadline.unparsed) == (expected, ())


def test_cadence_after_a_prefix() -> None:
    assert parse_deadline("于每月底", Y).cadence == "monthly"
    assert parse_deadline("截至每季度", Y).cadence == "quarterly"


def test_a_date_cell_is_its_own_deadline() -> None:
    deadline = parse_deadline(date(2023, 5, 20), Y)  # a date, not a datetime
    assert deadline == Deadline(
        "2023-05-20", (Milestone(date(2023, 5, 20), None, "2023-05-20"),), None, (), 2023
    )


def test_year_edges() -> None:
    assert [m.end for m in parse_deadline("5月", 9999).milestones] == [date(9999, 5, 31)]
    assert [m.end for m in parse_deadline("5月", 1).milestones] == [date(1, 5, 31)]
    with pytest.raises(ValueError, match="got 10000"):
        parse_deadline("5月", 10000)


def test_next_due_of_a_cadence_from_a_month() -> None:
    monthly = parse_deadline("每月", Y)
    assert next_due(monthly, d(1, 15)) == d(1, 31)  # from January by default
    assert next_due(monthly, d(1, 15), cadence_from_month=4) == d(4, 30)
