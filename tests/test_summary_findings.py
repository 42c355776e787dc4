"""Everything the summary check says about one faulty 党总支 submission, field by field: code,
sheet, cell, value and the Chinese message staff read, and the cells fill would write."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from plain_book import evaluation
from summary_helpers import FIELDS, rubric_spec, scores_totalling, summary_spec

from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.template import SHEET_NAME, summary_sheet
from addin.spec import load_specs

ROOT = Path(__file__).resolve().parent.parent
PHONE_TEXT = "应为 11 位手机号（1 开头）或带区号的固定电话（如 029-88886666）"


def copy_sheets(source, target, suffix: str) -> None:
    for ws in source.worksheets:
        copy = target.create_sheet(ws.title + suffix)
        for row in ws.iter_rows():
            for cell in row:
                copy[cell.coordinate] = cell.value
        for merged in ws.merged_cells.ranges:
            copy.merge_cells(str(merged))


@pytest.fixture(scope="module")
def faulty():
    totals = {"甲支部": 90, "乙支部": 70, "丁支部": 80, "戊支部": 60, "庚支部": 66}
    wb = rubric_workbook(rubric_spec(), {n: scores_totalling(t) for n, t in totals.items()})
    # a second rubric for 戊支部 (its name with a trailing space) and one for a branch not listed
    extra = {"戊支部 ": scores_totalling(61), "辛支部": scores_totalling(77)}
    copy_sheets(rubric_workbook(rubric_spec(), extra), wb, "副本")
    ws = wb.create_sheet(SHEET_NAME, 0)
    rows = [
        ("甲支部", "90.5分", "先进", "后进"),
        ("乙支部", None, "一般", "后进"),
        ("丙支部", 101, None, "优秀"),
        ("甲 支部", 70, "一般", "一般"),
        ("丁支部", "良好", None, "后进"),
        ("戊支部", None, None, "一般"),
        ("庚支部", 66, "后进", None),
    ]
    fields = {**FIELDS, "phone": "029-1888666"}
    summary_sheet(
        ws, summary_spec(), rubric_spec(), fields, rows, {"先进": "3个", "一般": 1, "后进": 0}
    )
    ws["A9"], ws["A10"], ws["A11"] = None, "三", 4.5  # 序号: blank, text, not whole
    return evaluation(wb, load_specs())


def test_every_finding_of_a_faulty_summary(faulty):
    found = [(f.code, f.sheet, f.cell, f.value, f.message) for f in faulty.report.findings]
    s = SHEET_NAME
    assert found == [
        (
            "summary.phone_invalid",
            s,
            "C5",
            "029-1888666",
            f"联系电话“029-1888666”不是有效的号码：{PHONE_TEXT}",
        ),
        ("summary.serial_gap", s, "A9", None, "序号未填写，应为 3"),
        ("summary.serial_gap", s, "A10", "三", "序号“三”不是序号，应为 4"),
        ("summary.serial_gap", s, "A11", 4.5, "序号“4.5”不是序号，应为 5"),
        (
            "summary.duplicate_branch",
            s,
            "B10",
            "甲 支部",
            "党支部名称“甲 支部”重复（另见第7行），请删除重复的一行或更正名称",
        ),
        (
            "summary.duplicate_rubric",
            s,
            "B12",
            "戊支部",
            "党支部“戊支部”有多张评分表：工作表“戊支部”（总分 60）、工作表“戊支部 副本”（总分 61），"
            "无法确定汇总表应以哪一张为准；请删除多余的工作表或更正其党支部名称",
        ),
        (
            "summary.score_normalized",
            s,
            "C7",
            90.5,
            "“甲支部”的评分分数“90.5分”不是标准数字，已按 90.5 计算",
        ),
        (
            "summary.score_mismatch",
            s,
            "C7",
            90.5,
            "“甲支部”的评分分数填写为 90.5，与工作表“甲支部”评分表的总分 90 不一致，应填 90",
        ),
        (
            "summary.score_from_rubric",
            s,
            "C8",
            70,
            "“乙支部”的评分分数未填写，取工作表“乙支部”评分表的总分 70（填写结果时写入）",
        ),
        (
            "summary.branch_without_rubric",
            s,
            "B9",
            "丙支部",
            "汇总表中的“丙支部”在本工作簿中没有对应的评分表",
        ),
        (
            "summary.score_out_of_range",
            s,
            "C9",
            101,
            "“丙支部”的评分分数 101 超出 0～100 分，应填 0～100 之间的数",
        ),
        (
            "summary.last_year_unknown",
            s,
            "E9",
            "优秀",
            "“丙支部”的上年定级“优秀”不是“先进/一般/后进”之一，不计入晋位升级和转化率",
        ),
        (
            "summary.score_mismatch",
            s,
            "C10",
            70,
            "“甲 支部”的评分分数填写为 70，与工作表“甲支部”评分表的总分 90 不一致，应填 90",
        ),
        (
            "summary.score_not_number",
            s,
            "C11",
            "良好",
            "“丁支部”的评分分数不是数字：良好；应填 0～100 之间的数",
        ),
        (
            "summary.grade_mismatch",
            s,
            "D13",
            "后进",
            "“庚支部”的分类定级结果填写为“后进”，按评分分数 66 应为“一般”",
        ),
        # While three rows have no grade, each count is held to what the known grades allow.
        (
            "summary.count_unconfirmed",
            s,
            "B17",
            "3个",
            "合计行“先进数”填写为 3个，无法核对：“丙支部”、“丁支部”、“戊支部”的定级无法确定；"
            "更正后按各党支部的定级计数",
        ),
        (
            "summary.count_mismatch",
            s,
            "C17",
            "1",
            "合计行“一般数”填写为 1，不可能：已定级的党支部中一般 3 个，另有 3 个无法定级；"
            "应填 3～6 之间的整数",
        ),
        (
            "summary.count_unconfirmed",
            s,
            "D17",
            "0",
            "合计行“后进数”填写为 0，无法核对：“丙支部”、“丁支部”、“戊支部”的定级无法确定；"
            "更正后按各党支部的定级计数",
        ),
        (
            "summary.count_mismatch",
            s,
            "A17",
            4,
            "合计行先进数、一般数、后进数之和为 4，与党支部数 7 不一致",
        ),
        (
            "summary.rubric_without_branch",
            "辛支部副本",
            None,
            "辛支部",
            "评分表“辛支部”没有列入汇总表“汇总表”",
        ),
    ]


def test_the_summary_of_a_faulty_submission(faulty):
    summary = faulty.report.summary
    assert summary.phone == "029-1888666"  # shown as typed when it is not a number
    assert [
        (r.no, r.name, r.score, r.grade, r.rubric_total, r.last_year, r.moved_up)
        for r in summary.rows
    ] == [
        (1, "甲支部", 90.5, "先进", 90, "后进", True),
        (2, "乙支部", 70, "一般", 70, "后进", True),
        (None, "丙支部", None, None, None, None, None),
        (None, "甲 支部", 70, "一般", 90, "一般", False),
        (None, "丁支部", None, None, 80, "后进", None),
        (6, "戊支部", None, None, None, "一般", None),
        (7, "庚支部", 66, "一般", 66, None, None),
    ]
    assert (summary.counts, summary.conversion_rate) == (None, None)


def test_what_fill_writes_into_a_faulty_summary(faulty):
    writes = [(w.row, w.col, w.value, w.replaces) for w in faulty.writes if w.sheet == SHEET_NAME]
    assert writes == [
        (6, 3, "先进", None),  # the typed grade, confirmed
        (7, 2, 70, None),  # the score taken from the rubric
        (7, 3, "一般", None),
        (9, 3, "一般", None),
        (12, 3, "一般", "后进"),  # a wrong grade replaced; the typed one is kept on record
    ]


def test_targets_missed_are_said_with_their_numbers(tmp_path):
    spec_file = tmp_path / "summary_targets.toml"
    spec_file.write_text(
        'kind = "summary"\nid = "summary_top"\ntitle = "汇总表"\nrubric = "rubric_2022"\n'
        "top_grade_target = 0.5\nconversion_target = 0.5\n",
        encoding="utf-8",
    )
    specs = load_specs([ROOT / "schemas" / "rubric_2022.toml", spec_file])
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    rows = [
        ("甲支部", 90, "先进", "后进"),
        ("乙支部", "60", None, "后进"),
        ("丙支部", 61, "后进", "后进"),
    ]
    summary_sheet(
        ws, summary_spec(), rubric_spec(), FIELDS, rows, {"先进": 1, "一般": "0个", "后进": "2"}
    )
    result = evaluation(wb, specs)
    found = [(f.code, f.sheet, f.cell, f.value, f.message) for f in result.report.findings]
    assert found == [
        (
            "summary.score_normalized",
            SHEET_NAME,
            "C8",
            60,
            "“乙支部”的评分分数“60”不是标准数字，已按 60 计算",
        ),
        (
            "summary.conversion_below_target",
            SHEET_NAME,
            "E6",
            0.3333,
            "后进转化率为 33.3%（上年后进 3 个，已转化 1 个），低于目标 50%",
        ),
        (
            "summary.target_not_met",
            SHEET_NAME,
            "A17",
            0.3333,
            "先进党支部占比 33.3%（1/3），低于目标 50%",
        ),
    ]
    # counts typed as "0个" and "2" are right: nothing is rewritten
    assert [(w.row, w.col, w.value) for w in result.writes] == [
        (6, 3, "先进"),
        (7, 3, "后进"),
        (8, 3, "后进"),
    ]
