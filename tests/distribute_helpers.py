"""Helpers for the distribute tests: fill a distributed workbook as a secretary would, and
recalculate it in LibreOffice (as Excel does when it saves, cached values included)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from conftest import soffice_convert_all
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from addin.kinds.rubric.spec import RubricSpec


def inputs(ws: Worksheet) -> list[str]:
    """The unlocked cells of a sheet, row by row (a rubric: item by item, rater by rater);
    a merged area counts by its top-left cell, as Excel locks it."""
    return [
        cell.coordinate
        for row in ws.iter_rows()
        for cell in row
        if not isinstance(cell, MergedCell) and not cell.protection.locked
    ]


def item_scores(spec: RubricSpec, total: Decimal, spread: bool = False) -> list[Decimal]:
    """Scores for the spec's items adding up exactly to `total`: greedy (full marks first), or
    `spread`: one or two decimals each, where possible chosen so that adding them up in floating point, left to
    right as a spreadsheet does, falls just *below* the exact total (84.99999999999999 for
    85) — the trap a formula without ROUND falls into at a boundary."""
    items = spec.items
    if spread:
        pick = random.Random(0)
        valid: list[Decimal] = []
        share = total / spec.total_points
        for attempt in range(20_000):
            step = Decimal("0.1") if attempt < 5_000 else Decimal("0.01")
            scores = [
                min(
                    i.points,
                    max(
                        Decimal(0), (i.points * share).quantize(step) + pick.randint(-60, 60) * step
                    ),
                )
                for i in items
            ]
            for k in reversed(range(len(items))):
                gap = total - sum(scores)
                scores[k] = min(items[k].points, max(Decimal(0), scores[k] + gap))
            floating = 0.0
            for score in scores:
                floating += float(score)
            if sum(scores) == total:
                valid = scores
                if floating < total:
                    return scores
        return valid  # few items (three raters): no sum of them falls below; still a case
    left, scores = total, []
    for item in items:
        score = min(item.points, left)
        scores.append(score)
        left -= score
    assert left == 0
    return scores


def fill_rubric(ws: Worksheet, spec: RubricSpec, scores: Sequence[object]) -> None:
    """Each item's score into its input cells (every rater the same score, or pass/fail words
    for a count of criteria met)."""
    cells = inputs(ws)
    per_item = len(spec.input_columns)
    assert len(cells) == per_item * len(spec.items)
    for i, score in enumerate(scores):
        given = score if isinstance(score, tuple) else (score,) * per_item
        for j, value in enumerate(given):
            ws[cells[i * per_item + j]] = float(value) if isinstance(value, Decimal) else value


def verdicts(spec: RubricSpec, met: int) -> list[str]:
    words = spec.verdicts
    return [words.met] * met + [words.not_met] * (len(spec.items) - met)


def recalculate(paths: Sequence[Path], outdir: Path) -> list[Path]:
    """Open every file in LibreOffice Calc and save it as .xlsx again (one start for all):
    formulas recalculated, their values cached in the file."""
    return soffice_convert_all(list(paths), outdir)
