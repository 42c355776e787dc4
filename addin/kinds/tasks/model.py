"""One task row in the report, as of the check date."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

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
