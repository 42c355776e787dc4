"""The form face of a kind: one sheet of an outgoing workbook, pre-filled for its unit.

`jiceng distribute` asks each kind (`Kind.form`) to write its sheets into the workbook of one
党总支: a rubric sheet per 党支部 with its name filled, the summary with the unit and one row
per branch, the task list. A kind says which cells a person fills (`FormSheet.inputs`, each
already carrying its data validation) and writes live formulas into the cells Jiceng computes
(`FormSheet.formulas`); everything else is locked when the sheet is protected. A sheet that
collects others (the summary reads each branch's total and grade) finds them in
`FormContext.earlier`, as the engine's `Context.earlier` gives a kind the results before it.

The Excel expressions shared by the kinds live here too: they must reproduce Jiceng's exact
arithmetic (`cells.py`), so they are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .cells import EXACT_PLACES, SHOWN_PLACES, exact_text

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from .spec import SpecSet

# A cell is read at this many decimals (cells.to_decimal): Excel's float noise (84.99999999999)
# lies far below, the smallest real difference of scores at a boundary far above.
READ_PLACES = 9


@dataclass
class FormSheet:
    """One sheet a kind wrote for a unit (cells as "D5" or ranges "D5:D8", 1-based like Excel)."""

    sheet: str  # the sheet's title
    spec: str  # the spec id it follows
    inputs: list[str] = field(default_factory=list)  # what a person fills (unlocked)
    formulas: dict[str, str] = field(default_factory=dict)  # computed cell → its formula
    branch: str | None = None  # the branch a per-branch sheet is for
    total: str | None = None  # where its total and grade are (a collecting sheet reads them)
    grade: str | None = None


@dataclass(frozen=True)
class FormContext:
    """What a kind writes its sheets for: one unit, its branches, the sheets written before."""

    specs: SpecSet
    unit: str
    branches: Sequence[str]
    year: int | None = None
    earlier: dict[str, list[FormSheet]] = field(default_factory=dict)  # kind name → sheets
    # A new sheet with a legal name not yet in the workbook, made from the name wanted.
    new_sheet: Callable[[Workbook, str], Worksheet] = lambda wb, name: wb.create_sheet(name)

    def sheets_of(self, spec_id: str) -> list[FormSheet]:
        return [s for sheets in self.earlier.values() for s in sheets if s.spec == spec_id]


FormWriter = Callable[["Workbook", Any, FormContext], list[FormSheet]]


# --- Excel expressions --------------------------------------------------------------------


def number(value: Fraction | Decimal | int) -> str:
    """An exact constant as Excel reads it: 0.2, 85, or 1/3 as a division (no decimal loses it)."""
    text = exact_text(value)
    return f"({text})" if "/" in text else text


def shown(expression: str) -> str:
    """The value as Jiceng shows it (`cells.shown`): exact up to four decimals, else cut to two.

    `expression` is evaluated three times; Excel has no LET in every version people use."""
    exact = f"ROUND({expression},{READ_PLACES})"
    return (
        f"IF(ROUND({expression},{EXACT_PLACES})={exact},ROUND({expression},{EXACT_PLACES}),"
        f"TRUNC({expression},{SHOWN_PLACES}))"
    )


def band_choice(expression: str, bands: Sequence[tuple[Decimal, str]]) -> str:
    """The name of the band the exact value falls in: `bands` as (lower bound, name), each
    band from its bound inclusive up to the next one exclusive, as `Grading.grade` reads them.
    The value is read at READ_PLACES decimals, so 84.99999999999 from float sums is 85."""
    ordered = sorted(bands, key=lambda b: b[0], reverse=True)
    value = f"ROUND({expression},{READ_PLACES})"
    text = f'"{ordered[-1][1]}"'  # below every bound (only negative values): the lowest band
    for low, name in reversed(ordered[:-1]):
        text = f'IF({value}>={number(low)},"{name}",{text})'
    return text


def sheet_ref(sheet: str, cell: str) -> str:
    """A reference to a cell of another sheet: '支部''s 名'!D23 (quotes doubled)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def column_of(ws: Worksheet, header_row: int, label: str) -> str:
    """The letter of the column whose header cell reads `label`."""
    for cell in ws[header_row]:
        if cell.value == label:
            return cell.column_letter
    raise KeyError(label)


def text_length(title: str, limits: tuple[int, int], prompt: str, error: str):
    """A rule on the length of typed text, with its input message and error text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="textLength",
        operator="between",
        formula1=str(limits[0]),
        formula2=str(limits[1]),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title[:32],
        error=error[:255],
        showInputMessage=True,
        promptTitle=title[:32],
        prompt=prompt[:255],
    )


def prompt_only(title: str, prompt: str):
    """A rule that accepts anything and only shows an input message (free text, dates as
    people write them)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255]
    )


def dated_title(title: str, spec: Any, year: int | None) -> str:
    """The title for `--year`: the spec's year in it replaced, else the year put in front."""
    spec_year = getattr(spec, "year", None)
    if year is None or year == spec_year:
        return title
    if spec_year is not None and str(spec_year) in title:
        return title.replace(str(spec_year), str(year))
    return f"{year}年{title}"
