"""Where the rubric check finds things on sheets shaped otherwise than the template: no 总分 or
定级结果 row, rows added or removed, labels merged or moved, a table not in column A; what each
layout finding says, field by field; and the layout cache, which must give every sheet the
layout of its own shape (and of its own spec) and nothing else.

Workbooks are built in memory (`plain_book`), so these tests are among the selected tests of
mutation testing.
"""

from __future__ import annotations

import pytest
from conftest import SPECS_DIR, scores_with_losses
from openpyxl.utils import get_column_letter
from plain_book import evaluation, workbook_data

from addin.kinds.rubric import check
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs

SHEET = "第一党支部"
ITEM3 = "3. 党支部书记具有较高的政治素质和较强的工作能力，在所在单位群众中威信较高。"


@pytest.fixture
def specs():
    """Specs of this test alone: the layout cache is keyed on the spec object, so no layout
    read by another test can be handed to this one."""
    return load_specs()


def ninety(specs, *names: str):
    """Full marks but item 18 (0 of 10): total 90, 先进 — one sheet per name, each named by
    its sheet name (党支部名称 left blank), so that all have one shape."""
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {n: scores_with_losses(spec, {18: 10}) for n in names or [SHEET]})
    for ws in wb.worksheets:
        ws["B3"] = None
    return wb


def _unmerge_all(ws) -> list[tuple[int, int, int, int]]:
    ranges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    return ranges


def insert_rows(ws, at: int, n: int = 1) -> None:
    """Rows inserted as Excel does it: merged ranges below move down (openpyxl leaves them)."""
    ranges = _unmerge_all(ws)
    ws.insert_rows(at, n)
    for r1, c1, r2, c2 in ranges:
        r1, r2 = (r1 + n if r1 >= at else r1), (r2 + n if r2 >= at else r2)
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def delete_rows(ws, at: int, n: int = 1) -> None:
    """Rows deleted as Excel does it: merged ranges in them go, those below move up."""
    ranges = _unmerge_all(ws)
    ws.delete_rows(at, n)
    for r1, c1, r2, c2 in ranges:
        if r1 >= at and r2 < at + n:
            continue
        r1, r2 = (r1 - n if r1 >= at + n else r1), (r2 - n if r2 >= at + n else r2)
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def shift_right(ws) -> None:
    """The whole sheet one column to the right (column A left free)."""
    ranges = _unmerge_all(ws)
    ws.insert_cols(1)
    for r1, c1, r2, c2 in ranges:
        ws.merge_cells(start_row=r1, start_column=c1 + 1, end_row=r2, end_column=c2 + 1)


def findings(result) -> list[tuple]:
    return [(f.code, f.sheet, f.cell, f.value, f.message) for f in result.report.findings]


def writes(result, sheet: str = SHEET) -> list[tuple]:
    """The computed cells fill writes, as (A1 reference, value, replaced value)."""
    return [
        (f"{get_column_letter(w.col + 1)}{w.row + 1}", w.value, w.replaces)
        for w in result.writes
        if w.sheet == sheet
    ]


def results(result, sheet: str = SHEET) -> list[tuple]:
    """The writes after the five category subtotals: total, grade and the labels fill adds."""
    written = writes(result, sheet)
    assert [(ref[0], value) for ref, value, _ in written[:5]] == [("E", 20)] * 4 + [("E", 10)]
    return written[5:]


# --- what the layout findings say ----------------------------------------------------------------


def test_an_edited_item_text_names_the_item_the_typed_and_the_official_text(specs):
    wb = ninety(specs)
    wb[SHEET]["B7"] = "3. 党支部书记政治素质高。"
    wb[SHEET]["B8"] = "4. 支部委员会成员职责明确，协调配合，领导有力。XX"  # a placeholder left in
    assert findings(evaluation(wb, specs)) == [
        (
            "rubric.template_modified",
            SHEET,
            "B7",
            "3. 党支部书记政治素质高。",
            "第3项的具体内容与官方模板不一致："
            "应为“党支部书记具有较高的政治素质和较强的工作能力，在所在单位群众中威信较高。”，"
            "实为“3. 党支部书记政治素质高。”",
        ),
        (
            "rubric.template_modified",
            SHEET,
            "B8",
            "4. 支部委员会成员职责明确，协调配合，领导有力。XX",
            "第4项的具体内容与官方模板不一致：应为“支部委员会成员职责明确，协调配合，领导有力。”，"
            "实为“4. 支部委员会成员职责明确，协调配合，领导有力。XX”",
        ),
    ]


def test_a_row_of_no_item_is_named_with_its_text_and_the_item_it_replaced_is_missing(specs):
    wb = ninety(specs)
    wb[SHEET]["B22"] = "本支部其他工作情况说明"
    assert findings(evaluation(wb, specs)) == [
        (
            "rubric.unknown_row",
            SHEET,
            "B22",
            "本支部其他工作情况说明",
            "该行不属于官方模板的任何评分项，已忽略：本支部其他工作情况说明",
        ),
        (
            "rubric.item_missing",
            SHEET,
            None,
            None,
            "缺少第18项：党支部在上年度是否受到群众投诉或上级质询（请按官方模板补上这一行并填写得分）",
        ),
    ]


def test_an_item_typed_twice_points_to_its_first_row(specs):
    wb = ninety(specs)
    wb[SHEET]["B8"] = ITEM3
    assert findings(evaluation(wb, specs)) == [
        (
            "rubric.item_duplicate",
            SHEET,
            "B8",
            None,
            "第3项重复出现（另见第7行），请删除多余的一行",
        ),
        (
            "rubric.item_missing",
            SHEET,
            None,
            None,
            "缺少第4项：支部委员会成员职责明确，协调配合，领导有力。（请按官方模板补上这一行并填写得分）",
        ),
    ]


def test_a_table_without_items_lists_every_item_missing(specs):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 5, 21)  # the header row is the last one
    result = evaluation(wb, specs)
    assert [(f.code, f.cell) for f in result.report.findings] == [
        ("rubric.item_missing", None)
    ] * 18
    assert (
        result.report.findings[17].message
        == "缺少第18项：党支部在上年度是否受到群众投诉或上级质询（请按官方模板补上这一行并填写得分）"
    )
    assert writes(result) == []


def test_category_rows_of_an_unmerged_item_column_are_not_rows_of_the_table(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    insert_rows(ws, 5, 2)
    ws["A5"] = "领导班子"  # the category alone, its 具体内容 blank
    ws["B6"] = "领导班子（20分）"  # the category written in the 具体内容 column
    result = evaluation(wb, specs)
    assert findings(result) == []
    assert results(result) == [("D25", 90, None), ("D26", "先进", None)]


def test_an_item_numbered_beyond_the_last_is_found_by_its_text(specs):
    wb = ninety(specs)
    wb[SHEET]["B22"] = "19. 党支部在上年度是否受到群众投诉或上级质询"
    result = evaluation(wb, specs)
    assert findings(result) == []
    assert (result.report.branches[0].total, result.report.branches[0].grade) == (90, "先进")


def test_identical_item_texts_without_numbers_are_taken_in_order(tmp_path):
    """Two half-years with the same criterion: the first unnumbered row is the first item."""
    spec_file = tmp_path / "half_years.toml"
    spec_file.write_text(
        """kind = "rubric"
id = "half_years"
title = "半年考评表"
total_points = 20

[grading]
bands = [{ name = "好", min = 15 }, { name = "差", min = 0, max = 15 }]

[[categories]]
name = "上半年"
points = 10
items = [{ no = 1, points = 10, text = "按时召开支部委员会会议。" }]

[[categories]]
name = "下半年"
points = 10
items = [{ no = 2, points = 10, text = "按时召开支部委员会会议。" }]
""",
        encoding="utf-8",
    )
    specs = load_specs([spec_file])
    wb = rubric_workbook(specs.by_id("half_years"), {SHEET: {1: 9, 2: 4}})
    wb[SHEET]["B5"] = wb[SHEET]["B6"] = "按时召开支部委员会会议。"
    result = evaluation(wb, specs)
    assert findings(result) == []
    assert result.report.branches[0].categories == {"上半年": 9, "下半年": 4}


# --- where the total and the grade go --------------------------------------------------------------


def test_without_total_and_grade_rows_fill_adds_both_under_the_last_item(specs):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 23, 3)
    assert results(evaluation(wb, specs)) == [
        ("A23", "总分（100分）", None),
        ("D23", 90, None),
        ("A24", "定级结果", None),
        ("D24", "先进", None),
    ]


def test_without_a_total_row_a_blank_row_under_the_items_becomes_it(specs):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 23, 3)
    wb[SHEET]["E24"] = "审核："  # the row after is not blank: the grade goes right of the total
    assert results(evaluation(wb, specs)) == [
        ("A23", "总分（100分）", None),
        ("D23", 90, None),
        ("E23", "先进", None),
    ]


def test_without_a_total_row_a_filled_row_under_the_items_gets_no_total(specs):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 24, 2)
    wb[SHEET].unmerge_cells("A23:C23")
    wb[SHEET]["A23"] = None
    wb[SHEET]["E23"] = "审核："
    assert results(evaluation(wb, specs)) == []


def test_a_blank_row_between_the_items_and_the_total_row_is_skipped(specs):
    wb = ninety(specs)
    insert_rows(wb[SHEET], 23)
    assert results(evaluation(wb, specs)) == [("D24", 90, None), ("D25", "先进", None)]


@pytest.mark.parametrize(
    ("ref", "is_total"),
    [("B23", True), ("C23", False)],  # the 具体内容 column is the last one a label may be in
)
def test_a_total_label_counts_up_to_the_content_column(specs, ref, is_total):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 24, 2)
    ws = wb[SHEET]
    ws.unmerge_cells("A23:C23")
    ws["A23"] = None
    ws[ref], ws["D23"] = "合计", 50
    result = evaluation(wb, specs)
    if is_total:
        assert findings(result) == [
            (
                "rubric.total_mismatch",
                SHEET,
                "D23",
                50,
                "填写的总分 50 与各项得分之和 90 不一致，应填 90",
            )
        ]
        assert results(result) == [
            ("A23", "总分（100分）", None),
            ("D23", 90, 50),
            ("A24", "定级结果", None),
            ("D24", "先进", None),
        ]
    else:
        assert (findings(result), results(result)) == ([], [])


def test_a_total_label_merged_over_the_score_column_keeps_its_text(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws.unmerge_cells("A23:C23")
    ws.merge_cells("A23:D23")
    ws["E23"] = 50
    result = evaluation(wb, specs)
    assert [(f.code, f.cell) for f in result.report.findings] == [("rubric.total_mismatch", "E23")]
    assert results(result) == [("E23", 90, 50), ("D24", "先进", None)]


def test_without_a_grade_row_the_grade_goes_right_of_the_total(specs):
    wb = ninety(specs)
    delete_rows(wb[SHEET], 24)  # the 备注 note is right under the total now
    assert results(evaluation(wb, specs)) == [("D23", 90, None), ("E23", "先进", None)]


def test_a_total_label_merged_over_the_whole_table_leaves_room_for_the_grade(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    delete_rows(ws, 24)
    ws.unmerge_cells("A23:C23")
    ws.merge_cells("A23:E23")
    ws["F23"], ws["G23"] = 90, "一般"
    result = evaluation(wb, specs)
    assert [(f.code, f.cell, f.value) for f in result.report.findings] == [
        ("rubric.grade_mismatch", "G23", "一般")
    ]
    assert results(result) == [("F23", 90, None), ("G23", "先进", "一般")]


def test_a_blank_row_under_the_total_gets_the_grade_and_its_label(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws.unmerge_cells("A24:C24")
    ws["A24"] = None
    assert results(evaluation(wb, specs)) == [
        ("D23", 90, None),
        ("A24", "定级结果", None),
        ("D24", "先进", None),
    ]


def test_a_blank_merged_row_under_the_total_gets_the_grade_right_of_its_label(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws.unmerge_cells("A24:C24")
    ws["A24"] = None
    ws.merge_cells("A24:E24")
    assert results(evaluation(wb, specs)) == [
        ("D23", 90, None),
        ("A24", "定级结果", None),
        ("F24", "先进", None),
    ]


@pytest.mark.parametrize(
    ("between", "grade"),
    [(2, ("D26", "先进", None)), (3, ("E23", "先进", None))],  # 定级结果 3 rows under 总分 at most
)
def test_the_grade_row_is_looked_for_three_rows_under_the_total(specs, between, grade):
    wb = ninety(specs)
    ws = wb[SHEET]
    insert_rows(ws, 24, between)
    for r in range(24, 24 + between):
        ws.cell(r, 1, "审核人：")
    assert results(evaluation(wb, specs)) == [("D23", 90, None), grade]


def test_a_grade_row_above_the_total_row_is_not_the_grade_row(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws["A23"], ws["A24"] = "定级结果", "总分（100分）"
    ws["D23"] = "一般"
    result = evaluation(wb, specs)
    assert findings(result) == []  # a 定级结果 row is no rubric item wherever it is
    assert results(result) == [("D24", 90, None), ("E24", "先进", None)]


@pytest.mark.parametrize(
    ("typed", "grade_cell"),
    [
        (None, "D24"),  # nothing typed: under the total
        ("B24", "B24"),  # typed right of the label
        ("E24", "E24"),  # the last column of the table
        ("F24", "D24"),  # right of the table: not read
    ],
)
def test_a_grade_typed_right_of_an_unmerged_label_is_the_grade(specs, typed, grade_cell):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws.unmerge_cells("A24:C24")
    if typed:
        ws[typed] = "一般"
    result = evaluation(wb, specs)
    expected = [("rubric.grade_mismatch", grade_cell)] if typed == grade_cell else []
    assert [(f.code, f.cell) for f in result.report.findings] == expected
    assert results(result) == [
        ("D23", 90, None),
        (grade_cell, "先进", "一般" if expected else None),
    ]


def test_a_table_right_of_column_a_ignores_what_is_left_of_it(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    shift_right(ws)
    ws.unmerge_cells("B24:D24")
    ws["A23"] = ws["A24"] = "注"  # a margin column left of the table
    result = evaluation(wb, specs)
    assert findings(result) == []
    sums = [("F5", 20, None), ("F9", 20, None), ("F13", 20, None), ("F17", 20, None)]
    assert writes(result) == [*sums, ("F21", 10, None), ("E23", 90, None), ("E24", "先进", None)]


# --- the branch name -----------------------------------------------------------------------------


def test_a_name_field_in_the_first_row_names_the_branch(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    delete_rows(ws, 1, 2)  # no 附件1 line, no title: 党支部名称 is the first row
    ws["B1"] = "机关第三党支部"
    result = evaluation(wb, specs)
    assert (result.report.branches[0].sheet, result.report.branches[0].name) == (
        SHEET,
        "机关第三党支部",
    )


def test_a_name_field_below_the_table_does_not_name_the_branch(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws["A3"] = ws["B3"] = None
    ws["A27"] = "党支部名称（盖章）：机关第三党支部"  # a stamp line under the note
    assert evaluation(wb, specs).report.branches[0].name == SHEET


# --- pass/fail criteria -----------------------------------------------------------------------------

PASS_FAIL = SPECS_DIR / "wudaitou_2011_members.toml"
VERDICTS = {1: "达标", 2: "达标", 3: "未达标", 4: "达标", 5: "达标"}


def test_a_pass_fail_sheet_without_count_and_grade_rows_gets_both(tmp_path):
    specs = load_specs([PASS_FAIL])
    wb = rubric_workbook(specs.by_id("wudaitou_2011"), {"张三": VERDICTS})
    delete_rows(wb["张三"], 10, 3)
    result = evaluation(wb, specs)
    assert findings(result) == []
    assert writes(result, "张三") == [
        ("D5", 4, None),
        ("A10", "达标条数（共5项）", None),
        ("C10", 4, None),
        ("A11", "评议等级", None),
        ("C11", "合格", None),
    ]
    (branch,) = result.report.branches
    assert (branch.name, branch.total, branch.grade) == ("张三", 4, "合格")


def test_pass_fail_sheets_of_one_shape_keep_their_own_verdicts():
    specs = load_specs([PASS_FAIL])
    spec = specs.by_id("wudaitou_2011")
    wb = rubric_workbook(spec, {"张三": VERDICTS, "李四": {**VERDICTS, 3: "达标"}})
    wb["张三"]["B3"] = wb["李四"]["B3"] = None  # named by their sheets: one shape
    wb["李四"]["B6"] = "2. 带头争创佳绩。"
    result = evaluation(wb, specs)
    assert [(f.code, f.sheet, f.cell) for f in result.report.findings] == [
        ("rubric.template_modified", "李四", "B6")
    ]
    assert [(b.name, b.total, b.grade) for b in result.report.branches] == [
        ("张三", 4, "合格"),
        ("李四", 5, "优秀"),
    ]


# --- the layout cache: one layout per shape, never another shape's --------------------------------


def test_sheets_differing_only_in_a_points_value_get_their_own_findings(specs):
    wb = ninety(specs, "甲", "乙")
    wb["乙"]["C8"] = 4
    assert [(f.code, f.sheet, f.cell, f.value) for f in evaluation(wb, specs).report.findings] == [
        ("rubric.template_modified", "乙", "C8", 4)
    ]


def test_sheets_differing_only_in_a_blank_cell_under_the_total_get_their_own_grade_cell(specs):
    # "" is what a formula showing nothing leaves; both it and an empty cell are blank.
    wb = ninety(specs, "甲", "乙", "丙")
    for name, value in (("甲", None), ("乙", "审核："), ("丙", "")):
        wb[name].unmerge_cells("A24:C24")
        wb[name]["A24"], wb[name]["E24"] = None, value
    result = evaluation(wb, specs)
    grades = [(name, results(result, name)) for name in ("甲", "乙", "丙")]
    below = [("D23", 90, None), ("A24", "定级结果", None), ("D24", "先进", None)]
    assert grades == [
        ("甲", below),
        ("乙", [("D23", 90, None), ("E23", "先进", None)]),
        ("丙", below),
    ]


@pytest.mark.parametrize(
    ("column", "blank"),
    [("E", False), ("F", False), ("G", True)],  # the column right of the table still counts
)
def test_a_row_under_the_total_is_blank_up_to_the_column_right_of_the_table(specs, column, blank):
    wb = ninety(specs)
    ws = wb[SHEET]
    ws.unmerge_cells("A24:C24")
    ws["A24"], ws[f"{column}24"] = None, "审核："
    grade = [("A24", "定级结果", None), ("D24", "先进", None)] if blank else [("E23", "先进", None)]
    assert results(evaluation(wb, specs)) == [("D23", 90, None), *grade]


def test_sheets_with_the_header_in_the_first_row_get_their_own_findings(specs):
    wb = ninety(specs, "甲", "乙")
    for name in ("甲", "乙"):
        delete_rows(wb[name], 1, 3)  # the 项目/具体内容 header is row 1
    wb["乙"]["B4"] = "3. 党支部书记政治素质高。"
    result = evaluation(wb, specs)
    assert [(f.code, f.sheet, f.cell) for f in result.report.findings] == [
        ("rubric.template_modified", "乙", "B4")
    ]
    assert results(result, "甲") == [("D20", 90, None), ("D21", "先进", None)]


def test_findings_of_sheets_of_one_shape_name_their_own_sheet(specs):
    wb = ninety(specs, "甲", "乙")
    for name in ("甲", "乙"):
        wb[name]["B7"] = "3. 党支部书记政治素质高。"
    result = evaluation(wb, specs)
    assert [(f.code, f.sheet, f.cell) for f in result.report.findings] == [
        ("rubric.template_modified", "甲", "B7"),
        ("rubric.template_modified", "乙", "B7"),
    ]


def test_one_sheet_read_against_two_specs_gets_the_layout_of_each(specs):
    """A long-running add-in checks with one spec, then another: same sheet, other items."""
    sheet = workbook_data(ninety(specs)).sheets[0]
    four = load_specs([SPECS_DIR / "rubric_four_grades.toml"]).by_id("rubric_four_grades")
    codes = []
    for spec in (specs.by_id("rubric_2022"), four):
        result = check.evaluate(sheet, spec, check.detect(sheet, spec))
        codes.append([f.code for f in result.findings])
    # The four items of the other spec are there but worded and scored otherwise; 5～18 are not its.
    assert codes == [[], ["rubric.template_modified"] * 8 + ["rubric.unknown_row"] * 14]


def test_the_layout_of_a_shape_is_read_once(specs, monkeypatch):
    read = []

    def counted(sheet, spec, header):
        read.append(sheet.name)
        return original(sheet, spec, header)

    original = check._read_layout
    monkeypatch.setattr(check, "_read_layout", counted)
    result = evaluation(ninety(specs, "甲", "乙", "丙"), specs)
    assert read == ["甲"]
    assert [(b.sheet, b.total) for b in result.report.branches] == [
        ("甲", 90),
        ("乙", 90),
        ("丙", 90),
    ]


def test_the_layout_cache_holds_at_most_256_shapes(specs, monkeypatch):
    full = {("another shape", n): None for n in range(256)}
    monkeypatch.setattr(check, "_LAYOUTS", full)
    evaluation(ninety(specs), specs)
    assert len(check._LAYOUTS) == 1  # emptied, then this sheet's layout
    evaluation(ninety(specs, "乙"), specs)  # the same shape: found, nothing added
    assert len(check._LAYOUTS) == 1


@pytest.mark.parametrize("cleared", ["A23", "A24"])
def test_a_cleared_total_label_leaves_the_rows_under_it_out_of_the_table(specs, cleared):
    """Without its 总分 label (or without both labels), the 定级结果 and 备注 rows are still
    no rubric items: no rubric.unknown_row; fill writes the labels back."""
    wb = ninety(specs)
    wb[SHEET]["A23"] = None
    if cleared == "A24":
        wb[SHEET]["A24"] = None
    result = evaluation(wb, specs)
    assert [f for f in findings(result) if f[0] != "rubric.score_missing"] == []
    expected = [("A23", "总分（100分）", None), ("D23", 90, None)]
    if cleared == "A24":  # the blank row under the total gets the 定级结果 label back
        expected.append(("A24", "定级结果", None))
    assert results(result) == [*expected, ("D24", "先进", None)]


def test_a_merged_total_cell_puts_the_grade_right_of_its_merge(specs):
    wb = ninety(specs)
    ws = wb[SHEET]
    delete_rows(ws, 24)
    ws.unmerge_cells("A23:C23")
    ws.merge_cells("A23:E23")
    ws.merge_cells("F23:G23")  # the total's cell spans two columns
    ws["F23"] = 90
    result = evaluation(wb, specs)
    assert results(result) == [("F23", 90, None), ("H23", "先进", None)]
