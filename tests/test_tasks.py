"""The task list (附件3) on real .xlsx files: deadlines, status flags, overdue warnings, fill."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import round_trip, soffice_convert
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from tasks_helpers import (
    DATES,
    OFFICIAL,
    PROGRESS,
    SHEET,
    by_no,
    cell,
    codes,
    make_tasks,
    official_form,
    only,
    report_of,
    statuses,
)

from addin.spec import SpecError, load_specs, spec_from_dict
from addin.task_status import assess, read_done_dates
from addin.writes import FINDINGS_FIRST_ROW, FINDINGS_SHEET

ROOT = Path(__file__).resolve().parent.parent
WHOLE_YEAR = [3, 4, 6, 7, 9, 10, 11]
MONTH_ENDS = [date(2022, m, d) for m, d in [(4, 30), (5, 31), (6, 30), (7, 31), (8, 31)]]
MONTH_ENDS += [date(2022, m, d) for m, d in [(9, 30), (10, 31), (11, 30), (12, 31)]]


@pytest.fixture(scope="session")
def tspec(specs):
    return specs.by_id("tasks_2022")


@pytest.fixture
def blank(tmp_path, tspec):
    return make_tasks(tmp_path, tspec)


# --- the spec -------------------------------------------------------------------------------


def test_spec_holds_the_eleven_official_tasks(tspec):
    assert [(t.no, t.task, t.deadline, t.owner) for t in tspec.tasks] == OFFICIAL
    assert tspec.year == 2022 and tspec.due_soon_days == 7
    assert (
        tspec.tasks[7].requirement
        == "1. 每月联系不少于 1 个党支部； 2. 每月提交一份联系支部工作报告。"
    )
    assert tspec.labels.inputs == ["完成情况", "完成日期"]
    assert tspec.labels.computed == ["截止日期", "状态", "逾期天数", "预警"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tasks": [{"no": 1, "task": "甲", "deadline": "待定"}]}, "第1项的时间期限“待定”无法识别"),
        ({"fixed_days": {"某日": [2, 30]}}, "纪念日“某日”的日期 2月30日 不存在"),
        (
            {
                "tasks": [
                    {"no": 1, "task": "甲", "deadline": "全年"},
                    {"no": 1, "task": "乙", "deadline": "全年"},
                ]
            },
            "任务序号重复",
        ),
    ],
)
def test_inconsistent_task_spec_is_rejected(change, message):
    data = {"kind": "tasks", "id": "t", "title": "任务清单", "year": 2022, "tasks": []} | change
    with pytest.raises(SpecError, match=message):
        spec_from_dict(data)


# --- the 11 official tasks at several dates --------------------------------------------------


def d(month: int, day: int, year: int = 2022) -> date:
    return date(year, month, day)


# as-of → {task no: (status, next due, days overdue)}; tasks not listed are 全年 tasks.
SCHEDULE = {
    d(4, 1): (
        {
            1: ("on_track", d(5, 31), 0),
            2: ("on_track", d(4, 30), 0),
            5: ("on_track", d(6, 30), 0),
            8: ("on_track", d(4, 30), 0),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(4, 25): (
        {
            1: ("on_track", d(5, 31), 0),
            2: ("due_soon", d(4, 30), 0),
            5: ("on_track", d(6, 30), 0),
            8: ("due_soon", d(4, 30), 0),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(4, 30): (
        {
            1: ("on_track", d(5, 31), 0),
            2: ("due_soon", d(4, 30), 0),
            5: ("on_track", d(6, 30), 0),
            8: ("due_soon", d(4, 30), 0),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(5, 1): (
        {
            1: ("on_track", d(5, 31), 0),
            2: ("overdue", d(4, 30), 1),
            5: ("on_track", d(6, 30), 0),
            8: ("overdue", d(4, 30), 1),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(6, 15): (
        {
            1: ("overdue", d(5, 31), 15),
            2: ("overdue", d(4, 30), 46),
            5: ("on_track", d(6, 30), 0),
            8: ("overdue", d(4, 30), 46),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(6, 25): (
        {
            1: ("overdue", d(5, 31), 25),
            2: ("overdue", d(4, 30), 56),
            5: ("due_soon", d(6, 30), 0),
            8: ("overdue", d(4, 30), 56),
        },
        ("on_track", d(12, 31), 0),
    ),
    d(12, 28): (
        {
            1: ("overdue", d(5, 31), 211),
            2: ("overdue", d(4, 30), 242),
            5: ("overdue", d(6, 30), 181),
            8: ("overdue", d(4, 30), 242),
        },
        ("due_soon", d(12, 31), 0),
    ),
    d(1, 5, 2023): (
        {
            1: ("overdue", d(5, 31), 219),
            2: ("overdue", d(4, 30), 250),
            5: ("overdue", d(6, 30), 189),
            8: ("overdue", d(4, 30), 250),
        },
        ("overdue", d(12, 31), 5),
    ),
}


@pytest.mark.parametrize("as_of", list(SCHEDULE), ids=str)
def test_official_tasks_at_several_dates(blank, specs, as_of):
    listed, whole_year = SCHEDULE[as_of]
    report = report_of(blank, specs, as_of)
    got = {t.no: (t.status, t.next_due, t.days_overdue) for t in report.tasks}
    assert got == listed | {no: whole_year for no in WHOLE_YEAR}
    overdue = [f for f in report.findings if f.code == "tasks.overdue"]
    due_soon = [f for f in report.findings if f.code == "tasks.due_soon"]
    assert len(overdue) == sum(1 for s, *_ in got.values() if s == "overdue")
    assert len(due_soon) == sum(1 for s, *_ in got.values() if s == "due_soon")
    assert set(codes(report)) <= {"tasks.overdue", "tasks.due_soon"}
    assert report.status == ("errors" if overdue else "ok")


def test_milestones_of_each_official_deadline(blank, specs):
    tasks = by_no(report_of(blank, specs, d(4, 1)))
    assert tasks[1].milestones == [d(5, 31), d(12, 31)]
    assert tasks[2].milestones == [d(4, 30)]
    assert tasks[5].milestones == [d(6, 30), d(12, 31)]
    assert all(tasks[no].milestones == [d(12, 31)] for no in WHOLE_YEAR)
    # 全年, but 具体要求 says 每月: a monthly report from April (the plan's month) to December.
    assert tasks[8].milestones == MONTH_ENDS


def test_task_rows_carry_what_the_sheet_says(blank, specs):
    tasks = report_of(blank, specs, d(6, 15)).tasks
    assert [(t.row, t.no, t.task, t.deadline_text, t.owner) for t in tasks] == [
        (row, no, task, deadline, owner)
        for row, (no, task, deadline, owner) in enumerate(OFFICIAL, start=4)
    ]


# --- each status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no", "progress", "dates", "as_of", "status", "days", "next_due"),
    [
        (2, "已完成", "2022-04-28", d(6, 15), "done", 0, None),
        (2, "已完成", "2022-05-09", d(6, 15), "done_late", 9, None),
        (2, "进行中", None, d(6, 15), "overdue", 46, d(4, 30)),
        (2, "进行中", None, d(4, 23), "due_soon", 0, d(4, 30)),
        (2, "未开始", None, d(4, 22), "on_track", 0, d(4, 30)),
        (1, "已完成", "2022-05-20；2022-12-01", d(12, 15), "done", 0, None),
        (1, "已完成", "2022-06-02\n2022-12-30", d(1, 2, 2023), "done_late", 2, None),
        (1, "进行中", "2022-05-20", d(6, 15), "on_track", 0, d(12, 31)),
        (1, "进行中", "2022-05-20", d(12, 27), "due_soon", 0, d(12, 31)),
        (1, "进行中", "2022-05-20", d(1, 3, 2023), "overdue", 3, d(12, 31)),
        # all milestones dated, but not yet marked 已完成: not done
        (1, "进行中", "2022-05-20、2022-12-01", d(12, 15), "on_track", 0, None),
    ],
)
def test_each_status(tmp_path, tspec, specs, no, progress, dates, as_of, status, days, next_due):
    path = make_tasks(tmp_path, tspec, {no: {PROGRESS: progress, DATES: dates}})
    task = by_no(report_of(path, specs, as_of))[no]
    assert (task.status, task.days_overdue, task.next_due) == (status, days, next_due)


def test_unreadable_deadline_gives_no_date_and_status_unknown(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, edit=lambda ws: ws.__setitem__(cell(3, "时间期限"), "待定"))
    report = report_of(path, specs, d(6, 15))
    task = by_no(report)[3]
    assert (task.status, task.milestones, task.next_due) == ("unknown", [], None)
    finding = only(report, "tasks.deadline_unparsed")
    assert (finding.cell, finding.severity) == ("D6", "warning")
    assert finding.message == "第3项“落实“三会一课””的时间期限“待定”无法识别，未推算截止日期"
    assert only(report, "tasks.template_modified").cell == "D6"


def test_partly_readable_deadline_keeps_the_readable_part(tmp_path, tspec, specs):
    path = make_tasks(
        tmp_path, tspec, edit=lambda ws: ws.__setitem__(cell(1, "时间期限"), "5 月/待定")
    )
    report = report_of(path, specs, d(6, 15))
    assert by_no(report)[1].milestones == [d(5, 31)]
    assert by_no(report)[1].status == "overdue"
    assert "中“待定”无法识别，已忽略这部分" in only(report, "tasks.deadline_unparsed").message


# --- each finding ---------------------------------------------------------------------------


def test_overdue_and_due_soon_findings(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, {1: {PROGRESS: "进行中"}})
    report = report_of(path, specs, d(6, 25))
    overdue = {f.cell: f for f in report.findings if f.code == "tasks.overdue"}
    assert (
        overdue["D4"].message
        == "第1项“厘清支部划分”5月31日的节点已逾期25天；如已完成，请在“完成日期”填写该节点的完成日期"
    )
    assert overdue["D4"].severity == "error"
    soon = only(report, "tasks.due_soon")
    assert (soon.cell, soon.severity) == ("D8", "warning")
    assert soon.message == "第5项“党员发展”将于6月30日到期（还有5天）"
    today = report_of(path, specs, d(6, 30))
    assert only(today, "tasks.due_soon").message == "第5项“党员发展”将于6月30日到期（今天到期）"


def test_owner_missing(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, edit=lambda ws: ws.__setitem__(cell(3, "责任人"), None))
    report = report_of(path, specs, d(4, 1))
    finding = only(report, "tasks.owner_missing")
    assert (finding.cell, finding.severity, finding.message) == (
        "E6",
        "warning",
        "第3项“落实“三会一课””未填写责任人",
    )
    assert by_no(report)[3].owner is None


def test_deleted_official_task_is_missing(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, edit=lambda ws: ws.delete_rows(12))  # task 9
    report = report_of(path, specs, d(4, 1))
    finding = only(report, "tasks.item_missing")
    assert (finding.severity, finding.message) == (
        "error",
        "缺少第9项任务：党建工作示范建设（请按官方任务清单补上这一行）",
    )
    assert sorted(statuses(report)) == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]


@pytest.mark.parametrize(
    ("label", "value", "what", "expected"),
    [
        ("任务", "党支部等级评定工作", "任务", "党支部等级评定"),
        ("时间期限", "6 月底", "时间期限", "4 月底"),
        ("具体要求", "按照评分标准划分", "具体要求", "按照分类定级评分参考标准划分"),
    ],
)
def test_changed_official_text_is_template_modified(
    tmp_path, tspec, specs, label, value, what, expected
):
    path = make_tasks(tmp_path, tspec, edit=lambda ws: ws.__setitem__(cell(2, label), value))
    report = report_of(path, specs, d(6, 15))
    finding = only(report, "tasks.template_modified")
    assert finding.cell == cell(2, label) and finding.severity == "error"
    assert finding.message == f"第2项的{what}与官方任务清单不一致：应为“{expected}”，实为“{value}”"
    if label == "时间期限":  # the sheet's wording is what is tracked (and flagged)
        assert by_no(report)[2].milestones == [d(6, 30)]
        assert by_no(report)[2].status == "on_track"


def test_layout_noise_is_not_a_modification(tmp_path, tspec, specs):
    def edit(ws):
        ws[cell(1, "时间期限")] = "5月／12月"  # full-width slash, no spaces
        ws[cell(3, "任务")] = '落实"三会一课"'  # straight quotes
        ws[cell(4, "具体要求")] = ws[cell(4, "具体要求")].value.replace("； ", "；\n")
        ws[cell(1, "序号")] = "１"
        ws.merge_cells(f"{cell(6, '时间期限')}:{cell(7, '时间期限')}")  # two 全年 cells merged
        ws.merge_cells(f"{cell(10, '责任人')}:{cell(11, '责任人')}")  # 基层党组织书记 / 党委委员

    report = report_of(make_tasks(tmp_path, tspec, edit=edit), specs, d(4, 1))
    assert report.findings == []
    assert by_no(report)[1].milestones == [d(5, 31), d(12, 31)]
    assert by_no(report)[7].deadline_text == "全年"  # read from the merged cell's anchor
    assert by_no(report)[11].owner == "基层党组织书记"


def test_done_without_date(tmp_path, tspec, specs):
    path = make_tasks(
        tmp_path, tspec, {7: {PROGRESS: "已完成"}, 1: {PROGRESS: "已完成", DATES: "2022-05-20"}}
    )
    report = report_of(path, specs, d(6, 15))
    found = {f.cell: f for f in report.findings if f.code == "tasks.done_without_date"}
    assert found["H10"].message == "第7项“基层组织书记培训”标为已完成，但未填写完成日期"
    assert (
        found["H4"].message
        == "第1项“厘清支部划分”标为已完成，但只填写了1个完成日期，时间节点共有2个"
    )
    assert {f.severity for f in found.values()} == {"warning"}
    assert by_no(report)[7].status == "on_track"  # 已完成 without a date is not done


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2021-12-20", "早于2022年，不计入；应填2022年内的实际完成日期"),
        ("2022-07-01", "晚于检查日期2022-06-15，不计入；应填已完成的日期（不晚于检查日期）"),
        ("五月底", "无法识别为日期"),
        ("2022-02-30", "无法识别为日期"),
    ],
)
def test_invalid_completion_dates(tmp_path, tspec, specs, typed, problem):
    path = make_tasks(tmp_path, tspec, {2: {PROGRESS: "已完成", DATES: typed}})
    report = report_of(path, specs, d(6, 15))
    finding = only(report, "tasks.date_invalid")
    assert (finding.cell, finding.severity) == ("H5", "error")
    assert finding.message.startswith(f"第2项“党支部等级评定”的完成日期“{typed}”{problem}")
    assert by_no(report)[2].status == "overdue"  # an invalid date does not count


def test_unknown_progress_word(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, {2: {PROGRESS: "差不多了", DATES: "2022-04-20"}})
    report = report_of(path, specs, d(6, 15))
    finding = only(report, "tasks.progress_unknown")
    assert finding.cell == "G5" and "不是“未开始 / 进行中 / 已完成”之一" in finding.message
    assert by_no(report)[2].status == "on_track"  # dated, but not 已完成


# --- completion dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2022-04-20",
        "2022/4/20",
        "2022.4.20",
        "4月20日",
        "2022年4月20日",
        " 2022 - 04 - 20 ",
        "４月２０日",
        datetime(2022, 4, 20),
        44671,
    ],
    ids=str,
)
def test_completion_date_forms(tmp_path, tspec, specs, typed):
    def edit(ws):
        ws[cell(2, DATES)] = typed
        if isinstance(typed, datetime):
            ws[cell(2, DATES)].number_format = "yyyy-mm-dd"  # a real Excel date cell

    path = make_tasks(tmp_path, tspec, {2: {PROGRESS: "已完成"}}, edit=edit)
    report = report_of(path, specs, d(4, 22))  # nothing else due within 7 days
    assert report.findings == []
    assert by_no(report)[2].status == "done"


def test_several_dates_any_separator_match_milestones_in_order(tmp_path, tspec, specs):
    typed = "6月29日；4月27日、5月30日;7月28日\n8月30日"  # out of order on purpose
    path = make_tasks(tmp_path, tspec, {8: {PROGRESS: "进行中", DATES: typed}})
    assert by_no(report_of(path, specs, d(9, 5)))[8].status == "on_track"
    soon = by_no(report_of(path, specs, d(9, 26)))[8]
    assert (soon.status, soon.next_due) == ("due_soon", d(9, 30))
    late = by_no(report_of(path, specs, d(10, 3)))[8]
    assert (late.status, late.days_overdue) == ("overdue", 3)


# --- year and as-of ---------------------------------------------------------------------------


def test_year_comes_from_the_title_else_the_spec(tmp_path, specs):
    in_2023 = official_form(tmp_path, title="基层组织建设年2023年任务清单", name="a.xlsx")
    tasks = by_no(report_of(in_2023, specs, d(6, 15, 2023)))
    assert tasks[1].milestones == [d(5, 31, 2023), d(12, 31, 2023)]
    assert (tasks[1].status, tasks[1].days_overdue) == ("overdue", 15)
    untitled = official_form(tmp_path, title="任务清单", name="b.xlsx")
    assert by_no(report_of(untitled, specs, d(6, 15)))[2].milestones == [d(4, 30)]
    forced = by_no(report_of(in_2023, specs, d(6, 15, 2024), year=2024))
    assert forced[2].milestones == [d(4, 30, 2024)]


def test_official_form_without_input_columns_and_with_a_footer(tmp_path, specs):
    report = report_of(official_form(tmp_path), specs, d(6, 15))
    assert len(report.tasks) == 11  # the issuing office and date under the table are no tasks
    assert [t.row for t in report.tasks] == list(range(5, 16))
    assert statuses(report)[1] == "overdue"
    assert "file.no_template_found" not in codes(report)


def test_rows_of_ones_own_and_moved_rows(tmp_path, tspec, specs):
    def edit(ws):
        # Tasks 1 and 2 swapped (with their numbers), and a task of the branch's own added.
        for label in ("序号", "任务", "具体要求", "时间期限", "责任人"):
            a, b = ws[cell(1, label)], ws[cell(2, label)]
            a.value, b.value = b.value, a.value
        ws["A15"], ws["B15"], ws["D15"], ws["E15"] = 12, "支部自选任务", "9月底", "张三"

    report = report_of(make_tasks(tmp_path, tspec, edit=edit), specs, d(9, 28))
    assert report.findings and set(codes(report)) <= {"tasks.overdue", "tasks.due_soon"}
    tasks = by_no(report)
    assert (tasks[2].row, tasks[1].row) == (4, 5)
    own = tasks[12]
    assert (own.task, own.row, own.milestones, own.status) == (
        "支部自选任务",
        15,
        [d(9, 30)],
        "due_soon",
    )


# --- fill: computed columns and colours --------------------------------------------------------


def rules(ws) -> list[tuple[str, str, str]]:
    """(range, formula, fill colour) of every conditional-format rule on a sheet."""
    return sorted(
        (str(cf.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb[-6:])
        for cf in ws.conditional_formatting
        for rule in cf.rules
    )


def test_fill_creates_missing_columns_right_of_the_table(tmp_path, specs, cli):
    src = official_form(tmp_path, extra={"联系人": {1: "李四", 11: "王五"}})
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out, "--as-of", "2022-06-25", "--strict").exit_code == 1
    ws = load_workbook(out)["附件3"]
    header = [c.value for c in ws[4]]
    assert header == [
        "序号",
        "任务",
        "具体要求",
        "时间期限",
        "责任人",
        "备注",
        "联系人",
        "完成情况",
        "完成日期",
        "截止日期",
        "状态",
        "逾期天数",
        "预警",
    ]
    assert (ws["G5"].value, ws["G15"].value) == ("李四", "王五")  # the person's own column stays
    assert ws["J5"].value == datetime(2022, 5, 31) and ws["J5"].number_format.startswith(
        "yyyy-mm-dd"
    )
    assert [ws["K5"].value, ws["L5"].value, ws["M5"].value] == [
        "已逾期",
        25,
        "已逾期25天：5月31日的节点未完成",
    ]
    assert [ws["K9"].value, ws["L9"].value, ws["M9"].value] == [
        "即将到期",
        None,
        "还有5天到期（6月30日）",
    ]
    assert [ws["K7"].value, ws["L7"].value, ws["M7"].value] == ["正常推进", None, None]
    assert ws["A17"].value == "西安海棠职业学院党委办公室" and ws["J17"].value is None
    assert rules(ws) == [
        ("J5:M15", '$K5="即将到期"', "FFEB9C"),
        ("J5:M15", '$K5="已完成"', "C6EFCE"),
        ("J5:M15", '$K5="已逾期"', "FFC7CE"),
    ]
    assert "tasks.overdue" in ws["D5"].comment.text  # the finding's mark on 时间期限


def test_fill_writes_into_the_template_columns_and_replaces_hand_typed_status(tmp_path, tspec, cli):
    def edit(ws):
        ws["J5"] = "已完成"  # typed by hand; task 2 is overdue

    src = make_tasks(
        tmp_path,
        tspec,
        {2: {PROGRESS: "进行中"}, 10: {PROGRESS: "已完成", DATES: "2022-06-01"}},
        edit=edit,
    )
    out = tmp_path / "filled.xlsx"
    cli("fill", src, "--out", out, "--as-of", "2022-06-15")
    wb = load_workbook(out)
    ws = wb[SHEET]
    assert ws.max_column == 12  # nothing created: the template has every column
    assert (ws["I5"].value, ws["J5"].value, ws["K5"].value) == (datetime(2022, 4, 30), "已逾期", 46)
    assert (ws["I13"].value, ws["J13"].value, ws["L13"].value) == (None, "已完成", None)
    assert len(rules(ws)) == 3  # the template's rules replaced, not stacked
    sheet = wb[FINDINGS_SHEET]
    findings = [r[-1] for r in sheet.iter_rows(min_row=FINDINGS_FIRST_ROW, values_only=True)]
    assert findings.count("tasks.overdue") == 3  # tasks 1, 2 and 8


def test_fill_is_idempotent(tmp_path, tspec, specs, cli):
    from test_cli import snapshot

    src = make_tasks(
        tmp_path, tspec, {2: {PROGRESS: "已完成", DATES: "2022-05-09"}, 7: {PROGRESS: "已完成"}}
    )
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert cli("fill", src, "--out", once, "--as-of", "2022-06-15", "--strict").exit_code == 1
    assert cli("fill", once, "--out", twice, "--as-of", "2022-06-15", "--strict").exit_code == 1
    assert snapshot(once) == snapshot(twice)
    assert rules(load_workbook(once)[SHEET]) == rules(load_workbook(twice)[SHEET])
    assert len(rules(load_workbook(twice)[SHEET])) == 3
    a, b = report_of(once, specs, d(6, 15)), report_of(twice, specs, d(6, 15))
    assert (a.tasks, a.findings) == (b.tasks, b.findings)
    # Tasks 1 (5-31) and 8 (each month end from April: 4-30) are overdue as of 6-15; task 2
    # was done on 5-09, after its 4-30 deadline.
    assert [(t.no, t.status, t.days_overdue) for t in b.tasks if t.status != "on_track"] == [
        (1, "overdue", 15),
        (2, "done_late", 9),
        (8, "overdue", 46),
    ]


def test_fill_again_later_updates_the_status(tmp_path, tspec, cli):
    src = make_tasks(tmp_path, tspec)
    june, july = tmp_path / "june.xlsx", tmp_path / "july.xlsx"
    cli("fill", src, "--out", june, "--as-of", "2022-06-15")
    cli("fill", june, "--out", july, "--as-of", "2022-07-05")
    ws = load_workbook(july)[SHEET]
    assert (ws["J8"].value, ws["K8"].value) == ("已逾期", 5)  # task 5 missed 30 June
    assert len(rules(ws)) == 3


def test_filled_created_columns_are_read_back_as_the_same_report(tmp_path, specs, cli):
    src = official_form(tmp_path)
    out = tmp_path / "filled.xlsx"
    cli("fill", src, "--out", out, "--as-of", "2022-06-15")
    assert report_of(out, specs, d(6, 15)).tasks == report_of(src, specs, d(6, 15)).tasks


# --- LibreOffice ------------------------------------------------------------------------------


@round_trip("任务清单_填写.xlsx")  # saved again by LibreOffice with the run's other round trips
def tasks_filled_in(folder: Path) -> None:
    """Dates typed every way (one a real date cell), a task without 责任人, one done late."""

    def edit(ws):
        ws[cell(10, DATES)] = datetime(2022, 6, 17)
        ws[cell(10, DATES)].number_format = "yyyy-mm-dd"
        ws[cell(6, "责任人")] = None

    filled = {
        1: {PROGRESS: "进行中", DATES: "2022-05-26"},
        2: {PROGRESS: "已完成", DATES: "2022/5/9"},
        7: {PROGRESS: "已完成", DATES: "2022.6.28"},
        8: {PROGRESS: "进行中", DATES: "4月27日；5月30日\n6月29日"},
        10: {PROGRESS: "已完成"},
        11: {PROGRESS: "已完成", DATES: "2022-08-01"},
    }
    tspec = load_specs().by_id("tasks_2022")
    make_tasks(folder, tspec, filled, edit=edit, name="任务清单_填写.xlsx")


def test_a_file_saved_by_libreoffice_gives_the_same_report(lo_books, tmp_path, specs):
    src = lo_books.source("任务清单_填写.xlsx")
    saved = soffice_convert(src, tmp_path / "lo")
    a, b = report_of(src, specs, d(7, 26)), report_of(saved, specs, d(7, 26))
    assert b.tasks == a.tasks
    assert [(f.code, f.cell, f.message) for f in b.findings] == [
        (f.code, f.cell, f.message) for f in a.findings
    ]
    assert statuses(a) == {
        1: "on_track",
        2: "done_late",
        3: "on_track",
        4: "on_track",
        5: "overdue",
        6: "on_track",
        7: "done",
        8: "due_soon",
        9: "on_track",
        10: "done",
        11: "on_track",
    }
    assert sorted(set(codes(a))) == [
        "tasks.date_invalid",  # task 11: 2022-08-01 is after the as-of date
        "tasks.done_without_date",  # … so its 已完成 has no valid date
        "tasks.due_soon",
        "tasks.overdue",
        "tasks.owner_missing",
    ]
    assert (
        only(a, "tasks.done_without_date").message
        == "第11项“党委委员讲党课”标为已完成，但没有有效的完成日期"
    )


# --- the report and the command line ----------------------------------------------------------


def test_json_report_tasks_contract(blank, cli):
    result = cli("check", blank, "--format", "json", "--as-of", "2022-06-15")
    assert result.exit_code == 1
    (file,) = json.loads(result.stdout)["files"]
    assert file["tasks"][0] == {
        "row": 4,
        "no": 1,
        "task": "厘清支部划分",
        "deadline_text": "5 月/12 月",
        "milestones": ["2022-05-31", "2022-12-31"],
        "next_due": "2022-05-31",
        "status": "overdue",
        "days_overdue": 15,
        "owner": "党总支书记",
    }
    assert len(file["tasks"]) == 11
    assert {f["code"] for f in file["findings"]} == {"tasks.overdue"}


def test_workbook_without_task_sheet_has_null_tasks(make_rubric, cli):
    (file,) = json.loads(cli("check", make_rubric(), "-f", "json").stdout)["files"]
    assert file["tasks"] is None


def test_text_report_shows_the_tasks_in_chinese(blank, cli):
    out = cli("check", blank, "--as-of", "2022-06-25").stdout
    assert "任务清单：共 11 项，已逾期 3，即将到期 1，正常推进 7" in out
    assert (
        "1. 厘清支部划分｜时间期限 5 月/12 月｜截止 2022-05-31｜已逾期 25 天｜责任人 党总支书记"
        in out
    )
    assert (
        "[错误] D4 第1项“厘清支部划分”5月31日的节点已逾期25天；如已完成，请在“完成日期”填写该节点的完成日期  (tasks.overdue)"
        in out
    )


def test_year_option_overrides_the_title(blank, cli):
    data = json.loads(
        cli("check", blank, "-f", "json", "--as-of", "2023-04-01", "--year", "2023").stdout
    )
    task = data["files"][0]["tasks"][1]
    assert (task["milestones"], task["status"]) == (["2023-04-30"], "on_track")


@pytest.mark.parametrize("command", ["check", "fill"])
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--as-of", "2022-13-01", "不是有效日期，应写作 YYYY-MM-DD"),
        ("--as-of", "6月15日", "YYYY-MM-DD"),
        ("--year", "22", "不是有效年份"),
    ],
)
def test_bad_as_of_or_year_is_a_chinese_usage_error(
    blank, cli, tmp_path, command, option, value, message
):
    args = [command, blank, option, value] + (
        ["--out", tmp_path / "o.xlsx"] if command == "fill" else []
    )
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "错误" in result.stderr
    assert not (tmp_path / "o.xlsx").exists()


def test_due_json_keeps_the_start_of_a_range(cli):
    result = cli("due", "3月上旬—4月中旬", "--year", "2012", "--as-of", "2012-03-05", "-f", "json")
    data = json.loads(result.stdout)
    assert (data["milestones"], data["starts"]) == (["2012-04-20"], ["2012-03-01"])


def test_due_command_json(cli):
    result = cli("due", "5 月/12 月", "--as-of", "2022-06-15", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "text": "5 月/12 月",
        "milestones": ["2022-05-31", "2022-12-31"],
        "starts": [None, None],
        "cadence": None,
        "next_due": "2022-12-31",
        "unparsed": [],
        "events": [],
    }
    quarterly = json.loads(cli("due", "每季度", "--as-of", "2022-07-01", "-f", "json").stdout)
    assert (quarterly["cadence"], quarterly["milestones"], quarterly["next_due"]) == (
        "quarterly",
        [],
        "2022-09-30",
    )
    later = json.loads(
        cli("due", "4 月底", "--year", "2023", "--as-of", "2023-01-10", "-f", "json").stdout
    )
    assert (later["milestones"], later["next_due"]) == (["2023-04-30"], "2023-04-30")


def test_due_command_text(cli):
    result = cli("due", "3月上旬—4月中旬/“七一”前", "--as-of", "2022-06-25")
    assert result.exit_code == 0
    assert "按 2022 年解读" in result.stdout
    assert "2022-03-01 至 2022-04-20" in result.stdout and "2022-07-01" in result.stdout
    assert "下一个截止日期：2022-07-01（还有 6 天）" in result.stdout
    assert "周期：每月" in cli("due", "每月", "--as-of", "2022-06-25").stdout


def test_due_command_uses_the_spec_fixed_days_and_reports_what_it_cannot_read(cli):
    memorial = json.loads(cli("due", "“一二·九”前", "--as-of", "2022-06-25", "-f", "json").stdout)
    assert memorial["milestones"] == ["2022-12-09"]
    unread = cli("due", "尽快", "--as-of", "2022-06-25")
    assert unread.exit_code == 1 and "无法识别：“尽快”" in unread.stdout
    assert cli("due", "4 月底", "--as-of", "2022-02-30").exit_code == 2


# --- the template and the sample --------------------------------------------------------------


def test_blank_template_in_workbooks(specs):
    path = ROOT / "workbooks" / "tasks_2022.xlsx"
    ws = load_workbook(path)[SHEET]
    assert [c.value for c in ws[3]] == [
        "序号",
        "任务",
        "具体要求",
        "时间期限",
        "责任人",
        "备注",
        "完成情况",
        "完成日期",
        "截止日期",
        "状态",
        "逾期天数",
        "预警",
    ]
    assert ws["A2"].value == "基层组织建设年 2022 年任务清单"
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"未开始,进行中,已完成"'
    assert str(validation.sqref) == "G4:G14"
    assert len(rules(ws)) == 3
    report = report_of(path, specs, d(4, 1))
    assert report.findings == [] and set(statuses(report).values()) == {"on_track"}


def test_bundled_task_sample(specs):
    report = report_of(ROOT / "workbooks" / "samples" / "组织部_任务清单.xlsx", specs, d(7, 26))
    tasks = by_no(report)
    assert (tasks[2].status, tasks[2].days_overdue) == ("done_late", 9)
    assert (tasks[5].status, tasks[5].days_overdue) == ("overdue", 26)
    assert tasks[8].status == "due_soon"
    assert [no for no, t in tasks.items() if t.status == "done"] == [7, 10]
    assert sorted(codes(report)) == ["tasks.due_soon", "tasks.overdue"]


def test_batch_takes_as_of_and_colours_the_annotated_copy(tmp_path, tspec, cli):
    folder = tmp_path / "in"
    folder.mkdir()
    make_tasks(folder, tspec, name="任务.xlsx")
    out = tmp_path / "out"
    assert cli("batch", folder, "--out", out, "--as-of", "2022-06-15").exit_code == 0
    ws = load_workbook(out / "批注副本" / "任务.xlsx")[SHEET]
    assert (ws["J4"].value, ws["K4"].value) == ("已逾期", 15)
    assert len(rules(ws)) == 3
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["files"][0]["tasks"][0]["days_overdue"] == 15


# --- properties of the status rules and the date reader -----------------------------------------

DAYS_2022 = st.dates(min_value=date(2022, 1, 1), max_value=date(2022, 12, 31))
SCHEDULES = st.lists(DAYS_2022, min_size=1, max_size=12, unique=True).map(sorted)


@given(
    SCHEDULES,
    st.lists(DAYS_2022, max_size=12).map(sorted),
    st.booleans(),
    DAYS_2022,
    st.integers(1, 60),
)
def test_a_later_as_of_never_rescues_an_overdue_task(milestones, dates, done, as_of, shift):
    now = assess(milestones, dates, done, as_of, 7)
    later = assess(milestones, dates, done, as_of + timedelta(days=shift), 7)
    if now.status == "overdue":
        assert later.status == "overdue" and later.days == now.days + shift
    if now.status in ("done", "done_late"):
        assert later == now  # finished tasks do not change with time


@given(SCHEDULES, st.lists(DAYS_2022, max_size=12).map(sorted), DAYS_2022)
def test_status_follows_the_first_milestone_without_a_date(milestones, dates, as_of):
    result = assess(milestones, dates, False, as_of, 7)
    unmet = milestones[len(dates) :]
    if not unmet:
        assert (result.status, result.next_due) == ("on_track", None)
    else:
        assert result.next_due == unmet[0]
        left = (unmet[0] - as_of).days
        expected = "overdue" if left < 0 else "due_soon" if left <= 7 else "on_track"
        assert result.status == expected


@given(
    st.lists(DAYS_2022, min_size=1, max_size=6),
    st.sampled_from(["；", "、", ";", "\n", "，"]),
    st.data(),
)
def test_completion_dates_read_back_in_any_accepted_form(days, separator, data):
    forms = [
        lambda x: x.isoformat(),
        lambda x: f"{x.year}/{x.month}/{x.day}",
        lambda x: f"{x.year}.{x.month}.{x.day}",
        lambda x: f"{x.month}月{x.day}日",
        lambda x: f"{x.year}年{x.month}月{x.day}日",
    ]
    text = separator.join(data.draw(st.sampled_from(forms))(x) for x in days)
    dates, problems = read_done_dates(text, 2022, date(2022, 12, 31))
    assert (dates, problems) == (sorted(days), [])


def test_clearing_the_marks_also_removes_the_colour_rules(tmp_path, tspec, cli):
    from addin.workbook.openpyxl_writer import clear_marks

    src = official_form(tmp_path)
    out = tmp_path / "filled.xlsx"
    cli("fill", src, "--out", out, "--as-of", "2022-06-15")
    wb = load_workbook(out)
    assert len(rules(wb["附件3"])) == 3 and "tasks.overdue" in wb["附件3"]["D5"].comment.text
    clear_marks(wb)
    assert rules(wb["附件3"]) == [] and wb["附件3"]["D5"].comment is None


def test_codes_lists_the_task_findings(cli):
    listed = {row["code"]: row["severity"] for row in json.loads(cli("codes", "-f", "json").stdout)}
    assert {code: listed[code] for code in listed if code.startswith("tasks.")} == {
        "tasks.overdue": "error",
        "tasks.due_soon": "warning",
        "tasks.deadline_unparsed": "warning",
        "tasks.deadline_event": "info",
        "tasks.owner_missing": "warning",
        "tasks.item_missing": "error",
        "tasks.template_modified": "error",
        "tasks.done_without_date": "warning",
        "tasks.date_invalid": "error",
        "tasks.progress_unknown": "warning",
        "tasks.as_of_invalid": "warning",
    }


# --- review fixes: a pasted header row, the sheet's 基准日期, long texts, `due` vs the list ------


def with_header_pasted_after_task(no: int):
    """An edit pasting the header row again under task `no` (the rows below move down)."""

    def edit(ws):
        header = [c.value for c in ws[3]]
        at = 3 + no + 1
        ws.insert_rows(at)
        for c, value in enumerate(header, start=1):
            ws.cell(at, c, value)

    return edit


def test_a_pasted_header_row_is_not_a_task_and_fill_leaves_it_alone(tmp_path, tspec, specs, cli):
    path = make_tasks(tmp_path, tspec, edit=with_header_pasted_after_task(5))
    report = report_of(path, specs, d(7, 26))
    assert sorted(by_no(report)) == list(range(1, 12))  # 11 tasks, no "第9行“任务”"
    assert not {"tasks.deadline_unparsed", "tasks.date_invalid"} & set(codes(report))
    assert by_no(report)[6].row == 10  # task 6 moved down under the pasted header
    out = tmp_path / "filled.xlsx"
    cli("fill", path, "--out", out, "--as-of", "2022-07-26")
    ws = load_workbook(out)[SHEET]
    assert [c.value for c in ws[9]] == [c.value for c in ws[3]]  # the labels, untouched
    assert ws["J10"].value == "正常推进"


def as_of_cell(where: str, value, label_cell: str | None = "K1"):
    def edit(ws):
        if label_cell:
            ws[label_cell] = "基准日期"
        ws[where] = value

    return edit


def evaluate_sheet(path: Path, tspec, as_of=None):
    from addin.kinds.tasks import check as tasks
    from addin.workbook.calamine_reader import read_workbook

    sheet = read_workbook(path)[0].sheet(SHEET)
    return tasks.evaluate(sheet, tspec, tasks.detect(sheet, tspec), as_of=as_of)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (as_of_cell("L1", datetime(2022, 7, 26)), d(7, 26)),  # a date cell right of the label
        (as_of_cell("M1", "2022/7/26"), d(7, 26)),  # text, a blank cell between
        (as_of_cell("K1", "基准日期：2022年7月26日", label_cell=None), d(7, 26)),
        (as_of_cell("L1", 44768), d(7, 26)),  # an Excel serial number
    ],
    ids=["date-cell", "text-right", "inline", "serial"],
)
def test_the_sheets_as_of_date_is_used_when_none_is_given(tmp_path, tspec, edit, expected):
    from addin import sheet_dates
    from addin.workbook.calamine_reader import read_workbook

    path = make_tasks(tmp_path, tspec, {2: {PROGRESS: "进行中"}}, edit=edit)
    assert sheet_dates.as_of_from_sheet(read_workbook(path)[0].sheet(SHEET)) == expected
    result = evaluate_sheet(path, tspec)
    assert result.as_of == expected
    assert {t.no: t.status for t in result.tasks}[2] == "overdue"  # 4 月底, as of 26 July
    assert evaluate_sheet(path, tspec, as_of=d(4, 1)).as_of == d(4, 1)  # --as-of wins


def test_an_unreadable_as_of_cell_is_a_warning_and_today_applies(tmp_path, tspec):
    path = make_tasks(tmp_path, tspec, edit=as_of_cell("L1", "六月底"))
    result = evaluate_sheet(path, tspec)
    assert result.as_of == date.today()
    (finding,) = [f for f in result.findings if f.code == "tasks.as_of_invalid"]
    assert (finding.cell, finding.severity) == ("L1", "warning")
    assert finding.message.startswith("基准日期“六月底”无法识别，已按今天（")
    assert finding.message.endswith(f"请写成 {date.today().year}-06-15 这样的日期")
    assert (
        evaluate_sheet(make_tasks(tmp_path, tspec, name="none.xlsx"), tspec).as_of == date.today()
    )


def test_check_without_as_of_uses_the_samples_as_of_cell(cli):
    sample = ROOT / "workbooks" / "samples" / "组织部_任务清单.xlsx"
    data = json.loads(cli("check", sample, "--format", "json").stdout)
    tasks = {t["no"]: t for t in data["files"][0]["tasks"]}
    assert (tasks[2]["status"], tasks[2]["days_overdue"]) == ("done_late", 9)
    assert (tasks[5]["status"], tasks[5]["days_overdue"]) == ("overdue", 26)


def test_the_sample_carries_its_as_of_date():
    from addin import sheet_dates
    from addin.workbook.calamine_reader import read_workbook

    sheet = read_workbook(ROOT / "workbooks" / "samples" / "组织部_任务清单.xlsx")[0].sheets[0]
    assert sheet_dates.as_of_from_sheet(sheet) == d(7, 26)


def test_a_long_deadline_is_clipped_in_the_message(tmp_path, tspec, specs):
    long = "待定" * 200
    path = make_tasks(tmp_path, tspec, edit=lambda ws: ws.__setitem__(cell(1, "时间期限"), long))
    report = report_of(path, specs, d(7, 26))
    finding = only(report, "tasks.deadline_unparsed")
    assert len(finding.message) < 100 and "…" in finding.message
    assert by_no(report)[1].deadline_text == long  # the data keeps the whole text
    partly = "5月/" + "再议" * 100
    path = make_tasks(
        tmp_path, tspec, name="p.xlsx", edit=lambda ws: ws.__setitem__(cell(1, "时间期限"), partly)
    )
    message = only(report_of(path, specs, d(4, 1)), "tasks.deadline_unparsed").message
    assert len(message) < 100 and message.endswith("无法识别，已忽略这部分")


@pytest.mark.parametrize(
    ("as_of", "dates", "expected"),
    [
        (d(2, 10), None, d(4, 30)),  # before the plan: the first month end counted is April's
        (d(5, 3), "4月27日", d(5, 31)),
        (d(7, 26), "4月27日；5月30日；6月29日", d(7, 31)),
    ],
)
def test_due_command_agrees_with_the_task_list(cli, tmp_path, tspec, specs, as_of, dates, expected):
    """`jiceng due 每月` and a 每月 row of the list give the same dates (the spec's
    cadence_from_month), here for a row whose past milestones are all done."""
    shown = json.loads(cli("due", "每月", "--as-of", as_of.isoformat(), "-f", "json").stdout)
    assert shown["next_due"] == expected.isoformat()
    text = cli("due", "每月", "--as-of", as_of.isoformat()).stdout
    assert f"下一个截止日期：{expected.isoformat()}" in text and "自4月起" in text
    path = make_tasks(
        tmp_path,
        tspec,
        {1: {DATES: dates}} if dates else None,
        edit=lambda ws: ws.__setitem__(cell(1, "时间期限"), "每月"),
    )
    assert by_no(report_of(path, specs, as_of))[1].next_due == expected
