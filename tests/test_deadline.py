"""Tests for addin.deadline: Chinese deadline wordings (时间期限) -> dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from addin.deadline import (
    CADENCES,
    DEFAULT_FIXED_DAYS,
    Deadline,
    Event,
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
    # a piece without a year takes the year of the piece before it
    ("2023年5月/12月", [(None, d(5, 31, 2023)), (None, d(12, 31, 2023))]),
    ("2023年5-6月、12月", [(d(5, 1, 2023), d(6, 30, 2023)), (None, d(12, 31, 2023))]),
    ("次年1月、3月", [(None, d(1, 31, 2023)), (None, d(3, 31, 2023))]),
    ("5月/2023年12月", [(None, d(5, 31)), (None, d(12, 31, 2023))]),
    ("2023年5月/2022年12月", [(None, d(12, 31)), (None, d(5, 31, 2023))]),
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
    # without the fixed day, 开学 is an event: named, no date guessed
    default = parse_deadline("开学前", Y)
    assert (default.milestones, default.unparsed) == ((), ())
    assert [e.name for e in default.events] == ["开学"]
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


# --- wordings of the other plans of the campaign (../shared/seeds/000–004) ------------------
# Each as written in the plan (stage headings, 时间 lines and deadlines in the text), with the
# year of the sheet it would be checked in and the dates a person reads in it.

# (seed, text, sheet year, [(start, end)])
SEED_MILESTONES = [
    # 000 (2012 college plan): the four stages, 项目推进表 and deadlines in the text
    ("000", "2012年2月下旬至3月中旬", 2012, [(date(2012, 2, 21), date(2012, 3, 20))]),
    ("000", "2012年3月中下旬", 2012, [(date(2012, 3, 11), date(2012, 3, 31))]),
    ("000", "2012年4月至11月", 2012, [(date(2012, 4, 1), date(2012, 11, 30))]),
    ("000", "2012年12月", 2012, [(None, date(2012, 12, 31))]),
    ("000", "年底前", 2012, [(None, date(2012, 12, 31))]),
    ("000", "12月10日前", 2012, [(None, date(2012, 12, 10))]),
    ("000", "12月10前", 2012, [(None, date(2012, 12, 10))]),  # the 推进表: a day without 日
    ("000", "在今年“七一”前夕", 2012, [(None, date(2012, 7, 1))]),
    ("000", "“七一”前夕", 2012, [(None, date(2012, 7, 1))]),
    # 001 (2012 county plan): the four stages and the 七一 commendation
    ("001", "3月上旬—4月中旬", 2012, [(date(2012, 3, 1), date(2012, 4, 20))]),
    ("001", "4月下旬—6月", 2012, [(date(2012, 4, 21), date(2012, 6, 30))]),
    ("001", "7月—8月中旬", 2012, [(date(2012, 7, 1), date(2012, 8, 20))]),
    ("001", "8月中旬—9月", 2012, [(date(2012, 8, 11), date(2012, 9, 30))]),
    ("001", "“七一”期间", 2012, [(None, date(2012, 7, 1))]),
    # 002 (2011 plan, 2010–2012): stages across years and two 七一 commendations
    ("002", "从2010年6月—2011年“七一”前", 2011, [(date(2010, 6, 1), date(2011, 7, 1))]),
    ("002", "从2011年7月—2012年“七一”前后", 2011, [(date(2011, 7, 1), date(2012, 7, 1))]),
    (
        "002",
        "2011年“七一”前和2012年“七一”前",
        2011,
        [(None, date(2011, 7, 1)), (None, date(2012, 7, 1))],
    ),
    # 003 (2020 plan, targets to 2023): 到 + a year
    ("003", "到2020年底", 2020, [(None, date(2020, 12, 31))]),
    ("003", "到2021年", 2020, [(None, date(2021, 12, 31))]),
    ("003", "到2022年", 2020, [(None, date(2022, 12, 31))]),
    ("003", "到2023年", 2020, [(None, date(2023, 12, 31))]),
    ("003", "到2023年前后", 2020, [(None, date(2023, 12, 31))]),
    ("003", "2023年底前", 2020, [(None, date(2023, 12, 31))]),
    ("003", "年底前", 2020, [(None, date(2020, 12, 31))]),
    # 004 (2022 plan, 附件3)
    ("004", "5 月/12 月", 2022, [(None, date(2022, 5, 31)), (None, date(2022, 12, 31))]),
    ("004", "4 月底", 2022, [(None, date(2022, 4, 30))]),
    ("004", "6 月/12 月", 2022, [(None, date(2022, 6, 30)), (None, date(2022, 12, 31))]),
]


@pytest.mark.parametrize(("seed", "text", "year", "expected"), SEED_MILESTONES)
def test_seed_wordings(seed: str, text: str, year: int, expected: list) -> None:
    result = parse_deadline(text, year)
    assert [(m.start, m.end) for m in result.milestones] == expected, seed
    assert (result.unparsed, result.events, result.cadence) == ((), (), None)
    assert result.ok


@pytest.mark.parametrize(
    ("seed", "text", "cadence"),
    [
        ("000", "每季度参加一次", "quarterly"),  # 每季度参加一次“志愿服务日”
        ("002", "原则上要每月召开一次", "monthly"),  # 支委会议
        ("002", "每季度召开一次", "quarterly"),  # 阶段性活动总结大会
        ("002", "原则上每半年一次", "half_yearly"),  # 评议
        ("002", "每半年召开一次", "half_yearly"),  # 党员大会
        ("003", "每年", "yearly"),  # 党支部每年向党总支报告
        ("004", "全年", None),  # a cadence only by its 具体要求 (cadence_hint)
    ],
)
def test_seed_cadences(seed: str, text: str, cadence: str | None) -> None:
    result = parse_deadline(text, 2012)
    assert result.cadence == cadence, seed
    assert result.ok


def test_seed_every_year_in_a_plan_of_several_years() -> None:
    """003: 组织部每年年底前组织…自查 in the 2020–2023 plan: a milestone in every year."""
    plan = range(2020, 2024)
    whole = parse_deadline("每年年底前", 2020, plan_years=plan)
    assert [m.end for m in whole.milestones] == [date(y, 12, 31) for y in plan]
    assert whole.ok and whole.years == (2020, 2021, 2022, 2023)
    # a sheet of one year of the plan (its year from the title) gets that year's only
    sheet_2021 = parse_deadline("每年年底前", 2021)
    assert [m.end for m in sheet_2021.milestones] == [date(2021, 12, 31)]
    qiyi = parse_deadline("每年“七一”前", 2010, plan_years=[2012, 2011, 2011])
    assert [m.end for m in qiyi.milestones] == [date(2011, 7, 1), date(2012, 7, 1)]


def test_seed_event_instead_of_a_date() -> None:
    """002: 时间从2010年6月至2012年中共十八大召开前 — the end is an event: named, not dated."""
    result = parse_deadline("2010年6月至2012年中共十八大召开前", 2011)
    assert result.milestones == ()
    assert result.events == (
        Event("2012年中共十八大召开", date(2010, 6, 1), "2010年6月至2012年中共十八大召开前"),
    )
    assert result.unparsed == () and result.ok
    assert next_due(result, date(2011, 1, 1)) is None


# --- the classes of wordings, with their boundaries ---------------------------------------

CLASS_CASES = [
    # a day without 日, after a month only
    ("5月20前", [(None, d(5, 20))]),
    ("5月20", [(None, d(5, 20))]),
    ("十二月十前", [(None, d(12, 10))]),
    ("2022年5月31", [(None, d(5, 31))]),
    ("5月10至20", [(d(5, 10), d(5, 20))]),  # the right number is a day like the left
    ("5月10日至20", [(d(5, 10), d(5, 20))]),
    # relative to 七一 (or any fixed day): the day itself
    ("七一前后", [(None, d(7, 1))]),
    ("“七一”期间", [(None, d(7, 1))]),
    ("七一左右", [(None, d(7, 1))]),
    ("国庆到来前", [(None, d(10, 1))]),
    # across the year end, only when the right side names its year
    ("12月至次年1月", [(d(12, 1), d(1, 31, 2023))]),
    ("11月—次年3月底", [(d(11, 1), d(3, 31, 2023))]),
    ("12月至翌年2月", [(d(12, 1), d(2, 28, 2023))]),
    ("2023年12月—次年2月", [(d(12, 1, 2023), d(2, 29, 2024))]),  # the left side's year + 1
    ("次年3月", [(None, d(3, 31, 2023))]),
    ("明年底", [(None, d(12, 31, 2023))]),
    ("今年底", [(None, d(12, 31))]),
    ("本年度内", [(None, d(12, 31))]),
    # dotted (and slashed) year.month, alone and in ranges
    ("2022.5", [(None, d(5, 31))]),
    ("2022/5", [(None, d(5, 31))]),
    ("2022-05", [(None, d(5, 31))]),
    ("2012.3—2012.4", [(date(2012, 3, 1), date(2012, 4, 30))]),
    ("2021.9—2022.1", [(date(2021, 9, 1), d(1, 31))]),
    ("2022.05-2022.12", [(d(5, 1), d(12, 31))]),
    ("2022.5.20—2022.6", [(d(5, 20), d(6, 30))]),
    ("2020-2023年", [(date(2020, 1, 1), date(2023, 12, 31))]),
    # 到 + a year: its last day
    ("到2021年", [(None, d(12, 31, 2021))]),
    ("2021年", [(None, d(12, 31, 2021))]),
    ("到二〇二一年", [(None, d(12, 31, 2021))]),
    # qualifiers and prefixes that do not change the date
    ("原则上5月底前", [(None, d(5, 31))]),
    ("原则上于5月底前完成", [(None, d(5, 31))]),
    ("最迟6月30日", [(None, d(6, 30))]),
    ("力争年底前完成", [(None, d(12, 31))]),
    ("要在七一前", [(None, d(7, 1))]),
    ("自3月上旬—4月中旬", [(d(3, 1), d(4, 20))]),
]


@pytest.mark.parametrize(("text", "expected"), CLASS_CASES)
def test_classes(text: str, expected: list[tuple[date | None, date]]) -> None:
    result = parse_deadline(text, Y)
    assert [(m.start, m.end) for m in result.milestones] == expected
    assert (result.unparsed, result.events, result.cadence) == ((), (), None)
    assert result.ok


@pytest.mark.parametrize(
    "text",
    [
        "20前",  # a day without 日 needs its month
        "5月32",
        "5月0",
        "七一后",  # after a day is no deadline
        "七一以后",
        "12月—1月",  # still no silent rollover without 次年
        "2022.13",
        "2022.0",
        "2022-5",  # a '-' year.month needs two digits
        "每月10日",  # a day in every month: not read, not guessed
        "时间待定前",
    ],
)
def test_class_boundaries_stay_unparsed(text: str) -> None:
    result = parse_deadline(text, Y)
    assert result.unparsed and not result.ok
    assert (result.milestones, result.events) == ((), ())


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("十八大召开前", "十八大召开"),
        ("党的十八大胜利召开前", "党的十八大胜利召开"),
        ("省第十次党代会召开前", "省第十次党代会召开"),
        ("党代会期间", "党代会"),
        ("换届选举前", "换届选举"),
        ("上级检查验收前夕", "上级检查验收"),
        ("开学前", "开学"),
    ],
)
def test_event_gives_no_date_and_names_the_event(text: str, event: str) -> None:
    result = parse_deadline(text, Y)
    assert result.events == (Event(event, None, text),)
    assert (result.milestones, result.unparsed, result.cadence) == ((), (), None)
    assert result.ok
    assert milestones_of(result) == [] and next_due(result, d(1, 1)) is None


def test_event_beside_dates_keeps_both() -> None:
    result = parse_deadline("2012年省第十次党代会召开前/年底", 2012)
    assert [m.end for m in result.milestones] == [date(2012, 12, 31)]
    assert [e.name for e in result.events] == ["2012年省第十次党代会召开"]
    assert result.ok
    half = parse_deadline("十八大召开前/待定", 2012)
    assert half.unparsed == ("待定",) and not half.ok


def test_a_fixed_day_wins_over_an_event() -> None:
    result = parse_deadline("开学前", Y, fixed_days={"开学": (9, 1)})
    assert ([m.end for m in result.milestones], result.events) == ([d(9, 1)], ())


def test_every_year_with_a_date() -> None:
    plan = [2022, 2023]
    assert [m.end for m in parse_deadline("每年4月", Y, plan_years=plan).milestones] == [
        d(4, 30),
        d(4, 30, 2023),
    ]
    ranges = parse_deadline("每年12月至次年1月", Y, plan_years=plan).milestones
    assert [(m.start, m.end) for m in ranges] == [
        (d(12, 1), d(1, 31, 2023)),
        (d(12, 1, 2023), d(1, 31, 2024)),
    ]
    leap = parse_deadline("每年2月29日", 2023, plan_years=[2023, 2024])
    assert leap.unparsed and not leap.milestones  # not a date in every year: not guessed
    assert parse_deadline("每年年底", Y).cadence is None  # a date, not a second 12-31 period
    assert parse_deadline("每年底", Y).cadence == "yearly"


def test_plan_years_are_checked() -> None:
    for bad in ([], [0], [2022, 10000], ["2022"]):
        with pytest.raises(ValueError, match=r"plan_years must be ints in 1\.\.9999, got "):
            parse_deadline("每年", Y, plan_years=bad)


# --- cadences anchored to the sheet's year -----------------------------------------------


def test_cadence_from_month_counts_in_the_plans_own_year_only() -> None:
    """The 2022 plan was issued in April (cadence_from_month 4): 2022 counts from April, a 2023
    or 2021 sheet judged by the same spec counts every period of its year."""
    quarter_ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    in_2022 = parse_deadline("每季度", 2022)
    assert milestones_of(in_2022, 4, from_year=2022) == [d(m, n) for m, n in quarter_ends[1:]]
    assert milestones_of(in_2022, 3, from_year=2022) == [d(m, n) for m, n in quarter_ends]
    for year in (2021, 2023):
        deadline = parse_deadline("每季度", year)
        expected = [date(year, m, n) for m, n in quarter_ends]
        assert milestones_of(deadline, 4, from_year=2022) == expected
        assert next_due(deadline, date(year, 1, 10), 4, from_year=2022) == date(year, 3, 31)
    # without from_year: the month applies to every year (the old reading, kept for callers)
    assert milestones_of(parse_deadline("每季度", 2023), 4)[0] == date(2023, 6, 30)


def test_cadence_over_the_years_of_a_plan() -> None:
    deadline = parse_deadline("每半年", 2020, plan_years=range(2020, 2023))
    assert deadline.years == (2020, 2021, 2022)
    assert milestones_of(deadline, 7, from_year=2020) == [
        date(2020, 12, 31),
        date(2021, 6, 30),
        date(2021, 12, 31),
        date(2022, 6, 30),
        date(2022, 12, 31),
    ]
    written = parse_deadline("2023年每季度", 2020, plan_years=range(2020, 2023))
    assert (written.year, written.years) == (2023, (2023,))  # a written year wins


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
    st.sampled_from(["日前", "日", "号", "日之前", "日以前", "前", ""]),  # '' / 前: no 日
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
    """Years written in the text: '2023年', '二〇二三年', '2023-05-31', '2023.5'."""
    squeezed = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _blank(ch))
    found = re.findall(r"([0-9]{4}|[〇零一二三四五六七八九]{4})(?:年|[-/.][0-9])", squeezed)
    digits = str.maketrans("〇零一二三四五六七八九", "00123456789")
    return {int(y.translate(digits)) for y in found}


_NEXT_YEAR_WORDS = ("次年", "翌年", "来年", "明年", "下一年", "第二年")


def allowed_years(text: str, year: int) -> set[int]:
    """The parse year, the years written, and for each 次年 (…) one year after any of them."""
    years = {year} | written_years(text)
    squeezed = "".join(ch for ch in unicodedata.normalize("NFKC", text) if not _blank(ch))
    for _ in range(sum(squeezed.count(w) for w in _NEXT_YEAR_WORDS)):
        years |= {y + 1 for y in years}
    return years


_VOCAB = st.sampled_from(
    list("0123456789一二三十两月日号年底末旬上中下前后季度Q/、—-至全每半七一（）()“”.")
    + ["2022年", "3000年", "上半年", "中下旬", "七一", "每月", "每季度", " ", "\u3000"]
    + ["次年", "今年", "原则上", "期间", "召开", "十八大", "党代会", "每年", "2022.5"]
)


@example(text="\x1e ", year=1, plan=None)  # a record separator splits lines: nothing to read
@given(
    st.one_of(st.text(), st.lists(_VOCAB, max_size=12).map("".join)),
    st.integers(1, 9998),
    st.none() | st.lists(st.integers(1, 9999), min_size=1, max_size=4),
)
def test_property_never_raises_and_always_reports(
    text: str, year: int, plan: list[int] | None
) -> None:
    result = parse_deadline(text, year, plan_years=plan)
    if _blank(text):
        assert not result.milestones and not result.unparsed and not result.events
    else:
        assert result.milestones or result.cadence or result.events or result.unparsed
    assert result.ok == (
        not result.unparsed and bool(result.milestones or result.cadence or result.events)
    )
    ends = [m.end for m in result.milestones]
    assert ends == sorted(ends)
    for m in result.milestones:
        assert m.start is None or m.start <= m.end
        assert m.label
    for e in result.events:
        assert e.name and e.label
    # dates only come from the year argument, the plan's years, a year written in the text
    # or the year after one of those (次年)
    years = set().union(*(allowed_years(text, y) for y in {year, *(plan or [])}))
    assert {m.end.year for m in result.milestones} <= years
    assert cadence_from_text(text) in (None, *CADENCES)
    next_due(result, date(year, 1, 1), 4, from_year=year)


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
    allowed, in_force = set(), year
    for y, _ in pieces:  # a piece without a year takes the year of the piece before it
        in_force = y or in_force
        allowed.add(in_force)
    assert {e.year for e in ends} <= allowed
    assert {e.year for e in ends} == allowed


@given(
    st.integers(2000, 2100),
    st.integers(1, 12),
    st.integers(1, 12),
    st.sampled_from(["至", "—", "-", "~", "到"]),
)
def test_property_ranges_across_the_year_end(year: int, a: int, b: int, sep: str) -> None:
    """'A月至次年B月', '{y}年A月—{y+1}年B月' and '{y}.A—{y+1}.B' are the same range."""
    last = calendar.monthrange(year + 1, b)[1]
    expected = [(date(year, a, 1), date(year + 1, b, last))]
    for text in (
        f"{a}月{sep}次年{b}月",
        f"{year}年{a}月{sep}{year + 1}年{b}月",
        f"{year}.{a}{sep}{year + 1}.{b}",
        f"{year}/{a:02d}{sep}{year + 1}/{b:02d}",
    ):
        result = parse_deadline(text, year)
        assert [(m.start, m.end) for m in result.milestones] == expected, text
        assert result.ok


@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(1990, 2100))
def test_property_year_month_forms_agree(year: int, month: int, other: int) -> None:
    expected = parse_deadline(f"{year}年{month}月", other).milestones
    assert [m.end for m in expected] == [date(year, month, calendar.monthrange(year, month)[1])]
    for text in (
        f"{year}.{month}",
        f"{year}/{month}",
        f"{year}-{month:02d}",
        f"{year}.{month:02d}",
    ):
        assert [m.end for m in parse_deadline(text, other).milestones] == [
            m.end for m in expected
        ], text


_PLAIN_PIECES = st.sampled_from(
    ["5月", "12月", "4月底", "年底", "二季度", "七一", "3月上旬—4月中旬", "十月二十日", "Q3"]
    + ["12月至次年1月", "5月10", "上半年", "国庆"]
)
_QUALIFIERS = st.sampled_from(["", "原则上", "原则上于", "最迟", "力争", "要在", "一般在", "截至"])
_TAILS = st.sampled_from(["", "前", "之前", "前后", "期间", "左右", "前完成"])


@given(_PLAIN_PIECES, _QUALIFIERS, _TAILS, st.integers(2000, 2100))
def test_property_qualifiers_do_not_change_dates(
    piece: str, qualifier: str, tail: str, year: int
) -> None:
    plain = parse_deadline(piece, year)
    qualified = parse_deadline(qualifier + piece + tail, year)
    assert qualified.ok, qualifier + piece + tail
    assert [(m.start, m.end) for m in qualified.milestones] == [
        (m.start, m.end) for m in plain.milestones
    ]


@given(_PLAIN_PIECES, st.integers(2000, 2100), st.integers(0, 4))
def test_property_every_year_is_the_date_in_each_plan_year(
    piece: str, first: int, extra_years: int
) -> None:
    plan = range(first, first + extra_years + 1)
    every = parse_deadline(f"每年{piece}", first, plan_years=plan)
    assert every.ok and every.cadence is None
    expected = sorted(
        {(m.start, m.end) for y in plan for m in parse_deadline(piece, y).milestones},
        key=lambda se: (se[1], se[0] or date.min),
    )
    assert [(m.start, m.end) for m in every.milestones] == expected


_EVENTS = st.sampled_from(["十八大召开", "党代会", "省第十次党代会召开", "换届选举", "开学"])


@given(
    _EVENTS,
    st.sampled_from(["前", "之前", "前夕", "期间", "前后"]),
    st.sampled_from(["", "原则上", "2012年"]),
    st.none() | _PLAIN_PIECES,
)
def test_property_events_are_named_never_dated(
    event: str, tail: str, prefix: str, piece: str | None
) -> None:
    text = prefix + event + tail + (f"/{piece}" if piece else "")
    result = parse_deadline(text, Y)
    assert result.ok and not result.unparsed
    named = event if prefix != "2012年" else prefix + event
    assert [e.name for e in result.events] == [named]
    dated = parse_deadline(piece, Y).milestones if piece else ()
    assert [m.end for m in result.milestones] == [m.end for m in dated]


@given(
    st.sampled_from(CADENCES),
    st.integers(2000, 2100),
    st.integers(2000, 2100),
    st.integers(1, 12),
)
def test_property_cadence_from_month_only_in_the_plans_year(
    cadence: str, sheet_year: int, plan_year: int, from_month: int
) -> None:
    word = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}
    deadline = parse_deadline(word[cadence], sheet_year)
    got = milestones_of(deadline, from_month, from_year=plan_year)
    every = period_ends(cadence, sheet_year)
    if sheet_year == plan_year:
        assert got == [e for e in every if e.month >= from_month]
    else:
        assert got == every


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


def test_an_event_range_without_a_year_starts_in_the_sheets_year():
    assert parse_deadline("6月至党代会召开前", 2022).events == (
        Event("党代会召开", date(2022, 6, 1), "6月至党代会召开前"),
    )


def test_a_year_alone_is_a_whole_year_and_lends_its_year_to_the_next_piece():
    alone = parse_deadline("2023年", 2022, cadence_hint="quarterly")
    assert alone.milestones == (Milestone(date(2023, 12, 31), None, "2023年"),)
    assert (alone.cadence, alone.year) == ("quarterly", 2023)  # the hint fits a whole year
    listed = parse_deadline("2023年、5月", 2022)
    assert [m.end for m in listed.milestones] == [date(2023, 5, 31), date(2023, 12, 31)]


def test_plan_years_out_of_range_are_refused_by_name():
    with pytest.raises(ValueError, match=r"plan_years must be ints in 1\.\.9999, got \[0\]"):
        parse_deadline("全年", 2022, plan_years=[0])


def test_a_hand_made_deadline_repeats_its_cadence_in_its_own_year():
    made = Deadline("每季度", (), "quarterly", (), year=2021)  # no `years`: not from the parser
    assert milestones_of(made, fallback_year=2030) == [
        date(2021, 3, 31),
        date(2021, 6, 30),
        date(2021, 9, 30),
        date(2021, 12, 31),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "5月至待定",  # a range to something that is neither a date nor an event
        "每年2023年5月",  # "every year" and one year: no recurring date
        "5月至6",  # a bare number after a month without a day is no day
    ],
)
def test_half_readable_wordings_stay_unparsed(text):
    result = parse_deadline(text, 2022)
    assert (result.milestones, result.events, result.unparsed) == ((), (), (text,))


def test_a_plan_without_a_cadence_keeps_the_sheets_year():
    assert parse_deadline("5月", 2022, plan_years=[2020, 2021, 2022]).year == 2022
