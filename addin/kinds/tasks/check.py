"""附件3 基层组织建设年任务清单: read a task list, match the official tasks, work out each
task's next due date, status, days overdue and warning as of a date.

Pure: works on a `SheetData` and a `TasksSpec`; returns findings, one `TaskResult` per task
row, the computed cells (`CellWrite`s) and the conditional-format rules (`ConditionalFill`s)
that `fill` writes. Where things are on the sheet is `task_layout.py`, the status rules
`task_status.py`, the reading of 时间期限 `deadline.py`.

The date tasks are judged on: the caller's (`--as-of`), else the sheet's own 基准日期 cell
("基准日期" with a date to its right, or "基准日期：2022-07-26"), else today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ... import findings as F
from ...cells import is_blank
from ...deadline import Deadline, cadence_from_text, parse_deadline
from ...findings import Finding
from ...kind import detect_by_labels
from ...locate import Header
from ...sheet_dates import judged_when
from ...task_status import (
    STATUS_LABEL,
    Assessment,
    assess,
    cn_date,
    date_problem,
    milestones_of,
    read_done_dates,
    read_progress,
    warning_text,
)
from ...workbook.model import SheetData, cell_ref, column_letter
from ...writes import CellWrite, ConditionalFill
from .layout import TaskRow, TasksLayout, clip, own, read_layout, text_of
from .model import TaskResult
from .spec import TasksSpec

# The colours of the 状态 values in the computed columns: Excel's own "light red fill with
# dark red text" family, the same hues as the marks of errors and warnings.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "overdue": ("FFC7CE", "9C0006"),
    "due_soon": ("FFEB9C", "9C5700"),
    "done": ("C6EFCE", "006100"),
}


def header_labels(spec: TasksSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels a task-list header of this spec has (required, optional)."""
    labels = spec.labels
    optional = (labels.no, labels.requirement, labels.owner, labels.note)
    return (labels.task, labels.deadline), (*optional, *labels.inputs, *labels.computed)


# (the kind's own `detect`, by name for the tests and callers of this module)
detect = detect_by_labels(header_labels)


@dataclass
class TasksResult:
    layout: TasksLayout
    year: int
    as_of: date
    findings: list[Finding]
    tasks: list[TaskResult]
    writes: list[CellWrite]
    conditional: list[ConditionalFill]

    @property
    def sheet_name(self) -> str:
        return self.layout.sheet.name


def evaluate(
    sheet: SheetData,
    spec: TasksSpec,
    header: Header,
    as_of: date | None = None,
    year: int | None = None,
) -> TasksResult:
    """Check and compute one task sheet. `as_of`: given, else the sheet's 基准日期, else today;
    `year`: given, else the title's, else the spec's."""
    as_of, year, found = judged_when(sheet, header, spec.year, F.TASKS_AS_OF_INVALID, as_of, year)
    layout, layout_found = read_layout(sheet, spec, header)
    found += layout_found
    results: list[TaskResult] = []
    writes = _header_writes(layout)
    for task in layout.rows:
        result, row_findings, assessment = _evaluate_row(layout, task, as_of, year)
        results.append(result)
        found += row_findings
        writes += _row_writes(layout, task, assessment, year)
    return TasksResult(
        layout=layout,
        year=year,
        as_of=as_of,
        findings=found,
        tasks=results,
        writes=writes,
        conditional=status_colours(layout),
    )


# --- one task --------------------------------------------------------------------------------


def _evaluate_row(
    layout: TasksLayout, task: TaskRow, as_of: date, year: int
) -> tuple[TaskResult, list[Finding], Assessment]:
    sheet, spec = layout.sheet, layout.spec
    labels = spec.labels
    r = task.row
    name = text_of(own(sheet, r, layout.col(labels.task))) or (
        task.official.task if task.official else ""
    )
    who = _who(task, name)
    found: list[Finding] = []

    def at(label: str) -> dict:
        c = layout.col(label)
        return {"sheet": sheet.name, "cell": cell_ref(r, c) if c is not None else None}

    raw_deadline = own(sheet, r, layout.col(labels.deadline))
    deadline = _parse(layout, task, raw_deadline, year)
    problem = _deadline_problem(deadline)
    if problem:
        found.append(F.TASKS_DEADLINE_UNPARSED(**at(labels.deadline), task=who, problem=problem))
    for event in deadline.events:
        found.append(
            F.TASKS_DEADLINE_EVENT(**at(labels.deadline), task=who, event=clip(event.name, 30))
        )

    owner = text_of(own(sheet, r, layout.col(labels.owner)))
    if layout.col(labels.owner) is not None and not owner:
        found.append(F.TASKS_OWNER_MISSING(**at(labels.owner), task=who))

    progress_raw = own(sheet, r, layout.col(labels.progress))
    words = spec.progress
    progress = read_progress(progress_raw, words.not_started, words.in_progress, words.done)
    if progress is None:
        allowed = " / ".join([words.not_started, words.in_progress, words.done])
        found.append(
            F.TASKS_PROGRESS_UNKNOWN(
                **at(labels.progress), task=who, value=clip(text_of(progress_raw)), allowed=allowed
            )
        )

    dates, problems = read_done_dates(own(sheet, r, layout.col(labels.done_dates)), year, as_of)
    for bad in problems:
        found.append(
            F.TASKS_DATE_INVALID(
                **at(labels.done_dates),
                task=who,
                value=bad.text,
                problem=date_problem(bad, year, as_of),
            )
        )

    milestones = milestones_of(deadline, spec.cadence_from_month, from_year=spec.year)
    done = progress == "done"
    assessment = assess(milestones, dates, done, as_of, spec.due_soon_days)
    if done and len(dates) < max(len(milestones), 1):
        if dates:
            missing = f"只填写了{len(dates)}个完成日期，时间节点共有{len(milestones)}个"
        else:
            missing = "没有有效的完成日期" if problems else "未填写完成日期"
        found.append(F.TASKS_DONE_WITHOUT_DATE(**at(labels.done_dates), task=who, missing=missing))
    if assessment.status == "overdue":
        found.append(
            F.TASKS_OVERDUE(
                **at(labels.deadline),
                task=who,
                milestone=cn_date(assessment.missed, year),
                days=assessment.days,
                done=labels.done_dates,
            )
        )
    elif assessment.status == "due_soon":
        left = "今天到期" if assessment.days_left == 0 else f"还有{assessment.days_left}天"
        found.append(
            F.TASKS_DUE_SOON(
                **at(labels.deadline), task=who, due=cn_date(assessment.next_due, year), left=left
            )
        )

    days = assessment.days if assessment.status in ("overdue", "done_late") else 0
    result = TaskResult(
        row=r + 1,
        no=task.official.no if task.official else task.no,
        task=name,
        deadline_text=text_of(raw_deadline),
        milestones=milestones,
        next_due=assessment.next_due,
        status=assessment.status,
        days_overdue=days,
        owner=owner or None,
    )
    return result, found, assessment


def _parse(layout: TasksLayout, task: TaskRow, raw: object, year: int) -> Deadline:
    """时间期限 for the year; a 全年 task takes its cadence from 具体要求 ("每月联系…")."""
    spec = layout.spec
    req_col = layout.col(spec.labels.requirement)
    requirement = own(layout.sheet, task.row, req_col) if req_col is not None else None
    if is_blank(requirement) and task.official is not None:
        requirement = task.official.requirement
    text = raw if isinstance(raw, date) else text_of(raw)
    return parse_deadline(
        text,
        year,
        fixed_days=spec.fixed_days,
        cadence_hint=cadence_from_text(text_of(requirement)),
    )


def _deadline_problem(deadline: Deadline) -> str | None:
    if not deadline.text.strip() and not deadline.milestones:
        return "未填写，无法推算截止日期"
    if not deadline.unparsed:
        return None
    text = clip(deadline.text)
    if deadline.milestones or deadline.cadence:
        shown = [f"“{clip(p, 20)}”" for p in deadline.unparsed[:3]]
        pieces = "、".join(shown) + ("等" if len(deadline.unparsed) > 3 else "")
        return f"“{text}”中{pieces}无法识别，已忽略这部分"
    return f"“{text}”无法识别，未推算截止日期"


def _who(task: TaskRow, name: str) -> str:
    if task.official is not None:
        return f"第{task.official.no}项“{clip(name, 20)}”"
    if task.no is not None:
        return f"第{task.no}项“{clip(name, 20)}”"
    return f"第{task.row + 1}行“{clip(name, 20)}”"


# --- computed cells ---------------------------------------------------------------------------


def _header_writes(layout: TasksLayout) -> list[CellWrite]:
    row = layout.header.row
    return [
        CellWrite(layout.sheet.name, row, layout.columns[label], label) for label in layout.created
    ]


def _row_writes(
    layout: TasksLayout, task: TaskRow, assessment: Assessment, year: int
) -> list[CellWrite]:
    """截止日期 / 状态 / 逾期天数 / 预警 of one row. These columns are Jiceng's: what was there
    is replaced without a record (it is the previous run's result or a stale copy of it)."""
    labels = layout.spec.labels
    late = assessment.status in ("overdue", "done_late")
    values = {
        labels.due: assessment.next_due,
        labels.status: STATUS_LABEL[assessment.status],
        labels.days_overdue: assessment.days if late else None,
        labels.warning: warning_text(assessment, year),
    }
    name = layout.sheet.name
    return [CellWrite(name, task.row, layout.columns[label], v) for label, v in values.items()]


def status_colours(layout: TasksLayout) -> list[ConditionalFill]:
    """Red 已逾期 / amber 即将到期 / green 已完成 over the computed columns of the task rows,
    keyed on the row's 状态 cell so the colour follows the value whoever changes it."""
    if not layout.rows:
        return []
    labels = layout.spec.labels
    top = min(t.row for t in layout.rows)
    bottom = max(t.row for t in layout.rows)
    return conditional_fills(
        layout.sheet.name,
        status_col=layout.columns[labels.status],
        columns=[layout.columns[label] for label in labels.computed],
        top=top,
        bottom=bottom,
    )


def conditional_fills(
    sheet: str, status_col: int, columns: list[int], top: int, bottom: int
) -> list[ConditionalFill]:
    """The colour rules for rows top..bottom (0-based), one range per run of adjacent columns."""
    ranges = []
    for c in sorted(set(columns)):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    status = f"${column_letter(status_col)}{top + 1}"
    rules = []
    for key, (fill, font) in STATUS_COLOURS.items():
        formula = f'{status}="{STATUS_LABEL[key]}"'
        for left, right in ranges:
            ref = f"{cell_ref(top, left)}:{cell_ref(bottom, right)}"
            rules.append(ConditionalFill(sheet, ref, formula, fill, font))
    return rules
