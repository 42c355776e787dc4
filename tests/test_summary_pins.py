"""What the summary check reports besides its findings, field by field: the rows as read (序号,
score, grade, the rubric's total, 上年定级, moved up), the sheet's year, spec and targets, and
how shares are shown."""

from __future__ import annotations

from fractions import Fraction

import pytest
from plain_book import evaluation
from summary_helpers import FIELDS, rubric_spec, scores_totalling, summary_spec

from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.check import percent
from addin.kinds.summary.template import SHEET_NAME, summary_sheet
from addin.spec import load_specs


def three_branches(title: str | None = None, serial_3: object = 3):
    totals = {"甲支部": 90, "乙支部": 70, "丙支部": 50}
    wb = rubric_workbook(rubric_spec(), {n: scores_totalling(t) for n, t in totals.items()})
    ws = wb.create_sheet(SHEET_NAME, 0)
    rows = [
        ("甲支部", 90, "先进", "一般"),
        ("乙支部", 70, "一般", "一般"),
        ("丙支部", 50, "后进", "先进"),
    ]
    summary_sheet(
        ws, summary_spec(), rubric_spec(), FIELDS, rows, {"先进": 1, "一般": 1, "后进": 1}
    )
    ws["A9"] = serial_3
    if title is not None:
        ws["A2"] = title
    return evaluation(wb, load_specs()).report.summary


def test_the_rows_as_read_with_their_serials_and_last_years():
    rows = [r.model_dump() for r in three_branches(serial_3=3.5).rows]
    assert rows == [
        {"no": 1, "name": "甲支部", "score": 90, "grade": "先进", "rubric_total": 90,
         "last_year": "一般", "moved_up": True},
        {"no": 2, "name": "乙支部", "score": 70, "grade": "一般", "rubric_total": 70,
         "last_year": "一般", "moved_up": False},
        # 3.5 is no serial: the row has none
        {"no": None, "name": "丙支部", "score": 50, "grade": "后进", "rubric_total": 50,
         "last_year": "先进", "moved_up": False},
    ]  # fmt: skip
    assert [r.no for r in three_branches(serial_3=3).rows] == [1, 2, 3]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        (None, 2022),  # the template's title names no year: the spec's
        ("2023年×××（党总支）党支部分类定级汇总表", 2023),  # the title's year wins
    ],
)
def test_the_summary_names_its_year_spec_and_targets(title, year):
    summary = three_branches(title)
    fields = summary.model_dump(exclude={"rows"})
    assert fields == {
        "sheet": SHEET_NAME,
        "spec": "summary_2022",
        "unit": "计算机学院党总支",
        "reporter": "王芳 组织委员",
        "phone": "029-88886601",
        "counts": {"先进": 1, "一般": 1, "后进": 1},
        "conversion_rate": None,  # no 后进 last year: nothing to convert
        "conversion_target": 0.5,
        "top_grade_share": None,
        "top_grade_target": None,
        "year": year,
        "targets": [],
        "entity": "党支部",
    }


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (0.5, "50%"),
        (1, "100%"),
        (Fraction(1, 3), "33.3%"),
        (Fraction(2, 3), "66.6%"),  # cut, never rounded up to a target
        (0.125, "12.5%"),
        (0.29, "29%"),  # the float as written, not its binary 0.28999…
    ],
)
def test_shares_are_cut_to_one_decimal(share, shown):
    assert percent(share) == shown


def test_fill_keeps_what_was_typed_only_where_it_differs():
    """A grade typed right up to a space is not 'replaced'; a wrong one is kept on record."""
    totals = {"甲支部": 90, "乙支部": 70, "丙支部": 50, "丁支部": 80}
    wb = rubric_workbook(rubric_spec(), {n: scores_totalling(t) for n, t in totals.items()})
    ws = wb.create_sheet(SHEET_NAME, 0)
    rows = [
        ("甲支部", 90, "先进 ", "一般"),
        ("乙支部", 70, "先进", "一般"),
        ("丙支部", 50, None, "一般"),
        ("丁支部", 80, "一般", "一般"),
    ]
    summary_sheet(
        ws, summary_spec(), rubric_spec(), FIELDS, rows, {"先进": 2, "一般": 2, "后进": 1}
    )
    writes = [
        (w.row, w.col, w.value, w.replaces)
        for w in evaluation(wb, load_specs()).writes
        if w.sheet == SHEET_NAME
    ]
    assert writes == [
        (6, 3, "先进", None),  # "先进 " is 先进
        (7, 3, "一般", "先进"),  # 70 is 一般: what was typed is kept on record
        (8, 3, "后进", None),  # blank: nothing replaced
        (9, 3, "一般", None),
        (16, 1, "先进数：1", "先进数：2"),
    ]
