"""附件3 任务清单: each task's next due date, status and warning as of a date."""

from __future__ import annotations

from ...kind import Context, Kind
from . import check
from .model import TaskResult
from .spec import TasksSpec
from .text import statuses_sentence, task_lines


def _evaluate(sheet, spec: TasksSpec, header, context: Context) -> check.TasksResult:
    return check.evaluate(sheet, spec, header, as_of=context.as_of, year=context.year)


def _template(spec: TasksSpec, _specs):
    from .template import tasks_workbook  # openpyxl: only when templates are written

    return tasks_workbook(spec)


def _form(wb, spec, context):
    from .form import tasks_forms  # openpyxl: only when forms are written

    return tasks_forms(wb, spec, context)


KIND = Kind(
    name="tasks",
    label="任务清单",
    sheet_label="任务清单（附件3）",
    spec=TasksSpec,
    header_labels=check.header_labels,
    evaluate=_evaluate,
    report_field="tasks",
    report_type=list[TaskResult] | None,
    report_default=None,
    section=lambda results: [t for r in results for t in r.tasks] if results else None,
    text_lines=task_lines,
    template=_template,
    button="progress",
    button_text=lambda results: statuses_sentence([t for r in results for t in r.tasks]),
    form=_form,
)
