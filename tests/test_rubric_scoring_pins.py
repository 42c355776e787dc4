"""The scoring side of the rubric check pinned cell by cell: how each score cell is read (numbers,
cell errors, formulas without a value, 达标/未达标 words), merged score cells, raters' weighted
得分, what is checked in typed results, and every computed cell fill writes into the copy."""

from __future__ import annotations

from pathlib import Path

from conftest import scores_with_losses
from openpyxl.worksheet.worksheet import Worksheet
from plain_book import evaluation, workbook_data

from addin.engine import evaluate_workbook
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import SpecSet, load_specs, spec_from_dict

SPECS_DIR = Path(__file__).parent / "specs"
RATERS = SPECS_DIR / "rubric_three_raters.toml"
MEMBERS = SPECS_DIR / "wudaitou_2011_members.toml"
SHEET = "第一党支部"


def found(result) -> list[tuple]:
    return [(f.code, f.sheet, f.cell, f.value, f.message) for f in result.report.findings]


def written(result) -> list[tuple]:
    return [(w.sheet, w.row, w.col, w.value, w.replaces) for w in result.writes]


def branch(result) -> tuple:
    (b,) = result.report.branches
    return (b.sheet, b.total, b.exact_total, b.grade, b.categories, b.spec)


def rater_scores(**overrides: dict[str, object]) -> dict[int, dict[str, object]]:
    """Every rater gives 5 on items 1 to 3 (weighted 5 each), except where overridden."""
    scores = {no: {"自评": 5, "群众评议": 5, "上级评定": 5} for no in (1, 2, 3)}
    for key, values in overrides.items():
        scores[int(key.removeprefix("item"))].update(values)
    return scores


def drop_column(ws: Worksheet, col: int) -> None:
    """Delete a column like Excel does: merged ranges right of it move left with the cells."""
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    ws.delete_cols(col)
    for top, left, bottom, right in merges:
        if left == right == col:
            continue
        shift_left = 1 if left > col else 0
        shift_right = 1 if right >= col else 0
        ws.merge_cells(
            start_row=top,
            start_column=left - shift_left,
            end_row=bottom,
            end_column=right - shift_right,
        )


# --- reading score cells --------------------------------------------------------------------


def test_pass_fail_verdicts_count_met_and_name_the_cell_of_a_word_that_is_not_one():
    specs = load_specs([MEMBERS])
    spec = specs.by_id("wudaitou_2011")
    verdicts = {
        "张三": {1: "达标", 2: "达标", 3: "未达标", 4: "√", 5: "×"},
        "李四": {1: "达标", 2: "达标", 3: "良好", 4: None, 5: "达标"},
    }
    result = evaluation(rubric_workbook(spec, verdicts), specs)
    assert found(result) == [
        (
            "rubric.verdict_unknown",
            "李四",
            "C7",
            "良好",
            "第3项“评议结果”应为 达标 / 未达标，实为：良好",
        ),
        ("rubric.score_missing", "李四", "C8", None, "第4项“评议结果”未填写，应填 达标 或 未达标"),
    ]
    first, second = result.report.branches
    assert (first.total, first.grade, first.categories) == (3, "合格", {"五带头": 3})
    assert (second.total, second.grade, second.categories) == (None, None, {"五带头": None})


def test_a_cell_error_a_formula_without_value_text_and_out_of_range_scores_name_item_and_column():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    scores = scores_with_losses(spec)
    scores.update({1: None, 2: None, 3: "五分", 4: -1, 5: 6})
    data = workbook_data(rubric_workbook(spec, {SHEET: scores}))
    sheet = data.sheets[0]
    sheet._errors = {(4, 3): "#DIV/0!"}  # D5 shows an error, read as empty
    sheet._formula_blanks = frozenset({(5, 3)})  # D6 is a formula never calculated
    result = evaluate_workbook(data, specs)
    assert found(result) == [
        (
            "rubric.score_not_number",
            SHEET,
            "D5",
            "#DIV/0!",
            "第1项“得分”不是数字：#DIV/0!，应填 0～5 之间的数",
        ),
        (
            "rubric.formula_without_value",
            SHEET,
            "D6",
            None,
            "第2项“得分”是公式但文件中没有计算结果（可能由程序生成），"
            "请在 Excel 中打开并保存后再提交",
        ),
        (
            "rubric.score_not_number",
            SHEET,
            "D7",
            "五分",
            "第3项“得分”不是数字：五分，应填 0～5 之间的数",
        ),
        ("rubric.score_out_of_range", SHEET, "D8", -1, "第4项得分-1不能为负数，应填 0～5 之间的数"),
        ("rubric.score_out_of_range", SHEET, "D9", 6, "第5项得分6超过分值5，应填 0～5 之间的数"),
    ]
    # Nothing is written over the faulty scores; only complete categories get a subtotal.
    assert written(result) == [
        (SHEET, 12, 4, 20, None),
        (SHEET, 16, 4, 20, None),
        (SHEET, 20, 4, 20, None),
    ]
    assert branch(result) == (
        SHEET,
        None,
        None,
        None,
        {"领导班子": None, "党员队伍": None, "工作机制": 20, "工作业绩": 20, "群众反映": 20},
        "rubric_2022",
    )


def test_a_score_above_an_item_worth_less_than_one_point_exceeds_it_and_is_not_negative():
    spec = spec_from_dict(
        {
            "kind": "rubric",
            "id": "half_points",
            "title": "半分项评分表",
            "total_points": 1,
            "grading": {"bands": [{"name": "合格", "min": 0}]},
            "categories": [
                {
                    "name": "基本",
                    "points": 1,
                    "items": [
                        {"no": 1, "points": 0.5, "text": "按时参加组织生活。"},
                        {"no": 2, "points": 0.5, "text": "按时交纳党费。"},
                    ],
                }
            ],
        }
    )
    specs = SpecSet(specs=[spec])
    result = evaluation(rubric_workbook(spec, {SHEET: {1: 0.8, 2: 0.5}}), specs)
    assert found(result) == [
        (
            "rubric.score_out_of_range",
            SHEET,
            "D5",
            0.8,
            "第1项得分0.8超过分值0.5，应填 0～0.5 之间的数",
        )
    ]


def test_a_missing_item_does_not_stop_the_items_after_it_being_read():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    scores = scores_with_losses(spec)
    scores[3] = "很好"
    wb = rubric_workbook(spec, {SHEET: scores})
    wb[SHEET]["B5"] = "其他说明"  # item 1's row no longer names it
    result = evaluation(wb, specs)
    assert [(code, cell, value) for code, _, cell, value, _ in found(result)] == [
        ("rubric.unknown_row", "B5", "其他说明"),
        ("rubric.item_missing", None, None),
        ("rubric.score_not_number", "D7", "很好"),
    ]


# --- merged score cells ---------------------------------------------------------------------


def test_merged_score_cells_name_the_items_they_join():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    ws = wb[SHEET]
    ws.merge_cells("D5:D6")  # items 1-2
    ws.merge_cells("D9:D11")  # items 5-7
    ws.merge_cells("D13:D16")  # items 9-12
    result = evaluation(wb, specs)
    assert found(result) == [
        (
            "rubric.score_merged",
            SHEET,
            "D5",
            5,
            "第2项的“得分”单元格与第1项合并，请每项分别填写",
        ),
        (
            "rubric.score_merged",
            SHEET,
            "D9",
            5,
            "第6、7项的“得分”单元格与第5项合并，请每项分别填写",
        ),
        (
            "rubric.score_merged",
            SHEET,
            "D13",
            5,
            "第10～12项的“得分”单元格与第9项合并，请每项分别填写",
        ),
    ]
    assert branch(result)[1:4] == (None, None, None)


def test_merged_score_cells_list_their_items_in_row_order():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    ws = wb[SHEET]
    ws["B5"], ws["B6"] = ws["B6"].value, ws["B5"].value  # item 2 above item 1
    ws.merge_cells("D5:D6")
    result = evaluation(wb, specs)
    assert found(result) == [
        (
            "rubric.score_merged",
            SHEET,
            "D5",
            5,
            "第1项的“得分”单元格与第2项合并，请每项分别填写",
        )
    ]


def test_a_score_cell_merged_across_columns_does_not_hide_a_shared_one_below():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    ws = wb[SHEET]
    ws.unmerge_cells("E5:E8")
    ws.merge_cells("D5:E5")  # item 1 alone: its score is still its own
    ws.merge_cells("D6:D7")  # items 2-3 share one
    result = evaluation(wb, specs)
    assert [(code, cell, message) for code, _, cell, _, message in found(result)] == [
        ("rubric.score_merged", "D6", "第3项的“得分”单元格与第2项合并，请每项分别填写")
    ]


def test_a_merged_rater_cell_still_lets_the_other_raters_cells_be_checked():
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    wb = rubric_workbook(spec, {"综合": rater_scores(item1={"上级评定": "好"})})
    wb["综合"].merge_cells("D5:D6")  # 自评 of items 1-2
    result = evaluation(wb, specs)
    assert found(result) == [
        (
            "rubric.score_merged",
            "综合",
            "D5",
            5,
            "第2项的“自评”单元格与第1项合并，请每项分别填写",
        ),
        (
            "rubric.score_not_number",
            "综合",
            "F5",
            "好",
            "第1项“上级评定”不是数字：好，应填 0～5 之间的数",
        ),
    ]


# --- raters: the weighted 得分 ------------------------------------------------------------


def test_raters_without_a_score_column_get_one_right_of_the_table_and_nothing_there_is_checked():
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    wb = rubric_workbook(spec, {"综合": rater_scores(item3={"自评": 10, "上级评定": 7})})
    ws = wb["综合"]
    drop_column(ws, 7)  # 得分: 项目 具体内容 分值 自评 群众评议 上级评定 小计
    ws["H5"] = "已复核"  # a note where the 得分 column is created
    result = evaluation(wb, specs)
    assert found(result) == []
    assert written(result) == [
        ("综合", 3, 7, "得分", None),
        ("综合", 4, 7, 5, "已复核"),
        ("综合", 5, 7, 5, None),
        ("综合", 6, 7, 7, None),  # 10×0.2 + 5×0.3 + 7×0.5
        ("综合", 4, 6, 10, None),
        ("综合", 6, 6, 7, None),
        ("综合", 7, 7, 17, None),
        ("综合", 8, 7, "先进", None),
    ]


def test_a_typed_score_of_an_item_missing_a_rater_is_not_compared():
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    wb = rubric_workbook(spec, {"综合": rater_scores(item1={"群众评议": None})})
    wb["综合"]["G5"] = 4  # 得分 typed although a rater's score is missing
    result = evaluation(wb, specs)
    assert found(result) == [
        ("rubric.score_missing", "综合", "E5", None, "第1项“群众评议”未填写，应填 0～5 之间的数")
    ]
    assert written(result) == [
        ("综合", 5, 6, 5, None),
        ("综合", 6, 6, 5, None),
        ("综合", 6, 7, 5, None),
    ]


def test_a_total_cut_for_display_keeps_its_exact_value_and_a_plain_one_does_not():
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    cut = rubric_workbook(spec, {"综合": rater_scores(item1={"自评": 4.9999})})
    # 4.9999×0.2 + 5×0.3 + 5×0.5 = 4.99998; the total 14.99998 is shown cut to 14.99.
    assert branch(evaluation(cut, specs)) == (
        "综合",
        14.99,
        "14.99998",
        "一般",
        {"领导班子": 9.99, "群众反映": 5},
        "rubric_three_raters",
    )
    plain = rubric_workbook(spec, {"综合": rater_scores()})
    assert branch(evaluation(plain, specs)) == (
        "综合",
        15,
        None,
        "一般",
        {"领导班子": 10, "群众反映": 5},
        "rubric_three_raters",
    )


# --- typed results and computed cells -------------------------------------------------------


def test_an_incomplete_category_checks_and_writes_only_the_complete_ones():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    scores = scores_with_losses(spec)
    scores[1] = None
    wb = rubric_workbook(spec, {SHEET: scores})
    ws = wb[SHEET]
    ws["E5"], ws["E9"] = 20, 19  # 领导班子 cannot be known; 党员队伍 is 20
    # A grade typed although the total is unknown: every total the other items allow (95～100)
    # is 先进, so it is right and not reported.
    ws["D24"] = "先进"
    result = evaluation(wb, specs)
    assert found(result) == [
        ("rubric.score_missing", SHEET, "D5", None, "第1项“得分”未填写，应填 0～5 之间的数"),
        (
            "rubric.subtotal_unconfirmed",
            SHEET,
            "E5",
            20,
            "“领导班子”小计 20 无法核对：第1项得分有误；更正后应填该类各项得分之和",
        ),
        (
            "rubric.subtotal_mismatch",
            SHEET,
            "E9",
            19,
            "“党员队伍”小计填写为 19，各项之和为 20，应填 20",
        ),
    ]
    assert written(result) == [
        (SHEET, 8, 4, 20, 19),
        (SHEET, 12, 4, 20, None),
        (SHEET, 16, 4, 20, None),
        (SHEET, 20, 4, 20, None),
    ]


def test_a_subtotal_typed_as_words_is_a_wrong_subtotal():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    wb[SHEET]["E5"] = "二十"
    result = evaluation(wb, specs)
    assert found(result) == [
        (
            "rubric.subtotal_mismatch",
            SHEET,
            "E5",
            "二十",
            "“领导班子”小计填写为 二十，各项之和为 20，应填 20",
        )
    ]
    assert written(result)[0] == (SHEET, 4, 4, 20, "二十")


def test_results_typed_right_are_rewritten_without_a_replaced_value():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    ws = wb[SHEET]
    ws["E5"], ws["D23"], ws["D24"] = 20, 100, " 先进 "
    result = evaluation(wb, specs)
    assert found(result) == []
    assert written(result) == [
        (SHEET, 4, 4, 20, None),
        (SHEET, 8, 4, 20, None),
        (SHEET, 12, 4, 20, None),
        (SHEET, 16, 4, 20, None),
        (SHEET, 20, 4, 20, None),
        (SHEET, 22, 3, 100, None),
        (SHEET, 23, 3, "先进", None),
    ]


def test_a_sheet_without_a_subtotal_column_gets_one_when_a_category_is_known():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec), "空白": None})
    for name in (SHEET, "空白"):
        drop_column(wb[name], 5)  # 小计
    result = evaluation(wb, specs)
    assert [w for w in written(result) if w[0] == SHEET] == [
        (SHEET, 3, 4, "小计", None),
        (SHEET, 4, 4, 20, None),
        (SHEET, 8, 4, 20, None),
        (SHEET, 12, 4, 20, None),
        (SHEET, 16, 4, 20, None),
        (SHEET, 20, 4, 20, None),
        (SHEET, 22, 3, 100, None),
        (SHEET, 23, 3, "先进", None),
    ]
    # Nothing known on the blank sheet: no 小计 column is made for it.
    assert [w for w in written(result) if w[0] == "空白"] == []


def test_a_total_row_without_its_label_gets_the_label():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec, {1: 1})})
    wb[SHEET]["A23"] = None
    result = evaluation(wb, specs)
    assert written(result)[-3:] == [
        (SHEET, 22, 0, "总分（100分）", None),
        (SHEET, 22, 3, 99, None),
        (SHEET, 23, 3, "先进", None),
    ]


def test_a_missing_grade_row_is_written_with_its_label_under_the_total():
    specs = load_specs()
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec, {17: 10, 18: 10})})
    wb[SHEET]["A24"] = None
    result = evaluation(wb, specs)
    assert found(result) == []
    assert written(result)[-3:] == [
        (SHEET, 22, 3, 80, None),
        (SHEET, 23, 0, "定级结果", None),
        (SHEET, 23, 3, "一般", None),
    ]


def test_a_verdict_with_a_full_stop_is_read_as_the_word():
    specs = load_specs([MEMBERS])
    spec = specs.by_id("wudaitou_2011")
    verdicts = {"张三": {1: "达标。", 2: "达标.", 3: "未达标。", 4: "达标", 5: "达标"}}
    result = evaluation(rubric_workbook(spec, verdicts), specs)
    assert found(result) == []
    (branch,) = result.report.branches
    assert (branch.total, branch.grade) == (4, "合格")
