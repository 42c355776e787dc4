"""What a sheet says about its own dates: the year in its title, its 基准日期 field.

Shared by every kind judged as of a date or for a year (task lists, stage plans, summaries
with yearly targets) and by the Excel buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .cells import clip, fold, is_blank
from .findings import Finding, FindingKind
from .locate import Header, find_field
from .task_status import read_date
from .workbook.model import Cell, SheetData, cell_ref

_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
AS_OF_LABEL = "基准日期"


def sheet_year(sheet: SheetData, header: Header) -> int | None:
    """The year in the title above the table ("2022年任务清单"), else in the sheet name."""
    texts = [fold(v) for line in sheet.rows[: header.row] for v in line if isinstance(v, str)]
    for text in [*texts, fold(sheet.name)]:
        match = _YEAR_IN_TITLE.search(text)
        if match:
            return int(match.group(1))
    return None


@dataclass(frozen=True)
class AsOfCell:
    """A 基准日期 field on a sheet: where its value is, what it holds, the date it means."""

    cell: Cell
    raw: object
    day: date | None  # None: not a date


def read_as_of(sheet: SheetData) -> AsOfCell | None:
    """The sheet's 基准日期 field (near the top); None when there is none or it is blank."""
    found = find_field(sheet, AS_OF_LABEL)
    if found is None or is_blank(found[1]):
        return None
    cell, raw = found
    return AsOfCell(cell, raw, read_date(raw))


def sheet_as_of(sheet: SheetData, invalid: FindingKind) -> tuple[date, list[Finding]]:
    """The date a sheet is judged as of when the caller gives none: its 基准日期, else today —
    also when that cell is no date, which the `invalid` finding then says."""
    field = read_as_of(sheet)
    if field is None:
        return date.today(), []
    if field.day is not None:
        return field.day, []
    today = date.today()
    text = field.raw if isinstance(field.raw, str) else str(field.raw)
    finding = invalid(
        sheet=sheet.name,
        cell=cell_ref(*field.cell),
        value=clip(text.strip()),
        used=f"今天（{today.isoformat()}）",
        example=f"{today.year}-06-15",  # an example in this year, not the spec's
    )
    return today, [finding]


def as_of_year(sheet: SheetData) -> int | None:
    """The year of the sheet's 基准日期, if it has a readable one."""
    day = as_of_from_sheet(sheet)
    return day.year if day is not None else None


def as_of_from_sheet(sheet: SheetData) -> date | None:
    """The date in the sheet's 基准日期 cell; None when there is none or it is not a date."""
    found = read_as_of(sheet)
    return found.day if found is not None else None


def judged_when(
    sheet: SheetData,
    header: Header,
    spec_year: int,
    invalid: FindingKind,
    as_of: date | None = None,
    year: int | None = None,
) -> tuple[date, int, list[Finding]]:
    """The date and year a dated sheet (task list, stage plan) is judged for: `as_of` given,
    else its 基准日期, else today; `year` given, else its title's, else the spec's."""
    found: list[Finding] = []
    if as_of is None:
        as_of, found = sheet_as_of(sheet, invalid)
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    return as_of, year or sheet_year(sheet, header) or spec_year, found
