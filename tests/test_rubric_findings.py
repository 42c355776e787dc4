"""Everything the rubric check says about a faulty 评分表 and what fill writes back, field by
field: code, sheet, cell, value and the Chinese message; also the weighted 得分 of raters."""

from __future__ import annotations

from pathlib import Path

from conftest import scores_with_losses
from plain_book import evaluation

from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs

SHEET = "第一党支部"
RATERS = Path(__file__).parent / "specs" / "rubric_three_raters.toml"


def test_every_finding_and_write_of_a_faulty_rubric():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec, {2: 1})})
    ws = wb[SHEET]
    ws["D7"] = "４.5分"  # item 3, full-width and with 分
    ws["C8"] = 4  # item 4's 分值 changed
    ws["E5"], ws["E9"] = 19, 20  # 领导班子 subtotal wrong, 党员队伍 right
    ws["D23"], ws["D24"] = 99, "一般"
    result = evaluation(wb, specs)
    found = [(f.code, f.sheet, f.cell, f.value, f.message) for f in result.report.findings]
    assert found == [
        (
            "rubric.template_modified",
            SHEET,
            "C8",
            4,
            "第4项的分值与官方模板不一致：应为“5分”，实为“4”",
        ),
        (
            "rubric.score_normalized",
            SHEET,
            "D7",
            4.5,
            "第3项得分“４.5分”不是标准数字，已按 4.5 计算",
        ),
        (
            "rubric.subtotal_mismatch",
            SHEET,
            "E5",
            19,
            "“领导班子”小计填写为 19，各项之和为 18.5，应填 18.5",
        ),
        (
            "rubric.total_mismatch",
            SHEET,
            "D23",
            99,
            "填写的总分 99 与各项得分之和 98.5 不一致，应填 98.5",
        ),
        (
            "rubric.grade_mismatch",
            SHEET,
            "D24",
            "一般",
            "定级结果填写为“一般”，按总分 98.5 应填“先进”",
        ),
    ]
    assert [(w.sheet, w.row, w.col, w.value, w.replaces) for w in result.writes] == [
        (SHEET, 6, 3, 4.5, "４.5分"),  # the normalised score, as a number
        (SHEET, 4, 4, 18.5, 19),  # the wrong subtotal replaced, the typed one on record
        (SHEET, 8, 4, 20, None),
        (SHEET, 12, 4, 20, None),
        (SHEET, 16, 4, 20, None),
        (SHEET, 20, 4, 20, None),
        (SHEET, 22, 3, 98.5, 99),
        (SHEET, 23, 3, "先进", "一般"),
    ]
    (branch,) = result.report.branches
    assert (branch.sheet, branch.name, branch.total, branch.grade) == (SHEET, SHEET, 98.5, "先进")


def test_a_typed_weighted_score_is_checked_against_the_raters():
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    scores = {no: {"自评": 5, "群众评议": 5, "上级评定": 5} for no in (1, 2)}
    scores[3] = {"自评": 10, "群众评议": 8, "上级评定": 7}  # 2 + 2.4 + 3.5 = 7.9
    wb = rubric_workbook(spec, {"综合": scores})
    ws = wb["综合"]
    ws["G5"], ws["G7"] = 4, 7.9  # item 1's 得分 wrong, item 3's right
    result = evaluation(wb, specs)
    found = [(f.code, f.sheet, f.cell, f.value, f.message) for f in result.report.findings]
    assert found == [
        ("rubric.score_mismatch", "综合", "G5", 4, "第1项得分填写为 4，按各评分人权重计算应为 5")
    ]
    written = {(w.row, w.col): (w.value, w.replaces) for w in result.writes}
    assert written[(4, 6)] == (5, 4)  # G5: the weighted score, the typed 4 on record
    assert written[(6, 6)] == (7.9, None)
    assert (result.report.branches[0].total, result.report.branches[0].grade) == (17.9, "先进")
