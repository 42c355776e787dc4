"""What the person typed into the rubric's computed cells (得分 of raters, 小计, 总分, 定级结果),
held to what can be known — whatever else is wrong on the sheet.

When every item is readable, a typed result must agree with the computed one. When some item
is not, the result is unknown but not unbounded: the readable items fix a range (their sum, up
to that plus the points of the unreadable ones). A typed value outside that range is an error
at once; inside it, a warning names the items that keep it from being confirmed; a typed grade
must agree with the typed total and be a grade that range allows. So the secretary learns
every problem in one round, not the next one only after fixing the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ... import findings as F
from ...cells import agrees, exact_sum, fold, is_blank, plain, read_number, shown
from ...findings import Finding
from ...workbook.model import Cell, SheetData, cell_ref
from .spec import RubricItem, RubricSpec


@dataclass(frozen=True)
class Bounds:
    """Where a sum of items must lie given the readable ones; `unread`: the other items."""

    low: Fraction
    high: Fraction
    unread: tuple[int, ...]

    @property
    def exact(self) -> bool:
        return not self.unread

    @property
    def span(self) -> str:
        return f"{_num(self.low)}～{_num(self.high)}"

    @property
    def items(self) -> str:
        """“第3、8项”."""
        return "第" + "、".join(str(n) for n in self.unread) + "项"


def bounds(items: list[RubricItem], scores: dict[int, Fraction | Decimal | None]) -> Bounds:
    known = [scores[i.no] for i in items if scores.get(i.no) is not None]
    unread = tuple(i.no for i in items if scores.get(i.no) is None)
    low = exact_sum(known)
    high = exact_sum([low, *(i.points for i in items if i.no in unread)])
    return Bounds(low, high, unread)


def typed_number(sheet: SheetData, r: int, c: int) -> Decimal | None:
    """A number typed in a computed cell; text that is not a number counts as a wrong value."""
    raw = sheet.shown(r, c)
    if is_blank(raw):
        return None
    number = read_number(raw)
    return number.value if number.ok else Decimal("NaN")


@dataclass(frozen=True)
class SumKinds:
    """The findings of one kind of typed sum (小计 or 总分)."""

    mismatch: F.FindingKind
    out_of_range: F.FindingKind
    unconfirmed: F.FindingKind


SUBTOTAL = SumKinds(
    F.RUBRIC_SUBTOTAL_MISMATCH, F.RUBRIC_SUBTOTAL_OUT_OF_RANGE, F.RUBRIC_SUBTOTAL_UNCONFIRMED
)
TOTAL = SumKinds(F.RUBRIC_TOTAL_MISMATCH, F.RUBRIC_TOTAL_OUT_OF_RANGE, F.RUBRIC_TOTAL_UNCONFIRMED)


def check_sum(
    sheet: SheetData,
    cell: Cell,
    kinds: SumKinds,
    full: Decimal,
    range_: Bounds | None,
    expected: Fraction | None,
    **params: str,
) -> tuple[list[Finding], Decimal | None]:
    """A typed 小计 or 总分 against its exact value when known, else against its range.
    Returns the findings and the typed number when it can stand (agrees, or lies in the range
    and cannot be confirmed), for the typed grade to be held to. `range_` is needed only when
    `expected` is None."""
    typed = typed_number(sheet, *cell)
    if typed is None:
        return [], None
    where = {"sheet": sheet.name, "cell": cell_ref(*cell), "value": sheet.shown(*cell), **params}
    if expected is not None:
        if agrees(typed, expected):
            return [], typed
        return [kinds.mismatch(**where, expected=shown(expected))], None
    if typed.is_nan():
        problem = "不是数字"
    elif typed < 0:
        problem = "不能为负数"
    elif typed > full:
        problem = f"超过满分 {plain(full)}"
    elif not range_.low <= Fraction(typed) <= range_.high:
        extra = _num(range_.high - range_.low)
        problem = (
            f"不可能：已读出的各项之和为 {_num(range_.low)}，{range_.items}至多再加 {extra} 分"
        )
    else:
        return [kinds.unconfirmed(**where, items=range_.items)], typed
    return [
        kinds.out_of_range(**where, problem=problem, span=range_.span, items=range_.items)
    ], None


def check_grade(
    sheet: SheetData,
    cell: Cell,
    spec: RubricSpec,
    range_: Bounds | None,
    total: Fraction | None,
    typed_total: Decimal | None,
) -> list[Finding]:
    """The typed 定级结果: a grade name, the computed grade when the total is known, else the
    grade of the typed total and one the range of the total allows."""
    raw = sheet.shown(*cell)
    if is_blank(raw):
        return []
    names = spec.grading.names
    where = {"sheet": sheet.name, "cell": cell_ref(*cell), "value": raw}
    typed = next((n for n in names if fold(n) == fold(raw)), None)
    if total is not None:
        grade = spec.grading.grade(total)
        if typed == grade:
            return []
        return [F.RUBRIC_GRADE_MISMATCH(**where, total=shown(total), expected=grade)]
    if typed is None:
        return [F.RUBRIC_GRADE_UNKNOWN(**where, allowed=" / ".join(names))]
    possible = possible_grades(spec, range_)
    if typed not in possible:
        return [
            F.RUBRIC_GRADE_IMPOSSIBLE(
                **where, span=range_.span, items=range_.items, allowed=" / ".join(possible)
            )
        ]
    if possible == [typed]:
        return []  # every total the readable items allow has this grade: it is right
    if typed_total is not None and spec.grading.grade(typed_total) != typed:
        expected = spec.grading.grade(typed_total)
        return [
            F.RUBRIC_GRADE_AGAINST_TYPED_TOTAL(
                **where, total=plain(typed_total), expected=expected, items=range_.items
            )
        ]
    return [F.RUBRIC_GRADE_UNCONFIRMED(**where, items=range_.items, span=range_.span)]


def possible_grades(spec: RubricSpec, range_: Bounds) -> list[str]:
    """The grades a total in the range can have, best first (grades rise with the total)."""
    names = spec.grading.names
    best = names.index(spec.grading.grade(range_.high))
    worst = names.index(spec.grading.grade(range_.low))
    return names[best : worst + 1]


def _num(value: Fraction) -> str:
    return str(shown(value))
