"""Every problem of a hand-filled rubric in one run: a typed 小计 / 总分 / 定级结果 is checked
even while some item is unreadable — against the range the readable items allow."""

from __future__ import annotations

import pytest
from conftest import scores_with_losses
from openpyxl import load_workbook
from plain_book import evaluation

from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs
from addin.workbook.openpyxl_writer import fill_file
from addin.writes import plan_for

SHEET = "第一党支部"


def found(result) -> list[tuple]:
    return [(f.code, f.cell, f.message) for f in result.report.findings]


def hand_filled(fixed: bool = False, **cells):
    """The issue's file: D7 = 7 (分值 5), D12 = 良好, E5 = 21.5, D23 = 88, D24 = 先进; the
    other items lose 8 points, so the items sum to 92 once D7 and D12 are 5."""
    spec = load_specs().by_id("rubric_2022")
    scores = scores_with_losses(spec, {1: 1, 5: 1, 13: 1, 17: 2, 18: 3})
    wb = rubric_workbook(spec, {SHEET: scores})
    ws = wb[SHEET]
    wrong = {"D7": 7, "D12": "良好", "E5": 21.5, "D23": 88, "D24": "先进"}
    right = {"D7": 5, "D12": 5, "E5": 19, "D23": 92, "D24": "先进"}
    for ref, value in {**(right if fixed else wrong), **cells}.items():
        ws[ref] = value
    return wb


def test_the_hand_filled_file_shows_all_five_problems_in_one_run():
    result = evaluation(hand_filled(), load_specs())
    assert found(result) == [
        ("rubric.score_out_of_range", "D7", "第3项得分7超过分值5，应填 0～5 之间的数"),
        ("rubric.score_not_number", "D12", "第8项“得分”不是数字：良好，应填 0～5 之间的数"),
        (
            "rubric.subtotal_out_of_range",
            "E5",
            "“领导班子”小计填写为 21.5，超过满分 20；"
            "应填 14～19 之间的数（该类各项得分之和，第3项更正后可算出）",
        ),
        (
            "rubric.total_unconfirmed",
            "D23",
            "总分 88 无法核对：第3、8项得分有误；更正后应填各项得分之和",
        ),
        (
            "rubric.grade_unconfirmed",
            "D24",
            "定级结果“先进”无法核对：第3、8项得分有误，总分可能在 82～92 之间；更正后按总分定级",
        ),
    ]


def test_fixing_exactly_those_five_cells_gives_a_clean_file():
    result = evaluation(hand_filled(fixed=True), load_specs())
    assert found(result) == []
    (branch,) = result.report.branches
    assert (branch.total, branch.grade) == (92, "先进")


def test_the_annotated_copy_marks_the_typed_total_and_grade(tmp_path):
    source = tmp_path / "hand.xlsx"
    hand_filled().save(source)
    evaluation_ = check_path(source, load_specs())
    plan = plan_for(evaluation_.writes, evaluation_.report.findings, evaluation_.conditional)
    fill_file(source, tmp_path / "copy.xlsx", plan, evaluation_.data)
    ws = load_workbook(tmp_path / "copy.xlsx")[SHEET]
    # 88 and 先进 stay as typed (nothing to compute them from) but are marked with a note.
    assert (ws["D23"].value, ws["D24"].value) == (88, "先进")
    assert "无法核对" in ws["D23"].comment.text and "无法核对" in ws["D24"].comment.text
    assert ws["E5"].comment is not None and "超过满分" in ws["E5"].comment.text


# --- the range of a typed sum: each side of each boundary ----------------------------------
# Items 1～4 (领导班子) with item 3 unreadable and items 1, 2, 4 at 5, 4, 5:: the subtotal lies
# in 14～19; the category is worth 20.


@pytest.mark.parametrize(
    ("typed", "code", "problem"),
    [
        (-0.5, "rubric.subtotal_out_of_range", "不能为负数"),
        (20.5, "rubric.subtotal_out_of_range", "超过满分 20"),
        (13.5, "rubric.subtotal_out_of_range", "不可能：已读出的各项之和为 14，第3项至多再加 5 分"),
        (19.5, "rubric.subtotal_out_of_range", "不可能：已读出的各项之和为 14，第3项至多再加 5 分"),
        ("十九", "rubric.subtotal_out_of_range", "不是数字"),
        (14, "rubric.subtotal_unconfirmed", "无法核对"),
        (19, "rubric.subtotal_unconfirmed", "无法核对"),
    ],
)
def test_a_typed_subtotal_with_an_unreadable_item_is_held_to_its_range(typed, code, problem):
    wb = hand_filled(fixed=True, D5=5, D6=4, D7="?", E5=typed)
    result = evaluation(wb, load_specs())
    (finding,) = [f for f in result.report.findings if f.cell == "E5"]
    assert finding.code == code and problem in finding.message


@pytest.mark.parametrize(
    ("typed", "code"),
    [(100.5, "rubric.total_out_of_range"), (100, "rubric.total_out_of_range")],
)
def test_a_typed_total_above_the_full_marks_or_the_range_is_an_error(typed, code):
    # Items sum to 87 besides item 3 (0～5): 100 lies within the full marks, not the range.
    result = evaluation(hand_filled(fixed=True, D7="?", D23=typed), load_specs())
    (finding,) = [f for f in result.report.findings if f.cell == "D23"]
    assert finding.code == code
    assert finding.message.endswith("应填 87～92 之间的数（各项得分之和，第3项更正后可算出）")


# --- the typed grade while the total is unknown ---------------------------------------------


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        # Total 87～92 and 先进 typed with no total: 85 and above is 先进 — nothing else fits.
        ({"D7": "?", "D23": None, "D24": "先进"}, None),
        ({"D7": "?", "D23": None, "D24": "一般"}, "rubric.grade_impossible"),
        ({"D7": "?", "D23": None, "D24": "优秀"}, "rubric.grade_unknown"),
        # Item 17 at 5, item 18 unreadable: 82～92, either grade; the typed total decides what the grade says.
        ({"D21": 5, "D22": "?", "D23": 84, "D24": "先进"}, "rubric.grade_against_typed_total"),
        ({"D21": 5, "D22": "?", "D23": 85, "D24": "先进"}, "rubric.grade_unconfirmed"),
        ({"D21": 5, "D22": "?", "D23": 84, "D24": "一般"}, "rubric.grade_unconfirmed"),
        ({"D21": 5, "D22": "?", "D23": None, "D24": "一般"}, "rubric.grade_unconfirmed"),
    ],
)
def test_a_typed_grade_is_held_to_the_typed_total_and_the_possible_range(cells, code):
    result = evaluation(hand_filled(fixed=True, **cells), load_specs())
    codes = [f.code for f in result.report.findings if f.cell == "D24"]
    assert codes == ([code] if code else [])


def test_a_grade_range_ending_just_under_a_boundary_allows_only_the_lower_grade():
    # Items besides 18 sum to 74.5 (18 is worth 10): 74.5～84.5, all 一般 — 先进 is impossible.
    cells = {"D20": 0.5, "D21": 2, "D22": "?", "D23": None, "D24": "先进"}
    result = evaluation(hand_filled(fixed=True, **cells), load_specs())
    (finding,) = [f for f in result.report.findings if f.cell == "D24"]
    assert finding.code == "rubric.grade_impossible"
    assert finding.message == (
        "定级结果填写为“先进”，不可能：按已读出的各项得分，总分在 74.5～84.5 之间"
        "（第18项得分有误），应填 一般"
    )


@pytest.mark.parametrize(("typed", "code"), [(20, "rubric.subtotal_unconfirmed"), (0, None)])
def test_a_subtotal_at_the_full_marks_of_its_range_is_unconfirmed_not_wrong(typed, code):
    # Items 1, 2, 4 at full marks and item 3 unreadable: 15～20, the category's full marks.
    result = evaluation(hand_filled(fixed=True, D5=5, D7="?", E5=typed), load_specs())
    codes = [f.code for f in result.report.findings if f.cell == "E5"]
    assert codes == [code or "rubric.subtotal_out_of_range"]
