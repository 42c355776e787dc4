"""薄弱环节与帮扶 across the inbox: `batch.support` of report.json and its 汇总报告 sheet.

The analysis and the pairing are `addin/support.py` (pure, exact); this module gathers the
inbox's graded branches for it — counted files only, each 党总支 as the other sheets name it —
and turns the result into the report's model. The roster's 包扶 column (a committee member's
name) is carried onto the lowest grade's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from ..cells import fold, shown
from ..spec import SpecSet
from ..support import (
    PER_PARTNER,
    Area,
    Candidate,
    LostItem,
    Pairing,
    Profile,
    WeakArea,
    branch_profiles,
    needs_help,
    pair,
    profile_lines,
    rubric_spec,
)
from .consolidated import general_branch, summary_only_rows
from .inbox_model import (
    SupportArea,
    SupportBranch,
    SupportItem,
    SupportPartner,
    SupportReport,
)
from .model import FileReport, Report

if TYPE_CHECKING:
    import pandas as pd

NO_RUBRIC = "只有汇总表中的定级，没有评分表，无法分析薄弱环节"


Place = tuple[str, str, "int | float | None"]  # file, sheet, total as shown


class SupportInputs:
    """The inbox's graded rubric sheets, added file by file, kept as compact as the pairing
    needs: a batch keeps no item scores in memory (a top-grade branch only its areas)."""

    def __init__(self, specs: SpecSet):
        self.specs = specs
        self.candidates: list[Candidate] = []
        self.places: dict[int, Place] = {}

    def add(self, file: FileReport, profiles: Sequence[Profile | None] | None = None) -> None:
        """`profiles`: `support.branch_profiles` of the file's branches, if worked out already
        (a batch's workers do); else they are worked out here."""
        unit = general_branch(file)
        if profiles is None:
            profiles = branch_profiles(self.specs, file.branches)
        for branch, found in zip(file.branches, profiles, strict=True):
            spec = _spec(self.specs, branch.spec)
            if spec is None or found is None:
                continue
            key = len(self.places)
            self.places[key] = (file.path, branch.sheet, branch.total)
            total = None
            if branch.total is not None:
                total = Fraction(branch.exact_total or str(branch.total))
            if branch.grade == spec.grading.names[0]:
                found = Profile(found.basis, found.areas)
            self.candidates.append(
                Candidate(key, unit, branch.name, spec, branch.grade, total, found)
            )

    def report(
        self,
        report: Report,
        excluded: set[str] = frozenset(),
        roster: pd.DataFrame | None = None,
    ) -> SupportReport | None:
        """`report`: the same files (light copies will do: their summaries and names are
        read). None when the inbox has no graded branch at all."""
        candidates = [c for c in self.candidates if self.places[c.key][0] not in excluded]
        graded = {(fold(c.unit), fold(c.name)) for c in candidates}
        summary_only = _summary_only(report, self.specs, excluded, graded)
        if not candidates and not summary_only:
            return None
        pairings = pair(candidates)
        ranked = [
            (
                _rank(c.spec.grading.names, c.grade, c.total),
                c.spec.grading.names[-1],
                _branch(c, self.places, pairings.get(c.key)),
            )
            for c in candidates
            if needs_help(c) or c.grade is None
        ]
        ranked += summary_only
        ranked.sort(key=lambda entry: entry[0])  # stable: inbox order among equals
        baofu = _baofu(report, roster)
        for _, lowest, row in ranked:
            if row.grade == lowest:  # 后进: 党委委员包扶 (seed 004)
                row.baofu = baofu.get((fold(row.unit), fold(row.branch)))
        rows = [row for _, _, row in ranked]
        return SupportReport(per_partner=PER_PARTNER, branches=rows, note=_note(candidates))


def support_report(
    report: Report,
    specs: SpecSet,
    excluded: set[str] = frozenset(),
    roster: pd.DataFrame | None = None,
) -> SupportReport | None:
    """The whole section from full file reports at once (a batch adds them file by file)."""
    inputs = SupportInputs(specs)
    for file in report.files:
        inputs.add(file)
    return inputs.report(report, excluded, roster)


def _rank(grades: list[str], grade: str | None, total: Fraction | None) -> tuple:
    """Lowest grade first (整顿后进 before 推动一般), then the lower total; 无法定级 last."""
    if grade is None or grade not in grades:
        return (1, 0, Fraction(0))
    return (0, -grades.index(grade), total if total is not None else Fraction(0))


def _spec(specs: SpecSet, spec_id: str):
    return rubric_spec(specs, spec_id)


def _summary_only(
    report: Report, specs: SpecSet, excluded: set[str], graded: set[tuple[str, str]]
) -> list[tuple]:
    """Branches below the top grade named only in a summary table — no rubric sheet of theirs
    in the same file nor (`graded`: folded unit and branch) in another: said, not analysed
    (as `SupportInputs.report` ranks them: sort key, lowest grade, row)."""
    grades = specs.grade_names
    rows = []
    for file in report.files:
        if file.path in excluded:
            continue
        unit = general_branch(file)
        for row in summary_only_rows(file):
            if row.grade is None or not grades or row.grade == grades[0]:
                continue
            if (fold(unit), fold(row.name)) in graded:
                continue
            total = Fraction(str(row.score)) if row.score is not None else None
            entry = SupportBranch(
                unit=unit,
                branch=row.name,
                file=file.path,
                sheet=None,
                grade=row.grade,
                total=row.score,
                basis=None,
                areas=[],
                weakest=[],
                lines=[NO_RUBRIC],
                partner_note="没有评分表，无法按薄弱环节推荐",
            )
            rows.append((_rank(grades, row.grade, total), grades[-1], entry))
    return rows


def _branch(
    candidate: Candidate, places: dict[int, Place], pairing: Pairing | None
) -> SupportBranch:
    path, sheet, total = places[candidate.key]
    spec, found = candidate.spec, candidate.profile
    partner = None
    note = pairing.reason if pairing is not None else "评分不全，未定级，暂不推荐帮扶对象"
    if pairing is not None and pairing.partner is not None:
        chosen = pairing.partner
        partner_path, partner_sheet, _ = places[chosen.branch.key]
        partner = SupportPartner(
            unit=chosen.branch.unit,
            branch=chosen.branch.name,
            file=partner_path,
            sheet=partner_sheet,
            area=_area(chosen.area),
            same_unit=chosen.same_unit,
        )
        note = None
    return SupportBranch(
        unit=candidate.unit,
        branch=candidate.name,
        file=path,
        sheet=sheet,
        grade=candidate.grade,
        total=total,
        basis=found.basis,
        areas=[_area(a) for a in found.areas],
        weakest=[_weak(w) for w in found.weakest],
        unreadable=list(found.unreadable),
        raters=[_area(a) for a in found.raters],
        lines=profile_lines(spec, found, candidate.grade),
        partner=partner,
        partner_note=note,
    )


def _area(area: Area) -> SupportArea:
    return SupportArea(
        name=area.name,
        score=shown(area.score),
        maximum=shown(area.maximum),
        share=_share(area.share),
        gap=shown(area.gap),
    )


def _share(share: Fraction) -> float:
    """Cut, not rounded, to four decimals (a share of 0.99996 is not shown as 1)."""
    return int(share * 10_000) / 10_000


def _weak(weak: WeakArea) -> SupportArea:
    return _area(weak.area).model_copy(
        update={"lost_items": [_item(i) for i in weak.lost], "tied_with": list(weak.tied)}
    )


def _item(item: LostItem) -> SupportItem:
    return SupportItem(
        no=item.no,
        text=item.text,
        score=shown(item.score),
        points=shown(item.maximum),
        lost=shown(item.lost),
    )


def _note(candidates: list[Candidate]) -> str | None:
    if any(needs_help(c) for c in candidates) and not any(c.top for c in candidates):
        names = dict.fromkeys(c.spec.grading.names[0] + c.spec.entity for c in candidates)
        return f"收件箱中没有{'、'.join(names)}，无法推荐帮扶对象"
    return None


def _baofu(report: Report, roster: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(folded unit as the report names it, folded branch) → the roster's 包扶 name."""
    if roster is None:
        return {}
    from .roster import baofu_names, roster_unit_key

    names = baofu_names(roster)
    if not names:
        return {}
    found = {}
    for file in report.files:
        key = roster_unit_key(file, roster)
        for (unit_key, branch_key), name in names.items():
            if unit_key == key:
                found[(fold(general_branch(file)), branch_key)] = name
    return found
