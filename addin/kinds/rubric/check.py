"""附件1 党支部分类定级评分参考标准: read a filled rubric sheet, check it, score it.

Pure: works on a `SheetData` and a `RubricSpec`, returns findings, a `BranchResult` and the
computed cells (`CellWrite`s) that `fill` writes back. Nothing is computed from partial data:
one missing or invalid score makes its category subtotal, the total and the grade unknown.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import chain
from math import lcm
from operator import itemgetter

from ... import findings as F
from ...cells import (
    agrees,
    clip,
    exact_sum,
    exact_text,
    fold,
    is_blank,
    plain,
    read_number,
    shown,
    shows_exactly,
)
from ...findings import Finding
from ...kind import detect_by_labels
from ...locate import Header, find_field, row_blank
from ...memo import ByIdentity
from ...workbook.model import Cell, Merge, SheetData, cell_ref, parse_ref
from ...writes import CellWrite, ConditionalFill
from .model import BranchResult, ItemScore
from .spec import RubricItem, RubricSpec, Verdicts
from .typed import SUBTOTAL, TOTAL, bounds, check_grade, check_sum, typed_number

# An item's number as people write it, on folded text (NFKC: "（1）" → "(1)", "⑴" → "(1)",
# "⒈" → "1."): "1." "1、" "1)" "(1)" "第1项" "第1条". Circled numbers ("①") fold to a bare
# digit, so `_fold_item` turns them into "1." first.
_ITEM_NO = re.compile(r"^(?:\((\d{1,3})\)|第(\d{1,3})[项条][.、,，:：]?|(\d{1,3})[.、,，:：)）])")
_CIRCLED = re.compile(r"^\s*([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u24f5-\u24fe\u2776-\u277f])")
# An item's score: exact, a decimal as typed, a fraction where rater weights (1/3) make one.
Score = Fraction | Decimal
# Labels of the total row besides the spec's own (“总分”): what people type instead.
_TOTAL_ALIASES = ("合计", "总计", "总得分")
# Labels of the rows under the total besides the spec's 定级结果 label (folded).
_AFTER_TOTAL = ("备注",)


def header_labels(spec: RubricSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels a rubric header of this spec has (required, optional)."""
    labels = spec.labels
    points = () if spec.pass_fail else (labels.points,)
    required = (labels.content, *points, *spec.input_columns)
    return required, (labels.item, labels.score, labels.subtotal)


# (the kind's own `detect`, by name for the tests and callers of this module)
detect = detect_by_labels(header_labels)


@dataclass
class RubricSheet:
    """Where things are on one rubric sheet (0-based rows/cols)."""

    sheet: SheetData
    spec: RubricSpec
    header: Header
    name: str
    item_rows: dict[int, int] = field(default_factory=dict)  # item no → row
    total_row: int | None = None
    total_cell: Cell | None = None  # the anchor of the total's value (the score column)
    grade_cell: Cell | None = None
    grade_label_cell: Cell | None = None  # set when fill must also write the 定级结果 label
    subtotal_col: int | None = None
    named: bool = False  # the name came from a 党支部名称 field, not from the sheet name
    # Category → the row of its first item found (where its 小计 stands), worked out once.
    first_rows: dict[str, int] = field(default_factory=dict)
    # 小计 column → each category's 小计 cell there: it depends only on the layout (merges
    # included), so the sheets sharing a cached layout share it.
    subtotal_cells: dict[int, dict[str, Cell]] = field(default_factory=dict)
    # Input column → whether a merged area touches it on the items' rows (likewise shared).
    merged_inputs: dict[str, bool] = field(default_factory=dict)

    @property
    def score_col(self) -> int:
        col = self.header.col(self.spec.labels.score)
        # A multi-rater sheet without a 得分 column gets one at the right of the table.
        return col if col is not None else self.header.right + 1

    @property
    def subtotal_target(self) -> int:
        """The 小计 column, or where fill creates it: right of the table."""
        if self.subtotal_col is not None:
            return self.subtotal_col
        return max(self.header.right, self.score_col) + 1


@dataclass
class RubricResult:
    layout: RubricSheet
    findings: list[Finding]
    branch: BranchResult
    writes: list[CellWrite]
    conditional: list[ConditionalFill] = field(default_factory=list)

    @property
    def sheet_name(self) -> str:
        return self.layout.sheet.name


def evaluate(sheet: SheetData, spec: RubricSpec, header: Header) -> RubricResult:
    layout, found, entry = _cached_layout(sheet, spec, header)
    plan = entry[3]
    if plan is _UNPLANNED:
        plan = entry[3] = _plan_of(layout, _facts(spec))
    if plan is not None:
        return _evaluate_planned(layout, found, plan)
    return _evaluate_layout(layout, found)


def evaluate_general(sheet: SheetData, spec: RubricSpec, header: Header) -> RubricResult:
    """`evaluate` without the layout cache or a plan: the layout read afresh, every step the
    general one (what the planned path is held to in the tests)."""
    layout, found = _read_layout(sheet, spec, header)
    return _evaluate_layout(layout, found)


def _evaluate_layout(layout: RubricSheet, found: list[Finding]) -> RubricResult:
    sheet, spec = layout.sheet, layout.spec
    facts = _facts(spec)
    scores, typed, score_findings = _read_scores(layout, facts)
    found += score_findings
    item_scores = scores
    categories: dict[str, Fraction | None] = {}
    for name, nos in facts.categories:
        categories[name] = _category_sum(tuple(map(item_scores.get, nos)))
    total = None
    if all(v is not None for v in categories.values()):
        # Exact (fractions): 84.995 is 一般, not a rounded 85 → 先进, and three raters at 1/3
        # each add up without a cent lost. Only what is shown is cut (`cells.shown`).
        total = exact_sum(categories.values())
    grade = facts.grade(total) if total is not None else None
    found += _check_typed_results(layout, facts, item_scores, categories, total)
    writes = _normalized_writes(sheet, score_findings) if score_findings else []
    writes += _computed_writes(layout, item_scores, categories, total, grade)
    # Built from values of the fields' own types (`shown`: int/float/None; the items are
    # ItemScores): validating them again would change nothing.
    branch = BranchResult.model_construct(
        sheet=sheet.name,
        name=layout.name,
        total=shown(total),
        exact_total=None if total is None or shows_exactly(total) else exact_text(total),
        grade=grade,
        categories={k: shown(v) for k, v in categories.items()},
        spec=spec.id,
        items=_item_scores(facts, item_scores, typed),
    )
    return RubricResult(layout=layout, findings=found, branch=branch, writes=writes)


@dataclass(frozen=True)
class _Facts:
    """What evaluating a sheet needs of its spec, worked out once per spec (the spec's own
    properties build new lists on every call)."""

    spec: RubricSpec
    items: tuple[RubricItem, ...]
    categories: tuple[tuple[str, tuple[int, ...]], ...]  # name → its items' numbers
    bands: tuple[tuple[Fraction, Fraction | None, str], ...]  # the grades' min, max, name
    lowest: str  # the lowest grade's name
    # Item no → {score cell value → (score, ItemScore)}: a plain score within the points, read
    # once (`_evaluate_planned`).
    read: dict[int, dict] = field(default_factory=dict)
    # A total's integer ratio (as `exact_sum` adds it, not in lowest terms) → the total, its
    # grade, how it is shown and its exact text: a template's sheets share a few totals.
    totals: dict[tuple[int, int], tuple] = field(default_factory=dict)

    def grade(self, total: Fraction) -> str:
        """`Grading.grade` of an exact total, against the bands' bounds made fractions once."""
        for low, high, name in self.bands:
            if low <= total and (high is None or total < high):
                return name
        return self.lowest


def _facts(spec: RubricSpec) -> _Facts:
    found = _FACTS.one(spec)
    if found is not None:
        return found
    bands = spec.grading.bands
    found = _Facts(
        spec=spec,
        items=tuple(spec.items),
        categories=tuple((c.name, tuple(i.no for i in c.items)) for c in spec.categories),
        bands=tuple(
            (Fraction(b.min), None if b.max is None else Fraction(b.max), b.name) for b in bands
        ),
        lowest=min(bands, key=lambda b: b.min).name,
    )
    return _FACTS.keep_one(spec, found)


_FACTS = ByIdentity(256)


@lru_cache(maxsize=4096)
def _category_sum(values: tuple[Score | None, ...]) -> Fraction | None:
    """`exact_sum` of a category's scores, None when one is unknown; once per distinct
    scores: a category's few items take the same few values on sheet after sheet (equal
    scores, the same exact sum)."""
    # (`is`, not `in`: a Fraction's == against None goes through the numbers ABCs)
    return None if any(v is None for v in values) else exact_sum(values)


def _item_scores(
    facts: _Facts, item_scores: dict[int, Score | None], typed: dict[int, list]
) -> list[ItemScore]:
    """Every item's score in the spec's order. Without raters an item's entry depends only on
    its number and exact score (what is shown is worked out from the value), so the shared
    entry is looked up by those two first."""
    spec = facts.spec
    if spec.raters:
        return [
            _item_score(spec, i.no, item_scores.get(i.no), typed.get(i.no)) for i in facts.items
        ]
    return [_by_score(spec, i.no, item_scores.get(i.no)) for i in facts.items]


def _by_score(spec: RubricSpec, no: int, score: Score | None) -> ItemScore:
    """The shared entry of an item without raters, by its number and exact score."""
    found = _BY_SCORE.get((no, score))
    if found is None:
        if len(_BY_SCORE) >= _ITEM_SCORES_MAX:
            _BY_SCORE.clear()
        found = _BY_SCORE[no, score] = _item_score(spec, no, score, None)
    return found


def _item_score(
    spec: RubricSpec, no: int, score: Score | None, typed: list[Decimal | None] | None
) -> ItemScore:
    cut = score is not None and not shows_exactly(score)
    if spec.raters and typed is not None:
        raters = {r.label: plain(v) for r, v in zip(spec.raters, typed, strict=True)}
        return ItemScore(
            no=no, score=shown(score), exact=exact_text(score) if cut else None, raters=raters
        )
    key = (no, shown(score), exact_text(score) if cut else None)
    found = _ITEM_SCORES.get(key)
    if found is None:
        if len(_ITEM_SCORES) >= _ITEM_SCORES_MAX:
            _ITEM_SCORES.clear()
        found = _ITEM_SCORES[key] = ItemScore(no=key[0], score=key[1], exact=key[2])
    return found


# Item scores without raters, shared: the same few (item, score) pairs recur on every sheet,
# and a report's items are read, never changed.
_ITEM_SCORES: dict[tuple, ItemScore] = {}
_ITEM_SCORES_MAX = 4096
# (item no, exact score) → its shared entry: equal scores show alike, whatever their type.
_BY_SCORE: dict[tuple, ItemScore] = {}


# --- the plan of a layout ---------------------------------------------------------------------

# The sheets of one template share a layout, and with it every cell evaluating them reads or
# writes. The plan works those out once per layout, for the common sheet: points, one 得分
# column (no raters, no 达标 verdicts), no merged score cell, a 小计 column. What is read from
# each sheet is then its scores and the few cells that results are typed into; anything
# unusual there (a typed result, a score that is no plain number) takes the general step.
_UNPLANNED = object()  # a cached layout whose plan is not worked out yet
_READ_MAX = 256  # distinct plain score cells remembered per item


@dataclass(frozen=True)
class _Plan:
    facts: _Facts
    col: int  # the 得分 column
    reads: tuple[tuple[int, int, RubricItem, dict], ...]  # index in the spec, row, item, memo
    # When every item has a row: the items' rows and their memos in the spec's order, all
    # read at once (`_known_scores`).
    lines: Callable[[list], tuple] | None
    memos: tuple[dict, ...]
    absent: tuple[ItemScore, ...]  # every item's entry while its score is unknown
    nos: tuple[int, ...]  # the items' numbers, in the spec's order
    categories: tuple[tuple[str, Callable[[list], tuple]], ...]  # name, picks its scores
    typed: tuple[tuple[int, ...], tuple[int, ...]]  # rows, columns where typed 小计 / 总分 /
    # 定级 show: all blank, nothing to hold to anything
    subtotals: tuple[tuple[str, Cell, Cell], ...]  # category, its 小计 cell, the cell shown
    total: tuple[Cell, Cell] | None  # the total's cell and the cell shown there
    total_label: tuple[Cell, Cell, str]  # where fill writes the 总分 label when it is blank
    grade: tuple[Cell, Cell] | None
    grade_label: tuple[Cell, Cell] | None
    # Every cell above shown blank on each sheet of this layout (the typed results and what
    # the writes would replace): the layout key holds those cells, so a sheet sharing the key
    # shows them blank too (`_keyed`). Then nothing is read from them on each sheet.
    blank: bool
    label_blank: bool | None  # likewise the 总分 label's cell; None: read on each sheet


def _plan_of(layout: RubricSheet, facts: _Facts) -> _Plan | None:
    """The plan of a layout, None for a sheet the plan does not cover (the general steps)."""
    spec, header, sheet = layout.spec, layout.header, layout.sheet
    if spec.raters or spec.pass_fail or layout.subtotal_col is None:
        return None
    column = spec.labels.score
    problems, shared = _merged_score_cells(layout, column)
    if problems or shared:
        return None
    anchor = sheet.anchor
    index = {item.no: i for i, item in enumerate(facts.items)}
    reads = tuple(
        (i, layout.item_rows[item.no], item, facts.read.setdefault(item.no, {}))
        for i, item in enumerate(facts.items)
        if item.no in layout.item_rows
    )
    categories = []
    for name, nos in facts.categories:
        at = tuple(index[no] for no in nos)
        if len(at) > 1:
            pick = itemgetter(*at)
        else:
            pick = (lambda values, i=at[0]: (values[i],)) if at else (lambda values: ())
        categories.append((name, pick))
    subtotals = []
    typed = []
    for cat in spec.categories:
        cell = _subtotal_cell(layout, cat.name)
        if cell is not None:
            subtotals.append((cat.name, cell, anchor(*cell)))
            if cell[1] == layout.subtotal_col:
                typed.append(anchor(*cell))
    total = grade = grade_label = None
    label_cell = (layout.total_row, header.left)
    if layout.total_cell is not None:
        total = (layout.total_cell, anchor(*layout.total_cell))
        typed.append(total[1])
    if layout.grade_cell is not None:
        grade = (layout.grade_cell, anchor(*layout.grade_cell))
        typed.append(grade[1])
        if layout.grade_label_cell is not None:
            grade_label = (layout.grade_label_cell, anchor(*layout.grade_label_cell))
    every = len(reads) == len(facts.items) > 1
    label_cell = (label_cell, anchor(*label_cell) if layout.total_row is not None else label_cell)
    looked_at = [
        *typed,
        *(shown_at for _cat, _cell, shown_at in subtotals),
        *(pair[1] for pair in (total, grade, grade_label) if pair is not None),
    ]
    blank = all(
        _keyed(sheet, header, r, c) and _blank_in_key(sheet.value(r, c)) for r, c in looked_at
    )
    # The 总分 label's cell (read where there is a total): whether fill writes the label.
    label_blank = None
    if total is not None and _keyed(sheet, header, *label_cell[1]):
        label_blank = _blank_in_key(sheet.value(*label_cell[1]))
    return _Plan(
        facts=facts,
        col=header.col(column),
        reads=reads,
        lines=itemgetter(*(r for _i, r, _item, _memo in reads)) if every else None,
        memos=tuple(memo for _i, _r, _item, memo in reads),
        absent=tuple(_by_score(spec, item.no, None) for item in facts.items),
        nos=tuple(item.no for item in facts.items),
        categories=tuple(categories),
        typed=(tuple(r for r, _c in typed), tuple(c for _r, c in typed)),
        subtotals=tuple(subtotals),
        total=total,
        total_label=(*label_cell, total_label(spec)),
        grade=grade,
        grade_label=grade_label,
        blank=blank,
        label_blank=label_blank,
    )


def _evaluate_planned(layout: RubricSheet, found: list[Finding], plan: _Plan) -> RubricResult:
    """`_evaluate_layout` of a sheet its layout's plan covers: the same findings, writes and
    branch result (the tests hold the two to each other)."""
    sheet, facts = layout.sheet, plan.facts
    spec = facts.spec
    rows, c = sheet.rows, plan.col
    score_findings: list[Finding] = []
    every = _known_scores(rows, plan) if plan.lines is not None else None
    if every is not None:
        values, entries = zip(*every, strict=True)
        entries = list(entries)
    else:
        values = [None] * len(plan.nos)
        entries = list(plan.absent)
        for i, r, item, memo in plan.reads:
            line = rows[r]
            raw = line[c] if c < len(line) else None
            known = memo.get(raw) if raw.__class__ in _SCORE_TYPES else None
            if known is None:
                known, problems = _read_planned(sheet, spec, r, c, item, memo, raw)
                if problems:
                    score_findings += problems
            values[i], entries[i] = known
    categories: dict[str, Fraction | None] = {}
    shown_categories: dict[str, int | float | None] = {}
    numerator, denominator = 0, 1  # the total, added as `exact_sum` adds it
    for name, pick in plan.categories:
        exact, shown_, ratio = _category(pick(values))
        categories[name] = exact
        shown_categories[name] = shown_
        if ratio is None:
            denominator = 0
        elif denominator:
            n, d = ratio
            if d != denominator:
                common = lcm(denominator, d)
                numerator *= common // denominator
                n *= common // d
                denominator = common
            numerator += n
    total = grade = shown_total = exact_total = None
    if denominator:
        known = facts.totals.get((numerator, denominator))
        if known is None:
            known = _total_of(facts, numerator, denominator)
        total, grade, shown_total, exact_total = known
    if score_findings:
        found += score_findings
    at = _nothing_shown if plan.blank else sheet.value
    if not plan.blank and not _all_blank(set(map(at, *plan.typed))):
        scores = dict(zip(plan.nos, values, strict=True))
        found += _check_typed_results(layout, facts, scores, categories, total)
    writes = _normalized_writes(sheet, score_findings) if score_findings else []
    name = sheet.name
    add = writes.append
    for cat, cell, shown_at in plan.subtotals:
        if categories[cat] is not None:
            add(_put(name, cell, at(*shown_at), shown_categories[cat]))
    if plan.total is not None and total is not None:
        label_cell, label_at, label = plan.total_label
        blank = plan.label_blank
        if blank is None:
            blank = _blank_in_key(sheet.value(*label_at))
        if blank:
            add(_put(name, label_cell, None, label))
        add(_put(name, plan.total[0], at(*plan.total[1]), shown_total))
    if plan.grade is not None and grade is not None:
        if plan.grade_label is not None:
            cell, shown_at = plan.grade_label
            add(_put(name, cell, at(*shown_at), spec.labels.grade))
        add(_put(name, plan.grade[0], at(*plan.grade[1]), grade))
    branch = _branch_result(
        {
            "sheet": name,
            "name": layout.name,
            "total": shown_total,
            "exact_total": exact_total,
            "grade": grade,
            "categories": shown_categories,
            "spec": spec.id,
            "items": entries,
        }
    )
    return RubricResult(layout=layout, findings=found, branch=branch, writes=writes)


def _nothing_shown(_r: int, _c: int) -> None:
    """What a cell of a plan shows when the plan knows it blank (`_Plan.blank`)."""
    return None


def _all_blank(values: set) -> bool:
    return values <= _EMPTY or all(map(_blank_in_key, values))


def _known_scores(rows: list[list], plan: _Plan) -> list[tuple] | None:
    """Every item's (score, entry) when each score cell holds a value read before, else None
    (then the cells are read one by one). In C but for this call: the rows picked, their
    score cells, the cells' types, the memos looked up."""
    try:
        raws = list(map(itemgetter(plan.col), plan.lines(rows)))
    except IndexError:  # a row that ends before the 得分 column
        return None
    if not _SCORE_TYPES.issuperset(map(type, raws)):
        return None  # (True would find 1's score)
    known = list(map(dict.get, plan.memos, raws))
    return known if all(known) else None  # (each found is a pair: true)


def _read_planned(
    sheet: SheetData, spec: RubricSpec, r: int, c: int, item: RubricItem, memo: dict, raw: object
) -> tuple[tuple[Score | None, ItemScore], list[Finding]]:
    """`_read_plain_scores` of one cell not read before: the score and its entry, and the
    findings; a plain score within the points is remembered."""
    value, problems, plain_ = _plain_score(sheet, r, c, item, spec.labels.score, raw)
    known = (value, _by_score(spec, item.no, value))
    if plain_ and raw.__class__ in _SCORE_TYPES:
        if len(memo) >= _READ_MAX:
            memo.clear()
        memo[raw] = known
    return known, problems


def _put(sheet: str, cell: Cell, old: object, value: object) -> CellWrite:
    """`_computed_writes`' put, the shown value `old` read from the plan's cell. The same few
    writes recur on every sheet of a template (a 小计 of a few values over an empty cell),
    each sheet named by its own 党支部: what a write holds but its sheet is worked out once
    for each, told apart by the values' types too (1, 1.0 and True are equal keys, yet shown
    differently)."""
    if old.__class__ is float and old == 0:  # (0.0 and -0.0 are equal keys too)
        return _new_put(sheet, cell, old, value)
    key = (cell, old, old.__class__, value, value.__class__)
    try:
        fields = _WRITES.get(key)
    except TypeError:  # a value that cannot be a key
        return _new_put(sheet, cell, old, value)
    if fields is None:
        if len(_WRITES) >= _WRITES_MAX:
            _WRITES.clear()
        fields = _WRITES[key] = _new_put(sheet, cell, old, value).__dict__
    write = _new(CellWrite)
    _set(write, "__dict__", {**fields, "sheet": sheet})
    return write


# (cell, shown value and its type, value written and its type) → the write's fields.
_WRITES: dict[tuple, dict] = {}
_WRITES_MAX = 4096


def _new_put(sheet: str, cell: Cell, old: object, value: object) -> CellWrite:
    changed = not _blank_in_key(old) and not _same(old, value)
    write = _new(CellWrite)
    _set(
        write,
        "__dict__",
        {
            "sheet": sheet,
            "row": cell[0],
            "col": cell[1],
            "value": value,
            "replaces": old if changed else None,
        },
    )
    return write


def _branch_result(fields: dict) -> BranchResult:
    """`BranchResult.model_construct` of every field, in the fields' order, without its
    per-call walk over aliases and defaults (the model has none to apply)."""
    branch = _new(BranchResult)
    _set(branch, "__dict__", fields)
    _set(branch, "__pydantic_fields_set__", set(fields))
    _set(branch, "__pydantic_extra__", None)
    _set(branch, "__pydantic_private__", None)
    return branch


_new, _set = object.__new__, object.__setattr__


@lru_cache(maxsize=4096)
def _category(
    values: tuple[Score | None, ...],
) -> tuple[Fraction | None, int | float | None, tuple[int, int] | None]:
    """`_category_sum` of a category's scores, how it is shown and its integer ratio, once
    per distinct scores."""
    exact = _category_sum(values)
    return exact, shown(exact), None if exact is None else exact.as_integer_ratio()


def _total_of(facts: _Facts, numerator: int, denominator: int) -> tuple:
    """The total `exact_sum` makes of that ratio, its grade, how it is shown and its exact
    text (None when shown exactly), remembered in `facts.totals`."""
    total = Fraction(numerator, denominator)
    known = (
        total,
        facts.grade(total),
        shown(total),
        None if shows_exactly(total) else exact_text(total),
    )
    if len(facts.totals) >= _ITEM_SCORES_MAX:
        facts.totals.clear()
    facts.totals[numerator, denominator] = known
    return known


# --- layout ----------------------------------------------------------------------------------

# The layout of a rubric sheet depends only on its texts, its merges and which input cells are
# blank — the same for every branch sheet made from one template. A batch of a thousand
# submissions reads the same layout eight thousand times, so it is worked out once per shape.
_LAYOUTS: dict[tuple, list] = {}
_LAYOUTS_MAX = 256
_EMPTY = frozenset(("", None))
# A key heavier than this (`_key_weight`) is not kept: a worker checks file after file, and
# 256 keys of a hostile sheet's 20 000 ranges and megabytes of text would stay (≈750 MB).
_LAYOUT_WEIGHT = 16 * 1024
_MERGE_WEIGHT = 16  # a range (a named tuple of four numbers) against a cell (a pointer)


def _key_weight(key: tuple) -> int:
    """Roughly what a layout key holds, in pointers: one per cell and part, `_MERGE_WEIGHT`
    per merged range, and the length of every text (in the key or in a column of it)."""
    weight = len(key)
    for part in key:
        cls = part.__class__
        if cls is str:
            weight += len(part)
        elif cls is Merge:
            weight += _MERGE_WEIGHT
        elif cls is tuple or cls is bytes:
            weight += len(part)
            if cls is tuple:
                weight += sum([len(v) for v in part if v.__class__ is str])
    return weight


def _layout_of(
    sheet: SheetData, spec: RubricSpec, header: Header
) -> tuple[RubricSheet, list[Finding]]:
    layout, found, _entry = _cached_layout(sheet, spec, header)
    return layout, found


def _cached_layout(
    sheet: SheetData, spec: RubricSpec, header: Header
) -> tuple[RubricSheet, list[Finding], list]:
    """The sheet's layout and its findings, and the cache entry of its shape: [layout,
    findings, named, plan, own] (the plan is worked out on the shape's first evaluation; own:
    the key's name stood in a cell of its own, `_guessed`).

    Each submission names its own branches (党支部名称): the key of a sheet with a name holds
    a marker in the name's place (`_name_cell`), so a known shape with a new name is one
    look-up, the sheet named by its own name as `_read_layout` reads it."""
    named, key, cached = _guessed(sheet, spec, header)
    if cached is None:
        named = _name_cell(sheet, spec, header)
        key = _layout_key(sheet, spec, header, None if named is None else named[0])
        cached = _LAYOUTS.get(key)
    if cached is None:
        if named is not None and named[2]:  # (see `_guessed`)
            if len(_NAME_AT) >= _NAMES_MAX:
                _NAME_AT.clear()
            _NAME_AT[id(spec), header.row] = named[0]
        layout, found = _read_layout(sheet, spec, header)
        own = named is not None and named[2]
        entry = [
            replace(layout, item_rows=dict(layout.item_rows)),
            found,
            layout.named,
            _UNPLANNED,
            own,
        ]
        if _key_weight(key) <= _LAYOUT_WEIGHT:  # (a heavier shape is read again each time)
            if len(_LAYOUTS) >= _LAYOUTS_MAX:
                _LAYOUTS.clear()
            _LAYOUTS[key] = entry
        return layout, list(found), entry
    layout, found, has_name, _plan, _own = cached
    # Same shape, another sheet: only the sheet (and a name taken from the sheet) differ.
    # A shallow copy (cheaper than `copy` or `replace`, which re-runs __init__).
    fresh = object.__new__(RubricSheet)
    fresh.__dict__.update(layout.__dict__)
    fresh.sheet, fresh.item_rows = sheet, dict(layout.item_rows)
    if not has_name:
        fresh.name = sheet.name
    elif named is not None:
        fresh.name = named[1]
    elif layout.name in ("0.0", "-0.0"):
        # The name is in the key in full (merged into the table): the layout's own, but for
        # 0.0 and -0.0, equal keys of one type shown apart — read as `_read_layout` reads it.
        field = find_field(sheet, spec.labels.branch, rows=range(0, header.row))
        fresh.name = str(field[1]).strip()
    # The key holds the merged ranges: the cached sheet's index is this sheet's.
    sheet.share_merge_index(layout.sheet)
    copies = [f.model_copy(update={"sheet": sheet.name}) for f in found] if found else []
    return fresh, copies, cached


def _guessed(
    sheet: SheetData, spec: RubricSpec, header: Header
) -> tuple[tuple[Cell, str] | None, tuple | None, list | None]:
    """The sheet's name cell, layout key and cache entry when its name stands where the last
    new shape of this spec and header row had its name (`_NAME_AT`) and the key so made is
    known; else (None, None, None), and `_cached_layout` finds the name first.

    Exact without running `find_field`: the entry's key was made from a sheet T whose name
    was found at that very cell (r, c), a cell of its own right of the label (the entry's
    `own`; not an inline "党支部名称：…", whose label cell a sheet could hold otherwise), and
    holds every cell above the header but that one, the merged ranges and the header.
    This sheet equals T in all of those, so `find_field` walks the same cells to the same
    label left of (r, c), the same blank cells after it, and stops at (r, c) as long as that
    cell is not blank here: the name is what (r, c) holds."""
    at = _NAME_AT.get((id(spec), header.row))
    if at is None:
        return None, None, None
    r, c = at
    if r >= header.row:
        return None, None, None
    line = sheet.rows[r]
    if c >= len(line) or is_blank(line[c]):
        return None, None, None
    key = _layout_key(sheet, spec, header, at)
    cached = _LAYOUTS.get(key)
    if cached is None or not cached[4]:  # (a key made from an inline name: not this case)
        return None, None, None
    return (at, str(line[c]).strip(), True), key, cached


# (id of the spec, header row) → the cell of the name of the last new named shape (`_guessed`:
# a guess, each use checked against the layouts' keys).
_NAME_AT: dict[tuple, Cell] = {}


def _name_cell(sheet: SheetData, spec: RubricSpec, header: Header) -> tuple[Cell, str, bool] | None:
    """The cell of the sheet's 党支部名称, the name, as `_read_layout` reads them, and whether
    the cell holds the name alone (not "党支部名称：…" inline, `_guessed`); None
    when the sheet has none, or when what that cell holds is also shown in the table (a
    merged range from it reaching below the header): then the key keeps it in full. Once
    per distinct rows above the header (the same few recur: one file's sheets, a file
    checked again)."""
    above = sheet.rows[: header.row]
    # Only the ranges holding a cell above the header matter (`_name_cell_of`): the key holds
    # no others, so a kept name keeps no sheet's thousands of ranges below its header.
    merges = [m for m in sheet.merges if m.top < header.row]
    key = None
    if sum(map(len, above)) + len(merges) <= _NAME_CELLS and (
        sum([len(v) for v in chain.from_iterable(above) if v.__class__ is str]) <= _NAME_CHARS
    ):
        try:
            key = (spec.labels.branch, header.row, *map(tuple, above))
            key += (tuple(map(type, chain.from_iterable(above))), *merges)
            found = _NAMES.get(key, _NAMES)
        except TypeError:  # a value that cannot be a key
            key = None
        else:
            if found is not _NAMES:
                if found is not None and (value := sheet.value(*found[0])).__class__ is float:
                    # (-0.0 and 0.0: equal keys of one type, each shown as itself)
                    found = (found[0], str(value).strip(), found[2])
                return found
    found = _name_cell_of(sheet, spec, header)
    if key is not None:
        if len(_NAMES) >= _NAMES_MAX:
            _NAMES.clear()
        _NAMES[key] = found
    return found


def _name_cell_of(
    sheet: SheetData, spec: RubricSpec, header: Header
) -> tuple[Cell, str, bool] | None:
    field = find_field(sheet, spec.labels.branch, rows=range(0, header.row))
    if not field or is_blank(field[1]):
        return None
    (r, c), value = field
    merge = sheet.merge_at(r, c)
    if merge is not None and merge.bottom > header.row:
        return None
    # Whether the name is the cell's own value (a cell right of the label): `find_field`
    # returns that very object; an inline "党支部名称：…" is cut from the label's text, a
    # shorter string, never the cell's own object.
    return (r, c), str(value).strip(), value is sheet.rows[r][c]


# (label, rows above the header with their cells' types, the merged ranges there) →
# `_name_cell`.
_NAMES: dict[tuple, tuple[Cell, str, bool] | None] = {}
_NAMES_MAX = 1024
_NAME_CELLS = 256  # rows above the header of more cells (and ranges there) are not kept
_NAME_CHARS = 1024  # nor of longer texts, together (a title of a million characters)


def _layout_key(
    sheet: SheetData, spec: RubricSpec, header: Header, name_cell: Cell | None = None
) -> tuple:
    """Everything `_read_layout` reads: texts in full, other table cells only as blank or not.

    One flat tuple: the header, the merged ranges up to a marker (then the value of each range
    merged into the table from left of it, below the header), the rows down to the header
    in full (each as its length and its cells), then the rows below it. Below the header the
    key holds the cells left of the content column inclusive and the 分值 in full, and of each
    table cell right of those only whether it is empty. When those rows are all of one length
    (calamine reads a rectangle) they go in column by column — a tuple per column and the
    emptiness of all the others as one bytes — else row by row (`_rows_key`); a marker tells
    the two forms apart, and the lengths fix how many cells follow, so no two different
    sheets flatten alike.

    With `name_cell` (`_name_cell`), that cell above the header holds a marker instead of the
    name, so sheets told apart only by their names share the key."""
    left, stop, content, points, head = _frame(spec, header)
    parts = [*head]
    merges = sheet.merges
    parts += merges  # (named tuples: hashed and compared in C)
    parts.append(_END)
    add, extend = parts.append, parts.extend
    rows, below = sheet.rows, header.row + 1
    above = rows[:below]
    if name_cell is not None:
        r, c = name_cell
        line = above[r] = list(above[r])
        line[c] = _NAME
    # A range merged into the table from left of it shows its anchor's value there (a note
    # across the table from column A): that value in full, as the cells it covers.
    for m in merges if left else ():  # (none left of a table starting in column A)
        if m.left < left <= m.right and m.top >= below:
            value = sheet.value(m.top, m.left)
            add(value)
            add(value.__class__)
    for line in above:
        add(len(line))
        extend(line)
    lines = rows[below:]
    try:
        columns = list(zip(*lines, strict=True))  # (a tuple per column, in C; one length)
    except ValueError:  # rows of different lengths
        add(tuple(map(type, chain.from_iterable(above))))  # (as below, by row)
        add(_RAGGED)
        _rows_key(parts, lines, left, content, points, stop)
        return tuple(parts)
    n = len(columns)  # (no rows, or rows of no cells: none)
    parts += (_COLUMNS, len(lines), n)
    extend(columns[left:content])
    add(columns[points] if points < n else None)
    # The types of the cells kept in full: TRUE, 1 and 1.0 are equal keys, yet one is no
    # number and each is shown as itself (in a finding, as an item's text).
    # (One tuple for those of the header rows too: cheaper than one per row.)
    full = [*above, *columns[left:content], *columns[points : points + 1]]
    add(tuple(map(type, chain.from_iterable(full))))
    # (The 分值 is in the key in full: its emptiness too.)
    rest = (
        columns[content:points] + columns[points + 1 : stop]
        if points >= content
        else columns[content:stop]
    )
    # Emptiness as the layout reads it (`is_blank`): a cell of (full-width) spaces is blank
    # there, so it must be blank here too, or it shares the key of a cell holding text. Each
    # distinct value is judged once; the cells are then looked up in C.
    values = set().union(*rest)
    blank = values & _EMPTY  # (then the texts: a number is never blank)
    blank.update([v for v in values if v.__class__ is str and is_blank(v)])
    add(bytes(map(blank.__contains__, chain.from_iterable(rest))))
    return tuple(parts)


def _frame(spec: RubricSpec, header: Header) -> tuple:
    """The columns a layout key of this spec and header reads (left, stop, after the content,
    分值) and its first parts: once per header (the header search shares equal headers:
    `locate.find_headers`). The entry holds the spec and header, so their ids stand."""
    found = _FRAMES.two(spec, header)
    if found is not None:
        return found
    labels = spec.labels
    left, stop = header.left, header.right + 2
    content = header.col(labels.content) + 1
    points = header.col(labels.points)
    if points is None:
        points = content - 1  # a pass/fail sheet has no 分值 column: key on the content again
    head = (id(spec), header.row, *sorted(header.columns.items()), _END)
    return _FRAMES.keep_two(spec, header, (left, stop, content, points, head))


_FRAMES = ByIdentity(256)


def _rows_key(parts: list, lines: list, left: int, content: int, points: int, stop: int) -> None:
    """The rows below the header into `parts` one by one (rows of different lengths): each
    row's length, its cells left of the content column inclusive, its 分值, and whether each
    table cell right of those is empty."""
    add, extend = parts.append, parts.extend
    empty = _blank_in_key
    for line in lines:
        n = len(line)
        add(n)
        extend(line[left:content])
        add(line[points] if points < n else None)
        add((*map(type, line[left:content]), *map(type, line[points : points + 1])))
        extend(map(empty, line[content:stop]))


_END = object()  # closes the variable-length parts of a layout key
_COLUMNS = object()  # the rows below the header follow column by column
_RAGGED = object()  # ... row by row
_NAME = object()  # where the 党支部名称 stands (`_cached_layout`)


def _keyed(sheet: SheetData, header: Header, r: int, c: int) -> bool:
    """Does the layout key (`_layout_key`) hold whether cell (r, c) is blank, so that every
    sheet sharing the key shows it alike? The rows down to the header are in it in full, the
    table's columns (and one right of it) at least as blank or not, and the rows' number and
    lengths: a cell beyond those is empty on every such sheet. (Not the columns left of the
    table: those are not in the key.)"""
    if r <= header.row or header.left <= c < header.right + 2 or r >= sheet.height:
        return True
    return c >= len(sheet.rows[r])


def _blank_in_key(value: object) -> bool:
    """`is_blank`, with the common empty cell looked up first."""
    return value in _EMPTY or (value.__class__ is str and is_blank(value))


def _read_layout(
    sheet: SheetData, spec: RubricSpec, header: Header
) -> tuple[RubricSheet, list[Finding]]:
    labels = spec.labels
    found: list[Finding] = []
    name_field = find_field(sheet, labels.branch, rows=range(0, header.row))
    named = bool(name_field) and not is_blank(name_field[1])
    name = str(name_field[1]).strip() if named else sheet.name
    layout = RubricSheet(sheet=sheet, spec=spec, header=header, name=name, named=named)
    layout.subtotal_col = header.col(labels.subtotal)
    content_col = header.col(labels.content)
    left, right = header.left, header.right
    items = {i.no: i for i in spec.items}
    unmatched = dict(items)
    total_labels = (fold(labels.total), *_TOTAL_ALIASES)
    # The rows under the total (when its 总分 label was cleared, or typed below them): no items.
    after_total = (fold(labels.grade), *_AFTER_TOTAL)
    category_names = tuple(fold(c.name) for c in spec.categories)
    last_item_row = header.row
    for r in range(header.row + 1, sheet.height):
        if row_blank(sheet, r, left, right):
            continue
        if _label_col(sheet, r, left, content_col, total_labels) is not None:
            layout.total_row = r
            break
        if _label_col(sheet, r, left, content_col, after_total) is not None:
            continue  # no item; without a total row one goes under the last item
        content = sheet.shown(r, content_col)
        if is_blank(content) or _is_category_only(content, category_names):
            continue
        no = _match_item(str(content), items, unmatched)
        if no is None:
            found.append(
                F.RUBRIC_UNKNOWN_ROW(
                    sheet=sheet.name, cell=cell_ref(r, content_col), value=clip(content)
                )
            )
            continue
        if no in layout.item_rows:
            found.append(
                F.RUBRIC_ITEM_DUPLICATE(
                    sheet=sheet.name,
                    cell=cell_ref(r, content_col),
                    no=no,
                    first_row=layout.item_rows[no] + 1,
                )
            )
            continue
        layout.item_rows[no] = r
        unmatched.pop(no, None)
        last_item_row = r
        found += _check_item_text(sheet, layout, items[no], r)
    for no, item in unmatched.items():
        found.append(
            F.RUBRIC_ITEM_MISSING(sheet=sheet.name, cell=None, no=no, text=clip(item.text))
        )
    _place_results(layout, last_item_row)
    for cat in spec.categories:
        rows = [layout.item_rows[i.no] for i in cat.items if i.no in layout.item_rows]
        if rows:
            layout.first_rows[cat.name] = min(rows)
    return layout, found


def _label_col(
    sheet: SheetData, r: int, left: int, content_col: int, labels: tuple[str, ...]
) -> int | None:
    """A 总分 / 定级结果 row: its first non-blank cell (left of the content column inclusive)
    starts with one of `labels` (folded). Returns that cell's column."""
    for c in range(left, content_col + 1):
        value = sheet.shown(r, c)
        if not is_blank(value):
            return c if fold(value).startswith(labels) else None
    return None


def _fold_item(text: object) -> str:
    """Folded item text, a leading circled number (“①”) written as “1.”."""
    return _fold_item_str("" if text is None else str(text))


@lru_cache(maxsize=4096)
def _fold_item_str(text: str) -> str:
    # Cached: the same eighteen item texts recur on every sheet of every submission.
    circled = _CIRCLED.match(text)
    if circled:
        text = f"{int(unicodedata.numeric(circled.group(1)))}." + text[circled.end() :]
    return fold(text)


@lru_cache(maxsize=4096)
def _item_no(folded: str) -> int | None:
    match = _ITEM_NO.match(folded)
    if not match:
        return None
    return int(next(g for g in match.groups() if g is not None))


def _is_category_only(content: object, category_names: tuple[str, ...]) -> bool:
    """A row that only names a category (someone un-merged the 项目 column)."""
    folded = _fold_item(content)
    return folded.startswith(category_names) and _item_no(folded) is None


def _match_item(
    content: str, items: dict[int, RubricItem], unmatched: dict[int, RubricItem]
) -> int | None:
    folded = _fold_item(content)
    no = _item_no(folded)
    if no is not None and no in items:
        return no
    # No usable number: the closest official text among the items not seen yet.
    body = _body(folded)
    best, best_ratio = None, 0.0
    for no, item in unmatched.items():
        ratio = difflib.SequenceMatcher(None, body, _body(fold(item.text))).ratio()
        if ratio > best_ratio:
            best, best_ratio = no, ratio
    return best if best_ratio >= 0.75 else None


def _body(folded: str) -> str:
    """Item text without its number and final full stop, for comparison."""
    return _ITEM_NO.sub("", folded, count=1).rstrip("。.")


@lru_cache(maxsize=4096)
def _same_text(content: str, official: str) -> bool:
    return _body(_fold_item(content)) == _body(_fold_item(official))


def _check_item_text(
    sheet: SheetData, layout: RubricSheet, item: RubricItem, r: int
) -> list[Finding]:
    found = []
    labels = layout.spec.labels
    content_col = layout.header.col(labels.content)
    if not _same_text(str(sheet.shown(r, content_col)), item.text):
        found.append(
            F.RUBRIC_TEMPLATE_MODIFIED(
                sheet=sheet.name,
                cell=cell_ref(r, content_col),
                value=clip(sheet.shown(r, content_col)),
                no=item.no,
                what="具体内容",
                expected=clip(item.text),
            )
        )
    points_col = layout.header.col(labels.points)
    if layout.spec.pass_fail:
        return found  # criteria without points
    raw = sheet.shown(r, points_col)
    points = read_number(raw)
    if points.value != item.points:
        found.append(
            F.RUBRIC_TEMPLATE_MODIFIED(
                sheet=sheet.name,
                cell=cell_ref(r, points_col),
                value=raw,
                no=item.no,
                what="分值",
                expected=f"{plain(item.points)}分",
            )
        )
    return found


def _place_results(layout: RubricSheet, last_item_row: int) -> None:
    """Where total, grade and subtotals live — found, or chosen for fill to create."""
    sheet, spec, header = layout.sheet, layout.spec, layout.header
    labels = spec.labels
    content_col = header.col(labels.content)
    if layout.total_row is None and _blank_row(sheet, last_item_row + 1, header):
        layout.total_row = last_item_row + 1
    if layout.total_row is None:
        return
    total_labels = (fold(labels.total), *_TOTAL_ALIASES)
    total_label_col = _label_col(sheet, layout.total_row, header.left, content_col, total_labels)
    layout.total_cell = _value_cell(sheet, (layout.total_row, layout.score_col), total_label_col)
    grade_label = (fold(labels.grade),)
    for r in range(layout.total_row + 1, min(layout.total_row + 4, sheet.height)):
        label_col = _label_col(sheet, r, header.left, content_col, grade_label)
        if label_col is not None:
            cell = _value_right_of_label(sheet, r, header, layout.score_col)
            layout.grade_cell = _value_cell(sheet, cell, label_col)
            return
    below = layout.total_row + 1
    if _blank_row(sheet, below, header):
        layout.grade_cell = _value_cell(sheet, (below, layout.score_col), header.left)
        layout.grade_label_cell = (below, header.left)
    else:
        cell = _value_cell(sheet, (layout.total_row, layout.subtotal_target), total_label_col)
        if cell == layout.total_cell:
            # The 总分 label merged over the whole table pushed the total into the 小计 column's
            # place: the grade goes right of the total, not over it.
            cell = _value_cell(sheet, _right_of(sheet, cell), total_label_col)
        layout.grade_cell = cell


def _value_cell(sheet: SheetData, cell: Cell, label_col: int | None) -> Cell:
    """Where a result's value is shown: the anchor of a merged cell, but never the label's own
    merged area (“定级结果” merged over A24:D24 → the value goes right of it, E24). A live book
    reads no merges and keeps the plain cell: the two differ only where such merges exist."""
    r, c = cell
    merge = sheet.merge_at(r, c)
    if merge is None:
        return cell
    if label_col is not None and (r, label_col) in merge:
        return sheet.anchor(r, merge.right + 1)
    return (merge.top, merge.left)


def _right_of(sheet: SheetData, cell: Cell) -> Cell:
    """The cell right of `cell`, or right of the merged area it is in."""
    merge = sheet.merge_at(*cell)
    return (cell[0], (merge.right if merge else cell[1]) + 1)


def _value_right_of_label(sheet: SheetData, r: int, header: Header, default_col: int) -> Cell:
    """The 定级结果 value: what is typed right of the label, else the score column (under the
    total). Merged ranges are not consulted: a live book (xlwings Lite / Server) cannot read
    them, and every reader must find the same cell."""
    filled = [
        c
        for c in range(header.left, max(header.right, default_col) + 1)
        if not is_blank(sheet.value(r, c))
    ]
    return (r, filled[1]) if len(filled) > 1 else (r, default_col)


def _blank_row(sheet: SheetData, r: int, header: Header) -> bool:
    return row_blank(sheet, r, header.left, header.right + 1)


# --- scores ----------------------------------------------------------------------------------


def _read_scores(
    layout: RubricSheet, facts: _Facts
) -> tuple[dict[int, Score | None], dict[int, list[Decimal | None]], list[Finding]]:
    """Each item's score (weighted over raters), None where anything is missing or invalid;
    and what was typed in each input column (one per rater) of each item found."""
    spec = layout.spec
    if not spec.raters and not spec.pass_fail:
        column = spec.labels.score
        problems, shared = _merged_score_cells(layout, column)
        if not problems and not shared:
            return _read_plain_scores(layout, facts, layout.header.col(column))
    return _read_each_score(layout, facts)


def _read_plain_scores(
    layout: RubricSheet, facts: _Facts, c: int
) -> tuple[dict[int, Score | None], dict[int, list[Decimal | None]], list[Finding]]:
    """`_read_each_score` of the common sheet: one 得分 column (no raters, no 达标 verdicts),
    no merged score cell. The same scores, typed values and findings, in one loop."""
    sheet = layout.sheet
    found: list[Finding] = []
    scores: dict[int, Score | None] = {}
    typed: dict[int, list[Decimal | None]] = {}
    item_rows, rows, known = layout.item_rows, sheet.rows, _SCORES_OK
    column = layout.spec.labels.score
    for item in facts.items:
        no = item.no
        r = item_rows.get(no)
        if r is None:
            scores[no] = None
            continue
        line = rows[r]
        raw = line[c] if c < len(line) else None
        kind = raw.__class__
        value = known.get((kind, raw, item.points)) if kind in _SCORE_TYPES else None
        if value is None:
            value, problems, plain_ = _plain_score(sheet, r, c, item, column, raw)
            if problems:
                found += problems
            elif plain_ and kind in _SCORE_TYPES:
                if len(known) >= _SCORES_OK_MAX:
                    known.clear()
                known[kind, raw, item.points] = value
        typed[no] = [value]
        scores[no] = value
    return scores, typed, found


def _plain_score(
    sheet: SheetData, r: int, c: int, item: RubricItem, column: str, raw: object
) -> tuple[Score | None, list[Finding], bool]:
    """A 得分 cell holding `raw`: its score and findings, and whether it is plain — a number
    within the item's points, no finding (what the callers remember)."""
    number = read_number(raw)
    if number.state == "ok" and 0 <= number.value <= item.points:
        return number.value, [], True
    return (*_read_score_cell(sheet, r, c, item, column), False)


def _read_each_score(
    layout: RubricSheet, facts: _Facts
) -> tuple[dict[int, Score | None], dict[int, list[Decimal | None]], list[Finding]]:
    """`_read_scores` of any sheet: raters, verdicts, merged score cells."""
    sheet, spec = layout.sheet, layout.spec
    found: list[Finding] = []
    scores: dict[int, Score | None] = {}
    typed: dict[int, list[Decimal | None]] = {}
    raters = spec.raters or None
    merged: dict[str, set[int]] = {}
    inputs = [(column, layout.header.col(column)) for column in spec.input_columns]
    for column in spec.input_columns:
        problems, shared = _merged_score_cells(layout, column)
        found += problems
        merged[column] = shared
    verdicts = spec.verdicts if spec.pass_fail else None
    item_rows, rows = layout.item_rows, sheet.rows
    for item in facts.items:
        r = item_rows.get(item.no)
        if r is None:
            scores[item.no] = None
            continue
        line = rows[r]  # an item's row is one of the sheet's
        parts: list[Decimal | None] = []
        for column, c in inputs:
            if item.no in merged[column]:
                parts.append(None)  # reported once, on the merged cell
                continue
            if verdicts is None:  # the common case, inline: a number within the item's points
                raw = line[c] if c < len(line) else None
                key = (raw.__class__, raw, item.points)
                value = _SCORES_OK.get(key) if key[0] in _SCORE_TYPES else None
                if value is not None:
                    parts.append(value)
                    continue
                number = read_number(raw)
                if number.state == "ok" and 0 <= number.value <= item.points:
                    if key[0] in _SCORE_TYPES:
                        if len(_SCORES_OK) >= _SCORES_OK_MAX:
                            _SCORES_OK.clear()
                        _SCORES_OK[key] = number.value
                    parts.append(number.value)
                    continue
            value, problems = _read_score_cell(sheet, r, c, item, column, verdicts)
            if problems:
                found += problems
            parts.append(value)
        typed[item.no] = parts
        if None in parts:
            scores[item.no] = None
        elif raters:
            # Exact, never rounded per item: 18/18/18/17.98 at 1/4 each is 17.995, and five such
            # items total 89.975 — not 90, which rounding each item to cents would give.
            pairs = zip(parts, raters, strict=True)
            scores[item.no] = sum((Fraction(p) * rt.weight for p, rt in pairs), Fraction(0))
        else:
            scores[item.no] = parts[0]  # a decimal is exact: a fraction only comes from weights
    return scores, typed, found


# (type, cell value, item points) → the score, for a plain cell read as a number within the
# points: the same few (5, 4.5, 4) fill every sheet; the type keeps True apart from 1.
_SCORES_OK: dict[tuple, Decimal] = {}
_SCORES_OK_MAX = 4096
_SCORE_TYPES = frozenset((str, float, int))


def _merged_score_cells(layout: RubricSheet, column: str) -> tuple[list[Finding], set[int]]:
    """Items whose score cells are one merged area (D5:D8 holding one 5): which item got what
    is unknowable. One error on the merged cell; every item in it counts as unknown. So is a
    score cell merged with another column of the table (分值 and 得分 as C21:D21): the value
    shown is the other column's, and the hidden score is not used."""
    sheet = layout.sheet
    c = layout.header.col(column)
    touched = layout.merged_inputs.get(column)
    if touched is None:
        rows = layout.item_rows.values()
        first, last = (min(rows), max(rows)) if rows else (0, -1)
        touched = layout.merged_inputs[column] = any(
            m.left <= c <= m.right and m.top <= last and m.bottom >= first for m in sheet.merges
        )
    if not touched:
        return [], set()  # no merged area touches this column on the items' rows
    groups: dict[Cell, list[int]] = {}
    for no, r in sorted(layout.item_rows.items(), key=lambda kv: kv[1]):
        if sheet.merge_at(r, c) is not None:
            groups.setdefault(sheet.anchor(r, c), []).append(no)
    found: list[Finding] = []
    shared: set[int] = set()
    for anchor, nos in groups.items():
        if len(nos) < 2:
            found += _merged_across(layout, column, nos[0], shared)
            continue
        shared.update(nos)
        found.append(
            F.RUBRIC_SCORE_MERGED(
                sheet=sheet.name,
                cell=cell_ref(*anchor),
                value=sheet.value(*anchor),
                first=nos[0],
                others=_numbers(nos[1:]),
                column=column,
            )
        )
    return found, shared


def _merged_across(layout: RubricSheet, column: str, no: int, shared: set[int]) -> list[Finding]:
    """The finding for item `no` if its score cell is merged under another column's cell."""
    sheet, header = layout.sheet, layout.header
    r, c = layout.item_rows[no], header.col(column)
    merge = sheet.merge_at(r, c)
    if (merge.top, merge.left) == (r, c):
        return []  # the score itself is what the merged area shows
    others = [
        label
        for label, col in header.columns.items()
        if col != c and merge.left <= col <= merge.right
    ]
    if not others:
        return []
    shared.add(no)
    area = f"{cell_ref(merge.top, merge.left)}:{cell_ref(merge.bottom, merge.right)}"
    return [
        F.RUBRIC_SCORE_MERGED_ACROSS(
            sheet=sheet.name,
            cell=cell_ref(merge.top, merge.left),
            value=sheet.value(merge.top, merge.left),
            no=no,
            column=column,
            other="、".join(others),
            area=area,
        )
    ]


def _numbers(nos: list[int]) -> str:
    """[2, 3, 4] → "2～4"; [2, 5] → "2、5"."""
    if len(nos) > 2 and nos == list(range(nos[0], nos[-1] + 1)):
        return f"{nos[0]}～{nos[-1]}"
    return "、".join(str(n) for n in nos)


def _read_score_cell(
    sheet: SheetData,
    r: int,
    c: int,
    item: RubricItem,
    column: str,
    verdicts: Verdicts | None = None,
) -> tuple[Decimal | None, list[Finding]]:
    raw = sheet.value(r, c)
    if verdicts is not None:
        return _read_verdict(sheet, r, c, item, column, verdicts)
    number = read_number(raw)
    if number.state == "ok" and 0 <= number.value <= item.points:
        return number.value, []  # the common case, kept cheap: no finding, no cell address
    where = {"sheet": sheet.name, "cell": cell_ref(r, c), "fix": score_fix(item)}
    if number.state == "missing" and sheet.cell_error(r, c):
        error = sheet.cell_error(r, c)
        return None, [F.RUBRIC_SCORE_NOT_NUMBER(**where, value=error, no=item.no, column=column)]
    if number.state == "missing":
        if (r, c) in sheet.formula_blanks():
            return None, [F.RUBRIC_FORMULA_WITHOUT_VALUE(**where, no=item.no, column=column)]
        return None, [F.RUBRIC_SCORE_MISSING(**where, no=item.no, column=column)]
    if number.state == "not_number":
        return None, [
            F.RUBRIC_SCORE_NOT_NUMBER(**where, value=clip(raw), no=item.no, column=column)
        ]
    value = number.value
    found = []
    if number.state == "normalized":
        normalized = {"sheet": sheet.name, "cell": cell_ref(r, c)}
        found.append(
            F.RUBRIC_SCORE_NORMALIZED(**normalized, value=plain(value), no=item.no, raw=raw)
        )
    if value < 0 or value > item.points:
        problem = "不能为负数" if value < 0 else f"超过分值{plain(item.points)}"
        found.append(
            F.RUBRIC_SCORE_OUT_OF_RANGE(**where, value=plain(value), no=item.no, problem=problem)
        )
        return None, found
    return value, found


def score_fix(item: RubricItem) -> str:
    """What to type in an item's score cell: “应填 0～5 之间的数”."""
    return f"应填 0～{plain(item.points)} 之间的数"


# Marks people use for met / not met besides the spec's words (folded).
_MET_MARKS = ("√", "✓", "✔", "是")
_NOT_MET_MARKS = ("×", "✗", "✘", "否")


def _read_verdict(
    sheet: SheetData, r: int, c: int, item: RubricItem, column: str, verdicts: Verdicts
) -> tuple[Decimal | None, list[Finding]]:
    """A pass/fail criterion: 1 when met, 0 when not, None (with a finding) otherwise."""
    raw = sheet.value(r, c)
    text = fold(raw).rstrip("。.")
    if text in (fold(verdicts.met), *_MET_MARKS):
        return Decimal(1), []
    if text in (fold(verdicts.not_met), *_NOT_MET_MARKS):
        return Decimal(0), []
    where = {"sheet": sheet.name, "cell": cell_ref(r, c), "no": item.no, "column": column}
    if is_blank(raw):
        fix = f"应填 {verdicts.met} 或 {verdicts.not_met}"
        return None, [F.RUBRIC_SCORE_MISSING(**where, fix=fix)]
    allowed = f"{verdicts.met} / {verdicts.not_met}"
    return None, [F.RUBRIC_VERDICT_UNKNOWN(**where, value=clip(raw), allowed=allowed)]


# --- computed cells --------------------------------------------------------------------------


def _check_typed_results(
    layout: RubricSheet,
    facts: _Facts,
    item_scores: dict[int, Score | None],
    categories: dict[str, Fraction | None],
    total: Fraction | None,
) -> list[Finding]:
    """What the person typed into computed cells, held to what we compute — or, where an item
    is unreadable, to the range the readable items allow (`typed`)."""
    sheet, spec = layout.sheet, layout.spec
    found: list[Finding] = []
    if spec.raters and spec.labels.score in layout.header.columns:
        for item in spec.items:
            r = layout.item_rows.get(item.no)
            expected = item_scores.get(item.no)
            if r is not None and expected is not None:
                typed = typed_number(sheet, r, layout.score_col)
                if typed is not None and not agrees(typed, expected):
                    found.append(
                        F.RUBRIC_SCORE_MISMATCH(
                            sheet=sheet.name,
                            cell=cell_ref(r, layout.score_col),
                            value=sheet.value(r, layout.score_col),
                            no=item.no,
                            expected=shown(expected),
                        )
                    )
    shown_at = sheet.shown
    for cat in spec.categories:
        cell = _subtotal_cell(layout, cat.name)
        # A score cell merged rightwards over the 小计 column (D5:E5) is a score, not a subtotal.
        # Nothing typed there: nothing to hold to anything (`check_sum` says so too).
        if cell is not None and cell[1] == layout.subtotal_col and not is_blank(shown_at(*cell)):
            expected = categories[cat.name]
            # The range matters only where the exact value is unknown.
            range_ = bounds(cat.items, item_scores) if expected is None else None
            checked = check_sum(
                sheet, cell, SUBTOTAL, cat.points, range_, expected, category=cat.name
            )
            found += checked[0]
    # The range of the total, where it is unknown and a typed total or grade is held to it.
    typed = [c for c in (layout.total_cell, layout.grade_cell) if c is not None]
    needed = total is None and not all(is_blank(shown_at(*c)) for c in typed)
    range_ = bounds(facts.items, item_scores) if needed else None
    typed_total = None
    if layout.total_cell is not None:
        total_found, typed_total = check_sum(
            sheet, layout.total_cell, TOTAL, spec.total_points, range_, total
        )
        found += total_found
    if layout.grade_cell is not None:
        found += check_grade(sheet, layout.grade_cell, spec, range_, total, typed_total)
    return found


def _subtotal_cell(layout: RubricSheet, category: str) -> Cell | None:
    col = layout.subtotal_col
    if col is None:
        return None
    cells = layout.subtotal_cells.get(col)
    if cells is None:
        anchor = layout.sheet.anchor
        cells = {cat: anchor(first, col) for cat, first in layout.first_rows.items()}
        layout.subtotal_cells[col] = cells
    return cells.get(category)


def _normalized_writes(sheet: SheetData, found: list[Finding]) -> list[CellWrite]:
    """The copy gets the number a score was read as ("4分" → 4); the typed text stays on record."""
    writes = []
    for finding in found:
        if finding.code == F.RUBRIC_SCORE_NORMALIZED.code and finding.cell:
            r, c = parse_ref(finding.cell)
            writes.append(CellWrite(sheet.name, r, c, finding.value, replaces=sheet.value(r, c)))
    return writes


def _computed_writes(
    layout: RubricSheet,
    item_scores: dict[int, Score | None],
    categories: dict[str, Fraction | None],
    total: Fraction | None,
    grade: str | None,
) -> list[CellWrite]:
    sheet, spec = layout.sheet, layout.spec
    writes: list[CellWrite] = []

    def put(cell: Cell, value) -> None:
        old = sheet.shown(*cell)
        changed = not is_blank(old) and not _same(old, value)
        writes.append(
            CellWrite(sheet.name, cell[0], cell[1], value, replaces=old if changed else None)
        )

    if spec.raters:
        if spec.labels.score not in layout.header.columns:
            put((layout.header.row, layout.score_col), spec.labels.score)
        for no, r in layout.item_rows.items():
            if item_scores.get(no) is not None:
                put((r, layout.score_col), shown(item_scores[no]))
    if layout.subtotal_col is None and any(v is not None for v in categories.values()):
        layout.subtotal_col = layout.subtotal_target
        put((layout.header.row, layout.subtotal_col), spec.labels.subtotal)
    for cat, value in categories.items():
        cell = _subtotal_cell(layout, cat)
        if cell is not None and value is not None:
            put(cell, shown(value))
    if layout.total_cell is not None and total is not None:
        if is_blank(sheet.shown(layout.total_row, layout.header.left)):
            put((layout.total_row, layout.header.left), total_label(spec))
        put(layout.total_cell, shown(total))
    if layout.grade_cell is not None and grade is not None:
        if layout.grade_label_cell is not None:
            put(layout.grade_label_cell, spec.labels.grade)
        put(layout.grade_cell, grade)
    return writes


def _same(old, new) -> bool:
    if isinstance(new, str):
        return fold(old) == fold(new)
    number = read_number(old)
    return number.ok and number.value == Decimal(str(new))


def total_label(spec: RubricSpec) -> str:
    """“总分（100分）”, or for pass/fail criteria “达标项数（共5项）” (the spec's 总分 label)."""
    if spec.pass_fail:
        return f"{spec.labels.total}（共{plain(spec.total_points)}项）"
    return f"{spec.labels.total}（{plain(spec.total_points)}分）"


def _forget() -> None:
    """Every memo of this module emptied (the tests' mutant guard calls each module function's
    `cache_clear`; the lru_caches have their own)."""
    for memo in (_LAYOUTS, _SCORES_OK, _BY_SCORE, _ITEM_SCORES, _WRITES, _NAMES, _NAME_AT):
        memo.clear()
    _FACTS.cache_clear()
    _FRAMES.cache_clear()


evaluate.cache_clear = _forget  # type: ignore[attr-defined]
