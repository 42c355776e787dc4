"""The task list as an outgoing form: 完成情况 and 完成日期 open for the unit to fill, the rest
locked. 截止日期 / 状态 / 逾期天数 / 预警 depend on Chinese deadline wordings and today's date;
the 刷新任务状态 button and the batch compute them (no Excel formula can read “6 月/12 月”)."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from ...form import FormContext, FormSheet, column_of, dated_title, prompt_only
from .spec import TasksSpec
from .template import HEADER_ROW, tasks_sheet


def tasks_forms(wb: Workbook, spec: TasksSpec, context: FormContext) -> list[FormSheet]:
    ws = context.new_sheet(wb, "任务清单")
    tasks_sheet(ws, spec)
    ws["A2"] = dated_title(spec.title, spec, context.year)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(spec.tasks)
    return [open_columns(ws, spec, first, last)]


def open_columns(ws, spec, first: int, last: int) -> FormSheet:
    """The progress and date columns of rows `first`..`last` as the form's inputs (shared with
    the stage plan, whose labels have the same two input fields)."""
    labels = spec.labels
    form = FormSheet(sheet=ws.title, spec=spec.id)
    dates = prompt_only(
        labels.done_dates,
        "每个时间节点完成后填一个日期，如 2022-05-20 或 5月20日；多个日期用“；”分隔",
    )
    ws.add_data_validation(dates)
    for label in (labels.progress, labels.done_dates):
        letter = column_of(ws, HEADER_ROW, label)
        area = f"{letter}{first}:{letter}{last}"
        form.inputs.append(area)
        if label == labels.done_dates:
            dates.add(area)
    for rule in ws.data_validations.dataValidation:
        if rule.type == "list" and not rule.prompt:
            rule.showInputMessage = True
            rule.promptTitle = labels.progress
            rule.prompt = "从下拉列表中选择完成情况"
    return form
