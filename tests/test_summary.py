"""The summary table (附件2) on real .xlsx files: header fields, rows, the 合计 row, the
cross-checks with the rubric sheets of the same workbook, fill, the plan's targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import round_trip
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from summary_helpers import (
    FIELDS,
    TOTAL_ROW,
    check,
    check_json,
    cli,
    codes,
    fill,
    only,
    rubric_spec,
    scores_totalling,
    soffice_resave,
    specs,
    submission,
)

from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.phone import normalize_phone
from addin.kinds.summary.spec import SummarySpec, rubric_for
from addin.spec import SpecError, load_specs, spec_from_dict
from addin.writes import RECORD_SHEET

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ROWS = [
    ("机关第一党支部", 95.5, "先进", "一般"),
    ("教师第二党支部", 83.5, "一般", "后进"),
    ("学生第三党支部", 64, "后进", "后进"),
]
CLEAN_RUBRICS = {"机关第一党支部": 95.5, "教师第二党支部": 83.5, "学生第三党支部": 64}
CLEAN_COUNTS = {"先进": 1, "一般": 1, "后进": 1}


def clean(tmp_path, **changes) -> Path:
    args = {"rows": CLEAN_ROWS, "rubrics": CLEAN_RUBRICS, "counts": CLEAN_COUNTS, **changes}
    return submission(tmp_path, **args)


def put(**cells):
    """An edit setting cells of the 汇总表 sheet ("B8" → value)."""

    def edit(wb):
        for ref, value in cells.items():
            wb["汇总表"][ref] = value

    return edit


# --- a clean submission ----------------------------------------------------------------------


def test_clean_submission_has_zero_findings_and_the_json_summary(tmp_path):
    file = check_json(clean(tmp_path))
    assert file["findings"] == []
    assert file["status"] == "ok"
    summary = file["summary"]
    assert {k: summary[k] for k in ("unit", "reporter", "phone")} == {
        "unit": "计算机学院党总支",
        "reporter": "王芳 组织委员",
        "phone": "029-88886601",
    }
    assert summary["rows"][0] == {
        "no": 1,
        "name": "机关第一党支部",
        "score": 95.5,
        "grade": "先进",
        "rubric_total": 95.5,
        "last_year": "一般",
        "moved_up": True,
    }
    assert [r["grade"] for r in summary["rows"]] == ["先进", "一般", "后进"]
    assert [r["moved_up"] for r in summary["rows"]] == [True, True, False]
    assert summary["counts"] == {"先进": 1, "一般": 1, "后进": 1}
    assert summary["conversion_rate"] == 0.5  # 2 后进 last year, 1 of them now 一般
    assert summary["conversion_target"] == 0.5


def test_bundled_samples_carry_a_summary(tmp_path):
    samples = ROOT / "workbooks" / "samples"
    good = check(samples / "第一党总支_提交.xlsx")
    assert good.findings == [] and good.summary.unit == "第一党总支"
    assert [r.name for r in good.summary.rows] == [b.name for b in good.branches]
    bad = check(samples / "第二党总支_提交.xlsx")
    summary_codes = sorted(c for c in codes(bad) if c.startswith("summary."))
    assert summary_codes == [
        "summary.count_mismatch",
        "summary.count_mismatch",
        "summary.grade_mismatch",
        "summary.phone_invalid",
        "summary.score_mismatch",
    ]


def test_text_report_shows_the_summary_in_chinese(tmp_path):
    out = cli("check", clean(tmp_path)).stdout
    assert "汇总表（工作表“汇总表”）：填报单位 计算机学院党总支；填报人及职务 王芳 组织委员" in out
    assert "联系电话 029-88886601" in out
    assert "1. 机关第一党支部：评分 95.5，定级 先进（评分表总分 95.5）；上年 一般，晋位升级" in out
    assert "合计：先进 1 个，一般 1 个，后进 1 个（共 3 个党支部）" in out
    assert "后进转化率 50%（目标 50%，已达到）" in out


# --- header fields ---------------------------------------------------------------------------


def test_blank_header_field_is_missing(tmp_path):
    report = check(clean(tmp_path, fields={**FIELDS, "reporter": ""}))
    finding = only(report, "summary.field_missing")
    assert (finding.sheet, finding.cell, finding.severity) == ("汇总表", "C4", "error")
    assert finding.message == "表头“填报人及职务”未填写"
    assert report.summary.reporter is None


def test_header_field_removed_altogether(tmp_path):
    report = check(clean(tmp_path, edit=put(A3=None)))
    finding = only(report, "summary.field_missing")
    assert finding.cell is None and "填报单位（盖章）”栏目不存在" in finding.message


def test_fields_on_one_line_as_the_plan_prints_them(tmp_path):
    line = "填报单位（盖章）：经管学院党总支   填报人及职务：李强 组织委员   联系电话：0917 3212345"

    def edit(wb):
        ws = wb["汇总表"]
        for ref in ("A3", "C3", "A4", "C4", "A5", "C5"):
            ws[ref] = None
        ws["A4"] = line

    report = check(clean(tmp_path, edit=edit))
    assert report.findings == []
    assert (report.summary.unit, report.summary.reporter, report.summary.phone) == (
        "经管学院党总支",
        "李强 组织委员",
        "0917-3212345",
    )


def test_one_line_fields_left_as_underscores_are_missing(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        for ref in ("A3", "C3", "A4", "C4", "A5", "C5"):
            ws[ref] = None
        ws["A3"] = "填报单位（盖章）：_____ 填报人及职务：_____ 联系电话：_____"

    report = check(clean(tmp_path, edit=edit))
    assert codes(report) == ["summary.field_missing"] * 3
    assert {f.cell for f in report.findings} == {"A3"}


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        ("029-88886601", "029-88886601"),
        ("(029)8888 6601", "029-88886601"),
        ("0917-3212345转806", "0917-3212345转806"),
        ("029-88886601-12", "029-88886601转12"),
        ("13812345678 / 029-88886601", "13812345678 / 029-88886601"),
    ],
)
def test_phone_numbers_people_type_are_accepted(tmp_path, typed, shown):
    report = check(clean(tmp_path, fields={**FIELDS, "phone": typed}, edit=put(C5=typed)))
    assert report.findings == []
    assert report.summary.phone == shown


@pytest.mark.parametrize(
    "typed", ["88886601", "139 1234 567", "12812345678", "029-888866", "电话见附件", 2988886601]
)
def test_invalid_phone_numbers(tmp_path, typed):
    report = check(clean(tmp_path, edit=put(C5=typed)))
    finding = only(report, "summary.phone_invalid")
    assert (finding.cell, finding.severity) == ("C5", "error")
    assert "11 位手机号" in finding.message and "带区号的固定电话" in finding.message


_SEP = st.sampled_from(["", "", " ", "-", " - "])


@st.composite
def mobiles(draw) -> str:
    return (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )


@st.composite
def landlines(draw) -> tuple[str, str]:
    area = draw(
        st.one_of(
            st.just("010"),
            st.builds(lambda d: "02" + d, st.sampled_from("0123456789")),
            st.builds(
                lambda a, b: "0" + a + b,
                st.sampled_from("3456789"),
                st.text("0123456789", min_size=2, max_size=2),
            ),
        )
    )
    local = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=6, max_size=7))
    return area, local


def _spread(draw, digits: str) -> str:
    """The digits with random spaces and dashes between them."""
    return "".join(ch + draw(_SEP) for ch in digits[:-1]) + digits[-1]


@given(st.data())
def test_property_mobile_numbers_survive_any_spaces_and_dashes(data):
    number = data.draw(mobiles())
    typed = _spread(data.draw, number)
    assert normalize_phone(typed) == number
    assert normalize_phone(normalize_phone(typed)) == number


@given(st.data())
def test_property_landlines_are_canonical_whatever_the_spacing(data):
    area, local = data.draw(landlines())
    style = data.draw(st.sampled_from(["{a}-{l}", "{a} {l}", "({a}){l}", "（{a}）{l}", "{a}{l}"]))
    typed = style.format(a=area, l=_spread(data.draw, local))
    assert normalize_phone(typed) == f"{area}-{local}"
    extension = data.draw(st.text("0123456789", min_size=1, max_size=4))
    assert normalize_phone(f"{typed}转{extension}") == f"{area}-{local}转{extension}"


@given(st.text("0123456789", min_size=1, max_size=14).filter(lambda d: len(d) != 10), st.data())
def test_property_numbers_starting_with_1_need_eleven_digits(digits, data):
    assert normalize_phone(_spread(data.draw, "1" + digits)) is None


@given(st.data(), st.sampled_from("abcdfghijklmnopqrsuvwyz号码无"))
def test_property_a_stray_letter_makes_a_number_invalid(data, letter):
    number = data.draw(mobiles())
    at = data.draw(st.integers(1, len(number) - 1))
    assert normalize_phone(number[:at] + letter + number[at:]) is None


# --- rows ------------------------------------------------------------------------------------


def test_serial_gap_and_repeat_are_warnings(tmp_path):
    report = check(clean(tmp_path, edit=put(A9=4)))  # 1, 2, 4
    finding = only(report, "summary.serial_gap")
    assert (finding.cell, finding.severity) == ("A9", "warning")
    assert "应为 3，实为 4" in finding.message
    assert report.status == "ok"
    repeated = check(clean(tmp_path, edit=put(A9=2), name="r.xlsx"))
    assert "2 重复（另见第8行）" in only(repeated, "summary.serial_gap").message


def test_repeated_branch_names_after_folding(tmp_path):
    rows = [*CLEAN_ROWS, ("教师第二 党支部", 83.5, "一般")]  # a space: the same branch
    report = check(clean(tmp_path, rows=rows, counts={"先进": 1, "一般": 2, "后进": 1}))
    finding = only(report, "summary.duplicate_branch")
    assert finding.cell == "B10" and "重复（另见第8行）" in finding.message


def test_blank_branch_name(tmp_path):
    rows = [*CLEAN_ROWS, (None, 70, "一般")]
    report = check(clean(tmp_path, rows=rows, counts={"先进": 1, "一般": 2, "后进": 1}))
    finding = only(report, "summary.duplicate_branch")
    assert (finding.cell, finding.message) == ("B10", "党支部名称为空，请填写党支部名称")


@pytest.mark.parametrize(
    ("typed", "code", "words"),
    [
        ("优秀", "summary.score_not_number", "评分分数不是数字：优秀"),
        (105, "summary.score_out_of_range", "评分分数 105 超出 0～100 分"),
        (-3, "summary.score_out_of_range", "评分分数 -3 超出 0～100 分"),
    ],
)
def test_bad_scores(tmp_path, typed, code, words):
    report = check(clean(tmp_path, edit=put(C7=typed)))
    finding = only(report, code)
    assert finding.cell == "C7" and words in finding.message
    assert report.summary.rows[0].score is None and report.summary.rows[0].grade is None
    assert report.summary.counts is None  # no partial counts


def test_score_typed_as_text_is_normalised(tmp_path):
    report = check(clean(tmp_path, edit=put(C7="95.5分")))
    assert only(report, "summary.score_normalized").severity == "warning"
    assert report.summary.rows[0].score == 95.5


def test_grade_mismatch_names_both_grades(tmp_path):
    report = check(clean(tmp_path, edit=put(D8="先进")))
    finding = only(report, "summary.grade_mismatch")
    assert finding.cell == "D8"
    assert (
        finding.message == "“教师第二党支部”的分类定级结果填写为“先进”，按评分分数 83.5 应为“一般”"
    )


BAND_EDGES = [  # each band edge of the 2022 rubric: just above, equal, just below
    ("甲", 85.01, "先进"),
    ("乙", 85, "先进"),
    ("丙", 84.99, "一般"),
    ("丁", 65.01, "一般"),
    ("戊", 65, "一般"),
    ("己", 64.99, "后进"),
]


def test_grade_boundaries_follow_the_rubric_bands(tmp_path):
    report = check(
        clean(tmp_path, rows=BAND_EDGES, rubrics=None, counts={"先进": 2, "一般": 3, "后进": 1})
    )
    assert report.findings == []
    assert [(r.score, r.grade) for r in report.summary.rows] == [(s, g) for _, s, g in BAND_EDGES]
    assert report.summary.counts == {"先进": 2, "一般": 3, "后进": 1}


def test_grades_at_the_band_edges_are_computed_when_left_blank(tmp_path):
    rows = [(name, score, None) for name, score, _ in BAND_EDGES]
    report = check(clean(tmp_path, rows=rows, rubrics=None, counts=None))
    assert [r.grade for r in report.summary.rows] == [g for _, _, g in BAND_EDGES]
    assert report.summary.counts == {"先进": 2, "一般": 3, "后进": 1}


# --- the 合计 row ----------------------------------------------------------------------------


def test_wrong_count_in_the_label_cell(tmp_path):
    report = check(clean(tmp_path, counts={"先进": 2, "一般": 1, "后进": 1}))
    finding = only(report, "summary.count_mismatch")
    assert finding.cell == f"B{TOTAL_ROW}"
    assert finding.message == "合计行“先进数”填写为 2，按各党支部的评分分数应为 1"


def test_counts_in_neighbouring_cells(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        ws.delete_rows(TOTAL_ROW)
        ws.insert_rows(TOTAL_ROW)
        for col, value in zip(
            "ABCDEFG", ["合计", "先进数", 1, "一般数", 3, "后进数", "1个"], strict=True
        ):
            ws[f"{col}{TOTAL_ROW}"] = value

    report = check(clean(tmp_path, counts=None, edit=edit))
    finding = only(report, "summary.count_mismatch")
    assert (finding.cell, finding.value) == (f"E{TOTAL_ROW}", 3)
    assert "“一般数”填写为 3，按各党支部的评分分数应为 1" in finding.message


def test_counts_in_the_row_below_the_labels(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        ws.unmerge_cells(f"A{TOTAL_ROW + 1}:E{TOTAL_ROW + 1}")  # the note row
        ws[f"A{TOTAL_ROW + 1}"] = None
        for col, value in zip("BCD", [1, 1, 2], strict=True):
            ws[f"{col}{TOTAL_ROW + 1}"] = value

    report = check(clean(tmp_path, counts=None, edit=edit))
    assert only(report, "summary.count_mismatch").cell == f"D{TOTAL_ROW + 1}"


def test_all_counts_in_the_merged_total_cell(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        for col in "ABCD":
            ws[f"{col}{TOTAL_ROW}"] = None
        ws.merge_cells(f"A{TOTAL_ROW}:E{TOTAL_ROW}")
        ws[f"A{TOTAL_ROW}"] = "合计：先进数1个，一般数 2 个，后进数：1"

    path = clean(tmp_path, counts=None, edit=edit)
    finding = only(check(path), "summary.count_mismatch")
    assert finding.cell == f"A{TOTAL_ROW}" and "“一般数”填写为 2 个" in finding.message
    ws = fill(path, tmp_path / "out.xlsx")["汇总表"]
    assert ws[f"A{TOTAL_ROW}"].value == "合计：先进数1，一般数 1，后进数：1"


def test_fill_writes_counts_into_neighbouring_number_cells(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        for col, value in zip("ABCDE", ["合计", "先进数", 5, "一般数", None], strict=True):
            ws[f"{col}{TOTAL_ROW}"] = value

    path = clean(tmp_path, counts=None, edit=edit)
    ws = fill(path, tmp_path / "out.xlsx")["汇总表"]
    # 先进数 has its number cell; 一般数 is last in its row with nothing after it, so it gets
    # "一般数：1"; 后进数 lost its label and takes the free cell E.
    row = [ws[f"{c}{TOTAL_ROW}"].value for c in "ABCDE"]
    assert row == ["合计", "先进数", 1, "一般数：1", "后进数：1"]


def test_counts_must_add_up_to_the_rows_when_a_grade_is_unknown(tmp_path):
    edit = put(C7="优秀")  # one grade unknown: counts can only be held to the number of rows
    report = check(clean(tmp_path, counts={"先进": 2, "一般": 1, "后进": 1}, edit=edit))
    (finding,) = [f for f in report.findings if f.cell == f"A{TOTAL_ROW}"]
    assert finding.code == "summary.count_mismatch"
    assert finding.message == "合计行先进数、一般数、后进数之和为 4，与党支部数 3 不一致"


# --- cross-checks with the rubric sheets -------------------------------------------------------


def test_score_differing_from_the_rubric_total(tmp_path):
    report = check(clean(tmp_path, rubrics={**CLEAN_RUBRICS, "教师第二党支部": 82}))
    finding = only(report, "summary.score_mismatch")
    assert (finding.sheet, finding.cell, finding.value) == ("汇总表", "C8", 83.5)
    assert "与工作表“教师第二党支部”评分表的总分 82 不一致" in finding.message
    assert report.summary.rows[1].rubric_total == 82


def test_branch_without_rubric_and_rubric_without_branch(tmp_path):
    rubrics = {"机关第一党支部": 95.5, "教师第二党支部": 83.5, "后勤第九党支部": 70}
    report = check(clean(tmp_path, rubrics=rubrics))
    missing = only(report, "summary.branch_without_rubric")
    assert (missing.cell, missing.severity) == ("B9", "warning")
    assert "“学生第三党支部”在本工作簿中没有对应的评分表" in missing.message
    extra = only(report, "summary.rubric_without_branch")
    assert (extra.sheet, extra.severity) == ("后勤第九党支部", "warning")
    assert report.status == "ok"


def test_branch_names_match_after_folding(tmp_path):
    rows = [("机关第一党支部", 95.5, "先进"), ("教师第二党支部", 83.5, "一般")]
    rubrics = {"机关 第一党支部": 95.5, "教师第二党支部　": 83.5}  # a space, an ideographic space
    report = check(clean(tmp_path, rows=rows, rubrics=rubrics, counts=None))
    assert report.findings == []
    assert [r.rubric_total for r in report.summary.rows] == [95.5, 83.5]


def test_summary_only_file_skips_cross_checks(tmp_path):
    path = clean(tmp_path, rubrics=None)
    report = check(path)
    assert report.findings == []  # no branch_without_rubric, no file.no_template_found
    assert report.branches == []
    assert [r.rubric_total for r in report.summary.rows] == [None, None, None]
    assert cli("check", path).exit_code == 0


def test_blank_score_without_rubric_is_missing(tmp_path):
    report = check(clean(tmp_path, rubrics=None, edit=put(C8=None)))
    assert only(report, "summary.score_missing").cell == "C8"


def test_rubric_only_file_has_no_summary(tmp_path):
    path = tmp_path / "r.xlsx"
    rubric_workbook(rubric_spec(), {"甲": scores_totalling(90)}).save(path)
    assert check_json(path)["summary"] is None


# --- fill ------------------------------------------------------------------------------------


def test_fill_writes_grades_counts_and_scores_from_the_rubrics(tmp_path):
    rows = [
        ("机关第一党支部", 95.5, "一般"),
        ("教师第二党支部", None, None),
        ("学生第三党支部", 64, None),
    ]
    path = clean(tmp_path, rows=rows, counts={"先进": 3})
    report = check(path)
    info = only(report, "summary.score_from_rubric")
    assert (info.cell, info.severity) == ("C8", "info")
    assert "取工作表“教师第二党支部”评分表的总分 83.5" in info.message
    wb = fill(path, tmp_path / "filled.xlsx")
    ws = wb["汇总表"]
    assert [ws[f"C{r}"].value for r in (7, 8, 9)] == [95.5, 83.5, 64]
    assert [ws[f"D{r}"].value for r in (7, 8, 9)] == ["先进", "一般", "后进"]
    assert [ws[f"{c}{TOTAL_ROW}"].value for c in "ABCD"] == [
        "合计",
        "先进数：1",
        "一般数：1",
        "后进数：1",
    ]
    # What the person typed stays visible: in the note of the cell and in the record.
    assert "填写为“一般”" in ws["D7"].comment.text
    assert "“先进数”填写为 3" in ws[f"B{TOTAL_ROW}"].comment.text
    record = {(row[1], row[2]): row[5] for row in wb[RECORD_SHEET].iter_rows(values_only=True)}
    assert record[("汇总表", "D7")] == "一般"
    assert record[("汇总表", f"B{TOTAL_ROW}")] == "先进数：3"
    # The copy reads like the submission it came from: the same findings again, except that
    # the score taken from the rubric is now in its cell.
    again = codes(check(tmp_path / "filled.xlsx"))
    assert again == [c for c in codes(report) if c != "summary.score_from_rubric"]


def test_fill_creates_a_missing_total_row(tmp_path):
    def edit(wb):
        wb["汇总表"].delete_rows(TOTAL_ROW, 2)  # 合计 row and the note below it

    path = clean(tmp_path, counts=None, edit=edit)
    assert check(path).findings == []
    ws = fill(path, tmp_path / "out.xlsx")["汇总表"]
    assert [ws[f"{c}{TOTAL_ROW}"].value for c in "ABCD"] == [
        "合计",
        "先进数：1",
        "一般数：1",
        "后进数：1",
    ]


def test_fill_keeps_a_correct_count_as_typed(tmp_path):
    path = clean(tmp_path, counts={"先进": "1个", "一般": 1, "后进": 1})
    ws = fill(path, tmp_path / "out.xlsx")["汇总表"]
    assert ws[f"B{TOTAL_ROW}"].value == "先进数：1个"


# --- last year's grades and the plan's targets --------------------------------------------------


def test_conversion_below_target_is_flagged(tmp_path):
    rows = [
        ("机关第一党支部", 95.5, "先进", "后进"),
        ("教师第二党支部", 83.5, "一般", "一般"),
        ("学生第三党支部", 64, "后进", "后进"),
        ("后勤第四党支部", 60, "后进", "后进"),
    ]
    report = check(
        clean(tmp_path, rows=rows, rubrics=None, counts={"先进": 1, "一般": 1, "后进": 2})
    )
    finding = only(report, "summary.conversion_below_target")
    assert (finding.cell, finding.severity) == ("E6", "warning")
    assert finding.message == "后进转化率为 33.3%（上年后进 3 个，已转化 1 个），低于目标 50%"
    assert report.summary.conversion_rate == 0.3333
    assert [r.moved_up for r in report.summary.rows] == [True, False, False, False]


def test_conversion_is_null_without_last_year_grades(tmp_path):
    rows = [row[:3] for row in CLEAN_ROWS]
    summary = check_json(clean(tmp_path, rows=rows))["summary"]
    assert summary["conversion_rate"] is None
    assert {r["last_year"] for r in summary["rows"]} == {None}


def test_unknown_last_year_grade(tmp_path):
    report = check(clean(tmp_path, edit=put(E7="优秀")))
    finding = only(report, "summary.last_year_unknown")
    assert finding.cell == "E7" and "不是“先进/一般/后进”之一" in finding.message
    assert report.summary.rows[0].last_year is None


def test_top_grade_target_from_the_spec(tmp_path):
    spec_file = tmp_path / "summary_top.toml"
    spec_file.write_text(
        'kind = "summary"\nid = "summary_top"\ntitle = "汇总表"\nrubric = "rubric_2022"\n'
        "top_grade_target = 0.4\n",
        encoding="utf-8",
    )
    specs_40 = load_specs([ROOT / "schemas" / "rubric_2022.toml", spec_file])
    report = check_path(clean(tmp_path), specs_40).report
    finding = only(report, "summary.target_not_met")
    assert finding.severity == "info"
    assert finding.message == "先进党支部占比 33.3%（1/3），低于目标 40%"
    assert (report.summary.top_grade_share, report.summary.top_grade_target) == (0.3333, 0.4)
    assert (
        "先进占比 33.3%（目标 40%，未达到）"
        in cli(
            "check",
            clean(tmp_path),
            "--spec",
            ROOT / "schemas" / "rubric_2022.toml",
            "--spec",
            spec_file,
        ).stdout
    )


# --- layouts people make -----------------------------------------------------------------------


def hand_made(top: int, left: int, blank_every: int, sheet: str) -> Workbook:
    """A summary typed by hand: its own title rows, fields on one line, the table shifted,
    blank rows inside, the counts next to their labels, a renamed sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.cell(1, 1, "关于报送党支部分类定级结果的通知（附表）")
    ws.cell(2, left, "×××（党总支）党支部分类定级汇总表")
    ws.cell(
        top - 1,
        left,
        "填报单位（盖章）：计算机学院党总支  填报人及职务：王芳 组织委员  联系电话：029-88886601",
    )
    for i, label in enumerate(["序 号", "党支部名称", "评分分数：", "分类定级结果", "上年定级"]):
        ws.cell(top, left + i, label)
    r = top + 1
    for n, row in enumerate(CLEAN_ROWS, start=1):
        for i, value in enumerate([n, *row]):
            ws.cell(r, left + i, value)
        r += 2 if blank_every and n % blank_every == 0 else 1
    for i, value in enumerate(["合计", "先进数", 1, "一般数", 1, "后进数", 1]):
        ws.cell(r, left + i, value)
    return wb


@pytest.mark.parametrize(
    ("top", "left", "blank_every", "sheet"),
    [(4, 1, 0, "Sheet1"), (8, 3, 0, "汇总"), (6, 2, 1, "第一党总支"), (12, 5, 2, "表2")],
)
def test_table_found_by_its_labels_wherever_it_sits(tmp_path, top, left, blank_every, sheet):
    path = tmp_path / "hand.xlsx"
    hand_made(top, left, blank_every, sheet).save(path)
    reference = check(clean(tmp_path, name="ref.xlsx", rubrics=None)).summary
    report = check(path)
    assert report.findings == []
    assert report.summary.sheet == sheet
    assert report.summary.model_dump(exclude={"sheet"}) == reference.model_dump(exclude={"sheet"})


def test_header_fields_below_the_table(tmp_path):
    def edit(wb):
        ws = wb["汇总表"]
        for ref in ("A3", "C3", "A4", "C4", "A5", "C5"):
            ws[ref] = None
        ws[f"A{TOTAL_ROW + 3}"] = "填报人及职务：王芳 组织委员"
        ws[f"A{TOTAL_ROW + 4}"] = "联系电话：13812345678"
        ws[f"A{TOTAL_ROW + 5}"] = "填报单位（盖章）：计算机学院党总支"

    report = check(clean(tmp_path, edit=edit))
    assert report.findings == []
    assert report.summary.phone == "13812345678"


@round_trip("汇总表_有错.xlsx")  # saved again by LibreOffice with the run's other round trips
def summary_with_mistakes(folder: Path) -> None:
    """A 汇总表 that disagrees with its rubric sheets, a short phone number, a wrong count."""
    submission(
        folder,
        rows=[
            ("机关第一党支部", 95, "先进", "后进"),
            ("教师第二党支部", 83.5, "先进"),
            ("学生第三党支部", None, None),
        ],
        rubrics={
            "机关第一党支部": 95.5,
            "教师第二党支部": 83.5,
            "学生第三党支部": 64,
            "另一党支部": 70,
        },
        fields={**FIELDS, "phone": "029-8888"},
        counts={"先进": 1},
        name="汇总表_有错.xlsx",
    )


def test_libreoffice_saved_copy_gives_the_same_report(lo_books, tmp_path):
    path = lo_books.source("汇总表_有错.xlsx")
    original = check(path)
    assert len(original.findings) >= 5
    again = check(soffice_resave(path, tmp_path / "lo"))
    assert [(f.code, f.sheet, f.cell, f.message) for f in again.findings] == [
        (f.code, f.sheet, f.cell, f.message) for f in original.findings
    ]
    assert again.summary == original.summary


# --- spec and template ---------------------------------------------------------------------------


def test_summary_spec_is_loaded_and_validated(tmp_path):
    summary = specs().by_id("summary_2022")
    assert isinstance(summary, SummarySpec)
    assert rubric_for(summary, specs()).id == "rubric_2022"
    assert [summary.count_label(g) for g in ("先进", "一般", "后进")] == [
        "先进数",
        "一般数",
        "后进数",
    ]
    orphan = tmp_path / "orphan.toml"
    orphan.write_text(
        'kind = "summary"\nid = "s"\ntitle = "t"\nrubric = "rubric_2099"\n', encoding="utf-8"
    )
    with pytest.raises(SpecError, match="汇总表规格“s”引用的评分标准“rubric_2099”不存在"):
        load_specs([ROOT / "schemas" / "rubric_2022.toml", orphan])
    odd = tmp_path / "odd.toml"
    odd.write_text(
        'kind = "summary"\nid = "s"\ntitle = "t"\nrubric = "rubric_2022"\n[labels.counts]\n"优秀" = "优秀数"\n',
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="没有的等级：优秀"):
        load_specs([ROOT / "schemas" / "rubric_2022.toml", odd])
    with pytest.raises(SpecError, match="conversion_target"):
        spec_from_dict(
            {"kind": "summary", "id": "s", "title": "t", "rubric": "r", "conversion_target": 1.5}
        )
    result = cli("check", orphan, "--spec", orphan)
    assert result.exit_code == 2 and "rubric_2099" in result.stderr


def test_blank_template_is_generated_and_recognised(tmp_path):
    assert cli("templates", "--out", tmp_path).exit_code == 0
    report = check(tmp_path / "summary_2022.xlsx")
    assert codes(report) == ["summary.field_missing"] * 3  # a summary, not file.no_template_found
    assert [f.cell for f in report.findings] == ["C3", "C4", "C5"]
    assert report.summary.rows == [] and report.summary.counts == {"先进": 0, "一般": 0, "后进": 0}
    assert cli("templates", "--check", "--out", ROOT / "workbooks").exit_code == 0


# --- review fixes: twin rubric sheets, a pasted header row, no merge information ----------------


def twin_rubric(wb):
    """A second rubric sheet for 教师第二党支部 (a copy someone kept, with other scores)."""
    wb["教师第二党支部 (2)"]["B3"] = "教师第二党支部"


TWINS = {**CLEAN_RUBRICS, "教师第二党支部 (2)": 54}


def test_two_rubric_sheets_for_one_branch_are_an_error(tmp_path):
    report = check(clean(tmp_path, rubrics=TWINS, edit=twin_rubric))
    finding = only(report, "summary.duplicate_rubric")
    assert (finding.sheet, finding.cell, finding.severity) == ("汇总表", "B8", "error")
    assert "工作表“教师第二党支部”（总分 83.5）、工作表“教师第二党支部 (2)”（总分 54）" in (
        finding.message
    )
    assert report.summary.rows[1].rubric_total is None  # neither sheet is taken
    assert "summary.rubric_without_branch" not in codes(report)

    # A blank score is not taken from either sheet (nor reported a second time).
    def blank_score(wb):
        twin_rubric(wb)
        put(C8=None)(wb)

    blank = check(clean(tmp_path, name="b.xlsx", rubrics=TWINS, edit=blank_score))
    assert codes(blank).count("summary.duplicate_rubric") == 1
    assert not {"summary.score_from_rubric", "summary.score_missing"} & set(codes(blank))
    assert blank.summary.rows[1].score is None and blank.summary.counts is None


def test_twin_rubric_sheets_of_an_unlisted_branch_are_an_error_too(tmp_path):
    rows = [r for r in CLEAN_ROWS if r[0] != "教师第二党支部"]
    report = check(clean(tmp_path, rows=rows, rubrics=TWINS, edit=twin_rubric, counts=None))
    finding = only(report, "summary.duplicate_rubric")
    assert (finding.sheet, finding.cell) == ("教师第二党支部 (2)", None)
    assert codes(report).count("summary.rubric_without_branch") == 2


def test_blank_score_with_a_rubric_whose_total_is_unknown(tmp_path):
    def edit(wb):
        wb["教师第二党支部"]["D5"] = None  # one item unscored: no total
        put(C8=None)(wb)

    report = check(clean(tmp_path, edit=edit))
    finding = only(report, "summary.rubric_total_unknown")
    assert (finding.cell, finding.severity) == ("C8", "error")
    assert "工作表“教师第二党支部”评分表的总分也无法计算" in finding.message
    assert "summary.score_missing" not in codes(report)  # "没有该党支部的评分表" would be wrong


def test_a_pasted_header_row_inside_the_table_is_skipped(tmp_path):
    header = ["序号", "党支部名称", "评分分数", "分类定级结果", "上年定级"]
    third = [3, *CLEAN_ROWS[2]]  # the third branch moves below the pasted header

    def edit(wb):
        put(**{f"{c}9": v for c, v in zip("ABCDE", header, strict=True)})(wb)
        put(**{f"{c}10": v for c, v in zip("ABCDE", third, strict=True)})(wb)

    path = clean(tmp_path, edit=edit)
    report = check(path)
    assert report.findings == []
    assert [r.name for r in report.summary.rows] == [r[0] for r in CLEAN_ROWS]
    assert report.summary.counts == {"先进": 1, "一般": 1, "后进": 1}
    ws = fill(path, tmp_path / "out.xlsx")["汇总表"]
    assert [ws[f"{c}9"].value for c in "ABCDE"] == header


def merge_counts_label(wb):
    ws = wb["汇总表"]
    for col, value in zip(
        "ABCDEF", ["合计", "先进数", None, 2, "一般数：1", "后进数：1"], strict=True
    ):
        ws[f"{col}{TOTAL_ROW}"] = value
    ws.merge_cells(f"B{TOTAL_ROW}:C{TOTAL_ROW}")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"fields": {**FIELDS, "unit": ""}}, [("summary.field_missing", "C3")]),
        ({"fields": {**FIELDS, "phone": None}}, [("summary.field_missing", "C5")]),
        ({"fields": {}}, [("summary.field_missing", f"C{r}") for r in (3, 4, 5)]),
        ({"counts": None, "edit": merge_counts_label}, [("summary.count_mismatch", "D17")]),
    ],
    ids=["blank-unit", "blank-phone", "all-blank", "count-beside-merged-label"],
)
def test_same_findings_with_and_without_merge_information(tmp_path, changes, expected):
    """A live book read through xlwings has no merged ranges: the checks must not need them."""
    from dataclasses import replace

    from addin.engine import evaluate_workbook
    from addin.workbook.calamine_reader import read_workbook
    from addin.workbook.model import WorkbookData

    data = read_workbook(clean(tmp_path, **changes))[0]
    assert data.sheet("汇总表").merges  # the file has them
    bare = WorkbookData(data.path, [replace(s, merges=[], _merge_index=None) for s in data.sheets])
    merged, unmerged = evaluate_workbook(data, specs()), evaluate_workbook(bare, specs())
    assert [(f.code, f.cell) for f in merged.report.findings] == expected
    assert unmerged.report.findings == merged.report.findings
    assert unmerged.writes == merged.writes


def test_error_cell_in_a_summary_score(tmp_path):
    path = submission(
        tmp_path,
        [("甲支部", 90, "先进")],
        rubrics={"甲支部": 90},
        edit=lambda wb: wb.worksheets[0].__setitem__(_score_ref(wb), "#N/A"),
    )
    report = check(path)
    finding = only(report, "summary.score_not_number")
    assert "#N/A" in finding.message


def _score_ref(wb) -> str:
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == 90 and cell.column > 1:
                return cell.coordinate
    raise AssertionError("score cell not found")
