"""The rubric (附件1) on real .xlsx files: scores, grades, findings, layout edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    SPECS_DIR,
    codes,
    only,
    round_trip,
    rubric_file,
    scores_with_losses,
    soffice_convert,
)
from openpyxl import Workbook

from addin.engine import check_path
from addin.spec import load_specs


def test_clean_rubric_scores_and_grades(make_rubric, specs, spec):
    path = make_rubric({"机关第一党支部": scores_with_losses(spec, {2: 1, 17: 2.5})})
    report = check_path(path, specs).report
    assert report.findings == []
    assert report.status == "ok"
    (branch,) = report.branches
    assert branch.name == "机关第一党支部"
    assert branch.total == 96.5
    assert branch.grade == "先进"
    assert branch.categories == {
        "领导班子": 19,
        "党员队伍": 20,
        "工作机制": 20,
        "工作业绩": 20,
        "群众反映": 17.5,
    }


@pytest.mark.parametrize(
    ("lost", "total", "grade"),
    [
        (15, 85, "先进"),
        (15.5, 84.5, "一般"),
        (35, 65, "一般"),
        (35.5, 64.5, "后进"),
        (0, 100, "先进"),
    ],
)
def test_grade_boundaries_follow_the_project_rule(make_rubric, specs, spec, lost, total, grade):
    # Spread the loss over the two 10-point items and the 5-point items, never below zero.
    losses, left = {}, lost
    for item in sorted(spec.items, key=lambda i: -i.points):
        take = min(float(item.points), left)
        if take:
            losses[item.no] = take
        left -= take
    report = check_path(make_rubric({"支部": scores_with_losses(spec, losses)}), specs).report
    assert (report.branches[0].total, report.branches[0].grade) == (total, grade)


def test_score_above_points_is_an_error_and_total_unknown(make_rubric, specs):
    def edit(wb):
        wb["第一党支部"]["D7"] = 6  # item 3 is worth 5

    report = check_path(make_rubric(edit=edit), specs).report
    finding = only(report, "rubric.score_out_of_range")
    assert (finding.sheet, finding.cell, finding.value) == ("第一党支部", "D7", 6)
    assert "超过分值5" in finding.message
    assert report.branches[0].total is None and report.branches[0].grade is None
    assert report.branches[0].categories["领导班子"] is None
    assert report.branches[0].categories["党员队伍"] == 20  # other categories still known
    assert report.status == "errors"


def test_negative_score_is_out_of_range(make_rubric, specs):
    report = check_path(make_rubric(edit=lambda wb: wb.active.__setitem__("D5", -1)), specs).report
    assert "不能为负数" in only(report, "rubric.score_out_of_range").message


@pytest.mark.parametrize(
    ("typed", "value"), [("4分", 4), ("４", 4), (" 4.5 ", 4.5), ("4.5分", 4.5), ("３．５", 3.5)]
)
def test_scores_typed_as_text_are_normalised_with_a_warning(make_rubric, specs, typed, value):
    report = check_path(
        make_rubric(edit=lambda wb: wb.active.__setitem__("D5", typed)), specs
    ).report
    finding = only(report, "rubric.score_normalized")
    assert finding.cell == "D5" and finding.severity == "warning"
    assert report.status == "ok"
    assert report.branches[0].total == 95 + value


@pytest.mark.parametrize("typed", ["良好", "4-5", "五分", "√"])
def test_text_where_a_number_belongs(make_rubric, specs, typed):
    report = check_path(
        make_rubric(edit=lambda wb: wb.active.__setitem__("D9", typed)), specs
    ).report
    finding = only(report, "rubric.score_not_number")
    assert finding.cell == "D9" and typed in finding.message
    assert report.branches[0].total is None


def test_missing_score(make_rubric, specs):
    report = check_path(
        make_rubric(edit=lambda wb: wb.active.__setitem__("D22", None)), specs
    ).report
    finding = only(report, "rubric.score_missing")
    assert finding.cell == "D22" and "第18项" in finding.message
    assert report.branches[0].total is None


def test_formula_without_cached_value_is_reported_not_guessed(make_rubric, specs):
    report = check_path(
        make_rubric(edit=lambda wb: wb.active.__setitem__("D5", "=2+3")), specs
    ).report
    finding = only(report, "rubric.formula_without_value")
    assert finding.cell == "D5" and finding.severity == "warning"
    assert "rubric.score_missing" not in codes(report)
    assert report.branches[0].total is None


@round_trip("D5公式.xlsx")  # saved again by LibreOffice with the run's other round trips
def formula_for_item_1(folder: Path) -> None:
    """Full marks but item 1's: the formula =2+2 in D5 (of 5 points)."""
    spec = load_specs().by_id("rubric_2022")
    rubric_file(folder / "D5公式.xlsx", spec, edit=lambda wb: wb.active.__setitem__("D5", "=2+2"))


def test_formula_with_cached_value_counts(lo_books, specs, tmp_path):
    """LibreOffice recalculates and stores the formula's value; the score then counts."""
    saved = soffice_convert(lo_books.source("D5公式.xlsx"), tmp_path / "lo")
    report = check_path(saved, specs).report
    assert report.findings == []
    assert report.branches[0].total == 99


def test_edited_item_text_and_points(make_rubric, specs):
    def edit(wb):
        wb.active["B6"] = "2. 支部委员会成员带头学习，理论水平较高。"
        wb.active["C7"] = 10

    report = check_path(make_rubric(edit=edit), specs).report
    modified = [f for f in report.findings if f.code == "rubric.template_modified"]
    assert [f.cell for f in modified] == ["B6", "C7"]
    assert "具体内容" in modified[0].message and "分值" in modified[1].message


def test_punctuation_width_and_spaces_do_not_count_as_edits(make_rubric, specs):
    def edit(wb):
        wb.active["B11"] = (
            "7．党员积极参与部门(学生)事务管理，主动维护校园和谐稳定，充分发挥先锋模范作用。 党费缴纳及时足额"
        )
        wb.active["C11"] = "5分"

    report = check_path(make_rubric(edit=edit), specs).report
    assert report.findings == []


def test_deleted_item_is_missing(make_rubric, specs):
    def edit(wb):
        for col in "BCD":
            wb.active[f"{col}8"] = None

    report = check_path(make_rubric(edit=edit), specs).report
    finding = only(report, "rubric.item_missing")
    assert "第4项" in finding.message and finding.sheet == "第一党支部"
    assert report.branches[0].total is None


def test_duplicate_and_unknown_rows(make_rubric, specs):
    def edit(wb):
        wb.active["B9"] = wb.active["B8"].value  # item 4 twice, item 5 gone
        wb.active["B10"] = "本支部另有加分事项"

    report = check_path(make_rubric(edit=edit), specs).report
    assert only(report, "rubric.item_duplicate").cell == "B9"
    assert only(report, "rubric.unknown_row").cell == "B10"
    assert {"rubric.item_missing"} <= set(codes(report))


def test_typed_total_subtotal_and_grade_are_checked(make_rubric, specs, spec):
    def edit(wb):
        ws = wb.active
        ws["D23"] = 90  # real total: 97
        ws["E5"] = 20  # 领导班子 subtotal: real 17
        ws["D24"] = "一般"

    path = make_rubric({"第一党支部": scores_with_losses(spec, {1: 3})}, edit=edit)
    report = check_path(path, specs).report
    assert only(report, "rubric.total_mismatch").cell == "D23"
    assert "97" in only(report, "rubric.total_mismatch").message
    assert only(report, "rubric.subtotal_mismatch").cell == "E5"
    grade = only(report, "rubric.grade_mismatch")
    assert grade.cell == "D24" and "先进" in grade.message and "一般" in grade.message


def test_each_branch_sheet_is_checked(make_rubric, specs, spec):
    branches = {
        "第一党支部": scores_with_losses(spec),
        "第二党支部": scores_with_losses(spec, {17: 10, 18: 10}),
        "第三党支部": {**scores_with_losses(spec), 4: 7},
    }
    report = check_path(make_rubric(branches), specs).report
    assert [(b.sheet, b.total, b.grade) for b in report.branches] == [
        ("第一党支部", 100, "先进"),
        ("第二党支部", 80, "一般"),
        ("第三党支部", None, None),
    ]
    assert only(report, "rubric.score_out_of_range").sheet == "第三党支部"


# --- layouts people make -----------------------------------------------------------------------


def hand_made(
    spec, top: int, left: int, blank_every: int = 0, name_cell: str | None = None
) -> Workbook:
    """A rubric typed by hand: no merges, table shifted, blank rows, its own title rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.cell(1, 1, "关于党支部分类定级的自评表")
    if name_cell:
        ws.cell(2, 1, name_cell)
    header = ["项目", "具体内容", "分 值", "得分："]
    for i, label in enumerate(header):
        ws.cell(top, left + i, label)
    r = top + 1
    for category in spec.categories:
        for n, item in enumerate(category.items):
            if n == 0:
                ws.cell(r, left, category.name)
            ws.cell(r, left + 1, f"{item.no}、{item.text}")
            ws.cell(r, left + 2, f"{int(item.points)}分")
            ws.cell(r, left + 3, int(item.points) - (1 if item.no == 6 else 0))
            r += 1
            if blank_every and item.no % blank_every == 0:
                r += 1
    ws.cell(r, left, "总分")
    for extra in range(r + 1, r + 40):  # trailing rows someone formatted but left empty
        ws.cell(extra, left + 3).number_format = "0.0"
    return wb


@pytest.mark.parametrize(
    ("top", "left", "blank_every"),
    [(3, 1, 0), (8, 3, 0), (5, 2, 4), (12, 5, 1)],
)
def test_table_found_by_header_labels_wherever_it_sits(
    tmp_path, specs, spec, top, left, blank_every
):
    wb = hand_made(spec, top, left, blank_every, name_cell="党支部名称：教师第二党支部")
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    report = check_path(path, specs).report
    assert report.findings == []
    (branch,) = report.branches
    assert (branch.sheet, branch.name, branch.total, branch.grade) == (
        "Sheet1",
        "教师第二党支部",
        99,
        "先进",
    )


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"A2": "党支部名称：", "C2": "学生第一党支部"}, "学生第一党支部"),
        ({"A2": "党支部名称", "B2": " 后勤党支部 "}, "后勤党支部"),
        ({"A2": "党 支 部 名 称: 机关党支部"}, "机关党支部"),
        ({"A2": "党支部名称："}, "Sheet1"),
        ({}, "Sheet1"),
    ],
)
def test_branch_name_from_field_else_sheet_name(tmp_path, specs, spec, cells, expected):
    wb = hand_made(spec, 4, 1)
    for ref, value in cells.items():
        wb.active[ref] = value
    path = tmp_path / "name.xlsx"
    wb.save(path)
    assert check_path(path, specs).report.branches[0].name == expected


@round_trip("评分表_改过.xlsx")  # saved again by LibreOffice with the run's other round trips
def rubric_with_mistakes(folder: Path) -> None:
    """Item 1 one point short; D7, D9 (“4分”, with its unit) and the total D23 typed over."""

    def edit(wb):
        wb.active["D7"] = 6
        wb.active["D9"] = "4分"
        wb.active["D23"] = 77

    spec = load_specs().by_id("rubric_2022")
    path = folder / "评分表_改过.xlsx"
    rubric_file(path, spec, {"第一党支部": scores_with_losses(spec, {1: 1})}, edit)


def test_libreoffice_saved_copy_gives_the_same_report(lo_books, specs, tmp_path):
    path = lo_books.source("评分表_改过.xlsx")
    original = check_path(path, specs).report
    saved = soffice_convert(path, tmp_path / "lo")
    again = check_path(saved, specs).report
    assert [(f.code, f.cell) for f in again.findings] == [
        (f.code, f.cell) for f in original.findings
    ]
    assert again.branches[0].model_dump(exclude={"sheet"}) == original.branches[0].model_dump(
        exclude={"sheet"}
    )


# --- other schemes are data files --------------------------------------------------------------


def test_four_grade_spec_needs_no_code(make_rubric, tmp_path):
    specs = load_specs([SPECS_DIR / "rubric_four_grades.toml"])
    four = specs.by_id("rubric_four_grades")
    expectations = {
        "甲": ({}, "强"),
        "乙": ({1: 11}, "较强"),
        "丙": ({3: 21}, "一般"),
        "丁": ({3: 30, 4: 15}, "薄弱"),
    }
    branches = {
        name: scores_with_losses(four, losses) for name, (losses, _) in expectations.items()
    }
    report = check_path(make_rubric(branches, rubric=four), specs).report
    assert report.findings == []
    assert {b.name: b.grade for b in report.branches} == {k: v[1] for k, v in expectations.items()}
    assert report.branches[1].total == 89


def test_weighted_raters_spec(make_rubric):
    specs = load_specs([SPECS_DIR / "rubric_three_raters.toml"])
    raters = specs.by_id("rubric_three_raters")
    scores = {
        1: {"自评": 5, "群众评议": 4, "上级评定": 4.5},  # 1 + 1.2 + 2.25 = 4.45
        2: {"自评": 5, "群众评议": 5, "上级评定": 5},
        3: {"自评": 10, "群众评议": 8, "上级评定": 7},  # 2 + 2.4 + 3.5 = 7.9
    }
    report = check_path(make_rubric({"综合": scores}, rubric=raters), specs).report
    assert report.findings == []
    (branch,) = report.branches
    assert branch.total == 17.35 and branch.grade == "先进"
    assert branch.categories == {"领导班子": 9.45, "群众反映": 7.9}


def test_rater_out_of_range_names_the_rater(make_rubric):
    specs = load_specs([SPECS_DIR / "rubric_three_raters.toml"])
    raters = specs.by_id("rubric_three_raters")
    scores = {no: {"自评": 5, "群众评议": 5, "上级评定": 5} for no in (1, 2)}
    scores[3] = {"自评": 10, "群众评议": None, "上级评定": 11}
    report = check_path(make_rubric({"综合": scores}, rubric=raters), specs).report
    assert {(f.code, f.cell) for f in report.findings} == {
        ("rubric.score_missing", "E7"),
        ("rubric.score_out_of_range", "F7"),
    }
    assert "群众评议" in next(f.message for f in report.findings if f.cell == "E7")


def test_sheets_of_one_shape_keep_their_own_names_and_findings(make_rubric, specs, spec):
    """Layouts are worked out once per shape: each sheet must still speak for itself."""

    def edit(wb):
        for ws in wb.worksheets:
            ws["B6"] = "2. 改过的内容"
        wb["乙"]["B3"] = "乙支部（正式名称）"
        wb["丙"]["B3"] = None

    path = make_rubric(
        {
            "甲": scores_with_losses(spec),
            "乙": scores_with_losses(spec),
            "丙": scores_with_losses(spec),
        },
        edit=edit,
    )
    report = check_path(path, specs).report
    assert [(b.sheet, b.name) for b in report.branches] == [
        ("甲", "甲"),
        ("乙", "乙支部（正式名称）"),
        ("丙", "丙"),
    ]
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [
        ("rubric.template_modified", s, "B6") for s in ("甲", "乙", "丙")
    ]
    again = check_path(path, specs).report  # a second pass comes entirely from the cache
    assert again.model_dump() == report.model_dump()


def test_error_cell_is_not_a_missing_score(make_rubric, specs):
    """calamine reads #DIV/0! as empty; the person sees an error, and so does the report."""
    report = check_path(
        make_rubric(edit=lambda wb: wb.active.__setitem__("D6", "#DIV/0!")), specs
    ).report
    finding = only(report, "rubric.score_not_number")
    assert finding.cell == "D6" and "#DIV/0!" in finding.message
    assert "rubric.score_missing" not in codes(report)
