"""The summary spec (附件2 党支部分类定级汇总表): labels, rows, the plan's targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from ...spec import ExactNumber, SpecError, SpecSet
from ...spec import SpecModel as _Model
from ..rubric.spec import RubricSpec


class SummaryLabels(_Model):
    unit: str = "填报单位（盖章）"
    reporter: str = "填报人及职务"
    phone: str = "联系电话"
    no: str = "序号"
    branch: str = "党支部名称"
    score: str = "评分分数"
    grade: str = "分类定级结果"
    last_year: str = "上年定级"  # optional column: 晋位升级 and the 后进转化率 need it
    total: str = "合计"
    # grade → its label in the 合计 row; a grade not listed is counted under "<grade>数"
    counts: dict[str, str] = Field(default_factory=dict)


class Target(_Model):
    """A share the plan aims at: branches graded one of `grades`, out of all graded ones.

    `year`: the year it applies to (2020: 20 %, 2021: 30 % …), judged by the sheet's year;
    None: every year. `{grades = ["先进", "较好"], share = 1}` is “先进和较好的比例达到100%”."""

    year: int | None = Field(None, ge=1900, le=9999)
    grades: list[str] = Field(min_length=1)
    share: ExactNumber = Field(ge=0, le=1)


class SummarySpec(_Model):
    """附件2: the summary a 党总支 sends up, graded with the bands of the rubric it names."""

    kind: Literal["summary"]
    id: str
    title: str
    attachment: str = ""
    year: int | None = None
    years: list[int] = Field(default_factory=list)  # for several years: chosen by the sheet's
    rubric: str = Field(description="id of the rubric spec whose grading bands apply")
    rows: int = Field(10, ge=1, le=500, description="numbered blank rows in the template")
    labels: SummaryLabels = SummaryLabels()
    # 后进转化率 target: share of last year's lowest-grade branches no longer lowest (0–1)
    conversion_target: Decimal | None = Field(None, ge=0, le=1)
    # share of branches at the top grade the year aims at (0–1): `targets` with the top grade
    top_grade_target: Decimal | None = Field(None, ge=0, le=1)
    targets: list[Target] = Field(default_factory=list)

    def count_label(self, grade: str) -> str:
        return self.labels.counts.get(grade, f"{grade}数")


def rubric_for(summary: SummarySpec, specs: SpecSet) -> RubricSpec:
    """The rubric whose grading bands a summary uses (checked to exist on load)."""
    return next(s for s in specs.of_kind("rubric") if s.id == summary.rubric)


def check_references(summary: SummarySpec, specs: SpecSet) -> None:
    """The rubric a summary names exists, and its 合计 labels name that rubric's grades."""
    rubrics = {s.id: s for s in specs.of_kind("rubric")}
    rubric = rubrics.get(summary.rubric)
    if rubric is None:
        loaded = "、".join(rubrics) or "无"
        raise SpecError(
            f"汇总表规格“{summary.id}”引用的评分标准“{summary.rubric}”不存在"
            f"（已加载的评分标准：{loaded}）"
        )
    unknown = sorted(set(summary.labels.counts) - set(rubric.grading.names))
    if unknown:
        raise SpecError(
            f"汇总表规格“{summary.id}”的合计行标签中有评分标准“{rubric.id}”"
            f"没有的等级：{'、'.join(unknown)}"
        )
    for target in summary.targets:
        unknown = [g for g in target.grades if g not in rubric.grading.names]
        if unknown:
            raise SpecError(
                f"汇总表规格“{summary.id}”的目标中有评分标准“{rubric.id}”"
                f"没有的等级：{'、'.join(unknown)}"
            )
