"""The rubric as an outgoing form: one sheet per 党支部, its name filled, 小计 / 总分 / 定级结果
live (the formulas compute what `check.evaluate` computes, from the same cells).

As in the check, nothing is computed from partial data: while one score of a category is
blank, out of range or not a number, its 小计, the 总分 and the 定级结果 stay empty.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ...form import FormContext, FormSheet, band_choice, dated_title, number, shown
from .spec import RubricSpec
from .template import RubricCells, rubric_sheet


def rubric_forms(wb: Workbook, spec: RubricSpec, context: FormContext) -> list[FormSheet]:
    sheets = []
    for branch in context.branches:
        ws = context.new_sheet(wb, branch)
        cells = rubric_sheet(ws, spec, branch=branch)
        ws["A2"] = dated_title(spec.title, spec, context.year)
        form = FormSheet(sheet=ws.title, spec=spec.id, branch=branch)
        every = [r for rows in cells.rows.values() for r in rows]
        for label in spec.input_columns:
            letter = cells.letter(label)
            form.inputs.append(f"{letter}{every[0]}:{letter}{every[-1]}")
        form.formulas = _formulas(spec, cells)
        for ref, formula in form.formulas.items():
            ws[ref] = formula
        score = cells.letter(spec.labels.score)
        form.total, form.grade = f"{score}{cells.total_row}", f"{score}{cells.grade_row}"
        sheets.append(form)
    return sheets


def _formulas(spec: RubricSpec, cells: RubricCells) -> dict[str, str]:
    labels = spec.labels
    score = cells.letter(labels.score)
    subtotal = cells.letter(labels.subtotal)
    every = [r for rows in cells.rows.values() for r in rows]
    formulas: dict[str, str] = {}
    if spec.raters:
        for r in every:
            ok, value = _scored(spec, cells, [r])
            formulas[f"{score}{r}"] = f'=IF({ok},{shown(value)},"")'
    for rows in cells.rows.values():
        ok, value = _scored(spec, cells, rows)
        formulas[f"{subtotal}{rows[0]}"] = f'=IF({ok},{shown(value)},"")'
    ok, value = _scored(spec, cells, every)
    formulas[f"{score}{cells.total_row}"] = f'=IF({ok},{shown(value)},"")'
    bands = [(band.min, band.name) for band in spec.grading.bands]
    formulas[f"{score}{cells.grade_row}"] = f'=IF({ok},{band_choice(value, bands)},"")'
    return formulas


def _scored(spec: RubricSpec, cells: RubricCells, rows: list[int]) -> tuple[str, str]:
    """(every input of `rows` is valid, their exact score) as Excel expressions; `rows` are
    consecutive (one item, one category or all of them)."""
    top, bottom, n = rows[0], rows[-1], len(rows)
    checks, parts = [], []
    for label in spec.input_columns:
        letter = cells.letter(label)
        area = f"{letter}{top}:{letter}{bottom}"
        if spec.pass_fail:
            met, not_met = spec.verdicts.met, spec.verdicts.not_met
            checks.append(f'COUNTIF({area},"{met}")+COUNTIF({area},"{not_met}")={n}')
            parts.append(f'COUNTIF({area},"{met}")')
            continue
        points = get_column_letter(cells.col[spec.labels.points])
        limits = f"{points}{top}:{points}{bottom}"
        # All numbers, none negative, none above its item's 分值 (text compares above numbers).
        checks.append(f"COUNT({area})={n}")
        checks.append(f"MIN({area})>=0")
        checks.append(f"SUMPRODUCT(--({area}>{limits}))=0")
        weight = next((r.weight for r in spec.raters if r.label == label), None)
        parts.append(f"SUM({area})" + ("" if weight is None else f"*{number(weight)}"))
    return f"AND({','.join(checks)})", "+".join(parts)
