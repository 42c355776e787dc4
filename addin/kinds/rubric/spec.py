"""The rubric spec (附件1 党支部分类定级评分参考标准): categories, items, points, raters, grades."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from ...cells import exact_text, plain
from ...spec import ExactNumber
from ...spec import SpecModel as _Model


class GradeBand(_Model):
    """One grade: min inclusive, max exclusive (None: no upper limit)."""

    name: str
    min: Decimal
    max: Decimal | None = None


class Grading(_Model):
    bands: list[GradeBand]
    rule_text: str = ""

    @model_validator(mode="after")
    def _contiguous(self) -> Grading:
        if not self.bands:
            raise ValueError("至少需要一个等级")
        names = [b.name for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError(f"等级名称重复：{names}")
        ordered = sorted(self.bands, key=lambda b: b.min)
        if ordered[0].min > 0:
            raise ValueError(f"最低等级“{ordered[0].name}”应从 0 分起（现为 {ordered[0].min}）")
        for low, high in zip(ordered, ordered[1:], strict=False):
            if low.max is None:
                raise ValueError(f"等级“{low.name}”没有上限，与“{high.name}”重叠")
            if low.max > high.min:
                raise ValueError(f"等级“{low.name}”与“{high.name}”的分数区间重叠")
            if low.max < high.min:
                raise ValueError(
                    f"等级“{low.name}”与“{high.name}”之间有空档（{low.max}～{high.min}）"
                )
        for band in ordered:
            if band.max is not None and band.max <= band.min:
                raise ValueError(f"等级“{band.name}”的上限不大于下限")
        if ordered[-1].max is not None:
            raise ValueError(f"最高等级“{ordered[-1].name}”不应有上限")
        return self

    @property
    def sentence(self) -> str:
        """The grading note printed under the table: the spec's own words, else one made from
        the bands ("85分及以上为先进，65至85分（不含85）为一般，…")."""
        if self.rule_text:
            return self.rule_text
        parts = []
        for band in sorted(self.bands, key=lambda b: b.min, reverse=True):
            low = plain(band.min)
            if band.max is None:
                parts.append(f"{low}分及以上为{band.name}")
            else:
                high = plain(band.max)
                parts.append(f"{low}至{high}分（不含{high}）为{band.name}")
        return "备注：" + "，".join(parts) + "。"

    @property
    def names(self) -> list[str]:
        """Grade names from the best to the worst."""
        return [b.name for b in sorted(self.bands, key=lambda b: b.min, reverse=True)]

    def grade(self, total: Fraction | Decimal | float | int) -> str:
        """The band of an exact total (a float is read by its shortest text: 84.995)."""
        value = Fraction(repr(total)) if isinstance(total, float) else Fraction(total)
        for band in self.bands:
            if band.min <= value and (band.max is None or value < band.max):
                return band.name
        # Only negative totals fall through; the lowest band is the honest answer for them.
        return min(self.bands, key=lambda b: b.min).name


class RubricItem(_Model):
    no: int
    text: str
    points: Decimal


class Category(_Model):
    name: str
    points: Decimal
    items: list[RubricItem]

    @model_validator(mode="after")
    def _points_add_up(self) -> Category:
        total = sum((i.points for i in self.items), Decimal(0))
        if total != self.points:
            raise ValueError(f"类别“{self.name}”的分值 {self.points} 与各项分值之和 {total} 不一致")
        return self


class Rater(_Model):
    """One rater column (自评 / 群众评议 / 上级评定) and its weight in the item score."""

    label: str
    weight: ExactNumber = Field(gt=0, le=1)  # exact: "1/3" for three equal raters


class RubricLabels(_Model):
    item: str = "项目"
    content: str = "具体内容"
    points: str = "分值"
    score: str = "得分"
    subtotal: str = "小计"
    total: str = "总分"
    grade: str = "定级结果"
    branch: str = "党支部名称"


class Verdicts(_Model):
    """The words of a pass/fail criterion (`scoring = "pass_fail"`)."""

    met: str = "达标"
    not_met: str = "未达标"


class RubricSpec(_Model):
    kind: Literal["rubric"]
    id: str
    title: str
    entity: str = "党支部"  # what one sheet grades (党支部 / 党员 / 党总支), in messages
    attachment: str = ""
    year: int | None = None
    years: list[int] = Field(default_factory=list)  # for several years: chosen by the sheet's
    total_points: Decimal
    labels: RubricLabels = RubricLabels()
    raters: list[Rater] = Field(default_factory=list)
    # "points": each item scored up to its 分值; "pass_fail": each criterion 达标 or 未达标, no
    # points (五个好 / 五带头) — it counts 1 when met, the total is the number met, and the
    # grades are bands of that count. No 分值 column then.
    scoring: Literal["points", "pass_fail"] = "points"
    verdicts: Verdicts = Verdicts()
    # How many decimals a score may have where it is typed (data validation of the templates:
    # 1 allows 4.5, refuses 4.55); None: any. The check reads whatever is there exactly.
    decimals: int | None = Field(default=None, ge=0, le=4)
    grading: Grading
    categories: list[Category]

    @model_validator(mode="before")
    @classmethod
    def _count_criteria(cls, data: object) -> object:
        """Pass/fail criteria count one each: the points nobody should have to invent."""
        if not isinstance(data, dict) or data.get("scoring") != "pass_fail":
            return data
        data = dict(data)
        categories = []
        for category in data.get("categories") or []:
            if not isinstance(category, dict):
                return data
            items = [
                dict(i, points=1) if isinstance(i, dict) else i for i in category.get("items") or []
            ]
            categories.append(dict(category, items=items, points=len(items)))
        data["categories"] = categories
        data.setdefault("total_points", sum(len(c["items"]) for c in categories))
        return data

    @model_validator(mode="after")
    def _consistent(self) -> RubricSpec:
        if self.pass_fail and self.raters:
            raise ValueError("达标/未达标评价不能再设评分人权重（raters）")
        total = sum((c.points for c in self.categories), Decimal(0))
        if total != self.total_points:
            raise ValueError(f"各类别分值之和 {total} 与总分 {self.total_points} 不一致")
        numbers = [i.no for i in self.items]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"评分项序号重复：{sorted(numbers)}")
        if self.raters:
            weights = sum((r.weight for r in self.raters), Fraction(0))
            if weights != 1:
                raise ValueError(f"各评分人权重之和应为 1（现为 {exact_text(weights)}）")
            if len({r.label for r in self.raters}) != len(self.raters):
                raise ValueError("评分人列名重复")
        return self

    @property
    def items(self) -> list[RubricItem]:
        return [item for cat in self.categories for item in cat.items]

    @property
    def pass_fail(self) -> bool:
        return self.scoring == "pass_fail"

    @property
    def input_columns(self) -> list[str]:
        """The columns a person fills: the rater columns, or the single score column."""
        return [r.label for r in self.raters] or [self.labels.score]
