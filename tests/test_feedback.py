"""Each unit's own feedback: the batch writes one 整改通知 per 党总支 — its files, its branches'
grades, every problem with sheet, cell, what is wrong and what to type, the annotated copies —
and the terminal names who has not submitted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.batch import NOTICE_DIR
from addin.kinds.summary.model import SummaryReport
from addin.report.feedback import (
    NO_FIXES,
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
    assert notices == [
        "整改通知_第一党总支.xlsx",
        "整改通知_第三党总支.xlsx",  # on the roster, sent nothing: asked for its files
        "整改通知_第二党总支.xlsx",
        "整改通知_组织部_任务清单.xlsx",
    ]
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
    assert [NO_FIXES] in rows
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


def test_the_terminal_names_the_notices_and_the_roster(batch_out):
    _, stdout = batch_out
    assert "整改通知：4 份（另有 PDF），其中 2 份需要整改、1 份催交" in stdout
    assert "应交 3 个党总支，已交 2 个，未交 1 个" in stdout
    assert "未交：第三党总支" in stdout


def test_the_notice_prints_on_one_page_when_the_findings_allow(batch_out):
    out, _ = batch_out
    pdf = out / NOTICE_DIR / "整改通知_第二党总支.pdf"
    if not shutil.which("pdfinfo") or not pdf.exists():
        pytest.skip("LibreOffice / poppler 未安装：没有 PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    ws = load_workbook(out / NOTICE_DIR / "整改通知_第二党总支.xlsx")["整改通知"]
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
    assert unit_for(file) == "机电工程学院党总支_任务清单"
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
    assert ["四、其他事项"] in rows
    assert [1, "机关第一党支部", "薄弱环节：机关第一党支部的测试行"] in rows
