"""Template specs: the data files in schemas/ loaded into pydantic models.

A spec is the source of truth for one official template. A new scheme (another grading
scale, several raters, another year's items) is a new TOML file, not new code. The models
reject an inconsistent spec with a message that names the file and the problem.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .cells import plain


class SpecError(Exception):
    """A spec file is missing, unreadable or inconsistent."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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

    def grade(self, total: Decimal | float | int) -> str:
        value = Decimal(str(total))
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
    weight: Decimal


class RubricLabels(_Model):
    item: str = "项目"
    content: str = "具体内容"
    points: str = "分值"
    score: str = "得分"
    subtotal: str = "小计"
    total: str = "总分"
    grade: str = "定级结果"
    branch: str = "党支部名称"


class RubricSpec(_Model):
    kind: Literal["rubric"]
    id: str
    title: str
    attachment: str = ""
    year: int | None = None
    total_points: Decimal
    labels: RubricLabels = RubricLabels()
    raters: list[Rater] = Field(default_factory=list)
    grading: Grading
    categories: list[Category]

    @model_validator(mode="after")
    def _consistent(self) -> RubricSpec:
        total = sum((c.points for c in self.categories), Decimal(0))
        if total != self.total_points:
            raise ValueError(f"各类别分值之和 {total} 与总分 {self.total_points} 不一致")
        numbers = [i.no for i in self.items]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"评分项序号重复：{sorted(numbers)}")
        if self.raters:
            weights = sum((r.weight for r in self.raters), Decimal(0))
            if weights != 1:
                raise ValueError(f"各评分人权重之和应为 1（现为 {weights}）")
            if len({r.label for r in self.raters}) != len(self.raters):
                raise ValueError("评分人列名重复")
        return self

    @property
    def items(self) -> list[RubricItem]:
        return [item for cat in self.categories for item in cat.items]

    @property
    def input_columns(self) -> list[str]:
        """The columns a person fills: the rater columns, or the single score column."""
        return [r.label for r in self.raters] or [self.labels.score]


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
        from .deadline import parse_deadline

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


class SummarySpec(_Model):
    """附件2: the summary a 党总支 sends up, graded with the bands of the rubric it names."""

    kind: Literal["summary"]
    id: str
    title: str
    attachment: str = ""
    year: int | None = None
    rubric: str = Field(description="id of the rubric spec whose grading bands apply")
    rows: int = Field(10, ge=1, le=500, description="numbered blank rows in the template")
    labels: SummaryLabels = SummaryLabels()
    # 后进转化率 target: share of last year's lowest-grade branches no longer lowest (0–1)
    conversion_target: Decimal | None = Field(None, ge=0, le=1)
    # share of branches at the top grade the year aims at (0–1)
    top_grade_target: Decimal | None = Field(None, ge=0, le=1)

    def count_label(self, grade: str) -> str:
        return self.labels.counts.get(grade, f"{grade}数")


AnySpec = Annotated[RubricSpec | SummarySpec | TasksSpec, Field(discriminator="kind")]
_ADAPTER: TypeAdapter[AnySpec] = TypeAdapter(AnySpec)


def default_schema_dir() -> Path:
    """schemas/ inside an installed wheel, else the repository's schemas/ folder."""
    packaged = resources.files("addin") / "schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas"


def load_spec(path: Path | str) -> AnySpec:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"{path}: 找不到模板规格文件") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: 不是有效的 TOML 文件：{exc}") from exc
    return spec_from_dict(data, source=str(path))


def spec_from_dict(data: dict, source: str = "<spec>") -> AnySpec:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = "；".join(_describe(err) for err in exc.errors())
        raise SpecError(f"{source}: 模板规格有误：{problems}") from exc


_KINDS = ("rubric", "summary", "tasks")  # the union tag pydantic puts first in an error location


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in _KINDS)
    msg = err.get("msg", "")
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


class SpecSet(BaseModel):
    """All specs in force for a run."""

    model_config = ConfigDict(frozen=True)

    specs: list[AnySpec]

    @property
    def rubrics(self) -> list[RubricSpec]:
        return [s for s in self.specs if s.kind == "rubric"]

    @property
    def tasks(self) -> list[TasksSpec]:
        return [s for s in self.specs if s.kind == "tasks"]

    @property
    def summaries(self) -> list[SummarySpec]:
        return [s for s in self.specs if s.kind == "summary"]

    def rubric_for(self, summary: SummarySpec) -> RubricSpec:
        """The rubric whose grading bands a summary uses (checked to exist on load)."""
        return next(s for s in self.rubrics if s.id == summary.rubric)

    @model_validator(mode="after")
    def _references(self) -> SpecSet:
        # SpecError, not ValueError: pydantic lets it through unwrapped, message intact.
        rubrics = {s.id: s for s in self.rubrics}
        for summary in self.summaries:
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
        return self

    def by_id(self, spec_id: str) -> AnySpec:
        for spec in self.specs:
            if spec.id == spec_id:
                return spec
        raise SpecError(f"没有 id 为“{spec_id}”的模板规格")


def load_specs(paths: list[Path | str] | None = None) -> SpecSet:
    """Load the given spec files or folders (default: the bundled schemas/)."""
    files: list[Path] = []
    for entry in [Path(p) for p in (paths or [default_schema_dir()])]:
        if entry.is_dir():
            files.extend(sorted(entry.glob("*.toml")))
        else:
            files.append(entry)
    if not files:
        raise SpecError(f"{', '.join(map(str, paths or []))}: 没有找到任何 .toml 模板规格")
    specs = [load_spec(f) for f in files]
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise SpecError(f"模板规格 id 重复：{ids}")
    return SpecSet(specs=specs)
