"""The stage-plan spec (项目推进表): stages with a time span, work items, 责任单位."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ...spec import SpecModel as _Model
from ..tasks.spec import ProgressLabels, TrackedSpec


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


class StageLabels(ProgressLabels):
    stage: str = "阶段"
    no: str = "序号"
    work: str = "工作内容"
    time: str = "时间安排"
    owner: str = "责任单位"
    start: str = "开始日期"  # computed, before the task list's 截止日期 / 状态 / …

    @property
    def computed(self) -> list[str]:
        return [self.start, *super().computed]


class StagesSpec(TrackedSpec):
    kind: Literal["stages"]
    id: str
    title: str
    attachment: str = ""
    years: list[int] = Field(default_factory=list)
    labels: StageLabels = StageLabels()
    stages: list[Stage] = Field(min_length=1)

    @property
    def items(self) -> list[tuple[Stage, StageItem]]:
        return [(stage, item) for stage in self.stages for item in stage.items]

    @model_validator(mode="after")
    def _consistent(self) -> StagesSpec:
        times = [(item.no, item.time or stage.time) for stage, item in self.items]
        self._check_dates("工作项", "时间安排", times)
        return self
