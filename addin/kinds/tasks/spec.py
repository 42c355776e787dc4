"""The task-list spec (附件3 任务清单): the official tasks, their 时间期限, the column labels."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ...spec import SpecModel as _Model


class TaskItem(_Model):
    """One official task of 附件3, as printed."""

    no: int
    task: str
    requirement: str = ""
    deadline: str
    owner: str = ""
    note: str = ""


class ProgressLabels(_Model):
    """The columns of a list tracked against dates (task list, stage plan): what staff fill,
    then what Jiceng computes."""

    progress: str = "完成情况"  # input: 未开始 / 进行中 / 已完成
    done_dates: str = "完成日期"  # input: one date per milestone
    due: str = "截止日期"  # computed from here on
    status: str = "状态"
    days_overdue: str = "逾期天数"
    warning: str = "预警"

    @property
    def inputs(self) -> list[str]:
        return [self.progress, self.done_dates]

    @property
    def computed(self) -> list[str]:
        return [self.due, self.status, self.days_overdue, self.warning]


class TaskLabels(ProgressLabels):
    no: str = "序号"
    task: str = "任务"
    requirement: str = "具体要求"
    deadline: str = "时间期限"
    owner: str = "责任人"
    note: str = "备注"


class ProgressValues(_Model):
    """The words allowed in the 完成情况 column."""

    not_started: str = "未开始"
    in_progress: str = "进行中"
    done: str = "已完成"


class TrackedSpec(_Model):
    """What a list tracked against dates needs besides its rows: the year its wordings are
    read in, the due-soon window, the start of cadences, the 完成情况 words, named days."""

    year: int = Field(ge=1900, le=9999)
    due_soon_days: int = Field(7, ge=0)
    # Periodic tasks (每月…) count periods from this month on (the 2022 plan was issued in April).
    cadence_from_month: int = Field(1, ge=1, le=12)
    progress: ProgressValues = ProgressValues()
    fixed_days: dict[str, tuple[int, int]] = Field(default_factory=dict)

    def _check_dates(self, what: str, column: str, entries: list[tuple[int, str]]) -> None:
        """Numbers unique, fixed days real, every wording readable (ValueError otherwise)."""
        from ...deadline import parse_deadline

        numbers = [no for no, _ in entries]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{what}序号重复：{sorted(numbers)}")
        for name, (month, day) in self.fixed_days.items():
            try:
                date(2000, month, day)  # a leap year: 2月29日 is a valid fixed day
            except ValueError:
                raise ValueError(f"纪念日“{name}”的日期 {month}月{day}日 不存在") from None
        for no, text in entries:
            if not parse_deadline(text, self.year, fixed_days=self.fixed_days).ok:
                raise ValueError(f"第{no}项的{column}“{text}”无法识别")


class TasksSpec(TrackedSpec):
    kind: Literal["tasks"]
    id: str
    title: str
    attachment: str = ""
    labels: TaskLabels = TaskLabels()
    tasks: list[TaskItem]

    @model_validator(mode="after")
    def _consistent(self) -> TasksSpec:
        self._check_dates("任务", "时间期限", [(t.no, t.deadline) for t in self.tasks])
        return self
