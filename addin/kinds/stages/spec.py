"""The stage-plan spec (项目推进表): stages with a time span, work items, 责任单位."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from ...spec import SpecModel as _Model
from ..tasks.spec import ProgressValues


class StageItem(_Model):
    """One work item of a stage, as the plan prints it."""

    no: int
    work: str
    owner: str = ""
    time: str = ""  # its own 时间 (“3月17日前”); blank: the stage's


class Stage(_Model):
    name: str
    time: str  # “2012年2月下旬至3月中旬”, “3月上旬—4月中旬”: start and end
    items: list[StageItem] = Field(min_length=1)


class StageLabels(_Model):
    stage: str = "阶段"
    no: str = "序号"
    work: str = "工作内容"
    time: str = "时间安排"
    owner: str = "责任单位"
    progress: str = "完成情况"  # input: 未开始 / 进行中 / 已完成
    done_dates: str = "完成日期"  # input: one date per milestone
    start: str = "开始日期"  # computed from here on
    due: str = "截止日期"
    status: str = "状态"
    days_overdue: str = "逾期天数"
    warning: str = "预警"

    @property
    def inputs(self) -> list[str]:
        return [self.progress, self.done_dates]

    @property
    def computed(self) -> list[str]:
        return [self.start, self.due, self.status, self.days_overdue, self.warning]


class StagesSpec(_Model):
    kind: Literal["stages"]
    id: str
    title: str
    attachment: str = ""
    year: int = Field(ge=1900, le=9999)
    years: list[int] = Field(default_factory=list)
    due_soon_days: int = Field(7, ge=0)
    cadence_from_month: int = Field(1, ge=1, le=12)
    labels: StageLabels = StageLabels()
    progress: ProgressValues = ProgressValues()
    fixed_days: dict[str, tuple[int, int]] = Field(default_factory=dict)
    stages: list[Stage] = Field(min_length=1)

    @property
    def items(self) -> list[tuple[Stage, StageItem]]:
        return [(stage, item) for stage in self.stages for item in stage.items]

    @model_validator(mode="after")
    def _consistent(self) -> StagesSpec:
        from ...deadline import parse_deadline

        numbers = [item.no for _, item in self.items]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"工作项序号重复：{sorted(numbers)}")
        for name, (month, day) in self.fixed_days.items():
            try:
                date(2000, month, day)
            except ValueError:
                raise ValueError(f"纪念日“{name}”的日期 {month}月{day}日 不存在") from None
        for stage, item in self.items:
            text = item.time or stage.time
            if not parse_deadline(text, self.year, fixed_days=self.fixed_days).ok:
                raise ValueError(f"第{item.no}项的时间“{text}”无法识别")
        return self
