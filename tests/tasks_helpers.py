"""Helpers for the task-list (附件3) tests: real .xlsx files written with openpyxl."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from conftest import codes, only  # noqa: F401 (re-exported for the task tests)
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.engine import check_path
from addin.kinds.tasks.spec import TasksSpec
from addin.kinds.tasks.template import tasks_workbook
from addin.report.model import FileReport, TaskResult

PROGRESS, DATES = "完成情况", "完成日期"
SHEET = "任务清单"
FIRST_ROW = 4  # the template: 附件3, title, header, then task 1 on row 4
COLUMN = {  # the template's columns
    "序号": "A",
    "任务": "B",
    "具体要求": "C",
    "时间期限": "D",
    "责任人": "E",
    "备注": "F",
    PROGRESS: "G",
    DATES: "H",
    "截止日期": "I",
    "状态": "J",
    "逾期天数": "K",
    "预警": "L",
}

# 附件3 as printed in the 2022 plan: 序号, 任务, 时间期限, 责任人.
OFFICIAL = [
    (1, "厘清支部划分", "5 月/12 月", "党总支书记"),
    (2, "党支部等级评定", "4 月底", "党总支书记"),
    (3, "落实“三会一课”", "全年", "党支部书记"),
    (4, "完善党委制度汇编", "全年", "党委各部门/基层党组织书记"),
    (5, "党员发展", "6 月/12 月", "组织部/党校/基层党组织书记"),
    (6, "党员教育管理", "全年", "党支部书记"),
    (7, "基层组织书记培训", "全年", "组织部"),
    (8, "党委委员联系制度", "全年", "党委委员"),
    (9, "党建工作示范建设", "全年", "基层党组织书记"),
    (10, "支部书记讲党课", "全年", "基层党组织书记"),
    (11, "党委委员讲党课", "全年", "党委委员"),
]


def cell(no: int, label: str) -> str:
    """The template's cell of task `no` in column `label`, e.g. cell(5, "时间期限") → "D8"."""
    return f"{COLUMN[label]}{FIRST_ROW + no - 1}"


def make_tasks(
    folder: Path,
    spec: TasksSpec,
    filled: Mapping[int, Mapping[str, object]] | None = None,
    edit: Callable[[Worksheet], None] | None = None,
    name: str = "tasks.xlsx",
) -> Path:
    """The Jiceng template pre-filled by task no → {column: value}; `edit(ws)` as a person would."""
    wb = tasks_workbook(spec, filled)
    if edit:
        edit(wb[SHEET])
    path = folder / name
    wb.save(path)
    return path


def official_form(
    folder: Path,
    title: str = "基层组织建设年 2022 年任务清单",
    extra: Mapping[str, Mapping[int, object]] | None = None,
    name: str = "official.xlsx",
) -> Path:
    """附件3 exactly as the plan prints it: six columns, no input or computed columns, with the
    issuing office under the table. `extra` adds columns of a person's own at the right
    (label → {task no: value})."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件3"
    ws["A1"] = "附件 3:"
    ws["A2"] = title
    ws.append([])
    header = ["序号", "任务", "具体要求", "时间期限", "责任人", "备注", *(extra or {})]
    for c, label in enumerate(header, start=1):
        ws.cell(4, c, label)
    from addin.spec import load_specs

    spec = load_specs().by_id("tasks_2022")
    for r, task in enumerate(spec.tasks, start=5):
        values = [task.no, task.task, task.requirement, task.deadline, task.owner, None]
        values += [col.get(task.no) for col in (extra or {}).values()]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
    ws["A17"] = "西安海棠职业学院党委办公室"
    ws.merge_cells("A17:F17")
    ws["A18"] = "2022年4月2日印发"
    path = folder / name
    wb.save(path)
    return path


def report_of(path: Path, specs, as_of: date, year: int | None = None) -> FileReport:
    return check_path(path, specs, as_of=as_of, year=year).report


def by_no(report: FileReport) -> dict[int, TaskResult]:
    return {t.no: t for t in report.tasks}


def statuses(report: FileReport) -> dict[int, str]:
    return {t.no: t.status for t in report.tasks}
