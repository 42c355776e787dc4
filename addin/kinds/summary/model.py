"""The summary sheet in the report: header fields, rows, counts and the plan's targets."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SummaryRow(BaseModel):
    """One branch row of the summary table (附件2)."""

    no: int | None = Field(description="the 序号 typed in the row")
    name: str
    score: int | float | None = Field(description="评分分数 (taken from the rubric when blank)")
    grade: str | None = Field(description="the grade the score gives under the rubric's bands")
    rubric_total: int | float | None = Field(description="total of this branch's rubric sheet")
    last_year: str | None = Field(default=None, description="上年定级, when that column exists")
    moved_up: bool | None = Field(default=None, description="晋位升级: better than last year")


class TargetResult(BaseModel):
    """One of the plan's target shares, judged for the sheet's year."""

    grades: list[str] = Field(description="the grades counted")
    share: float = Field(description="their share of the graded branches (0–1)")
    target: float = Field(description="the share aimed at (0–1)")
    year: int | None = Field(description="the year the target is for; null: every year")
    met: bool


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
    year: int | None = Field(default=None, description="the sheet's year (title, else 基准日期)")
    targets: list[TargetResult] = Field(default_factory=list)
    entity: str = Field(default="党支部", description="what a row is: 党支部 / 党员 / 党总支")
