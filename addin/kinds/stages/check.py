"""项目推进表 (stage plan): stages with a time span, work items per stage, 责任单位, and each
item's start, next due date, status and warning as of a date.

Pure: works on a `SheetData` and a `StagesSpec`. A stage's time is a range (“3月上旬—4月中旬”)
read by `deadline.py` with both ends kept: past its start an item still 未开始 is 未按期启动;
past its end without a completion date it is 已逾期 — the task list's rules (`task_status.py`)
plus the start.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from ...cells import clip, fold, is_blank
from ...deadline import Deadline, parse_deadline
from ...findings import Finding
from ...kind import detect_by_labels
from ...labelled import repeats_header
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
from ...workbook.model import SheetData, cell_ref
from ...writes import CellWrite, ConditionalFill
from ..tasks.check import STATUS_COLOURS, conditional_fills
from ..tasks.layout import add_columns, own, row_number, text_of
from . import findings as F
from .model import StageResult
from .spec import Stage, StageItem, StagesSpec

NOT_STARTED_LATE = "not_started_late"
_LATE_START_COLOURS = ("FFEB9C", "9C5700")  # amber, like 即将到期: chase it, not yet late


def header_labels(spec: StagesSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels a stage-plan header of this spec has (required, optional)."""
    labels = spec.labels
    optional = (labels.stage, labels.no, labels.owner, *labels.inputs, *labels.computed)
    return (labels.work, labels.time), optional


# (the kind's own `detect`, by name for the tests and callers of this module)
detect = detect_by_labels(header_labels)


@dataclass
class StageRow:
    row: int  # 0-based
    stage: str
    official: tuple[Stage, StageItem] | None = None


@dataclass
class StagesLayout:
    sheet: SheetData
    spec: StagesSpec
    header: Header
    rows: list[StageRow] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    def col(self, label: str) -> int | None:
        return self.columns.get(label)


@dataclass
class StagesResult:
    layout: StagesLayout
    year: int
    as_of: date
    findings: list[Finding]
    items: list[StageResult]
    writes: list[CellWrite]
    conditional: list[ConditionalFill]

    @property
    def sheet_name(self) -> str:
        return self.layout.sheet.name


def evaluate(
    sheet: SheetData,
    spec: StagesSpec,
    header: Header,
    as_of: date | None = None,
    year: int | None = None,
) -> StagesResult:
    """`as_of`: given, else the sheet's 基准日期, else today; `year`: given, else the title's,
    else the spec's."""
    as_of, year, found = judged_when(sheet, header, spec.year, F.STAGES_AS_OF_INVALID, as_of, year)
    layout, layout_found = read_layout(sheet, spec, header)
    found += layout_found
    items: list[StageResult] = []
    writes = [
        CellWrite(sheet.name, header.row, layout.columns[label], label) for label in layout.created
    ]
    for row in layout.rows:
        result, row_found, assessment = _evaluate_row(layout, row, as_of, year)
        items.append(result)
        found += row_found
        writes += _row_writes(layout, row, result, assessment, year)
    return StagesResult(layout, year, as_of, found, items, writes, _colours(layout))


# --- layout ------------------------------------------------------------------------------------


def read_layout(
    sheet: SheetData, spec: StagesSpec, header: Header
) -> tuple[StagesLayout, list[Finding]]:
    labels = spec.labels
    layout = StagesLayout(sheet=sheet, spec=spec, header=header, columns=dict(header.columns))
    work_col = header.col(labels.work)
    stage_col = header.col(labels.stage)
    stage = ""
    for r in range(header.row + 1, sheet.height):
        named = own(sheet, r, stage_col) if stage_col is not None else None
        if not is_blank(named):
            stage = text_of(named)  # merged over its items, or typed on the first one only
        if is_blank(own(sheet, r, work_col)):
            continue  # a stage title row, blank lines, the office and date under the table
        if repeats_header(sheet, r, header):
            continue
        layout.rows.append(StageRow(row=r, stage=stage))
    found = _match_official(layout)
    layout.created = add_columns(layout.columns, max(layout.columns.values()), labels)
    return layout, found


def _match_official(layout: StagesLayout) -> list[Finding]:
    """Rows to the plan's work items: the 序号, else the closest text (≥ 0.75 alike)."""
    labels = layout.spec.labels
    official = {item.no: (stage, item) for stage, item in layout.spec.items}
    left = dict(official)
    for row in layout.rows:
        no = row_number(own(layout.sheet, row.row, layout.col(labels.no)))
        work = fold(own(layout.sheet, row.row, layout.col(labels.work)))
        if no in left and _alike(work, left[no][1].work) >= 0.5:
            row.official = left.pop(no)
            continue
        best = max(left.values(), key=lambda pair: _alike(work, pair[1].work), default=None)
        if best is not None and _alike(work, best[1].work) >= 0.75:
            row.official = left.pop(best[1].no)
    return [
        F.STAGES_ITEM_MISSING(sheet=layout.sheet.name, no=item.no, work=clip(item.work))
        for _, item in left.values()
    ]


def _alike(folded: str, official: str) -> float:
    return difflib.SequenceMatcher(None, folded, fold(official)).ratio()


# --- one item ----------------------------------------------------------------------------------


def _evaluate_row(
    layout: StagesLayout, row: StageRow, as_of: date, year: int
) -> tuple[StageResult, list[Finding], Assessment]:
    sheet, spec = layout.sheet, layout.spec
    labels = spec.labels
    r = row.row
    work = text_of(own(sheet, r, layout.col(labels.work)))
    stage_name = row.stage or (row.official[0].name if row.official else "")
    no = row.official[1].no if row.official else row_number(own(sheet, r, layout.col(labels.no)))
    who = f"第{no}项“{clip(work, 20)}”" if no is not None else f"第{r + 1}行“{clip(work, 20)}”"
    found: list[Finding] = []

    def at(label: str) -> dict:
        c = layout.col(label)
        return {"sheet": sheet.name, "cell": cell_ref(r, c) if c is not None else None}

    time_text = text_of(own(sheet, r, layout.col(labels.time)))
    if not time_text and row.official is not None:
        stage, item = row.official
        time_text = item.time or stage.time
    deadline = parse_deadline(time_text, year, fixed_days=spec.fixed_days)
    problem = _deadline_problem(deadline, time_text)
    if problem:
        found.append(F.STAGES_DEADLINE_UNPARSED(**at(labels.time), item=who, problem=problem))

    owner = text_of(own(sheet, r, layout.col(labels.owner)))
    if layout.col(labels.owner) is not None and not owner:
        found.append(F.STAGES_OWNER_MISSING(**at(labels.owner), item=who))

    words = spec.progress
    progress_raw = own(sheet, r, layout.col(labels.progress))
    progress = read_progress(progress_raw, words.not_started, words.in_progress, words.done)
    if progress is None:
        allowed = " / ".join([words.not_started, words.in_progress, words.done])
        shown = clip(text_of(progress_raw))
        found.append(
            F.STAGES_PROGRESS_UNKNOWN(**at(labels.progress), item=who, value=shown, allowed=allowed)
        )
    dates, problems = read_done_dates(own(sheet, r, layout.col(labels.done_dates)), year, as_of)
    for bad in problems:
        found.append(
            F.STAGES_DATE_INVALID(
                **at(labels.done_dates),
                item=who,
                value=bad.text,
                problem=date_problem(bad, year, as_of),
            )
        )

    milestones = milestones_of(deadline, spec.cadence_from_month)
    start = deadline.milestones[0].start if deadline.milestones else None
    done = progress == "done"
    assessment = assess(milestones, dates, done, as_of, spec.due_soon_days)
    status, days = assessment.status, assessment.days
    if done and len(dates) < max(len(milestones), 1):
        missing = "未填写完成日期" if not dates and not problems else "完成日期少于时间节点"
        found.append(F.STAGES_DONE_WITHOUT_DATE(**at(labels.done_dates), item=who, missing=missing))
    if status == "overdue":
        found.append(
            F.STAGES_OVERDUE(
                **at(labels.time), item=who, days=days, milestone=cn_date(assessment.missed, year)
            )
        )
    elif (
        status in ("on_track", "due_soon")
        and start is not None
        and as_of > start
        and progress in ("not_started", "")
        and not dates
    ):
        # Started on paper, not in fact: the range's start has passed and nothing is reported.
        status, days = NOT_STARTED_LATE, (as_of - start).days
        said = words.not_started if progress == "not_started" else "未填写"
        found.append(
            F.STAGES_NOT_STARTED_LATE(
                **at(labels.progress),
                item=who,
                start=cn_date(start, year),
                days=days,
                progress=said,
            )
        )
    elif status == "due_soon":
        left = "今天到期" if assessment.days_left == 0 else f"还有{assessment.days_left}天"
        found.append(
            F.STAGES_DUE_SOON(
                **at(labels.time), item=who, due=cn_date(assessment.next_due, year), left=left
            )
        )
    if status not in ("overdue", "done_late", NOT_STARTED_LATE):
        days = 0
    result = StageResult(
        row=r + 1,
        no=no,
        stage=stage_name,
        work=work,
        time_text=time_text,
        start=start,
        milestones=milestones,
        next_due=assessment.next_due,
        status=status,
        days_overdue=days,
        owner=owner or None,
    )
    return result, found, assessment


def _deadline_problem(deadline: Deadline, text: str) -> str | None:
    if not text.strip():
        return "未填写，无法推算开始和截止日期"
    if deadline.unparsed and not deadline.milestones:
        return f"“{clip(text)}”无法识别，未推算日期"
    if deadline.unparsed:
        return f"“{clip(text)}”中有无法识别的部分，已忽略"
    return None


# --- computed cells ----------------------------------------------------------------------------


def status_label(status: str) -> str:
    return "未按期启动" if status == NOT_STARTED_LATE else STATUS_LABEL[status]


def _row_writes(
    layout: StagesLayout, row: StageRow, result: StageResult, assessment: Assessment, year: int
) -> list[CellWrite]:
    labels = layout.spec.labels
    if result.status == NOT_STARTED_LATE:
        warning = f"未按期启动：应于{cn_date(result.start, year)}开始，已过{result.days_overdue}天"
    else:
        warning = warning_text(assessment, year)
    late = result.status in ("overdue", "done_late", NOT_STARTED_LATE)
    values = {
        labels.start: result.start,
        labels.due: result.next_due,
        labels.status: status_label(result.status),
        labels.days_overdue: result.days_overdue if late else None,
        labels.warning: warning,
    }
    name = layout.sheet.name
    return [CellWrite(name, row.row, layout.columns[label], v) for label, v in values.items()]


def _colours(layout: StagesLayout) -> list[ConditionalFill]:
    if not layout.rows:
        return []
    labels = layout.spec.labels
    return status_fills(
        layout.sheet.name,
        status_col=layout.columns[labels.status],
        columns=[layout.columns[label] for label in labels.computed],
        top=min(row.row for row in layout.rows),
        bottom=max(row.row for row in layout.rows),
    )


def status_fills(
    sheet: str, status_col: int, columns: list[int], top: int, bottom: int
) -> list[ConditionalFill]:
    """The task list's status colours, plus amber for 未按期启动, keyed on the 状态 cell."""
    rules = conditional_fills(sheet, status_col, columns, top, bottom)
    marker = f'="{STATUS_LABEL["due_soon"]}"'
    fill, font = _LATE_START_COLOURS
    for rule in [r for r in rules if r.fill == STATUS_COLOURS["due_soon"][0]]:
        formula = rule.formula.replace(marker, f'="{status_label(NOT_STARTED_LATE)}"')
        rules.append(ConditionalFill(rule.sheet, rule.ref, formula, fill, font))
    return rules
