"""巩固先进、推动一般、整顿后进: each weaker branch's 薄弱环节, and a 帮扶 partner for it.

Pure, exact arithmetic (fractions, as the totals): works on a rubric spec and the
`BranchResult` a check made (its `items`), so the Excel buttons, the batch and a per-unit
notice all say the same thing.

What is weak, by the scheme's own parts: a rubric's categories (领导班子, 群众反映, …), or its
items when it has one category only (the 五带头 criteria, each 达标 or not). Areas are ordered by
share of their maximum, weakest first; a tie goes to the area that lost more points, then to
the spec's order. An area counts as 薄弱 when its share is below the top grade's share of the
total (85 of 100 → 85 %): alone it would not reach the top grade. Of those, the weakest
`NAMED` are named, each with the items inside it that lost the most points. A branch graded
below the top grade always has one (its total share is below that line). A branch with an
item that could not be read has no weakest area: the unread one may be it — nothing is guessed.

A weighted-rater scheme also says which rater gave the lowest share (`Profile.raters`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from .cells import shown
from .kinds.rubric.model import BranchResult, ItemScore
from .kinds.rubric.spec import RubricSpec

NAMED = 2  # weakest areas named per branch
LOST_ITEMS = 2  # items named inside a weak category
PER_PARTNER = 2  # branches one top-grade branch is proposed to help, at most


@dataclass(frozen=True)
class Area:
    """A category, an item or a rater, with its exact score and maximum."""

    name: str
    score: Fraction
    maximum: Fraction
    order: int  # position in the spec: the last tie-break

    @property
    def share(self) -> Fraction:
        return self.score / self.maximum

    @property
    def gap(self) -> Fraction:
        return self.maximum - self.score

    def key(self) -> tuple:
        """Weakest first: lowest share, then more points lost, then the spec's order."""
        return (self.share, -self.gap, self.order)


@dataclass(frozen=True)
class LostItem:
    no: int
    text: str
    score: Fraction
    maximum: Fraction

    @property
    def lost(self) -> Fraction:
        return self.maximum - self.score


@dataclass(frozen=True)
class WeakArea:
    area: Area
    lost: tuple[LostItem, ...] = ()  # inside a category: the items that lost most, most first
    tied: tuple[str, ...] = ()  # areas with the very same share and gap, not named


@dataclass(frozen=True)
class Profile:
    basis: Literal["categories", "items"]
    areas: tuple[Area, ...]  # the readable ones, weakest first
    unreadable: tuple[str, ...] = ()  # areas with an item that could not be read
    weakest: tuple[WeakArea, ...] = ()
    raters: tuple[Area, ...] = ()  # weighted raters, weakest first (all items read)

    def area(self, name: str) -> Area | None:
        return next((a for a in self.areas if a.name == name), None)


def basis(spec: RubricSpec) -> Literal["categories", "items"]:
    return "categories" if len(spec.categories) > 1 else "items"


def item_label(no: int) -> str:
    return f"第{no}项"


def exact_score(item: ItemScore) -> Fraction | None:
    """The exact item score: the `exact` text when the shown one is cut, else the shown one."""
    if item.score is None:
        return None
    if item.exact is not None:
        return exact(item.exact)
    return exact(str(item.score))


@lru_cache(maxsize=4096)
def exact(number: str | int | float) -> Fraction:
    """Fraction(number), made once per value: a batch profiles thousands of branches whose
    scores and maxima are a few dozen distinct numbers, and a Fraction is slow to make."""
    return Fraction(number)


def profile(spec: RubricSpec, branch: BranchResult) -> Profile:
    """The branch's areas weakest first and its 薄弱环节 (see the module's note)."""
    read = {i.no: exact_score(i) for i in branch.items}
    kind = basis(spec)
    areas: list[Area] = []
    unreadable: list[str] = []
    if kind == "categories":
        for order, cat in enumerate(spec.categories):
            scores = [read.get(i.no) for i in cat.items]
            if any(s is None for s in scores):
                unreadable.append(cat.name)
            else:
                areas.append(Area(cat.name, sum(scores, Fraction(0)), exact(cat.points), order))
    else:
        for order, item in enumerate(spec.items):
            score = read.get(item.no)
            if score is None:
                unreadable.append(item_label(item.no))
            else:
                areas.append(Area(item_label(item.no), score, exact(item.points), order))
    areas.sort(key=Area.key)
    weakest = () if unreadable else _weakest(spec, areas, read)
    return Profile(kind, tuple(areas), tuple(unreadable), weakest, _raters(spec, branch))


def top_share(spec: RubricSpec) -> Fraction:
    """The top grade's lower bound as a share of the total (85/100)."""
    top = max(spec.grading.bands, key=lambda b: b.min)
    return Fraction(top.min) / Fraction(spec.total_points)


def _weakest(
    spec: RubricSpec, areas: list[Area], read: dict[int, Fraction | None]
) -> tuple[WeakArea, ...]:
    line = top_share(spec)
    named = [a for a in areas if a.share < line][:NAMED]
    rest = areas[len(named) :]
    return tuple(
        WeakArea(
            a,
            _lost_items(spec, a, read) if basis(spec) == "categories" else (),
            tuple(b.name for b in rest if (b.share, b.gap) == (a.share, a.gap)),
        )
        for a in named
    )


def _lost_items(
    spec: RubricSpec, area: Area, read: dict[int, Fraction | None]
) -> tuple[LostItem, ...]:
    """The category's items that lost points, most lost first (then by number)."""
    category = next(c for c in spec.categories if c.name == area.name)
    items = [LostItem(i.no, i.text, read[i.no], exact(i.points)) for i in category.items]
    lost = sorted((i for i in items if i.lost > 0), key=lambda i: (-i.lost, i.no))
    return tuple(lost[:LOST_ITEMS])


def _raters(spec: RubricSpec, branch: BranchResult) -> tuple[Area, ...]:
    if len(spec.raters) < 2 or not branch.items:
        return ()
    areas = []
    for order, rater in enumerate(spec.raters):
        typed = [i.raters.get(rater.label) for i in branch.items]
        if any(v is None for v in typed):
            return ()
        total = sum((exact(str(v)) for v in typed), Fraction(0))
        areas.append(Area(rater.label, total, exact(spec.total_points), order))
    return tuple(sorted(areas, key=Area.key))


# --- what a person reads ---------------------------------------------------------------------


def percent(share: Fraction) -> str:
    """25 %, 62.5 %, 33.33 % (cut, as scores are shown)."""
    return f"{shown(share * 100)}%"


def amount(spec: RubricSpec, score: Fraction, maximum: Fraction) -> str:
    """“5/20 分”, or for pass/fail criteria “达标 2/4 项”."""
    if spec.pass_fail:
        return f"达标 {shown(score)}/{shown(maximum)} 项"
    return f"{shown(score)}/{shown(maximum)} 分"


def area_text(spec: RubricSpec, area: Area) -> str:
    """“群众反映 5/20 分（得分率 25%，差 15 分）”; a pass/fail criterion: “第3项 未达标”."""
    if spec.pass_fail and area.maximum == 1:
        return f"{area.name} {spec.verdicts.not_met if area.gap else spec.verdicts.met}"
    unit = "项" if spec.pass_fail else "分"
    return (
        f"{area.name} {amount(spec, area.score, area.maximum)}"
        f"（得分率 {percent(area.share)}，差 {shown(area.gap)} {unit}）"
    )


def weak_lines(spec: RubricSpec, branch: BranchResult) -> list[str]:
    """The branch's 薄弱环节 as lines for a person (the 校验结果 sheet, a unit's 整改通知):
    none for a branch at the top grade; for one with a score not read, the line saying which
    areas could not be read."""
    return profile_lines(spec, profile(spec, branch), branch.grade)


def profile_lines(spec: RubricSpec, found: Profile, grade: str | None) -> list[str]:
    if found.unreadable:
        return [
            f"{'、'.join(found.unreadable)}有评分缺失或无法读取，改正后才能判断薄弱环节（不作推测）"
        ]
    if grade is None or grade == spec.grading.names[0] or not found.weakest:
        return []
    lines = []
    first = found.weakest[0].area
    for rank, weak in enumerate(found.weakest, start=1):
        equal = (weak.area.share, weak.area.gap) == (first.share, first.gap)
        label = "最薄弱环节" if rank == 1 else "并列最薄弱环节" if equal else "其次"
        line = f"{label}：{area_text(spec, weak.area)}"
        if weak.tied:
            line += f"，与{'、'.join(weak.tied)}并列"
        if weak.lost and spec.pass_fail:
            line += f"；其中{'、'.join(item_label(i.no) for i in weak.lost)}{spec.verdicts.not_met}"
        elif weak.lost:
            lost = "、".join(
                f"{item_label(i.no)} {shown(i.score)}/{shown(i.maximum)}（失 {shown(i.lost)} 分）"
                for i in weak.lost
            )
            line += f"；失分最多：{lost}"
        lines.append(line)
    if found.raters:
        low = found.raters[0]
        tied = [r.name for r in found.raters[1:] if r.share == low.share]
        lines.append(
            f"各评分人中得分率最低：{low.name} {shown(low.score)}/{shown(low.maximum)} 分"
            f"（{percent(low.share)}）" + (f"，与{'、'.join(tied)}并列" if tied else "")
        )
    return lines


# --- 帮扶 pairing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A graded branch as the pairing sees it; `key`: its place in the inbox (files in order,
    sheets in order), the last tie-break everywhere."""

    key: int
    unit: str
    name: str
    spec: RubricSpec
    grade: str | None
    total: Fraction | None
    profile: Profile

    @property
    def top(self) -> bool:
        return self.grade == self.spec.grading.names[0]

    @property
    def rank(self) -> int:
        """0 for the top grade, higher for worse ones."""
        return self.spec.grading.names.index(self.grade)


@dataclass(frozen=True)
class Partner:
    branch: Candidate
    area: Area  # the partner's own score in the weak branch's weakest area
    same_unit: bool


@dataclass(frozen=True)
class Pairing:
    partner: Partner | None = None
    reason: str = ""  # why no partner is proposed


def needs_help(branch: Candidate) -> bool:
    return branch.grade is not None and not branch.top


def pair(branches: list[Candidate], per_partner: int = PER_PARTNER) -> dict[int, Pairing]:
    """A proposed partner (or the reason there is none) for every branch below the top grade,
    by key. The worst-graded branches choose first (then the lower total, then inbox order);
    each takes the top-grade branch of the same spec with the highest share in its weakest
    area, from its own 党总支 when one there is stronger in it, else from the whole inbox —
    higher total, then fewer branches already taken, then inbox order breaking ties. No
    partner takes more than `per_partner`."""
    tops = [b for b in branches if b.top]
    load: dict[int, int] = {b.key: 0 for b in tops}
    result: dict[int, Pairing] = {}
    weak = sorted(
        (b for b in branches if needs_help(b)),
        key=lambda b: (-b.rank, b.total, b.key),
    )
    for branch in weak:
        result[branch.key] = _pair_one(branch, tops, load, per_partner)
    return result


def _pair_one(branch: Candidate, tops: list[Candidate], load: dict[int, int], cap: int) -> Pairing:
    spec = branch.spec
    top, entity = spec.grading.names[0], spec.entity
    if not branch.profile.weakest:
        return Pairing(reason="薄弱环节未能判断，暂不推荐帮扶对象")
    same_spec = [t for t in tops if t.spec.id == spec.id]
    if not same_spec:
        return Pairing(reason=f"收件箱中没有{top}{entity}，无法推荐帮扶对象")
    weakest = branch.profile.weakest[0].area
    stronger = [
        (t, area)
        for t in same_spec
        if (area := t.profile.area(weakest.name)) is not None and area.share > weakest.share
    ]
    if not stronger:
        return Pairing(reason=f"没有在“{weakest.name}”上得分率更高的{top}{entity}")
    free = [(t, area) for t, area in stronger if load[t.key] < cap]
    if not free:
        return Pairing(reason=f"在“{weakest.name}”上更强的{top}{entity}均已结对 {cap} 个")
    own = [(t, area) for t, area in free if t.unit == branch.unit]
    chosen, area = min(
        own or free, key=lambda t: (-t[1].share, -t[0].total, load[t[0].key], t[0].key)
    )
    load[chosen.key] += 1
    return Pairing(Partner(chosen, area, chosen.unit == branch.unit))


__all__ = [
    "LOST_ITEMS",
    "NAMED",
    "PER_PARTNER",
    "Area",
    "Candidate",
    "Pairing",
    "Partner",
    "Profile",
    "WeakArea",
    "area_text",
    "branch_profiles",
    "exact_score",
    "pair",
    "profile",
    "profile_lines",
    "rubric_spec",
    "weak_lines",
    "weak_notes",
]


def weak_notes(evaluation, found: Callable[[RubricSpec, BranchResult], Profile] = profile):
    """(sheet, “学生第三党支部：最薄弱环节：群众反映 5/20 分…”) for every rubric sheet of an
    `engine.Evaluation` graded below the top grade or not fully read: the 校验结果 sheet's
    薄弱环节 lines (validate, 评分, fill and the batch's copies alike). `found`: each branch's
    profile (one worked out already, e.g. `branch_profiles`)."""
    return [
        (r.sheet_name, f"{r.branch.name}：{line}")
        for r in evaluation.of_kind("rubric")
        for line in profile_lines(r.layout.spec, found(r.layout.spec, r.branch), r.branch.grade)
    ]


def branch_profiles(specs, branches: Sequence[BranchResult]) -> list[Profile | None]:
    """Each branch's profile, None for a branch without a rubric spec in `specs` or without
    items (a batch works them out in its workers: `report.support.SupportInputs.add`)."""
    found: list[Profile | None] = []
    for branch in branches:
        spec = rubric_spec(specs, branch.spec)
        found.append(profile(spec, branch) if spec is not None and branch.items else None)
    return found


def rubric_spec(specs, spec_id: str) -> RubricSpec | None:
    """The rubric spec `spec_id` of a `spec.SpecSet`, None when it has none of that id."""
    from .spec import SpecError

    try:
        spec = specs.by_id(spec_id)
    except SpecError:
        return None
    return spec if getattr(spec, "kind", None) == "rubric" else None
