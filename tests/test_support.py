"""巩固先进、推动一般、整顿后进 (seed 004): each weaker branch's 薄弱环节 and a 帮扶 partner,
from real rubric workbooks — ordering and ties, the top grade's share as the line, unread
scores, no top-grade branch, a four-grade scale, weighted raters, pass/fail criteria, the
batch's sheet and report.json, the roster's 包扶, and the 校验结果 sheet in Excel."""

from __future__ import annotations

import json
import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from conftest import scores_with_losses

from addin.batch import REPORT_BOOK, REPORT_JSON, run_batch
from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.report.inbox import Roster
from addin.report.model import Report
from addin.report.roster import read_roster
from addin.report.support import support_report
from addin.spec import SpecSet, load_specs, spec_from_dict
from addin.support import PER_PARTNER, Candidate, pair, profile, weak_lines
from addin.workbook.roster_template import FILE_NAME as ROSTER_TEMPLATE

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "samples"
SPECS = load_specs([ROOT / "schemas", ROOT / "tests" / "specs"])


def checked(tmp_path: Path, spec, units: dict[str, dict[str, dict]]) -> Report:
    """One real workbook per 党总支 (its file name is the unit), each rubric sheet checked."""
    files = []
    for unit, branches in units.items():
        path = tmp_path / f"{unit}.xlsx"
        rubric_workbook(spec, branches).save(path)
        files.append(check_path(path, SpecSet(specs=[spec]), display=path.name).report)
    return Report(files=files)


def support(tmp_path, spec, units, **options):
    return support_report(checked(tmp_path, spec, units), SpecSet(specs=[spec]), **options)


def by_name(report) -> dict:
    return {b.branch: b for b in report.branches}


def one(tmp_path, spec, scores):
    (branch,) = checked(tmp_path, spec, {"甲党总支": {"第一党支部": scores}}).files[0].branches
    return branch


@pytest.fixture(scope="module")
def rubric():
    return SPECS.by_id("rubric_2022")


# --- ordering, the line, ties ------------------------------------------------------------------


def test_the_weakest_category_with_its_share_gap_and_items(tmp_path, rubric):
    # 群众反映 8/20 (40 %); 领导班子 17/20 is exactly 85 %: not below the 先进 line, not named.
    branch = one(tmp_path, rubric, scores_with_losses(rubric, {17: 10, 18: 2, 1: 3, 5: 0.5}))
    assert (branch.total, branch.grade) == (84.5, "一般")
    found = profile(rubric, branch)
    assert [a.name for a in found.areas][:2] == ["群众反映", "领导班子"]
    (weak,) = found.weakest
    assert (weak.area.name, weak.area.score, weak.area.maximum) == ("群众反映", 8, 20)
    assert weak.area.gap == 12
    assert [(i.no, i.lost) for i in weak.lost] == [(17, 10), (18, 2)]
    assert weak_lines(rubric, branch) == [
        "最薄弱环节：群众反映 8/20 分（得分率 40%，差 12 分）；"
        "失分最多：第17项 0/10（失 10 分）、第18项 8/10（失 2 分）"
    ]


def test_a_second_category_just_below_the_line_is_named(tmp_path, rubric):
    branch = one(tmp_path, rubric, scores_with_losses(rubric, {17: 10, 18: 2, 1: 3.5}))
    found = profile(rubric, branch)
    assert [(w.area.name, w.area.score) for w in found.weakest] == [
        ("群众反映", 8),
        ("领导班子", 16.5),
    ]
    assert [(i.no, i.lost) for i in found.weakest[1].lost] == [(1, 3.5)]  # items 2–4 lost none
    assert weak_lines(rubric, branch)[1].startswith("其次：领导班子 16.5/20 分（得分率 82.5%")


def test_ties_go_by_the_spec_order_and_the_unnamed_equal_is_said(tmp_path, rubric):
    # 领导班子, 党员队伍 and 工作机制 all 16/20: the first two are named, the third is tied.
    branch = one(tmp_path, rubric, scores_with_losses(rubric, {1: 4, 5: 4, 9: 4, 13: 3, 17: 1}))
    assert branch.grade == "一般"
    found = profile(rubric, branch)
    assert [w.area.name for w in found.weakest] == ["领导班子", "党员队伍"]
    assert [w.tied for w in found.weakest] == [("工作机制",), ("工作机制",)]
    assert "与工作机制并列" in weak_lines(rubric, branch)[0]


def test_items_that_lost_the_same_points_go_by_number_and_at_most_two(tmp_path, rubric):
    branch = one(
        tmp_path, rubric, scores_with_losses(rubric, {4: 2, 2: 2, 3: 2, 1: 1, 17: 5, 5: 2, 9: 2})
    )
    weak = profile(rubric, branch).weakest[0]
    assert weak.area.name == "领导班子" and weak.area.score == 13
    assert [(i.no, i.lost) for i in weak.lost] == [(2, 2), (3, 2)]


def test_an_equal_share_goes_first_to_the_area_that_lost_more_points(tmp_path):
    four = SPECS.by_id("rubric_four_grades")  # 政治功能强 40 points, 组织生活强 60
    branch = one(tmp_path, four, {1: 10, 2: 10, 3: 15, 4: 15})
    assert branch.grade == "薄弱"
    weakest = profile(four, branch).weakest
    assert [(w.area.name, w.area.gap) for w in weakest] == [("组织生活强", 30), ("政治功能强", 20)]
    assert [i.no for i in weakest[0].lost] == [3, 4]  # both lost 15


def small_spec(points: dict[str, int], raters: list[str] = (), top: float = 0.9):
    """A spec of one item per category (item n in the n-th category), equal rater weights."""
    total = sum(points.values())
    return spec_from_dict(
        {
            "kind": "rubric",
            "id": "small",
            "title": "评分表",
            "total_points": total,
            "raters": [{"label": r, "weight": f"1/{len(raters)}"} for r in raters],
            "grading": {
                "bands": [
                    {"name": "先进", "min": total * top},
                    {"name": "一般", "min": 0, "max": total * top},
                ]
            },
            "categories": [
                {"name": name, "points": p, "items": [{"no": n, "points": p, "text": name}]}
                for n, (name, p) in enumerate(points.items(), start=1)
            ],
        }
    )


def test_equal_shares_with_different_gaps_are_no_tie(tmp_path):
    spec = small_spec({"甲类": 10, "乙类": 20, "丙类": 10})
    found = profile(spec, one(tmp_path, spec, {1: 5, 2: 10, 3: 5}))
    assert [a.name for a in found.areas] == ["乙类", "甲类", "丙类"]  # 50 % each
    assert [(w.area.name, w.tied) for w in found.weakest] == [("乙类", ()), ("甲类", ("丙类",))]


def test_a_single_rater_is_not_weighed_against_itself(tmp_path):
    spec = small_spec({"甲类": 10, "乙类": 10}, raters=["评议"])
    branch = one(tmp_path, spec, {1: {"评议": 5}, 2: {"评议": 9}})
    assert profile(spec, branch).raters == ()
    assert len(weak_lines(spec, branch)) == 1


def test_shares_are_compared_exactly_not_as_shown(tmp_path):
    """Both categories show 8.66 (cut); 25.9999/3 is below 26/3, so 乙类 is the weaker."""
    spec = small_spec({"甲类": 10, "乙类": 10}, raters=["评0", "评1", "评2"])
    scores = {
        1: {"评0": 8, "评1": 9, "评2": 9},
        2: {"评0": 8.6666, "评1": 8.6666, "评2": 8.6667},
    }
    branch = one(tmp_path, spec, scores)
    assert branch.categories == {"甲类": 8.66, "乙类": 8.66}
    assert profile(spec, branch).weakest[0].area.name == "乙类"


# --- what is not read is not guessed -----------------------------------------------------------


def test_a_category_with_an_unread_score_names_no_weakest(tmp_path, rubric):
    scores = scores_with_losses(rubric, {1: 4, 5: 4})
    scores[17] = "好"  # a word where a number belongs
    report = support(tmp_path, rubric, {"甲党总支": {"第一党支部": scores}})
    (row,) = report.branches
    assert (row.grade, row.unreadable, row.weakest) == (None, ["群众反映"], [])
    assert row.lines == ["群众反映有评分缺失或无法读取，改正后才能判断薄弱环节（不作推测）"]
    assert row.partner is None and row.partner_note


# --- pairing -----------------------------------------------------------------------------------


WEAK_FEEDBACK = {17: 6, 18: 6, 1: 4}  # 群众反映 8/20 (40 %), 领导班子 16/20: 84 → 一般


def test_partner_from_the_same_unit_first_then_the_whole_inbox(tmp_path, rubric):
    report = support(
        tmp_path,
        rubric,
        {
            "甲党总支": {
                "甲弱": scores_with_losses(rubric, WEAK_FEEDBACK),
                "甲强": scores_with_losses(rubric, {17: 3}),  # 群众反映 17/20
            },
            "乙党总支": {"乙强": scores_with_losses(rubric, {})},  # 20/20, stronger
            "丙党总支": {"丙弱": scores_with_losses(rubric, WEAK_FEEDBACK)},
        },
    )
    rows = by_name(report)
    assert (rows["甲弱"].partner.branch, rows["甲弱"].partner.same_unit) == ("甲强", True)
    assert rows["甲弱"].partner.area.score == 17
    assert (rows["丙弱"].partner.branch, rows["丙弱"].partner.same_unit) == ("乙强", False)
    assert report.note is None


def test_no_partner_takes_more_than_its_share_worst_first(tmp_path, rubric):
    weak = {
        "后进一": scores_with_losses(rubric, {17: 10, 18: 10, 1: 4, 5: 4, 9: 4, 13: 4}),  # 64
        "一般一": scores_with_losses(rubric, WEAK_FEEDBACK),  # 84
        "一般二": scores_with_losses(rubric, {**WEAK_FEEDBACK, 2: 1}),  # 83
    }
    report = support(
        tmp_path,
        rubric,
        {
            "甲党总支": {**weak, "甲强": scores_with_losses(rubric, {})},
            "乙党总支": {"乙强": scores_with_losses(rubric, {17: 2})},
        },
    )
    assert PER_PARTNER == 2
    rows = by_name(report)
    assert rows["后进一"].grade == "后进"
    assert [r.branch for r in report.branches] == ["后进一", "一般二", "一般一"]  # worst first
    assert rows["后进一"].partner.branch == "甲强"
    assert rows["一般二"].partner.branch == "甲强"  # 83 is below 84: it chooses before 一般一
    assert (rows["一般一"].partner.branch, rows["一般一"].partner.same_unit) == ("乙强", False)


def test_when_every_partner_is_taken_the_reason_is_given(tmp_path, rubric):
    report = checked(
        tmp_path,
        rubric,
        {
            "甲党总支": {
                "弱一": scores_with_losses(rubric, WEAK_FEEDBACK),
                "弱二": scores_with_losses(rubric, {**WEAK_FEEDBACK, 2: 1}),
                "强": scores_with_losses(rubric, {}),
            }
        },
    )
    branches = report.files[0].branches
    candidates = [
        Candidate(i, "甲党总支", b.name, rubric, b.grade, b.total, profile(rubric, b))
        for i, b in enumerate(branches)
    ]
    pairings = pair(candidates, per_partner=1)
    assert pairings[1].partner.branch.name == "强"  # 弱二 is the lower: it chooses first
    assert pairings[0].partner is None
    assert pairings[0].reason == "在“群众反映”上更强的先进党支部均已结对 1 个"


@pytest.mark.parametrize(
    ("partner_losses", "paired"),
    [
        ({13: 5, 14: 5, 15: 0.5}, False),  # 工作业绩 9.5/20: weaker than the branch's 10/20
        ({13: 5, 14: 5}, False),  # 10/20: the same, not stronger
        ({13: 5, 14: 4.5}, True),  # 10.5/20
    ],
)
def test_a_partner_must_be_stronger_in_that_area(tmp_path, rubric, partner_losses, paired):
    weak = scores_with_losses(rubric, {13: 5, 14: 5, 1: 2, 5: 2, 9: 2})  # 工作业绩 10/20, 84
    report = support(
        tmp_path,
        rubric,
        {"甲党总支": {"弱": weak, "强": scores_with_losses(rubric, partner_losses)}},
    )
    row = by_name(report)["弱"]
    assert row.weakest[0].name == "工作业绩"
    if paired:
        assert row.partner.branch == "强" and row.partner_note is None
    else:
        assert row.partner is None
        assert row.partner_note == "没有在“工作业绩”上得分率更高的先进党支部"


def test_an_inbox_without_a_top_grade_branch_says_so(tmp_path, rubric):
    report = support(
        tmp_path,
        rubric,
        {
            "甲党总支": {"一般": scores_with_losses(rubric, WEAK_FEEDBACK)},
            "乙党总支": {
                "后进": scores_with_losses(rubric, {17: 10, 18: 10, 16: 5, 15: 5, 14: 5, 13: 1})
            },
        },
    )
    assert report.note == "收件箱中没有先进党支部，无法推荐帮扶对象"
    assert [(r.branch, r.partner) for r in report.branches] == [("后进", None), ("一般", None)]
    assert {r.partner_note for r in report.branches} == {report.note}


def test_a_four_grade_scale_pairs_with_its_own_top_grade(tmp_path):
    four = SPECS.by_id("rubric_four_grades")
    report = support(
        tmp_path,
        four,
        {
            "甲党总支": {
                "较强": {1: 18, 2: 18, 3: 24, 4: 24},  # 政治 36/40 = 90 % (not below), 组织 80 %
                "强": {1: 19, 2: 19, 3: 28, 4: 29},
            }
        },
    )
    (row,) = report.branches
    assert (row.grade, [w.name for w in row.weakest]) == ("较强", ["组织生活强"])
    assert (row.partner.branch, row.partner.area.score, row.partner.area.maximum) == ("强", 57, 60)


def test_weighted_raters_name_the_rater_with_the_lowest_share(tmp_path):
    spec = SPECS.by_id("rubric_three_raters")  # 自评 0.2, 群众评议 0.3, 上级评定 0.5

    def by(*values):
        return dict(zip(("自评", "群众评议", "上级评定"), values, strict=True))

    branch = one(tmp_path, spec, {1: by(5, 3, 4), 2: by(5, 3, 4), 3: by(10, 5, 8)})
    assert (branch.total, branch.grade) == (15.3, "一般")
    found = profile(spec, branch)
    assert [(w.area.name, w.area.score) for w in found.weakest] == [
        ("群众反映", Fraction("7.5")),
        ("领导班子", Fraction("7.8")),
    ]
    assert [(r.name, r.score) for r in found.raters] == [
        ("群众评议", 11),
        ("上级评定", 16),
        ("自评", 20),
    ]
    assert weak_lines(spec, branch)[-1] == "各评分人中得分率最低：群众评议 11/20 分（55%）"


def test_pass_fail_criteria_are_weighed_item_by_item(tmp_path):
    spec = SPECS.by_id("wudaitou_2011")  # one category (五带头): the items are the areas
    verdicts = {no: "未达标" if no in (2, 4) else "达标" for no in range(1, 6)}
    branch = one(tmp_path, spec, verdicts)
    assert branch.grade == "合格"
    found = profile(spec, branch)
    assert found.basis == "items"
    assert [w.area.name for w in found.weakest] == ["第2项", "第4项"]
    assert weak_lines(spec, branch)[0] == "最薄弱环节：第2项 未达标"


# --- the batch: samples, report.json, the sheet, the roster's 包扶 -----------------------------


@pytest.fixture(scope="module")
def samples_batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("support")
    inbox = tmp / "收件箱"
    shutil.copytree(SAMPLES, inbox, ignore=shutil.ignore_patterns("*.py"))
    roster = tmp / ROSTER_TEMPLATE
    shutil.copy(ROOT / "workbooks" / ROSTER_TEMPLATE, roster)
    wb = openpyxl.load_workbook(roster)
    ws = wb.active
    header = [c.value for c in ws[3]]
    assert "包扶" in header
    rows = [
        ("第一党总支", "学生第三党支部", "张委员"),
        ("第一党总支", "教师第二党支部", "李委员"),  # 一般: not carried
        ("第一党总支", "机关第一党支部", None),
        ("第二党总支", "机关第四党支部", "王委员"),  # 无法定级: not carried
    ]
    for r, (unit, branch, baofu) in enumerate(rows, start=4):
        ws.cell(r, header.index("党总支") + 1, unit)
        ws.cell(r, header.index("党支部") + 1, branch)
        ws.cell(r, header.index("包扶") + 1, baofu)
    wb.save(roster)
    out = tmp / "out"
    files = sorted(inbox.glob("*.xlsx"))
    run_batch(
        files,
        out,
        load_specs(),
        root=inbox,
        as_of=date(2022, 7, 26),
        roster=Roster(roster.name, read_roster(roster)),
        notice_pdf=False,  # the notices' workbooks are read, not their PDFs
    )
    return out


def test_samples_student_branch_is_weakest_in_feedback_and_paired_in_its_unit(samples_batch):
    report = json.loads((samples_batch / REPORT_JSON).read_text(encoding="utf-8"))
    support = report["batch"]["support"]
    rows = {r["branch"]: r for r in support["branches"]}
    # What the sample data says, read back from the report's own categories.
    files = {b["name"]: b for f in report["files"] for b in f["branches"]}
    student = files["学生第三党支部"]["categories"]
    assert min(student, key=student.get) == "群众反映"
    row = rows["学生第三党支部"]
    assert (row["grade"], row["total"]) == ("后进", 64)
    weakest = row["weakest"][0]
    assert (weakest["name"], weakest["score"], weakest["maximum"], weakest["gap"]) == (
        "群众反映",
        5,
        20,
        15,
    )
    assert weakest["share"] == 0.25
    assert [i["no"] for i in weakest["lost_items"]] == [18, 17]
    partner = row["partner"]
    assert (partner["branch"], partner["unit"], partner["same_unit"]) == (
        "机关第一党支部",
        "第一党总支",
        True,
    )
    assert partner["area"]["score"] == files["机关第一党支部"]["categories"]["群众反映"]
    assert row["baofu"] == "张委员"
    assert rows["教师第二党支部"]["baofu"] is None  # 一般: 包扶 is for 后进
    assert rows["机关第四党支部"]["baofu"] is None
    assert rows["机关第四党支部"]["unreadable"] == ["领导班子"]
    assert list(rows) == ["学生第三党支部", "教师第二党支部", "机关第四党支部", "学生第六党支部"]
    assert "教师第五党支部" not in rows and "机关第一党支部" not in rows  # 先进


def test_samples_support_sheet_in_the_report_workbook(samples_batch):
    wb = openpyxl.load_workbook(samples_batch / REPORT_BOOK)
    assert "薄弱环节与帮扶" in wb.sheetnames
    ws = wb["薄弱环节与帮扶"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    first = rows[0]
    assert (first["党支部"], first["定级"], first["包扶党委委员"]) == (
        "学生第三党支部",
        "后进",
        "张委员",
    )
    assert first["薄弱环节"].startswith("最薄弱环节：群众反映 5/20 分（得分率 25%，差 15 分）")
    assert first["建议帮扶党支部"] == "机关第一党支部（第一党总支）"
    assert first["帮扶方在该环节"] == "群众反映 18/20（90%）"
    assert rows[1]["包扶党委委员"] is None  # left for the department to fill
    assert [r["定级"] for r in rows[2:]] == ["无法定级", "无法定级"]
    overview = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert overview["薄弱环节与帮扶：列出的党支部数"] == 4
    assert overview["其中已推荐帮扶党支部的"] == 2


def test_the_annotated_copy_lists_the_weak_areas_under_the_findings(samples_batch):
    wb = openpyxl.load_workbook(samples_batch / "批注副本" / "第一党总支_提交.xlsx")
    texts = [r for r in wb["校验结果"].iter_rows(values_only=True) if r[1] == "薄弱环节"]
    assert [(r[3], r[2].split("：")[0]) for r in texts] == [
        ("教师第二党支部", "教师第二党支部"),
        ("学生第三党支部", "学生第三党支部"),
        ("学生第三党支部", "学生第三党支部"),
    ]


def test_pass_fail_categories_count_the_criteria_met(tmp_path):
    spec = spec_from_dict(
        {
            "kind": "rubric",
            "id": "five_good",
            "title": "评议表",
            "scoring": "pass_fail",
            "grading": {
                "bands": [{"name": "优秀", "min": 4}, {"name": "合格", "min": 0, "max": 4}]
            },
            "categories": [
                {"name": "甲", "items": [{"no": 1, "text": "一"}, {"no": 2, "text": "二"}]},
                {"name": "乙", "items": [{"no": 3, "text": "三"}, {"no": 4, "text": "四"}]},
            ],
        }
    )
    branch = one(tmp_path, spec, {1: "达标", 2: "达标", 3: "未达标", 4: "达标"})
    assert branch.grade == "合格"
    assert weak_lines(spec, branch) == [
        "最薄弱环节：乙 达标 1/2 项（得分率 50%，差 1 项）；其中第3项未达标"
    ]


def test_roster_baofu_column_is_optional_and_read_by_its_label(tmp_path):
    from addin.report.roster import baofu_names

    with_column = tmp_path / "名单.csv"
    with_column.write_text(
        "党总支,党支部,包扶（党委委员）\n甲党总支,第１党支部,张委员\n,第二党支部,\n",
        encoding="utf-8",
    )
    assert baofu_names(read_roster(with_column)) == {("甲党总支", "第1党支部"): "张委员"}
    without = tmp_path / "旧名单.csv"
    without.write_text("党总支,党支部\n甲党总支,第一党支部\n", encoding="utf-8")
    assert baofu_names(read_roster(without)) == {}


def test_a_branch_only_in_a_summary_is_said_once_and_not_analysed(tmp_path, rubric):
    from summary_helpers import FIELDS, submission

    unit = FIELDS["unit"]
    summary = submission(
        tmp_path, [("甲支部", 60, "后进"), ("乙支部", 70, "一般")], name="汇总.xlsx"
    )
    rubrics = tmp_path / f"{unit}.xlsx"  # 乙支部's rubric, sent in a file of its own
    rubric_workbook(rubric, {"乙支部": scores_with_losses(rubric, {17: 10, 18: 10})}).save(rubrics)
    specs = load_specs()
    report = Report(files=[check_path(p, specs).report for p in (summary, rubrics)])
    found = support_report(report, specs)
    assert [r.branch for r in found.branches] == ["甲支部", "乙支部"]
    rows = by_name(found)
    assert (rows["甲支部"].lines, rows["甲支部"].sheet) == (
        ["只有汇总表中的定级，没有评分表，无法分析薄弱环节"],
        None,
    )
    assert rows["乙支部"].sheet == "乙支部" and rows["乙支部"].weakest[0].name == "群众反映"


def test_a_second_named_category_equal_to_the_first_is_not_called_next(tmp_path, rubric):
    """领导班子 and 党员队伍 both 0/20: the second is as weak as the first, not “其次”; one
    point more in 党员队伍 and it is “其次” again."""
    tied = one(
        tmp_path,
        rubric,
        scores_with_losses(rubric, {1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 5, 7: 5, 8: 5}),
    )
    lines = weak_lines(rubric, tied)
    assert lines[0].startswith("最薄弱环节：领导班子 0/20 分")
    assert lines[1].startswith("并列最薄弱环节：党员队伍 0/20 分")
    apart = one(
        tmp_path,
        rubric,
        scores_with_losses(rubric, {1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 5, 7: 5, 8: 4}),
    )
    assert weak_lines(rubric, apart)[1].startswith("其次：党员队伍 1/20 分")


def test_the_units_notice_names_the_partner_and_the_baofu_member(samples_batch):
    ws = openpyxl.load_workbook(samples_batch / "整改通知" / "整改通知_第一党总支.xlsx").active
    rows = {r[1].split("\n")[0]: r for r in ws.iter_rows(values_only=True) if r[1] and r[5]}
    student, teacher = rows["学生第三党支部"], rows["教师第二党支部"]
    assert student[5].split("\n")[0] == "机关第一党支部（本党总支）"
    assert student[5].endswith("\n包扶党委委员：张委员")  # 后进: the roster's 包扶
    assert "包扶" not in teacher[5]  # 一般: the roster's name is not carried


def test_raters_tied_at_the_lowest_share_are_all_named(tmp_path):
    """群众评议 and 上级评定 both 13/20: naming one alone tells the branch the other rated it
    higher; one point more from 上级评定 and 群众评议 is alone again."""
    spec = SPECS.by_id("rubric_three_raters")

    def by(*values):
        return dict(zip(("自评", "群众评议", "上级评定"), values, strict=True))

    tied = one(tmp_path, spec, {1: by(2, 3, 1), 2: by(5, 4, 5), 3: by(8, 6, 7)})
    assert (tied.total, tied.grade) == (13.4, "一般")
    assert weak_lines(spec, tied)[-1] == (
        "各评分人中得分率最低：群众评议 13/20 分（65%），与上级评定并列"
    )
    apart = one(tmp_path, spec, {1: by(2, 3, 2), 2: by(5, 4, 5), 3: by(8, 6, 7)})
    assert weak_lines(spec, apart)[-1] == "各评分人中得分率最低：群众评议 13/20 分（65%）"
