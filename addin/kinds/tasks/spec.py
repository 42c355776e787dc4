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


class TaskLabels(_Model):
    no: str = "序号"
    task: str = "任务"
    requirement: str = "具体要求"
    deadline: str = "时间期限"
    owner: str = "责任人"
    note: str = "备注"
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


class ProgressValues(_Model):
    """The words allowed in the 完成情况 column."""

    not_started: str = "未开始"
    in_progress: str = "进行中"
    done: str = "已完成"


class TasksSpec(_Model):
    kind: Literal["tasks"]
    id: str
    title: str
    attachment: str = ""
    year: int = Field(ge=1900, le=9999)
    due_soon_days: int = Field(7, ge=0)
    # Periodic tasks (每月…) count periods from this month on (the plan was issued in April).
    cadence_from_month: int = Field(1, ge=1, le=12)
    labels: TaskLabels = TaskLabels()
    progress: ProgressValues = ProgressValues()
    fixed_days: dict[str, tuple[int, int]] = Field(default_factory=dict)
    tasks: list[TaskItem]

    @model_validator(mode="after")
    def _consistent(self) -> TasksSpec:
        from ...deadline import parse_deadline

        numbers = [t.no for t in self.tasks]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"任务序号重复：{sorted(numbers)}")
        for name, (month, day) in self.fixed_days.items():
            try:
                date(2000, month, day)  # a leap year: 2月29日 is a valid fixed day
            except ValueError:
                raise ValueError(f"纪念日“{name}”的日期 {month}月{day}日 不存在") from None
        for task in self.tasks:
            parsed = parse_deadline(task.deadline, self.year, fixed_days=self.fixed_days)
            if not parsed.ok:
                raise ValueError(f"第{task.no}项的时间期限“{task.deadline}”无法识别")
        return self
