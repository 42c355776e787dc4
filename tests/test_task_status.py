"""完成情况, 完成日期 and 基准日期 as people type them, and the status rules at their edges (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from addin.task_status import (
    Assessment,
    DateProblem,
    assess,
    cn_date,
    date_problem,
    read_date,
    read_done_dates,
    read_progress,
    warning_text,
)

WORDS = ("未开始", "进行中", "已完成")
Y, AS_OF = 2022, date(2022, 6, 15)


@pytest.mark.parametrize(
    ("typed", "progress"),
    [
        ("已完成", "done"),
        ("完成", "done"),
        ("已 完 成。", "done"),
        ("已完成√", "done"),
        ("完成✓", "done"),
        ("进行中", "in_progress"),
        ("正在进行", "in_progress"),
        ("正在进行.", "in_progress"),
        ("未开始", "not_started"),
        ("尚未开始", "not_started"),
        ("", ""),
        ("   ", ""),
        (None, ""),
        ("√已完成", None),  # a tick before the word is not the word
        ("基本完成", None),
        ("已完成X", None),
        ("done", None),
        (1, None),
    ],
)
def test_read_progress(typed, progress):
    assert read_progress(typed, *WORDS) == progress


def test_read_progress_uses_the_spec_words():
    assert read_progress("办结", "待办", "在办", "办结") == "done"
    assert read_progress("在办", "待办", "在办", "办结") == "in_progress"
    assert read_progress("待办", "待办", "在办", "办结") == "not_started"


@pytest.mark.parametrize(
    ("typed", "dates", "problems"),
    [
        ("2022-05-20", [date(2022, 5, 20)], []),
        ("2022/5/20。", [date(2022, 5, 20)], []),
        ("5月20日", [date(2022, 5, 20)], []),
        ("5 月 20 日", [date(2022, 5, 20)], []),
        ("2022-05-20 2022-06-01", [date(2022, 5, 20), date(2022, 6, 1)], []),
        ("5月20日 6月1日", [date(2022, 5, 20), date(2022, 6, 1)], []),
        ("6月1日；5月20日", [date(2022, 5, 20), date(2022, 6, 1)], []),
        ("5月20日 不详", [], [DateProblem("5月20日 不详", "unreadable")]),
        ("不详", [], [DateProblem("不详", "unreadable")]),
        ("2021-12-31", [], [DateProblem("2021-12-31", "before_year")]),
        ("2022-01-01", [date(2022, 1, 1)], []),
        ("2022-06-15", [date(2022, 6, 15)], []),  # the as-of day itself
        ("2022-06-16", [], [DateProblem("2022-06-16", "after_as_of")]),
        ("2月30日", [], [DateProblem("2月30日", "unreadable")]),
        (datetime(2022, 5, 20, 0, 0), [date(2022, 5, 20)], []),
        (date(2022, 5, 20), [date(2022, 5, 20)], []),
        (44701, [date(2022, 5, 20)], []),  # an Excel serial number
        (44701.0, [date(2022, 5, 20)], []),
        (19999, [], [DateProblem("19999", "unreadable")]),  # below the serial range
        (19999.0, [], [DateProblem("19999", "unreadable")]),  # shown as typed, without ".0"
        ("5月20日X", [], [DateProblem("5月20日X", "unreadable")]),
        (2.5, [], [DateProblem("2.5", "unreadable")]),
        (None, [], []),
        ("  ", [], []),
    ],
)
def test_read_done_dates(typed, dates, problems):
    assert read_done_dates(typed, Y, AS_OF) == (dates, problems)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2022-07-26", date(2022, 7, 26)),
        ("2022 / 7 / 26", date(2022, 7, 26)),
        ("2022.7.26。", date(2022, 7, 26)),
        ("2022年7月26日", date(2022, 7, 26)),
        ("2022-07-26T00:00:00", date(2022, 7, 26)),
        ("2022-07-26 00:00:00", date(2022, 7, 26)),
        ("。2022-07-26", None),
        ("2022-07-26X", None),
        ("7月26日", None),  # no year: not a full date
        ("2022-02-30", None),
        (datetime(2022, 7, 26, 9, 30), date(2022, 7, 26)),
        (date(2022, 7, 26), date(2022, 7, 26)),
        (44768, date(2022, 7, 26)),
        (20_000, date(1954, 10, 3)),  # the first serial read as a date
        (19_999, None),
        (2_958_465, date(9999, 12, 31)),  # the last
        (2_958_466, None),
        (float("nan"), None),
        (True, None),
        (None, None),
    ],
)
def test_read_date(typed, day):
    assert read_date(typed) == day


@pytest.mark.parametrize(
    ("as_of", "status", "days_left"),
    [
        (date(2022, 4, 22), "on_track", 8),
        (date(2022, 4, 23), "due_soon", 7),
        (date(2022, 4, 30), "due_soon", 0),
        (date(2022, 5, 1), "overdue", -1),
    ],
)
def test_assess_around_the_window(as_of, status, days_left):
    a = assess([date(2022, 4, 30)], [], False, as_of, 7)
    assert (a.status, a.days_left, a.next_due) == (status, days_left, date(2022, 4, 30))
    assert a.days == (1 if status == "overdue" else 0)


@pytest.mark.parametrize(
    ("dates", "done", "status", "days"),
    [
        ([date(2022, 4, 30)], True, "done", 0),
        ([date(2022, 5, 1)], True, "done_late", 1),
        ([date(2022, 4, 29)], True, "done", 0),
        ([date(2022, 4, 30)], False, "on_track", 0),
    ],
)
def test_assess_dated_milestones(dates, done, status, days):
    a = assess([date(2022, 4, 30)], dates, done, date(2022, 6, 1), 7)
    assert (a.status, a.days) == (status, days)


def test_assess_without_milestones():
    assert assess([], [], True, AS_OF, 7).status == "done"
    assert assess([], [], False, AS_OF, 7).status == "unknown"


def test_assess_names_the_milestone_finished_latest():
    a = assess(
        [date(2022, 4, 30), date(2022, 12, 31)],
        [date(2022, 5, 2), date(2022, 12, 1)],
        True,
        date(2022, 12, 31),
        7,
    )
    assert (a.status, a.days, a.missed) == ("done_late", 2, date(2022, 4, 30))


def test_cn_date_names_the_year_only_when_it_is_another():
    assert cn_date(date(2022, 5, 31), 2022) == "5月31日"
    assert cn_date(date(2023, 1, 31), 2022) == "2023年1月31日"
    assert cn_date(date(2022, 5, 31)) == "2022年5月31日"


@pytest.mark.parametrize(
    ("assessment", "text"),
    [
        (Assessment("done_late", days=3, missed=date(2022, 4, 30)), "逾期3天完成（4月30日的节点）"),
        (
            Assessment("done_late", days=1, missed=date(2021, 12, 31)),
            "逾期1天完成（2021年12月31日的节点）",
        ),
        (Assessment("unknown"), "时间期限无法识别，无法推算截止日期"),
        (Assessment("on_track"), "各节点均已填写完成日期，请将完成情况改为“已完成”"),
        (Assessment("on_track", next_due=date(2022, 12, 31), days_left=30), None),
        (Assessment("done"), None),
    ],
)
def test_warning_text(assessment, text):
    assert warning_text(assessment, 2022) == text


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("unreadable", "无法识别为日期（应写作 2023-05-20、2023/5/20、2023.5.20 或 5月20日）"),
        ("before_year", "早于2023年，不计入；应填2023年内的实际完成日期"),
        ("after_as_of", "晚于检查日期2023-06-01，不计入；应填已完成的日期（不晚于检查日期）"),
    ],
)
def test_why_a_done_date_was_not_counted_names_the_sheets_year(reason, text):
    assert date_problem(DateProblem("某天", reason), 2023, date(2023, 6, 1)) == text
