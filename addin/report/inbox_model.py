"""What a batch adds to the report about the inbox as a whole: resubmissions, the roster (who
has not submitted), task progress across units, year over year. Data only; the modules that
compute it (duplicates, roster, task_progress, year_over_year) use pandas and run only in the
batch front end, never in the checks.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _InboxModel(BaseModel):
    """A batch's section of the report. Its validator is built when a batch first makes or reads
    one (`defer_build`), not when a `check` imports the report model: a check has none."""

    model_config = ConfigDict(defer_build=True)


DuplicateRule = Literal["filed_on", "modified"]


class Duplicate(_InboxModel):
    """One 党总支 in several files of the same kind: one counts, the others are listed only."""

    unit: str
    kind: Literal["grades", "tasks"] = Field(description="定级材料 (summary/rubrics) or 任务清单")
    counted: str = Field(description="the file whose grades / tasks are counted")
    superseded: list[str] = Field(description="the other files: checked, not counted")
    rule: DuplicateRule = Field(
        description="filed_on: the later 填报日期 of every file; modified: the later file time"
    )
    dates: dict[str, str] = Field(description="file → the 填报日期 or modification time compared")


class RosterEntry(_InboxModel):
    unit: str
    branch: str | None = None
    files: list[str] = Field(default_factory=list, description="submitted files naming it")


class Suggestion(_InboxModel):
    """A near miss between a roster name and a submitted one: shown, never merged."""

    level: Literal["unit", "branch"]
    unit: str | None = Field(description="the roster 党总支 a branch suggestion is under")
    roster: str
    submitted: str
    similarity: float


class RosterReport(_InboxModel):
    source: str = Field(description="the roster file")
    units_expected: int
    units_submitted: int = Field(description="roster units with at least one submitted file")
    branches_expected: int
    missing_units: list[str] = Field(description="roster units without any file")
    unknown_units: list[RosterEntry] = Field(description="submitted units not in the roster")
    missing_branches: list[RosterEntry] = Field(
        description="roster branches in no summary row and no rubric sheet of their unit"
    )
    unknown_branches: list[RosterEntry] = Field(
        description="branches submitted under a roster unit but not in the roster"
    )
    suggestions: list[Suggestion]


class TaskProgressRow(_InboxModel):
    unit: str
    file: str
    row: int
    no: int | None
    task: str
    status: str = Field(description="a TaskResult status")
    deadline_text: str
    next_due: date | None
    days_overdue: int
    owner: str | None


class TaskProgressFile(_InboxModel):
    unit: str
    file: str
    as_of: date | None = Field(description="the date its tasks were judged on (基准日期)")
    counts: dict[str, int] = Field(description="tasks per status")


class TaskProgress(_InboxModel):
    rows: list[TaskProgressRow]
    files: list[TaskProgressFile]
    counts: dict[str, int] = Field(description="tasks per status, every counted file")
    overdue: int
    due_soon: int


class StageProgressRow(_InboxModel):
    unit: str
    file: str
    row: int
    no: int | None
    stage: str = Field(description="the stage (阶段) the work item belongs to")
    work: str
    status: str = Field(description="a StageResult status")
    time_text: str = Field(description="the 时间安排 the item is judged by")
    start: date | None
    next_due: date | None
    days_overdue: int
    owner: str | None


class StageProgress(_InboxModel):
    rows: list[StageProgressRow]
    counts: dict[str, int] = Field(description="work items per status, every counted file")
    overdue: int = Field(description="work items overdue or not started on time")
    due_soon: int


class BranchYear(_InboxModel):
    unit: str
    branch: str
    grade: str | None = Field(description="this year's grade")
    last_year: str | None = Field(
        description="上年定级 used (typed in the summary, else last year's report)"
    )
    source: Literal["typed", "last_report", "none"]
    moved_up: bool | None = Field(description="晋位升级: a better grade than last year")
    last_report_grade: str | None = Field(default=None, description="last year's report says")
    in_last_report: bool = Field(
        default=False, description="last year's report lists the branch (graded or not)"
    )


class UnitConversion(_InboxModel):
    unit: str
    lowest_last_year: int = Field(description="branches with the lowest grade last year")
    converted: int = Field(description="of them, no longer lowest this year")
    rate: float | None
    meets_target: bool | None


class YearOverYear(_InboxModel):
    source: str = Field(description="last year's report.json")
    target: float | None = Field(description="the spec's 后进转化率 target (0.5 in 2022)")
    branches: list[BranchYear]
    units: list[UnitConversion]
    college: UnitConversion
    moved_up: int
    without_last_year: int = Field(description="branches with no grade from last year")


class Interrupted(_InboxModel):
    """A batch stopped (Ctrl-C, SIGTERM) before every file was checked or every 整改通知 was
    written: the report covers the files checked; the others are listed here (and as
    未检查（已中断） in 汇总报告's 文件 sheet), and so are the notices not written."""

    files: int = Field(description="files in the inbox to check (not those only listed)")
    checked: int = Field(description="files checked (or reused) before the run stopped")
    not_checked: list[str] = Field(description="the files not checked, in the inbox's order")
    notices_not_written: list[str] = Field(
        default_factory=list,
        description="units whose 整改通知 the stop left unwritten (the next run writes them)",
    )
    notice_pdfs_not_made: int = Field(
        default=0, description="整改通知 written whose PDF the stop left unmade"
    )


class SupportItem(_InboxModel):
    """An item inside a weak category that lost points."""

    no: int
    text: str
    score: int | float
    points: int | float
    lost: int | float


class SupportArea(_InboxModel):
    """A category (or item, or rater) of one branch: score against its maximum."""

    name: str
    score: int | float = Field(description="as shown: exact up to four decimals, else cut")
    maximum: int | float
    share: float = Field(description="score / maximum, cut to four decimals (ordered exactly)")
    gap: int | float = Field(description="maximum − score")
    lost_items: list[SupportItem] = Field(
        default_factory=list, description="items inside that lost the most points, most first"
    )
    tied_with: list[str] = Field(
        default_factory=list, description="areas with the same share and gap, not named"
    )


class SupportPartner(_InboxModel):
    """The top-grade branch proposed for 帮扶."""

    unit: str
    branch: str
    file: str
    sheet: str
    area: SupportArea = Field(description="the partner's own score in the weakest area")
    same_unit: bool = Field(description="from the same 党总支")


class SupportBranch(_InboxModel):
    """A branch graded below the top grade (or not graded): its 薄弱环节 and a 帮扶 partner."""

    unit: str
    branch: str
    file: str
    sheet: str | None = Field(description="its rubric sheet (None: named in a summary only)")
    grade: str | None
    total: int | float | None
    basis: Literal["categories", "items"] | None = Field(
        description="what is ordered: the rubric's categories, or its items (one category)"
    )
    areas: list[SupportArea] = Field(description="every readable area, weakest first")
    weakest: list[SupportArea] = Field(
        description="the one or two named: below the top grade's share, weakest first"
    )
    unreadable: list[str] = Field(
        default_factory=list, description="areas with an item not read: no weakest is guessed"
    )
    raters: list[SupportArea] = Field(
        default_factory=list, description="weighted raters, lowest share first"
    )
    lines: list[str] = Field(description="the 薄弱环节 as sentences (校验结果, 整改通知)")
    partner: SupportPartner | None = None
    partner_note: str | None = Field(default=None, description="why no partner is proposed")
    baofu: str | None = Field(
        default=None,
        description="包扶: the roster's committee member, on the lowest grade's rows only",
    )


class SupportReport(_InboxModel):
    per_partner: int = Field(description="branches one top-grade branch is proposed to help")
    branches: list[SupportBranch] = Field(description="worst grade first, then lowest total")
    note: str | None = Field(
        default=None, description="about the inbox as a whole (no top-grade branch in it)"
    )


class BatchSections(_InboxModel):
    """The inbox as a whole (only in a batch's report.json; null in `check --format json`)."""

    checked_on: date = Field(description="检查日期: the day the batch ran")
    as_of: date | None = Field(description="--as-of when given (else each task list's 基准日期)")
    duplicates: list[Duplicate] = Field(default_factory=list)
    excluded: list[str] = Field(
        default_factory=list, description="files superseded by a resubmission: not counted"
    )
    roster: RosterReport | None = None
    tasks: TaskProgress | None = None
    stages: StageProgress | None = Field(
        default=None, description="the stage plans' (项目推进表) work items, most urgent first"
    )
    year_over_year: YearOverYear | None = None
    support: SupportReport | None = Field(
        default=None, description="巩固先进、推动一般、整顿后进: 薄弱环节 and 帮扶 per branch"
    )
    reused: int = Field(
        default=0,
        description="files whose result an earlier run into the same folder made (unchanged "
        "files, same version, specs and options); the others were checked in this run",
    )
    interrupted: Interrupted | None = Field(
        default=None, description="the run was stopped before every file was checked"
    )


__all__ = [
    "BatchSections",
    "BranchYear",
    "Duplicate",
    "Interrupted",
    "RosterEntry",
    "RosterReport",
    "StageProgress",
    "StageProgressRow",
    "Suggestion",
    "SupportArea",
    "SupportBranch",
    "SupportItem",
    "SupportPartner",
    "SupportReport",
    "TaskProgress",
    "TaskProgressFile",
    "TaskProgressRow",
    "UnitConversion",
    "YearOverYear",
]
