"""The report model: what `check` found, as data. Renderers (text, JSON, ...) read only this."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from .. import __version__
from ..findings import Finding
from .inbox_model import BatchSections

FileStatus = Literal["ok", "errors", "unreadable"]


class BranchResult(BaseModel):
    sheet: str
    name: str
    total: int | float | None
    grade: str | None
    categories: dict[str, int | float | None]
    spec: str = Field(default="", description="id of the rubric spec the sheet was read with")


class SummaryRow(BaseModel):
    """One branch row of the summary table (附件2)."""

    no: int | None = Field(description="the 序号 typed in the row")
    name: str
    score: int | float | None = Field(description="评分分数 (taken from the rubric when blank)")
    grade: str | None = Field(description="the grade the score gives under the rubric's bands")
    rubric_total: int | float | None = Field(description="total of this branch's rubric sheet")
    last_year: str | None = Field(default=None, description="上年定级, when that column exists")
    moved_up: bool | None = Field(default=None, description="晋位升级: better than last year")


class SummaryReport(BaseModel):
    """The summary sheet of a submission: header fields, rows, counts and the plan's targets."""

    sheet: str
    spec: str = ""
    unit: str | None
    reporter: str | None
    phone: str | None
    rows: list[SummaryRow]
    counts: dict[str, int] | None = Field(description="branches per grade; null if any is unknown")
    conversion_rate: float | None = Field(
        description="share of last year's lowest-grade branches no longer lowest"
    )
    conversion_target: float | None = None
    top_grade_share: float | None = None
    top_grade_target: float | None = None


TaskStatus = Literal["done", "done_late", "overdue", "due_soon", "on_track", "unknown"]


class TaskResult(BaseModel):
    """One row of a task list (附件3) as of the check date."""

    row: int = Field(description="1-based row number in the sheet")
    no: int | None = Field(description="the task's 序号 (official number when matched)")
    task: str
    deadline_text: str
    milestones: list[date]
    next_due: date | None = Field(description="the first milestone without a completion date")
    status: TaskStatus
    days_overdue: int = Field(description="days past the missed milestone, or days finished late")
    owner: str | None


class FileReport(BaseModel):
    path: str
    status: FileStatus
    findings: list[Finding] = Field(default_factory=list)
    branches: list[BranchResult] = Field(default_factory=list)
    summary: SummaryReport | None = None
    tasks: list[TaskResult] | None = None
    as_of: date | None = Field(
        default=None,
        description="the date the task list was judged on: --as-of, else its 基准日期, else today",
    )
    filed_on: date | None = Field(
        default=None, description="a 填报日期 field above the summary table, when there is one"
    )

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


class Report(BaseModel):
    tool: str = "jiceng"
    version: str = __version__
    files: list[FileReport] = Field(default_factory=list)
    batch: BatchSections | None = Field(
        default=None, description="the inbox as a whole: only in a batch's report.json"
    )

    @property
    def exit_code(self) -> int:
        """0 = no errors, 1 = errors found, 2 = a file could not be read at all."""
        if any(f.status == "unreadable" for f in self.files):
            return 2
        if any(f.status == "errors" for f in self.files):
            return 1
        return 0
