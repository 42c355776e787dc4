"""One work item of a stage plan in the report, as of the check date."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

StageStatus = Literal[
    "done", "done_late", "overdue", "not_started_late", "due_soon", "on_track", "unknown"
]


class StageResult(BaseModel):
    row: int = Field(description="1-based row number in the sheet")
    no: int | None = Field(description="the item's 序号 (official number when matched)")
    stage: str
    work: str
    time_text: str = Field(description="the 时间安排 the item is judged by")
    start: date | None = Field(description="when work should have started (ranges only)")
    milestones: list[date]
    next_due: date | None
    status: StageStatus
    days_overdue: int = Field(
        description="days past the missed milestone, days finished late, or days since the "
        "start for not_started_late"
    )
    owner: str | None
