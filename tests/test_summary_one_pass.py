"""The summary in one pass: a typed grade or count is checked even while a row's score is
unknown — a grade must be a grade's name, a count must lie within what the known grades allow."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from plain_book import report
from summary_helpers import FIELDS, rubric_spec, summary_spec

from addin.kinds.summary.template import SHEET_NAME, summary_sheet
from addin.spec import load_specs

# 甲 先进, 乙 一般, 丙 后进 — and 丁 with a score that is not a number: its grade is unknown.
ROWS = [("甲支部", 90, "先进"), ("乙支部", 70, "一般"), ("丙支部", 60, "后进")]


def summary(rows, counts=None):
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    summary_sheet(ws, summary_spec(), rubric_spec(), FIELDS, rows, counts or {})
    return report(wb, load_specs())


def at(result, cell):
    return [(f.code, f.message) for f in result.findings if f.cell == cell]


def test_a_grade_typed_beside_an_unreadable_score_is_named_as_unconfirmed():
    result = summary([*ROWS, ("丁支部", "良好", "先进")])
    assert at(result, "D10") == [
        (
            "summary.grade_unconfirmed",
            "“丁支部”的分类定级结果“先进”无法核对：评分分数（C10）有误；更正后按评分分数定级",
        )
    ]


def test_a_grade_typed_beside_an_unreadable_score_must_still_be_a_grade():
    result = summary([*ROWS, ("丁支部", "良好", "优秀")])
    assert at(result, "D10") == [
        (
            "summary.grade_unknown",
            "“丁支部”的分类定级结果填写为“优秀”，不是等级名称；应填 先进 / 一般 / 后进 之一",
        )
    ]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        # 先进: one known, one row unknown → 1～2.
        (0, "summary.count_mismatch"),
        (1, "summary.count_unconfirmed"),
        (2, "summary.count_unconfirmed"),
        (3, "summary.count_mismatch"),
        ("两个", "summary.count_mismatch"),
    ],
)
def test_a_typed_count_is_held_to_the_known_grades_while_one_is_unknown(typed, code):
    result = summary([*ROWS, ("丁支部", "良好", None)], {"先进": typed})
    ((found, message),) = at(result, "B17")
    assert found == code
    if code == "summary.count_unconfirmed":
        assert message.endswith("无法核对：“丁支部”的定级无法确定；更正后按各党支部的定级计数")
    elif typed == "两个":
        assert message.endswith("不是个数；应填 0～4 之间的整数")
    else:
        assert message.endswith(
            "不可能：已定级的党支部中先进 1 个，另有 1 个无法定级；应填 1～2 之间的整数"
        )
