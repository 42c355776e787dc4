"""How the wider deadline reading reaches staff: the task list's findings and statuses, the
`due` command, the JICENG_DUE worksheet function and the blank template (issue 9, item 4)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tasks_helpers import (
    DATES,
    PROGRESS,
    SHEET,
    by_no,
    cell,
    codes,
    make_tasks,
    official_form,
    only,
    report_of,
)

from addin import worksheet_functions
from addin.kinds.tasks.template import tasks_workbook


@pytest.fixture(scope="module")
def tspec(specs):
    return specs.by_id("tasks_2022")


def set_deadline(no: int, text: str):
    return lambda ws: ws.__setitem__(cell(no, "时间期限"), text)


def test_an_event_deadline_is_an_info_finding_naming_the_event(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, edit=set_deadline(3, "党的十八大胜利召开前"))
    report = report_of(path, specs, date(2022, 6, 15))
    finding = only(report, "tasks.deadline_event")
    assert (finding.cell, finding.severity) == ("D6", "info")
    assert finding.message == (
        "第3项“落实“三会一课””的时间期限以“党的十八大胜利召开”为准，"
        "无法推算日期，请在日期确定后自行核对"
    )
    assert "tasks.deadline_unparsed" not in codes(report)
    task = by_no(report)[3]
    assert (task.status, task.milestones, task.next_due) == ("unknown", [], None)


def test_an_event_beside_a_date_keeps_the_date(tmp_path, tspec, specs):
    path = make_tasks(tmp_path, tspec, edit=set_deadline(1, "5月/省第十次党代会召开前"))
    report = report_of(path, specs, date(2022, 6, 15))
    assert by_no(report)[1].milestones == [date(2022, 5, 31)]
    assert by_no(report)[1].status == "overdue"
    assert "“省第十次党代会召开”" in only(report, "tasks.deadline_event").message


def test_seed_wordings_in_a_task_list_give_no_unparsed_finding(tmp_path, tspec, specs):
    wordings = {1: "12月10前", 2: "“七一”期间", 3: "原则上每半年一次", 5: "到2022年"}
    wordings |= {6: "11月至次年1月", 7: "2022.3—2022.4", 9: "每年年底前"}

    def edit(ws):
        for no, text in wordings.items():
            ws[cell(no, "时间期限")] = text

    report = report_of(make_tasks(tmp_path, tspec, edit=edit), specs, date(2022, 6, 15))
    assert "tasks.deadline_unparsed" not in codes(report)
    tasks = by_no(report)
    assert tasks[1].milestones == [date(2022, 12, 10)]
    assert tasks[2].milestones == [date(2022, 7, 1)]
    assert tasks[3].milestones == [date(2022, 6, 30), date(2022, 12, 31)]  # from April
    assert tasks[5].milestones == [date(2022, 12, 31)]
    assert tasks[6].milestones == [date(2023, 1, 31)]
    assert tasks[7].milestones == [date(2022, 4, 30)]
    assert tasks[9].milestones == [date(2022, 12, 31)]


MONTH_ENDS_2023 = [
    date(2023, m, d)
    for m, d in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30)]
    + [(7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)]
]


def test_a_later_year_counts_every_period_not_from_the_plans_month(tmp_path, specs):
    """Task 8 (全年, 每月联系…): the 2022 plan was issued in April, so 2022 counts from April;
    a 2023 list judged by the same spec counts every month of 2023."""
    in_2022 = official_form(tmp_path, name="a.xlsx")
    assert by_no(report_of(in_2022, specs, date(2022, 6, 15)))[8].milestones[0] == date(2022, 4, 30)
    in_2023 = official_form(tmp_path, title="基层组织建设年2023年任务清单", name="b.xlsx")
    task = by_no(report_of(in_2023, specs, date(2023, 2, 15)))[8]
    assert task.milestones == MONTH_ENDS_2023
    assert (task.status, task.days_overdue, task.next_due) == ("overdue", 15, date(2023, 1, 31))


def test_due_counts_every_quarter_of_a_later_year(cli):
    """`jiceng due 每季度` in 2026 with the bundled 2022 spec (cadence_from_month 4)."""
    result = cli("due", "每季度", "--as-of", "2026-01-10", "-f", "json")
    assert json.loads(result.stdout)["next_due"] == "2026-03-31"
    text = cli("due", "每季度", "--as-of", "2026-01-10").stdout
    assert "自4月起" not in text
    in_2022 = cli("due", "每季度", "--as-of", "2022-01-10").stdout
    assert "2022年自4月起" in in_2022 and "2022-06-30" in in_2022


def test_due_shows_an_event(cli):
    result = cli("due", "2010年6月至2012年中共十八大召开前", "--as-of", "2011-03-10", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["events"] == [{"event": "2012年中共十八大召开", "start": "2010-06-01"}]
    assert (data["milestones"], data["next_due"], data["unparsed"]) == ([], None, [])
    text = cli("due", "十八大召开前", "--as-of", "2012-03-10").stdout
    assert "事件：以“十八大召开”为准，无法推算日期" in text


def test_worksheet_due_names_the_event(tspec):
    assert worksheet_functions.due(tspec, "十八大召开前", "2012-03-10") == (
        "时间期限以“十八大召开”为准，无法推算日期"
    )
    assert worksheet_functions.due(tspec, "待定", "2012-03-10") == "时间期限“待定”无法识别"
    assert worksheet_functions.due(tspec, "每季度", "2023-01-10", 2023) == date(2023, 3, 31)
    assert worksheet_functions.due(tspec, "每季度", "2022-01-10", 2022) == date(2022, 6, 30)


def test_example_dates_follow_the_year(tmp_path, tspec, specs):
    """A 2023 list: the completion-date message and the template's 填写说明 show 2023."""

    def retitle(ws):
        ws["A2"] = "基层组织建设年 2023 年任务清单"

    path = make_tasks(tmp_path, tspec, {2: {PROGRESS: "已完成", DATES: "五月底"}}, edit=retitle)
    message = only(report_of(path, specs, date(2023, 6, 15)), "tasks.date_invalid").message
    assert "2023-05-20、2023/5/20、2023.5.20" in message and "2022" not in message
    spec_2023 = tspec.model_copy(update={"year": 2023})
    ws = tasks_workbook(spec_2023)[SHEET]
    notes = [c.value for row in ws.iter_rows() for c in row if str(c.value).startswith("填写说明")]
    assert len(notes) == 1 and "2023-05-20；2023-12-20" in notes[0] and "2022" not in notes[0]
