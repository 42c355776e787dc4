"""What the department asks of an inbox as a whole, through real files and `jiceng batch`:
who has not submitted (--roster), which file of a resubmission counts, where the tasks stand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from summary_helpers import FIELDS, cli, submission

from addin.batch import REPORT_BOOK, REPORT_JSON
from addin.report.model import FileReport, Report, SummaryReport, SummaryRow
from addin.report.roster import SUGGEST_CUTOFF, compare, read_roster
from addin.workbook.roster_template import FILE_NAME

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "samples"


def unit_file(folder: Path, unit: str, branches: dict[str, float], name: str, edit=None) -> Path:
    rows = [(b, t, None) for b, t in branches.items()]
    return submission(
        folder, rows, rubrics=branches, fields={**FIELDS, "unit": unit}, name=name, edit=edit
    )


def run(inbox: Path, out: Path, *extra) -> tuple[dict, object]:
    result = cli("batch", inbox, "--out", out, *extra)
    assert result.exit_code == 0, result.stdout
    return json.loads((out / REPORT_JSON).read_text(encoding="utf-8")), load_workbook(
        out / REPORT_BOOK
    )


def overview(wb) -> dict[str, object]:
    return {row[0]: row[1] for row in wb["概览"].iter_rows(min_row=2, values_only=True) if row[0]}


def filled_roster(folder: Path, rows: list[tuple[str | None, str | None]]) -> Path:
    """The blank 名单 `jiceng templates` writes, filled in as a person would: the 党总支 merged
    over its branches."""
    assert cli("templates", "--out", folder).exit_code == 0
    path = folder / FILE_NAME
    wb = load_workbook(path)
    ws = wb.active
    first = 4
    for i, (unit, branch) in enumerate(rows):
        ws.cell(first + i, 1, i + 1)
        ws.cell(first + i, 2, unit)
        ws.cell(first + i, 3, branch)
    start = None
    for i, (unit, _) in enumerate([*rows, ("end", None)]):
        if unit is not None:
            if start is not None and i - start > 1:
                ws.merge_cells(
                    start_row=first + start, end_row=first + i - 1, start_column=2, end_column=2
                )
            start = i
    wb.save(path)
    return path


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    unit_file(folder, "计算机学院党总支", {"教工党支部": 90, "学生第一党支部": 70}, "计算机.xlsx")
    unit_file(folder, "机电学院党总支", {"机电教工党支部": 88}, "机电.xlsx")
    unit_file(folder, "外语学院党总支", {"外语党支部": 80}, "外语.xlsx")
    return folder


def test_roster_names_who_has_not_submitted(inbox, tmp_path):
    roster = filled_roster(
        tmp_path / "名单",
        [
            ("计算机学院党总支", "教工党支部"),
            (None, "学生第一党支部"),
            (None, "学生第二党支部"),  # in no table
            ("机电工程学院党总支", "机电教工党支部"),  # submitted as 机电学院党总支
            ("经管学院党总支", "经管党支部"),  # nothing sent
        ],
    )
    report, wb = run(inbox, tmp_path / "out", "--roster", roster)
    got = report["batch"]["roster"]
    assert got["units_expected"] == 3 and got["units_submitted"] == 1
    assert got["missing_units"] == ["机电工程学院党总支", "经管学院党总支"]
    assert sorted((e["unit"], e["files"]) for e in got["unknown_units"]) == [
        ("外语学院党总支", ["外语.xlsx"]),
        ("机电学院党总支", ["机电.xlsx"]),
    ]
    assert [(e["unit"], e["branch"]) for e in got["missing_branches"]] == [
        ("计算机学院党总支", "学生第二党支部")
    ]
    assert got["unknown_branches"] == []
    (near,) = got["suggestions"]  # never merged: both sides stay listed above
    assert (near["roster"], near["submitted"], near["similarity"]) == (
        "机电工程学院党总支",
        "机电学院党总支",
        0.875,
    )
    sheet = [row for row in wb["名单核对"].iter_rows(min_row=2, values_only=True)]
    assert ("未提交", "经管学院党总支", None, None, "名单中的党总支，没有收到任何文件") in sheet
    assert any(r[0] == "名称相近" and "机电学院党总支" in r[4] for r in sheet)
    assert wb["名单核对"]["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    lines = overview(wb)
    assert lines["名单中的党总支数"] == 3 and lines["未提交的党总支数"] == 2
    assert lines["名单中未出现在任何表中的党支部数"] == 1


def test_roster_as_gbk_csv_and_branches_not_in_it(inbox, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_bytes(
        "党总支,党支部\n计算机学院党总支,教工党支部\n机电学院党总支,\n外语学院党总支,外语党支部\n".encode(
            "gbk"
        )
    )
    report, _ = run(inbox, tmp_path / "out", "--roster", roster)
    got = report["batch"]["roster"]
    assert got["missing_units"] == [] and got["units_submitted"] == 3
    # A unit listed without branches: its branches are not checked one by one.
    assert [(e["unit"], e["branch"], e["files"]) for e in got["unknown_branches"]] == [
        ("计算机学院党总支", "学生第一党支部", ["计算机.xlsx"])
    ]


def test_a_file_without_summary_stands_for_the_unit_its_name_contains(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    (folder / "机电工程学院党总支_提交.xlsx").write_bytes(b"PK\x03\x04 broken")
    roster = tmp_path / "名单.csv"
    roster.write_text("党总支,党支部\n工程学院党总支,\n机电工程学院党总支,\n", encoding="utf-8")
    report, _ = run(folder, tmp_path / "out", "--roster", roster)
    assert report["batch"]["roster"]["missing_units"] == ["工程学院党总支"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("名称,人数\n计算机,3\n", "没有“党总支”“党支部”两列的表头"),
        ("党总支,党支部\n", "没有列出任何党总支"),
    ],
)
def test_unusable_roster_stops_before_any_work(inbox, tmp_path, content, words):
    roster = tmp_path / "名单.csv"
    roster.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("batch", inbox, "--out", out, "--roster", roster)
    assert result.exit_code == 2 and words in result.output
    assert not (out / REPORT_JSON).exists()


def test_missing_roster_file_is_a_usage_error(inbox, tmp_path):
    result = cli("batch", inbox, "--out", tmp_path / "out", "--roster", tmp_path / "无.xlsx")
    assert result.exit_code == 2 and "找不到名单文件" in result.output


def _report(units: dict[str, list[str]]) -> Report:
    files = [
        FileReport(
            path=f"{unit}.xlsx",
            status="ok",
            summary=SummaryReport(
                sheet="汇总表",
                unit=unit,
                reporter=None,
                phone=None,
                counts=None,
                conversion_rate=None,
                rows=[
                    SummaryRow(no=i, name=b, score=None, grade=None, rubric_total=None)
                    for i, b in enumerate(branches, 1)
                ],
            ),
        )
        for unit, branches in units.items()
    ]
    return Report(files=files)


@pytest.mark.parametrize(
    ("submitted", "suggested"),
    [("一二三五", True), ("一二五六", False)],  # ratio 0.75 = the cutoff; 0.5 below it
)
def test_suggestion_cutoff(submitted, suggested, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("党总支,党支部\n甲党总支,一二三四\n", encoding="utf-8")
    got = compare(_report({"甲党总支": [submitted]}), read_roster(roster), "名单.csv")
    assert SUGGEST_CUTOFF == 0.75
    assert bool(got.suggestions) is suggested
    assert [e.branch for e in got.unknown_branches] == [submitted]  # listed either way


def test_names_match_after_folding(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("党总支,党支部\n甲党总支,第１党支部\n", encoding="utf-8")
    got = compare(_report({" 甲 党总支": ["第1 党支部"]}), read_roster(roster), "名单.csv")
    assert got.missing_units == [] and got.missing_branches == [] and got.unknown_branches == []


# --- resubmissions ---------------------------------------------------------------------------


def _filed(day: str):
    return lambda wb: wb["汇总表"].__setitem__("D1", f"填报日期：{day}")


def _age(path: Path, seconds_ago: int) -> None:
    now = path.stat().st_mtime
    os.utime(path, (now - seconds_ago, now - seconds_ago))


def _counted_branches(wb) -> list[str]:
    return [row[1] for row in wb["党支部"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    ("first_day", "second_day", "counted", "rule"),
    [
        ("2022-11-20", "2022-11-10", "第一次.xlsx", "filed_on"),  # later 填报日期, older file
        ("2022-11-10", "2022-11-11", "第二次.xlsx", "filed_on"),  # one day apart
        ("2022-11-10", "2022-11-10", "第二次.xlsx", "modified"),  # a tie: the newer file
        (None, "2022-11-10", "第二次.xlsx", "modified"),  # one without a date
    ],
)
def test_resubmission_counts_once(tmp_path, first_day, second_day, counted, rule):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    first = unit_file(
        folder,
        "计算机学院党总支",
        {"旧党支部": 60},
        "第一次.xlsx",
        edit=_filed(first_day) if first_day else None,
    )
    unit_file(folder, "计算机学院党总支", {"新党支部": 90}, "第二次.xlsx", edit=_filed(second_day))
    _age(first, 3600)  # sent an hour earlier
    report, wb = run(folder, tmp_path / "out")
    (dup,) = report["batch"]["duplicates"]
    other = "第二次.xlsx" if counted == "第一次.xlsx" else "第一次.xlsx"
    assert (dup["counted"], dup["superseded"], dup["rule"]) == (counted, [other], rule)
    assert report["batch"]["excluded"] == [other]
    assert _counted_branches(wb) == ["旧党支部" if counted == "第一次.xlsx" else "新党支部"]
    by_path = {f["path"]: f for f in report["files"]}
    (warning,) = [f for f in by_path[other]["findings"] if f["code"] == "batch.duplicate_unit"]
    assert other in warning["message"] and counted in warning["message"]
    assert not [f for f in by_path[counted]["findings"] if f["code"] == "batch.duplicate_unit"]
    files = {row[0]: row[-1] for row in wb["文件"].iter_rows(min_row=2, values_only=True)}
    assert files[counted] == "是" and files[other].startswith("否")
    assert wb["重复提交"]["C2"].value == counted


def test_same_unit_grades_and_task_list_are_not_a_resubmission(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    unit_file(folder, "组织部_任务清单", {"甲党支部": 90}, "甲.xlsx")
    (folder / "组织部_任务清单.xlsx").write_bytes((SAMPLES / "组织部_任务清单.xlsx").read_bytes())
    report, _ = run(folder, tmp_path / "out")
    assert report["batch"]["duplicates"] == []


# --- task progress -----------------------------------------------------------------------------


def test_task_progress_sheet_and_overview_dates(tmp_path):
    report, wb = run(SAMPLES, tmp_path / "out", "--as-of", "2022-07-26")
    tasks = report["batch"]["tasks"]
    assert len(tasks["rows"]) == 11 and tasks["overdue"] == 1 and tasks["due_soon"] == 1
    ws = wb["任务进度"]
    header = [c.value for c in ws[1]]
    assert header == [
        "党总支",
        "文件",
        "序号",
        "任务",
        "状态",
        "截止日期",
        "逾期天数",
        "时间期限",
        "责任人",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows[:2]] == ["已逾期", "即将到期"]  # the urgent ones first
    assert rows[0][6] >= 1 and rows[1][6] is None
    # The task list names no 党总支: said so, not its file name again (that is in 文件).
    assert {r[0] for r in rows} == {"（未注明）"}
    # 序号 and 逾期天数 centred: right-aligned, “266” ran into “5 月/12 月” beside it.
    assert ws["G2"].alignment.horizontal == ws["C2"].alignment.horizontal == "center"
    assert ws["H2"].alignment.horizontal is None
    assert ws["E2"].fill.fgColor.rgb.endswith("FFC7CE") and ws["E3"].fill.fgColor.rgb.endswith(
        "FFEB9C"
    )
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    lines = overview(wb)
    assert lines["已逾期任务数"] == 1 and lines["即将到期任务数"] == 1
    assert lines["基准日期（任务清单按此判断逾期）"] == "2022-07-26（--as-of 指定）"
    assert lines["检查日期"] == report["batch"]["checked_on"]


def test_base_date_from_the_task_sheet_when_not_given(tmp_path):
    report, wb = run(SAMPLES, tmp_path / "out")
    (file,) = report["batch"]["tasks"]["files"]
    assert (
        overview(wb)["基准日期（任务清单按此判断逾期）"]
        == f"{file['as_of']}（任务清单中的基准日期）"
    )


def test_no_task_list_no_task_sheet(inbox, tmp_path):
    report, wb = run(inbox, tmp_path / "out")
    assert report["batch"]["tasks"] is None and "任务进度" not in wb.sheetnames
    assert overview(wb)["基准日期（任务清单按此判断逾期）"] == "（没有任务清单）"


# --- year over year ----------------------------------------------------------------------------


def year_file(folder: Path, unit: str, rows: list[tuple], name: str) -> Path:
    """rows: (党支部, total[, 上年定级 typed])."""
    table = [(r[0], r[1], None, *r[2:]) for r in rows]
    return submission(
        folder,
        table,
        rubrics={r[0]: r[1] for r in rows},
        fields={**FIELDS, "unit": unit},
        name=name,
    )


@pytest.fixture
def last_year(tmp_path):
    folder = tmp_path / "去年"
    folder.mkdir()
    year_file(folder, "甲党总支", [("一支部", 60), ("二支部", 60), ("三支部", 70)], "甲.xlsx")
    year_file(folder, "乙党总支", [("四支部", 60), ("五支部", 60)], "乙.xlsx")
    assert cli("batch", folder, "--out", tmp_path / "去年结果").exit_code == 0
    return tmp_path / "去年结果"


def test_last_year_gives_moves_and_conversion_rates(tmp_path, last_year):
    folder = tmp_path / "今年"
    folder.mkdir()
    year_file(  # 一支部 后进→一般, 二支部 stays 后进, 三支部 一般→先进: 1 of 2 = the target
        folder, "甲党总支", [("一支部", 70), ("二支部", 60), ("三支部", 90)], "甲.xlsx"
    )
    year_file(  # 四支部 still 后进; 五支部's typed 上年定级 disagrees with last year's report
        folder, "乙党总支", [("四支部", 60), ("五支部", 90, "一般"), ("六支部", 80)], "乙.xlsx"
    )
    report, wb = run(folder, tmp_path / "out", "--last-year", last_year)
    yoy = report["batch"]["year_over_year"]
    assert yoy["target"] == 0.5 and yoy["source"].endswith("report.json")
    units = {u["unit"]: u for u in yoy["units"]}
    assert (units["甲党总支"]["rate"], units["甲党总支"]["meets_target"]) == (0.5, True)
    assert (units["乙党总支"]["lowest_last_year"], units["乙党总支"]["rate"]) == (1, 0.0)
    assert units["乙党总支"]["meets_target"] is False
    college = yoy["college"]
    assert (college["lowest_last_year"], college["converted"], college["rate"]) == (3, 1, 0.3333)
    assert college["meets_target"] is False  # 1/3 below, 甲's 1/2 exactly at the target
    branches = {b["branch"]: b for b in yoy["branches"]}
    assert branches["三支部"]["moved_up"] is True and branches["二支部"]["moved_up"] is False
    assert branches["五支部"]["last_year"] == "一般" and branches["五支部"]["source"] == "typed"
    assert branches["五支部"]["last_report_grade"] == "后进"
    assert branches["六支部"]["source"] == "none" and branches["六支部"]["moved_up"] is None
    assert yoy["moved_up"] == 3 and yoy["without_last_year"] == 1  # 一、三、五支部
    files = {f["path"]: f for f in report["files"]}
    (mismatch,) = [
        f for f in files["乙.xlsx"]["findings"] if f["code"] == "batch.last_year_mismatch"
    ]
    assert not [f for f in files["甲.xlsx"]["findings"] if f["code"].startswith("batch.")]
    assert "五支部" in mismatch["message"] and "后进" in mismatch["message"]
    rates = {row[0]: row for row in wb["后进转化率"].iter_rows(min_row=2, values_only=True)}
    assert rates["全院"][1:4] == (3, 1, 0.3333) and rates["甲党总支"][4] == "是"
    assert wb["后进转化率"]["D2"].number_format == "0.0%"
    year = {row[1]: row for row in wb["年度对比"].iter_rows(min_row=2, values_only=True)}
    assert year["三支部"][2:6] == ("一般", "先进", "是", "上年报告")
    assert "以汇总表手填为准" in year["五支部"][6]
    lines = overview(wb)
    assert lines["晋位升级的党支部数"] == 3 and lines["后进转化率目标"] == 0.5


def test_year_over_year_tells_a_branch_new_this_year_from_one_ungraded_last_year():
    from addin.kinds.rubric.model import BranchResult
    from addin.report.inbox_tables import year_rows
    from addin.report.year_over_year import compare_years

    def unit_file(grades: dict[str, str | None]) -> Report:
        branches = [
            BranchResult(sheet=n, name=n, total=None, grade=g, categories={})
            for n, g in grades.items()
        ]
        return Report(files=[FileReport(path="甲党总支.xlsx", status="ok", branches=branches)])

    last = unit_file({"一支部": "先进", "二支部": None})  # 二支部's rubric had errors
    now = unit_file({"一支部": "先进", "二支部": "一般", "三支部": "一般"})
    yoy = compare_years(now, last, "去年/report.json", ["先进", "一般", "后进"], None)
    notes = {row[1]: row[6] for row in year_rows(yoy)}
    assert notes == {"一支部": "", "二支部": "上年未定级", "三支部": "上年无此党支部"}
    assert [b.in_last_report for b in yoy.branches] == [True, True, False]


@pytest.mark.parametrize("bad", ["missing", "not_json"])
def test_unusable_last_year_is_a_usage_error(inbox, tmp_path, bad):
    path = tmp_path / "去年"
    if bad == "not_json":
        path.mkdir()
        (path / "report.json").write_text('{"files": 3}', encoding="utf-8")
    result = cli("batch", inbox, "--out", tmp_path / "out", "--last-year", path)
    assert result.exit_code == 2
    assert ("找不到上年的汇总结果" if bad == "missing" else "不是 jiceng 的 report.json") in (
        result.output
    )
