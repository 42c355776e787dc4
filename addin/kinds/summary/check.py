"""附件2 党支部分类定级汇总表: check the summary sheet, cross-check it with the rubric sheets of
the same workbook, compute grades, counts and the plan's targets.

Pure: works on a `SheetData`, the summary spec, the rubric spec whose bands grade the scores and
the rubric results already computed for this workbook; returns findings, a `SummaryReport` and
the cells `fill` writes. With no rubric sheet in the workbook the cross-checks are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ... import findings as F
from ...cells import agrees, fold, is_blank, plain, read_number
from ...findings import Finding
from ...kind import detect_by_labels
from ...labelled import rewrite
from ...locate import Header
from ...sheet_dates import as_of_year, sheet_year
from ...workbook.model import Cell, SheetData, cell_ref
from ...writes import CellWrite, ConditionalFill
from ..rubric.model import BranchResult
from ..rubric.spec import RubricSpec
from .layout import BranchRow, SummarySheet, read_count, read_layout
from .model import SummaryReport, SummaryRow, TargetResult
from .phone import normalize_phone
from .spec import SummarySpec, Target


def header_labels(spec: SummarySpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels a summary header of this spec has (required, optional)."""
    labels = spec.labels
    return (labels.branch, labels.score, labels.grade), (labels.no, labels.last_year)


# (the kind's own `detect`, by name for the tests and callers of this module)
detect = detect_by_labels(header_labels)


@dataclass
class SummaryResult:
    layout: SummarySheet
    findings: list[Finding]
    summary: SummaryReport
    writes: list[CellWrite]
    conditional: list[ConditionalFill] = field(default_factory=list)

    @property
    def sheet_name(self) -> str:
        return self.layout.sheet.name

    @property
    def names(self) -> set[str]:
        """Branch names listed, folded for matching."""
        return {fold(row.name) for row in self.layout.rows if row.name}


@dataclass
class _Graded:
    """One row after checking: the score used, its grade, the matching rubric result."""

    row: BranchRow
    score: Decimal | None
    grade: str | None
    rubric: BranchResult | None
    last_year: str | None


def evaluate(
    sheet: SheetData,
    spec: SummarySpec,
    rubric: RubricSpec,
    header: Header,
    branches: list[BranchResult],
) -> SummaryResult:
    """`branches`: the rubric results of the same workbook (empty: cross-checks skipped)."""
    layout = read_layout(sheet, spec, rubric, header)
    found = _check_fields(layout) + _check_serials(layout) + _check_names(layout)
    by_name, twins = _rubrics_by_name(branches)
    found += _check_twins(layout, twins)
    graded: list[_Graded] = []
    writes: list[CellWrite] = []
    for row in layout.rows:
        line, row_found, row_writes = _grade_row(
            layout, row, by_name, cross=bool(branches), twins=twins
        )
        graded.append(line)
        found += row_found
        writes += row_writes
    counts = _counts(layout, graded)
    found += _check_counts(layout, graded, counts)
    writes += _count_writes(layout, counts)
    rate, rate_found = _conversion(layout, graded)
    year = sheet_year(sheet, header) or as_of_year(sheet) or spec.year
    targets, share_found = _targets(layout, graded, counts, year)
    top = next((t for t in targets if t.grades == [rubric.grading.names[0]]), None)
    report = SummaryReport(
        sheet=sheet.name,
        spec=spec.id,
        unit=_text(layout.fields["unit"].raw),
        reporter=_text(layout.fields["reporter"].raw),
        phone=normalize_phone(layout.fields["phone"].raw) or _text(layout.fields["phone"].raw),
        rows=[_report_row(layout, g) for g in graded],
        counts=counts,
        conversion_rate=rate,
        conversion_target=_float(spec.conversion_target),
        top_grade_share=top.share if top is not None else None,
        top_grade_target=_float(spec.top_grade_target),
        year=year,
        targets=targets,
        entity=rubric.entity,
    )
    return SummaryResult(layout, found + rate_found + share_found, report, writes)


def unlisted_rubrics(results: list[SummaryResult], branches: list[BranchResult]) -> list[Finding]:
    """Rubric sheets no summary lists (only checked when the workbook has a summary)."""
    if not results:
        return []
    listed = set().union(*(r.names for r in results))
    where = results[0].layout.sheet.name
    found = [
        F.SUMMARY_RUBRIC_WITHOUT_BRANCH(sheet=b.sheet, value=b.name, summary_sheet=where)
        for b in branches
        if fold(b.name) not in listed
    ]
    # Several rubric sheets for one branch no summary lists: still an error (listed ones are
    # reported on their summary row by `evaluate`).
    _, twins = _rubrics_by_name(branches)
    for key, claims in twins.items():
        if key not in listed:
            found.append(
                F.SUMMARY_DUPLICATE_RUBRIC(
                    sheet=claims[-1].sheet, value=claims[0].name, sheets=_twin_sheets(claims)
                )
            )
    return found


def _rubrics_by_name(
    branches: list[BranchResult],
) -> tuple[dict[str, BranchResult], dict[str, list[BranchResult]]]:
    """Rubric results by folded branch name, and the names more than one rubric sheet claims
    (those match no row: which sheet is meant is for a person to decide)."""
    claims: dict[str, list[BranchResult]] = {}
    for branch in branches:
        if fold(branch.name):
            claims.setdefault(fold(branch.name), []).append(branch)
    by_name = {key: found[0] for key, found in claims.items() if len(found) == 1}
    twins = {key: found for key, found in claims.items() if len(found) > 1}
    return by_name, twins


def _check_twins(layout: SummarySheet, twins: dict[str, list[BranchResult]]) -> list[Finding]:
    """One error per listed branch with several rubric sheets, on its (first) row."""
    found, seen = [], set()
    col = layout.col(layout.spec.labels.branch)
    for row in layout.rows:
        key = fold(row.name)
        if key not in twins or key in seen:
            continue
        seen.add(key)
        found.append(
            F.SUMMARY_DUPLICATE_RUBRIC(
                sheet=layout.sheet.name,
                cell=cell_ref(row.row, col),
                value=row.name,
                sheets=_twin_sheets(twins[key]),
            )
        )
    return found


def _twin_sheets(claims: list[BranchResult]) -> str:
    return "、".join(
        f"工作表“{b.sheet}”（总分 {'无法计算' if b.total is None else _text(b.total)}）"
        for b in claims
    )


# --- header fields, serials, names -------------------------------------------------------------


def _check_fields(layout: SummarySheet) -> list[Finding]:
    found = []
    name = layout.sheet.name
    for key, value in layout.fields.items():
        where = {"sheet": name, "cell": cell_ref(*value.cell) if value.cell else None}
        if value.cell is None:
            found.append(
                F.SUMMARY_FIELD_MISSING(
                    **where, label=value.label, problem="栏目不存在，请按官方模板补上"
                )
            )
        elif _text(value.raw) is None:
            found.append(F.SUMMARY_FIELD_MISSING(**where, label=value.label, problem="未填写"))
        elif key == "phone" and normalize_phone(value.raw) is None:
            found.append(F.SUMMARY_PHONE_INVALID(**where, value=value.raw))
    return found


def _check_serials(layout: SummarySheet) -> list[Finding]:
    """One warning per break in 1, 2, 3, …: a gap, a repeat, a blank or a word."""
    col = layout.col(layout.spec.labels.no)
    if col is None:
        return []
    sheet, found = layout.sheet, []
    previous, seen = 0, {}
    for row in layout.rows:
        raw = sheet.shown(row.row, col)
        number = read_number(raw)
        value = number.value
        whole = value is not None and value == value.to_integral_value()
        expected = previous + 1
        if number.state == "missing":
            problem = f"未填写，应为 {expected}"
        elif not whole:
            problem = f"“{raw}”不是序号，应为 {expected}"
        elif int(value) in seen:
            problem = f" {int(value)} 重复（另见第{seen[int(value)]}行），此处应为 {expected}"
        elif int(value) != expected:
            problem = f"不连续：此处应为 {expected}，实为 {int(value)}"
        else:
            problem = ""
        if problem:
            found.append(
                F.SUMMARY_SERIAL_GAP(
                    sheet=sheet.name, cell=cell_ref(row.row, col), value=raw, problem=problem
                )
            )
        if whole:
            seen.setdefault(int(value), row.row + 1)
            previous = int(value)
        else:
            previous = expected
    return found


def _check_names(layout: SummarySheet) -> list[Finding]:
    col = layout.col(layout.spec.labels.branch)
    found, first = [], {}
    for row in layout.rows:
        where = {"sheet": layout.sheet.name, "cell": cell_ref(row.row, col)}
        key = fold(row.name)
        if not key:
            found.append(F.SUMMARY_DUPLICATE_BRANCH(**where, problem="为空，请填写党支部名称"))
        elif key in first:
            problem = f"“{row.name}”重复（另见第{first[key]}行），请删除重复的一行或更正名称"
            found.append(F.SUMMARY_DUPLICATE_BRANCH(**where, value=row.name, problem=problem))
        else:
            first[key] = row.row + 1
    return found


# --- one branch row --------------------------------------------------------------------------


def _grade_row(
    layout: SummarySheet,
    row: BranchRow,
    by_name: dict[str, BranchResult],
    cross: bool,
    twins: dict[str, list[BranchResult]],
) -> tuple[_Graded, list[Finding], list[CellWrite]]:
    sheet, spec, rubric = layout.sheet, layout.spec, layout.rubric
    labels = spec.labels
    name = row.name or f"第{row.row + 1}行"
    match = by_name.get(fold(row.name)) if row.name else None
    twin = bool(row.name) and fold(row.name) in twins  # reported by _check_twins
    found: list[Finding] = []
    writes: list[CellWrite] = []
    if cross and row.name and match is None and not twin:
        cell = cell_ref(row.row, layout.col(labels.branch))
        found.append(F.SUMMARY_BRANCH_WITHOUT_RUBRIC(sheet=sheet.name, cell=cell, value=row.name))
    score_cell = (row.row, layout.col(labels.score))
    score, score_found = _score(layout, score_cell, name, match, twin)
    found += score_found
    # Taken from the rubric: written in, unless a formula there computes it in Excel itself.
    blank = (
        is_blank(sheet.value(*score_cell))
        and score_cell not in sheet.formula_blanks()
        and not sheet.cell_error(*score_cell)
    )
    if blank and score is not None:
        writes.append(CellWrite(sheet.name, *score_cell, plain(score)))
    grade = rubric.grading.grade(score) if score is not None else None
    grade_cell = (row.row, layout.col(labels.grade))
    typed = sheet.value(*grade_cell)
    if grade is not None:
        if not is_blank(typed) and fold(typed) != fold(grade):
            found.append(
                F.SUMMARY_GRADE_MISMATCH(
                    sheet=sheet.name,
                    cell=cell_ref(*grade_cell),
                    value=typed,
                    name=name,
                    score=plain(score),
                    expected=grade,
                )
            )
        writes.append(_write(sheet, grade_cell, grade))
    elif not is_blank(typed):
        found += _unconfirmed_grade(layout, grade_cell, typed, name, score_found)
    last_year, last_found = _last_year(layout, row, name)
    line = _Graded(row=row, score=score, grade=grade, rubric=match, last_year=last_year)
    return line, found + last_found, writes


def _unconfirmed_grade(
    layout: SummarySheet, cell: Cell, typed: object, name: str, score_found: list[Finding]
) -> list[Finding]:
    """A grade typed while the row's score is unknown: it must still be a grade's name; if it
    is one, it cannot be confirmed until the score is right."""
    names = layout.rubric.grading.names
    where = {"sheet": layout.sheet.name, "cell": cell_ref(*cell), "value": typed, "name": name}
    if not any(fold(typed) == fold(n) for n in names):
        return [F.SUMMARY_GRADE_UNKNOWN(**where, allowed=" / ".join(names))]
    score_cell = next((f.cell for f in score_found if f.cell), None)
    why = f"评分分数（{score_cell}）有误" if score_cell else "评分分数无法确定"
    return [F.SUMMARY_GRADE_UNCONFIRMED(**where, why=why)]


def _score(
    layout: SummarySheet, cell: Cell, name: str, match: BranchResult | None, twin: bool = False
) -> tuple[Decimal | None, list[Finding]]:
    """The row's score: typed, else the rubric's total. `twin`: several rubric sheets claim the
    branch (already an error of its own: a blank score is not reported again)."""
    sheet = layout.sheet
    raw = sheet.value(*cell)
    if is_blank(raw):
        raw = sheet.cell_error(*cell) or raw  # #DIV/0! is read as empty but is not a blank
    where = {"sheet": sheet.name, "cell": cell_ref(*cell)}
    top = layout.rubric.total_points
    number = read_number(raw)
    rubric_total = None if match is None or match.total is None else Decimal(str(match.total))
    if number.state == "missing":
        if rubric_total is not None:
            note = F.SUMMARY_SCORE_FROM_RUBRIC(
                **where, value=match.total, name=name, sheet_name=match.sheet
            )
            return rubric_total, [note]
        if twin:
            return None, []
        if match is not None:  # the rubric sheet is there, but its total cannot be computed
            return None, [
                F.SUMMARY_RUBRIC_TOTAL_UNKNOWN(**where, name=name, sheet_name=match.sheet)
            ]
        return None, [F.SUMMARY_SCORE_MISSING(**where, name=name, max=plain(top))]
    if number.state == "not_number":
        return None, [F.SUMMARY_SCORE_NOT_NUMBER(**where, value=raw, name=name, max=plain(top))]
    value, found = number.value, []
    if number.state == "normalized":
        found.append(F.SUMMARY_SCORE_NORMALIZED(**where, value=plain(value), raw=raw, name=name))
    if value < 0 or value > top:
        found.append(
            F.SUMMARY_SCORE_OUT_OF_RANGE(**where, value=plain(value), name=name, max=plain(top))
        )
        return None, found
    if rubric_total is not None and not agrees(value, _exact(match)):
        found.append(
            F.SUMMARY_SCORE_MISMATCH(
                **where,
                value=plain(value),
                name=name,
                sheet_name=match.sheet,
                expected=match.total,
            )
        )
    return value, found


def _exact(branch: BranchResult) -> Fraction:
    """A rubric sheet's exact total: "290/3" when the shown one (96.66) was cut."""
    return Fraction(branch.exact_total) if branch.exact_total else Fraction(str(branch.total))


def _last_year(layout: SummarySheet, row: BranchRow, name: str) -> tuple[str | None, list]:
    col = layout.col(layout.spec.labels.last_year)
    raw = None if col is None else layout.sheet.value(row.row, col)
    if is_blank(raw):
        return None, []
    names = layout.rubric.grading.names
    for grade in names:
        if fold(raw) == fold(grade):
            return grade, []
    finding = F.SUMMARY_LAST_YEAR_UNKNOWN(
        sheet=layout.sheet.name,
        cell=cell_ref(row.row, col),
        value=raw,
        name=name,
        allowed="/".join(names),
    )
    return None, [finding]


def _report_row(layout: SummarySheet, line: _Graded) -> SummaryRow:
    col = layout.col(layout.spec.labels.no)
    serial = None if col is None else read_number(layout.sheet.shown(line.row.row, col)).value
    names = layout.rubric.grading.names
    moved_up = None
    if line.grade is not None and line.last_year is not None:
        moved_up = names.index(line.grade) < names.index(line.last_year)
    return SummaryRow(
        no=int(serial) if serial is not None and serial == serial.to_integral_value() else None,
        name=line.row.name,
        score=plain(line.score),
        grade=line.grade,
        rubric_total=None if line.rubric is None else line.rubric.total,
        last_year=line.last_year,
        moved_up=moved_up,
    )


# --- the 合计 row ----------------------------------------------------------------------------


def _counts(layout: SummarySheet, graded: list[_Graded]) -> dict[str, int] | None:
    """Branches per grade, best first; None when any row's grade is unknown."""
    if any(g.grade is None for g in graded):
        return None
    names = layout.rubric.grading.names
    return {name: sum(1 for g in graded if g.grade == name) for name in names}


def _check_counts(
    layout: SummarySheet, graded: list[_Graded], counts: dict[str, int] | None
) -> list[Finding]:
    """The typed 先进数 / 一般数 / 后进数: each equal to the count of its grade; while some
    row's grade is unknown, each within what the known grades allow and all adding up to the
    number of branches."""
    sheet, found = layout.sheet, []
    typed: dict[str, int] = {}
    unknown = [g for g in graded if g.grade is None]
    for grade, slot in layout.slots.items():
        if slot.typed is None:
            continue
        state, number = read_count(slot.typed)
        where = {"sheet": sheet.name, "cell": cell_ref(*slot.cell), "value": slot.typed}
        shown = _text(slot.typed)
        if state == "ok":
            typed[grade] = number
        if counts is not None and number != counts[grade]:
            problem = f"“{slot.label}”填写为 {shown}，按各党支部的评分分数应为 {counts[grade]}"
            found.append(F.SUMMARY_COUNT_MISMATCH(**where, problem=problem))
        elif counts is None and state != "ok":
            problem = f"“{slot.label}”填写为 {shown}，不是个数；应填 0～{len(graded)} 之间的整数"
            found.append(F.SUMMARY_COUNT_MISMATCH(**where, problem=problem))
        elif counts is None:
            known = sum(1 for g in graded if g.grade == grade)
            low, high = known, known + len(unknown)
            if not low <= number <= high:
                problem = (
                    f"“{slot.label}”填写为 {shown}，不可能：已定级的党支部中{grade} {known} 个，"
                    f"另有 {len(unknown)} 个无法定级；应填 {low}～{high} 之间的整数"
                )
                found.append(F.SUMMARY_COUNT_MISMATCH(**where, problem=problem))
            else:
                rows = "、".join(f"“{g.row.name or f'第{g.row.row + 1}行'}”" for g in unknown)
                found.append(F.SUMMARY_COUNT_UNCONFIRMED(**where, label=slot.label, rows=rows))
    every = layout.rubric.grading.names
    if counts is None and len(typed) == len(every) and sum(typed.values()) != len(graded):
        # Grades unknown for some rows: the counts can still be held to the number of rows.
        labels = "、".join(layout.slots[g].label for g in every)
        problem = f"{labels}之和为 {sum(typed.values())}，与党支部数 {len(graded)} 不一致"
        cell = cell_ref(*layout.total_cell)
        found.append(
            F.SUMMARY_COUNT_MISMATCH(
                sheet=sheet.name, cell=cell, value=sum(typed.values()), problem=problem
            )
        )
    return found


def _count_writes(layout: SummarySheet, counts: dict[str, int] | None) -> list[CellWrite]:
    if counts is None or layout.total_row is None:
        return []
    sheet, writes = layout.sheet, []
    if layout.create_total:
        writes.append(CellWrite(sheet.name, *layout.total_cell, layout.spec.labels.total))
    inline: dict[Cell, list] = {}
    for grade, slot in layout.slots.items():
        n = counts[grade]
        if slot.fresh:
            writes.append(CellWrite(sheet.name, *slot.cell, f"{slot.label}：{n}"))
        elif slot.hit is not None:
            inline.setdefault(slot.cell, []).append((slot, n))
        else:
            writes.append(_write(sheet, slot.cell, n))
    for cell, pairs in inline.items():
        if all(read_count(slot.typed) == ("ok", n) for slot, n in pairs):
            continue  # already right as typed ("先进数：2个" stays as the person wrote it)
        old = sheet.value(*cell)
        text = rewrite(str(old), [(slot.hit, str(n)) for slot, n in pairs])
        wrong = any(slot.typed is not None for slot, n in pairs)
        writes.append(CellWrite(sheet.name, *cell, text, replaces=old if wrong else None))
    return writes


# --- the plan's targets ------------------------------------------------------------------------


def _conversion(layout: SummarySheet, graded: list[_Graded]) -> tuple[float | None, list]:
    """后进转化率: last year's lowest-grade branches that are no longer lowest."""
    lowest = layout.rubric.grading.names[-1]
    base = [g for g in graded if g.last_year == lowest]
    if not base or any(g.grade is None for g in base):
        return None, []
    converted = sum(1 for g in base if g.grade != lowest)
    rate = converted / len(base)
    target = layout.spec.conversion_target
    if target is None or Decimal(converted) / len(base) >= target:
        return round(rate, 4), []
    col = layout.col(layout.spec.labels.last_year)
    finding = F.SUMMARY_CONVERSION_BELOW_TARGET(
        sheet=layout.sheet.name,
        cell=cell_ref(layout.header.row, col),
        value=round(rate, 4),
        lowest=lowest,
        rate=percent(rate),
        base=len(base),
        converted=converted,
        target=percent(target),
    )
    return round(rate, 4), [finding]


def _targets(
    layout: SummarySheet, graded: list[_Graded], counts: dict[str, int] | None, year: int | None
) -> tuple[list[TargetResult], list[Finding]]:
    """The plan's target shares for the sheet's year (a target without a year: every year),
    each judged exactly (2 of 3 is below 2/3 + ε, never rounded up to it)."""
    spec = layout.spec
    targets = list(spec.targets)
    if spec.top_grade_target is not None:
        top = layout.rubric.grading.names[0]
        targets.insert(0, Target(grades=[top], share=Fraction(spec.top_grade_target)))
    cell = cell_ref(*(layout.total_cell or (layout.header.row, layout.header.left)))
    where = {"sheet": layout.sheet.name, "cell": cell}
    if year is None and any(t.year is not None for t in targets):
        years = "、".join(str(t.year) for t in targets if t.year is not None)
        return [], [F.SUMMARY_YEAR_UNKNOWN(**where, years=years)]
    if counts is None or not graded:
        return [], []
    results, found = [], []
    for target in targets:
        if target.year is not None and target.year != year:
            continue
        count = sum(counts.get(g, 0) for g in target.grades)
        share = Fraction(count, len(graded))
        met = share >= target.share
        results.append(
            TargetResult(
                grades=target.grades,
                share=round(float(share), 4),
                target=float(target.share),
                year=target.year,
                met=met,
            )
        )
        if not met:
            grades = "和".join(target.grades)
            found.append(
                F.SUMMARY_TARGET_NOT_MET(
                    **where,
                    value=round(float(share), 4),
                    grades=grades,
                    entity="" if grades.endswith(layout.rubric.entity) else layout.rubric.entity,
                    share=percent(share),
                    count=count,
                    total=len(graded),
                    year=f"{target.year}年" if target.year is not None else "",
                    target=percent(target.share),
                )
            )
    return results, found


def percent(share: float | Decimal | Fraction) -> str:
    """0.5 → "50%", 1/3 → "33.3%", 2/3 → "66.6%": cut, not rounded, to one decimal, so a share
    just under its target is never shown as the target."""
    exact = Fraction(repr(share)) if isinstance(share, float) else Fraction(share)
    tenths = int(exact * 1000)
    text = f"{tenths // 10}" + (f".{tenths % 10}" if tenths % 10 else "")
    return f"{text}%"


# --- helpers ---------------------------------------------------------------------------------


def _write(sheet: SheetData, cell: Cell, value) -> CellWrite:
    """A computed value; `replaces` keeps what the person typed there when it differs."""
    old = sheet.value(*cell)
    if is_blank(old):
        return CellWrite(sheet.name, *cell, value)
    if isinstance(value, str):
        same = fold(old) == fold(value)
    else:
        number = read_number(old)
        same = number.ok and number.value == Decimal(str(value))
    return CellWrite(sheet.name, *cell, value, replaces=None if same else old)


def _text(raw: object) -> str | None:
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    text = str(raw).strip().strip("_＿").strip()
    return text or None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
