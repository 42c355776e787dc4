"""The live formulas of distributed workbooks agree with Jiceng's exact arithmetic on both
sides of every grade boundary, for every rubric scheme: filled with openpyxl, recalculated in
LibreOffice (values cached as Excel caches them), read back and checked by Jiceng itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.distribute import Options, Unit, unit_workbook
from addin.engine import check_path
from addin.kinds.rubric.spec import RubricSpec
from addin.spec import load_specs
from tests.distribute_helpers import fill_rubric, item_scores, recalculate, verdicts

SPECS = Path(__file__).parent / "specs"
SCHEMAS = Path(__file__).parent.parent / "schemas"
STEP = Decimal("0.01")

# Each scheme the registry knows: the spec files of one distributed workbook.
SCHEMES = {
    "three_grades": [SCHEMAS / "rubric_2022.toml", SCHEMAS / "summary_2022.toml"],
    "four_grades": [SPECS / "rubric_four_grades.toml"],
    "raters": [SPECS / "rubric_three_raters.toml"],
    "pass_fail": [SPECS / "wudaitou_2011_members.toml"],
    "zuiqiang": [SPECS / "zuiqiang_2020_rubric.toml", SPECS / "zuiqiang_2020_summary.toml"],
}


def _cases(spec: RubricSpec) -> dict[str, tuple[list[object], str]]:
    """Branch name → (the items' scores, the grade the bands give), both sides of each band."""
    bands = sorted(spec.grading.bands, key=lambda b: b.min)
    cases: dict[str, tuple[list[object], str]] = {}
    for below, band in zip(bands, bands[1:], strict=False):
        if spec.pass_fail:
            met = int(band.min)
            cases[f"达标{met}"] = (verdicts(spec, met), band.name)
            cases[f"达标{met - 1}"] = (verdicts(spec, met - 1), below.name)
            continue
        b = band.min
        cases[f"恰为{b}"] = (item_scores(spec, b), band.name)
        cases[f"差{STEP}到{b}"] = (item_scores(spec, b - STEP), below.name)
        cases[f"分散{b}"] = (item_scores(spec, b, spread=True), band.name)
        cases[f"分散{b - Decimal('0.1')}"] = (
            item_scores(spec, b - Decimal("0.1"), spread=True),
            below.name,
        )
    if spec.raters:
        # Raters disagreeing: 0.2·10 + 0.3·10 + 0.5·4 = 7 on the 10-point item, 5 + 5 + 7 = 17.
        top = bands[-1]
        full = [(i.points,) * len(spec.raters) for i in spec.items[:-1]]
        short = top.min - sum(i.points for i in spec.items[:-1])
        weighted = _weighted(spec, short)
        cases["评分人不一致"] = ([*full, weighted], top.name)
        cases["评分人不一致差一点"] = (
            [*full, _weighted(spec, short - Decimal("0.1"))],
            bands[-2].name,
        )
    return cases


def _weighted(spec: RubricSpec, item_score: Decimal) -> tuple[Decimal, ...]:
    """Rater scores for the last item, not all equal, weighing exactly `item_score`."""
    last = spec.items[-1]
    first = [last.points] * (len(spec.raters) - 1)
    lead = sum(Decimal(str(float(r.weight))) * p for r, p in zip(spec.raters, first, strict=False))
    final = (item_score - lead) / Decimal(str(float(spec.raters[-1].weight)))
    assert 0 <= final <= last.points, final
    return (*first, final)


def _boundaries(scheme: str, folder: Path) -> Path:
    """The scheme's distributed workbook, one sheet per case, filled with openpyxl."""
    specs = load_specs(SCHEMES[scheme])
    (rubric,) = specs.of_kind("rubric")
    cases = _cases(rubric)
    unit = Unit("测试党总支", tuple(cases))
    wb = unit_workbook(unit, specs, Options(sent=date(2022, 4, 2)), roster="r")
    for name, (scores, _grade) in cases.items():
        fill_rubric(wb[name], rubric, scores)
    filled = folder / f"{scheme}.xlsx"
    wb.save(filled)
    return filled


def _partial(folder: Path) -> Path:
    """Three branches: one score blank, one above its item's points, all filled."""
    specs = load_specs(SCHEMES["three_grades"])
    (rubric,) = specs.of_kind("rubric")
    full = item_scores(rubric, Decimal(90))
    blank, over = list(full), list(full)
    blank[3] = None
    over[0] = Decimal(6)  # the validation refuses it when typed; pasted, it gets through
    unit = Unit("测试党总支", ("空一项", "超分值", "全填"))
    wb = unit_workbook(unit, specs, Options(), roster="r")
    for name, scores in zip(unit.branches, (blank, over, full), strict=True):
        fill_rubric(wb[name], rubric, scores)
    filled = folder / "partial.xlsx"
    wb.save(filled)
    return filled


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, Path]:
    """Every workbook of this file recalculated by LibreOffice, all in one start of it."""
    folder = tmp_path_factory.mktemp("filled")
    filled = [_boundaries(scheme, folder) for scheme in SCHEMES] + [_partial(folder)]
    return {p.stem: p for p in recalculate(filled, folder / "lo")}


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_grades_agree_on_both_sides_of_every_boundary(
    scheme: str, recalculated: dict[str, Path]
) -> None:
    specs = load_specs(SCHEMES[scheme])
    (rubric,) = specs.of_kind("rubric")
    cases = _cases(rubric)
    evaluation = check_path(recalculated[scheme], specs)
    sheets = {r.branch.name: r for r in evaluation.of_kind("rubric")}
    data = evaluation.data
    assert set(sheets) == set(cases)
    for name, (_scores, expected) in cases.items():
        result = sheets[name]
        assert result.branch.grade == expected, name  # Jiceng's exact grade
        shown = data.sheet(result.sheet_name).value(*result.layout.grade_cell)
        assert shown == expected, name  # what the formula showed the secretary
    codes = {f.code for f in evaluation.report.findings}
    assert not {c for c in codes if c.endswith("mismatch")}, evaluation.report.findings
    assert not {c for c in codes if c.startswith("stamp.")}, evaluation.report.findings
    if specs.of_kind("summary"):
        summary = evaluation.report.summary
        assert [row.grade for row in summary.rows] == [cases[n][1] for n in cases]
        counted = {g: sum(1 for _s, grade in cases.values() if grade == g) for g in summary.counts}
        assert summary.counts == counted
        (result,) = evaluation.of_kind("summary")
        slots = result.layout.slots
        sheet = data.sheet(result.sheet_name)
        for grade, slot in slots.items():  # 合计 counted by the formula, as Jiceng counts
            assert (
                sheet.value(*slot.cell) == f"{rubric_count_label(specs, grade)}：{counted[grade]}"
            )


def rubric_count_label(specs, grade: str) -> str:
    (summary,) = specs.of_kind("summary")
    return summary.count_label(grade)


def test_a_score_left_blank_or_out_of_range_leaves_total_and_grade_empty(
    recalculated: dict[str, Path],
) -> None:
    specs = load_specs(SCHEMES["three_grades"])
    book = openpyxl.load_workbook(recalculated["partial"], data_only=True)
    evaluation = check_path(recalculated["partial"], specs)
    for result in evaluation.of_kind("rubric"):
        ws = book[result.sheet_name]
        total = ws.cell(result.layout.total_cell[0] + 1, result.layout.total_cell[1] + 1).value
        grade = ws.cell(result.layout.grade_cell[0] + 1, result.layout.grade_cell[1] + 1).value
        if result.branch.name == "全填":
            assert (total, grade) == (90, "先进")
        else:
            assert result.branch.grade is None
            assert total in (None, "") and grade in (None, ""), result.branch.name
    summary = book["汇总表"]
    assert summary["B10"].value == "先进数"  # not counted from partial grades
