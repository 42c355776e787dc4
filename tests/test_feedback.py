"""Each unit's own feedback: the batch writes one 整改通知 per 党总支 — its files, its branches'
grades, every problem with sheet, cell, what is wrong and what to type, the annotated copies —
and the terminal names who has not submitted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.kinds.rubric.model import BranchResult
from addin.kinds.summary.model import SummaryReport
from addin.report.feedback import (
    NO_ERRORS_BUT_WEAK,
    NO_FIXES,
    NOTICE_DIR,
    UNIDENTIFIED_UNIT,
    NoticeBranch,
    NoticeFile,
    NoticeLine,
    NoticePart,
    split_fix,
    unit_for,
    unit_notice,
)
from addin.report.model import FileReport
from addin.workbook.notice_writer import write_notice
from addin.workbook.own_output import NOTICE, own_output

SAMPLES = Path(__file__).resolve().parent.parent / "workbooks" / "samples"
BRANCH = BranchResult(sheet="评分表", name="第一党支部", total=90, grade="好", categories={})


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    from typer.testing import CliRunner

    from addin.cli import app

    inbox = tmp_path_factory.mktemp("inbox")
    for path in SAMPLES.glob("*.xlsx"):
        shutil.copy(path, inbox / path.name)
    roster = inbox.parent / "名单.csv"
    roster.write_text("党总支,党支部\n第一党总支,\n第二党总支,\n第三党总支,\n", encoding="utf-8")
    out = inbox.parent / "输出"
    args = ["batch", str(inbox), "--out", str(out), "--as-of", "2022-06-15", "--pdf"]
    result = CliRunner().invoke(app, [*args, "--roster", str(roster)], catch_exceptions=False)
    return out, result.stdout


def cells(path: Path) -> list[list]:
    ws = load_workbook(path)["整改通知"]
    return [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]


def test_one_notice_per_unit_marked_as_jiceng_output(batch_out):
    out, _ = batch_out
    notices = sorted(p.name for p in (out / NOTICE_DIR).glob("*.xlsx"))
    assert notices == sorted(
        [
            "整改通知_第一党总支.xlsx",
            "整改通知_第三党总支.xlsx",  # on the roster, sent nothing: asked for its files
            "整改通知_第二党总支.xlsx",
            "整改通知_未能识别单位的文件.xlsx",  # 组织部_任务清单.xlsx: no roster unit in it
        ]
    )
    for name in notices:
        assert own_output(out / NOTICE_DIR / name) == NOTICE


def test_a_unit_with_problems_gets_each_with_sheet_cell_problem_and_fix(batch_out):
    out, _ = batch_out
    rows = cells(out / NOTICE_DIR / "整改通知_第二党总支.xlsx")
    assert rows[0] == ["第二党总支：基层组织建设年材料检查结果及整改通知"]
    # Its file, the annotated copy's name, each branch's grade.
    assert [1, "第二党总支_提交.xlsx", "有错误", "批注副本/第二党总支_提交.xlsx"] in rows
    # One file: named once at the top, not again on every line.
    assert [2, "教师第五党支部", 97, "先进"] in rows
    assert [1, "机关第四党支部", "无法计算", "无法定级（先更正下列问题）"] in rows
    header = rows.index(["序号", "工作表", "单元格", "问题", "应填写 / 处理办法"])
    problems = rows[header + 1 : header + 14]
    assert problems[0] == [1, "机关第四党支部", "D7", "第3项得分6超过分值5", "应填 0～5 之间的数"]
    # A warning asks to check; the count in the heading is every line listed.
    assert problems[1][:4] == [
        2,
        "机关第四党支部",
        "D9",
        "【请核实】第5项得分“4分”不是标准数字，已按 4 计算",
    ]
    assert [p[0] for p in problems] == list(range(1, 14))
    assert any("共 13 处需要处理（其中错误 11 处）" in str(r[0]) for r in rows)


def test_a_unit_without_problems_gets_its_grades_and_the_no_fixes_line(batch_out):
    out, _ = batch_out
    rows = cells(out / NOTICE_DIR / "整改通知_第一党总支.xlsx")
    # Nothing to correct, but two branches below the top grade: their 薄弱环节 need attention,
    # so the notice does not say there is nothing to do.
    assert [NO_ERRORS_BUT_WEAK] in rows
    assert rows[1][0].endswith(NO_ERRORS_BUT_WEAK)
    assert not any(NO_FIXES in str(value) for r in rows for value in r)
    assert [1, "机关第一党支部", 95.5, "先进"] in rows
    assert not any("应填写 / 处理办法" in r for r in rows)


def test_a_roster_unit_that_sent_nothing_is_asked_for_its_files(batch_out):
    out, _ = batch_out
    rows = cells(out / NOTICE_DIR / "整改通知_第三党总支.xlsx")
    assert rows[0] == ["第三党总支：基层组织建设年材料检查结果及整改通知"]
    assert rows[1][0].endswith("截至检查日期，尚未收到本单位提交的材料，请尽快提交。")
    assert len([r for r in rows if r]) == 2


def test_two_units_whose_names_are_made_safe_alike_get_two_notices(tmp_path):
    from addin.batch import BatchResult, _NoticeSpool

    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(result, tmp_path / "out", None, False, ["甲/乙", "甲_乙"])
    names = sorted(p.name for p in result.notices)
    assert names == ["整改通知_甲_乙.xlsx", "整改通知_甲_乙_1.xlsx"]


def test_files_of_no_identified_unit_share_one_notice_for_the_department(tmp_path):
    from addin.batch import run_batch
    from addin.spec import load_specs

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", inbox)
    for i in range(5):
        (inbox / f"损坏{i}.xlsx").write_bytes(b"not a workbook")
    result = run_batch(sorted(inbox.iterdir()), out, load_specs(), root=inbox, notice_pdf=False)
    names = sorted(p.name for p in result.notices)
    assert names == sorted(["整改通知_第一党总支.xlsx", "整改通知_未能识别单位的文件.xlsx"])
    rows = cells(out / NOTICE_DIR / "整改通知_未能识别单位的文件.xlsx")
    assert rows[0] == ["未能识别单位的文件：基层组织建设年材料检查结果及整改通知"]
    listed = [r for r in rows if len(r) == 4 and str(r[1]).startswith("损坏")]
    assert [r[:3] for r in listed] == [[i + 1, f"损坏{i}.xlsx", "无法读取"] for i in range(5)]
    assert result.notices_not_made == 0


@pytest.mark.parametrize("files", [3, 4])
def test_a_notice_lists_at_most_max_listed_files_and_problems(tmp_path, monkeypatch, files):
    from addin.report import feedback

    monkeypatch.setattr(feedback, "MAX_LISTED", 3)
    parts = [
        NoticePart(
            unit=UNIDENTIFIED_UNIT,
            file=NoticeFile(f"坏{i}.xlsx", "无法读取"),
            lines=[NoticeLine(f"坏{i}.xlsx", "整个文件", "", "错误", "无法读取文件", "")],
        )
        for i in range(files)
    ]
    notice = unit_notice(UNIDENTIFIED_UNIT, parts)
    assert [f.name for f in notice.files] == ["坏0.xlsx", "坏1.xlsx", "坏2.xlsx"]
    assert (notice.problems, notice.errors) == (files, files)
    rows = cells(write_notice(notice, tmp_path))
    assert any(f"共 {files} 处需要处理（其中错误 {files} 处）" in str(r[0]) for r in rows if r)
    more = [r for r in rows if r and str(r[0]).startswith("另有")]
    if files == 3:
        assert more == []
    else:
        assert more == [
            ["另有 1 个文件未列出，详见汇总报告。"],
            ["另有 1 处问题未列出，详见汇总报告。"],
        ]


@pytest.mark.parametrize(("most", "made"), [(2, 2), (3, 3)])
def test_a_batch_makes_at_most_max_notices_and_counts_the_rest(tmp_path, most, made, caplog):
    from addin.batch import BatchResult, _NoticeSpool

    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    with caplog.at_level("WARNING", logger="jiceng"):
        spool.write(result, tmp_path / "out", None, False, ["甲", "乙", "丙"], most)
    said = [r.getMessage() for r in caplog.records if "整改通知" in r.getMessage()]
    # The log (jiceng.log, the console) says it in Chinese, as the staff read it.
    assert said == ([f"另有 {3 - made} 份整改通知未写出（超过整改通知数上限）"] if made < 3 else [])
    assert sorted(p.name for p in result.notices) == sorted(
        f"整改通知_{unit}.xlsx" for unit in ["甲", "乙", "丙"][:made]
    )
    assert result.notices_not_made == 3 - made


def test_the_terminal_says_how_many_notices_were_not_made(tmp_path, monkeypatch):
    from dataclasses import replace

    from typer.testing import CliRunner

    import addin.cli
    from addin.cli import app

    monkeypatch.setattr(
        addin.cli, "DEFAULT_LIMITS", replace(addin.cli.DEFAULT_LIMITS, max_notices=1)
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("第一党总支_提交.xlsx", "第二党总支_提交.xlsx"):
        shutil.copy(SAMPLES / name, inbox)
    args = ["batch", str(inbox), "--out", str(tmp_path / "out"), "--no-pdf"]
    stdout = CliRunner().invoke(app, args, catch_exceptions=False).stdout
    assert "整改通知：1 份，其中 0 份需要整改" in stdout
    assert "另有 1 个单位的整改通知未生成（每批最多 1 份），其问题见汇总报告" in stdout


def test_the_terminal_names_the_notices_and_the_roster(batch_out):
    _, stdout = batch_out
    assert "整改通知：4 份（另有 PDF），其中 2 份需要整改、1 份催交" in stdout
    assert "应交 3 个党总支，已交 2 个，未交 1 个" in stdout
    assert "未交：第三党总支" in stdout


@pytest.mark.parametrize("unit", ["第一党总支", "第二党总支"])  # with 薄弱环节与帮扶 both
def test_the_notice_prints_on_one_page_when_the_findings_allow(batch_out, unit):
    out, _ = batch_out
    pdf = out / NOTICE_DIR / f"整改通知_{unit}.pdf"
    if not shutil.which("pdfinfo") or not pdf.exists():
        pytest.skip("LibreOffice / poppler 未安装：没有 PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    ws = load_workbook(out / NOTICE_DIR / f"整改通知_{unit}.xlsx")["整改通知"]
    assert (ws.page_setup.orientation, ws.page_setup.fitToHeight) == ("portrait", 1)


def test_a_long_notice_runs_over_pages_instead_of_shrinking(tmp_path):
    line = NoticePart(unit="甲党总支", file=NoticeFile("甲.xlsx", "有错误", "批注副本/甲.xlsx"))
    line.lines = [
        NoticeLine(
            "甲.xlsx", "第一党支部", f"D{i}", "错误", f"第{i}项得分7超过分值5", "应填 0～5 之间的数"
        )
        for i in range(80)
    ]
    notice = unit_notice("甲党总支", [line])
    ws = load_workbook(write_notice(notice, tmp_path))["整改通知"]
    assert ws.page_setup.fitToHeight == 0  # as many pages as it takes, one page wide
    # Every row prints, to the closing line, and nothing beside the six columns.
    assert ws.cell(ws.max_row, 1).value.startswith("请按上表逐项更正原文件")
    assert ws.print_area == f"'整改通知'!$A$1:$F${ws.max_row}"


def test_further_lines_per_branch_print_in_a_section_of_their_own(tmp_path):
    part = NoticePart(
        unit="甲党总支",
        file=NoticeFile("甲.xlsx", "通过", "批注副本/甲.xlsx"),
        branches=[NoticeBranch("第一党支部", "甲.xlsx", 80, "一般")],
    )
    notes = {"第一党支部": ["薄弱环节：党员队伍（15/20）"], "别的支部": ["不属于本单位"]}
    notice = unit_notice("甲党总支", [part], branch_notes=notes)
    assert notice.branch_notes == {"第一党支部": ["薄弱环节：党员队伍（15/20）"]}
    rows = cells(write_notice(notice, tmp_path))
    assert ["四、其他事项"] in rows
    assert [1, "第一党支部", "薄弱环节：党员队伍（15/20）"] in rows


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("第3项得分7超过分值5，应填 0～5 之间的数", ("第3项得分7超过分值5", "应填 0～5 之间的数")),
        (
            "第3项重复出现（另见第7行），请删除多余的一行",
            ("第3项重复出现（另见第7行）", "请删除多余的一行"),
        ),
        (
            "缺少第4项：甲（请按官方模板补上这一行并填写得分）",
            ("缺少第4项：甲", "请按官方模板补上这一行并填写得分"),
        ),
        (
            "第8项“得分”不是数字：良好，应填 0～5 之间的数",
            ("第8项“得分”不是数字：良好", "应填 0～5 之间的数"),
        ),
        (
            "该行不属于官方模板的任何评分项，已忽略：甲",
            ("该行不属于官方模板的任何评分项，已忽略：甲", ""),
        ),
        (
            "定级结果填写为“一般”，按总分 97 应填“先进”",
            ("定级结果填写为“一般”", "按总分 97 应填“先进”"),
        ),
        (
            "第5项得分“4分”不是标准数字，已按 4 计算",
            ("第5项得分“4分”不是标准数字，已按 4 计算", ""),
        ),
    ],
)
def test_a_message_splits_into_what_is_wrong_and_what_to_type(message, parts):
    assert split_fix(message) == parts


def test_a_file_without_a_unit_goes_to_the_roster_unit_its_name_contains():
    roster = {"机电工程学院党总支": "机电工程学院党总支", "工程学院党总支": "工程学院党总支"}
    file = FileReport(path="收件箱/机电工程学院党总支_任务清单.xlsx", status="ok")
    assert unit_for(file, roster) == "机电工程学院党总支"
    # Or its folder (or zip) names it, as the roster section matches it.
    inside = FileReport(path="机电工程学院党总支材料.zip/提交.xlsx", status="unreadable")
    assert unit_for(inside, roster) == "机电工程学院党总支"
    # Nowhere a roster unit: the department's one notice, not a notice named after the file.
    stray = FileReport(path="收件箱/扫描件001.xlsx", status="ok", branches=[BRANCH])
    assert unit_for(stray, roster) == UNIDENTIFIED_UNIT

    named = FileReport(
        path="x.xlsx",
        status="ok",
        summary=SummaryReport(
            sheet="汇总表",
            unit="别的党总支",
            reporter=None,
            phone=None,
            rows=[],
            counts=None,
            conversion_rate=None,
        ),
    )
    assert unit_for(named, roster) == "别的党总支"


def test_without_a_roster_a_file_read_as_a_template_speaks_for_its_file_name():
    read = FileReport(path="收件箱/机关党总支.xlsx", status="ok", branches=[BRANCH])
    assert unit_for(read) == "机关党总支"
    for unread in (
        FileReport(path="收件箱/机关党总支.xlsx", status="ok"),  # no template in it
        FileReport(path="收件箱/坏文件.xlsx", status="unreadable"),
    ):
        assert unit_for(unread) == UNIDENTIFIED_UNIT


def test_hostile_names_and_messages_stay_text_in_the_notice(tmp_path):
    unit = '=HYPERLINK("http://evil","x")\x07甲'
    part = NoticePart(
        unit=unit,
        file=NoticeFile("a\x1b[31m.xlsx", "有错误", None),
        branches=[NoticeBranch("=1+1", "a.xlsx", None, None)],
        lines=[NoticeLine("a.xlsx", "@SUM(A1)", "D7", "错误", "坏\x00值", "应填 0～5 之间的数")],
    )
    path = write_notice(unit_notice(unit, [part]), tmp_path)
    assert path.name == "整改通知_=HYPERLINK(_http___evil_,_x_)_甲.xlsx"
    ws = load_workbook(path)["整改通知"]
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []  # "=1+1" and the unit's HYPERLINK are shown as typed, not run
    assert any(c.value == "=1+1" for row in ws.iter_rows() for c in row)


def test_a_unit_with_several_files_has_a_file_column(tmp_path):
    def part(name: str) -> NoticePart:
        return NoticePart(
            unit="甲党总支",
            file=NoticeFile(name, "有错误", None),
            branches=[NoticeBranch(f"{name}支部", name, 80, "一般")],
            lines=[
                NoticeLine(
                    name, "评分表", "D7", "错误", "第3项得分7超过分值5", "应填 0～5 之间的数"
                )
            ],
        )

    rows = cells(write_notice(unit_notice("甲党总支", [part("a.xlsx"), part("b.xlsx")]), tmp_path))
    assert ["序号", "党支部", "总分", "定级", "文件"] in rows
    assert ["序号", "文件", "工作表", "单元格", "问题", "应填写 / 处理办法"] in rows
    assert [2, "b.xlsx", "评分表", "D7", "第3项得分7超过分值5", "应填 0～5 之间的数"] in rows


def test_the_batch_passes_each_files_branch_lines_into_its_units_notice(tmp_path):
    from addin.batch import run_batch
    from addin.spec import load_specs

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", inbox)

    def weak_points(report):
        return {b.name: [f"薄弱环节：{b.name}的测试行"] for b in report.branches[:1]}

    out = tmp_path / "out"
    files = sorted(inbox.glob("*.xlsx"))
    run_batch(files, out, load_specs(), root=inbox, notice_pdf=False, notice_notes=weak_points)
    rows = cells(out / NOTICE_DIR / "整改通知_第一党总支.xlsx")
    # Numbered as they come: after the samples' 薄弱环节与帮扶.
    assert rows.index(["四、薄弱环节与帮扶"]) < rows.index(["五、其他事项"])
    notes = rows[rows.index(["五、其他事项"]) + 2]
    assert notes[:2] == [1, "机关第一党支部"]  # the given line after its 帮扶 pairings
    assert notes[2].startswith("建议结对帮扶")
    assert notes[2].endswith("\n薄弱环节：机关第一党支部的测试行")


# --- 薄弱环节与帮扶: the batch's one analysis, each branch in its unit's notice ----------------

SUPPORT_HEADER = ["序号", "党支部", "薄弱环节", "建议帮扶党支部"]


def support_table(path: Path) -> dict[str, list]:
    """The 薄弱环节与帮扶 rows of a notice by branch name ({} when it has no such section)."""
    rows = cells(path)
    if SUPPORT_HEADER not in rows:
        assert not any("薄弱环节与帮扶" in str(r[0]) for r in rows if r)
        return {}
    start = rows.index(SUPPORT_HEADER) + 1
    table = {}
    for row in rows[start:]:
        if len(row) != 4 or not isinstance(row[0], int):
            break
        table[row[1].split("\n")[0]] = row
    return table


def test_the_samples_weakest_branch_has_its_weak_area_and_partner_in_its_units_notice(batch_out):
    import json

    from addin.spec import load_specs

    out, _ = batch_out
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # What the sample data says, from the branches' own category scores (not batch.support).
    (file,) = [f for f in report["files"] if f["path"] == "第一党总支_提交.xlsx"]
    branches = {b["name"]: b for b in file["branches"]}
    student = branches["学生第三党支部"]
    spec = load_specs().by_id(student["spec"])
    points = {c.name: c.points for c in spec.categories}
    scores = student["categories"]
    weakest = min(scores, key=lambda c: scores[c] / points[c])
    score, maximum = scores[weakest], points[weakest]
    tops = [b for b in branches.values() if b["grade"] == spec.grading.names[0]]
    partner = max(tops, key=lambda b: b["categories"][weakest] / maximum)

    table = support_table(out / NOTICE_DIR / "整改通知_第一党总支.xlsx")
    row = table["学生第三党支部"]
    assert row[1] == f"学生第三党支部\n（{student['grade']}）"
    first = row[2].split("\n")[0]
    assert first.startswith(f"最薄弱环节：{weakest} {score}/{maximum} 分")
    assert f"差 {maximum - score} 分" in first
    assert row[3].split("\n") == [
        f"{partner['name']}（本党总支）",
        f"{weakest} {partner['categories'][weakest]}/{maximum}（得分率 "
        f"{partner['categories'][weakest] * 100 // maximum}%）",
    ]  # the roster has no 包扶 column: no 包扶 line
    # Every branch below the top grade, worst first; none of the top grade.
    assert list(table) == ["学生第三党支部", "教师第二党支部"]
    # The same words as 汇总报告's 薄弱环节与帮扶 (one analysis, not two).
    support = {b["branch"]: b for b in report["batch"]["support"]["branches"]}
    assert row[2] == "\n".join(support["学生第三党支部"]["lines"])
    # The partner's side of it: whom it is proposed to help, in the same unit's notice.
    rows = cells(out / NOTICE_DIR / "整改通知_第一党总支.xlsx")
    (helps,) = [r for r in rows if r[:2] == [1, partner["name"]] and len(r) == 3]
    assert helps[2].split("\n") == [
        f"建议结对帮扶{name}（本党总支），重点是{weakest}（对方 "
        f"{branches[name]['categories'][weakest]}/{maximum}，本支部 "
        f"{partner['categories'][weakest]}/{maximum}）"
        for name in table
    ]


def test_a_unit_all_at_the_top_grade_has_no_support_section(tmp_path):
    from conftest import scores_with_losses

    from addin.batch import run_batch
    from addin.kinds.rubric.template import rubric_workbook
    from addin.spec import load_specs

    specs = load_specs()
    rubric = specs.by_id("rubric_2022")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    strong = {
        "甲一支部": scores_with_losses(rubric),
        "甲二支部": scores_with_losses(rubric, {1: 2}),
    }
    rubric_workbook(rubric, strong).save(inbox / "甲党总支.xlsx")
    unread = scores_with_losses(rubric)
    unread[17] = "好"  # a word where a number belongs: 群众反映 cannot be read
    weak = {
        "乙弱支部": scores_with_losses(rubric, {17: 6, 18: 6, 1: 4}),  # 84: 一般
        "乙缺支部": unread,
    }
    rubric_workbook(rubric, weak).save(inbox / "乙党总支.xlsx")
    run_batch(sorted(inbox.glob("*.xlsx")), out, specs, root=inbox, notice_pdf=False)

    top = cells(out / NOTICE_DIR / "整改通知_甲党总支.xlsx")
    assert [2, "甲二支部", 98, "先进"] in top
    assert [NO_FIXES] in top  # nothing to correct and no 薄弱环节: nothing to do
    assert not any("薄弱环节" in str(value) for r in top for value in r)
    # The partner's own unit is told whom it may help, under 其他事项.
    assert ["四、其他事项"] in top
    assert [
        1,
        "甲一支部",
        "建议结对帮扶乙弱支部（乙党总支），重点是群众反映（对方 8/20，本支部 20/20）",
    ] in top
    rows = support_table(out / NOTICE_DIR / "整改通知_乙党总支.xlsx")
    assert ["四、薄弱环节与帮扶"] in cells(out / NOTICE_DIR / "整改通知_乙党总支.xlsx")
    # No top-grade branch in its own unit: the strongest in 群众反映 from the other one.
    assert rows["乙弱支部"][2].startswith("最薄弱环节：群众反映 8/20 分（得分率 40%，差 12 分）")
    assert rows["乙弱支部"][3] == "甲一支部（甲党总支）\n群众反映 20/20（得分率 100%）"
    # A branch with an unreadable category: said, nothing guessed, no partner.
    assert rows["乙缺支部"] == [
        2,
        "乙缺支部\n（无法定级）",
        "群众反映有评分缺失或无法读取，改正后才能判断薄弱环节（不作推测）",
        "评分不全，未定级，暂不推荐帮扶对象",
    ]


def test_the_baofu_member_is_named_under_the_partner_and_survives_the_spool(tmp_path):
    from addin.report.feedback import support_by_file
    from addin.report.inbox_model import SupportBranch, SupportReport

    def row(branch: str, file: str, baofu: str | None) -> SupportBranch:
        return SupportBranch(
            unit="甲党总支",
            branch=branch,
            file=file,
            sheet=branch,
            grade="后进",
            total=60,
            basis="categories",
            areas=[],
            weakest=[],
            lines=["最薄弱环节：群众反映 5/20 分（得分率 25%，差 15 分）"],
            partner_note="收件箱中没有先进党支部，无法推荐帮扶对象",
            baofu=baofu,
        )

    found = support_by_file(
        SupportReport(
            per_partner=2,
            branches=[row("第一党支部", "甲.xlsx", "张委员"), row("第二党支部", "乙.xlsx", None)],
        )
    )
    assert [s.branch for s in found["甲.xlsx"].rows] == ["第一党支部"]
    part = NoticePart(
        unit="甲党总支",
        file=NoticeFile("甲.xlsx", "通过", None),
        branches=[NoticeBranch("第一党支部", "甲.xlsx", 60, "后进")],
        support=found["甲.xlsx"].rows,
    )
    again = NoticePart.from_json(part.to_json())  # as the batch spools it
    assert again == part
    (written,) = support_table(write_notice(unit_notice("甲党总支", [again]), tmp_path)).values()
    assert written[3] == "收件箱中没有先进党支部，无法推荐帮扶对象\n包扶党委委员：张委员"
    assert support_by_file(None) == {}


def test_every_notice_gets_its_pdf_when_there_are_more_than_one_libreoffice_run_converts(
    tmp_path, monkeypatch
):
    from addin.workbook import convert, notice_writer

    def libreoffice_7_4(command, _timeout):  # converts its first 247 files, exits 0 all the same
        outdir = Path(command[command.index("--outdir") + 1])
        for name in command[command.index("--outdir") + 2 :][:247]:
            (outdir / Path(name).with_suffix(".pdf").name).write_bytes(b"%PDF-1.7")
        return True

    monkeypatch.setattr(convert, "soffice", lambda: "soffice")
    monkeypatch.setattr(convert, "run_group", libreoffice_7_4)
    notices = [tmp_path / f"整改通知_{n}.xlsx" for n in range(300)]
    for path in notices:
        path.write_bytes(b"")
    stale = tmp_path / "整改通知_299.pdf"
    stale.write_bytes(b"an earlier run's")
    assert notice_writer.notices_to_pdf(notices, tmp_path) == [
        p.with_suffix(".pdf") for p in notices
    ]
    assert stale.read_bytes() == b"%PDF-1.7"

    monkeypatch.setattr(convert, "run_group", lambda command, _timeout: True)  # converts nothing
    assert notice_writer.notices_to_pdf(notices[:2], tmp_path) == []  # no earlier PDF passes
    # Nor is one removed here: that is `notice_pool.move_in`'s, as the notice is moved in.
    assert notices[0].with_suffix(".pdf").read_bytes() == b"%PDF-1.7"
