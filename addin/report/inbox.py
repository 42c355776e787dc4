"""The inbox as a whole, after every file is checked: resubmissions, the roster, task progress,
year over year — the `batch` section of report.json and the report workbook's extra sheets.

Batch front end only: these modules join and pivot tables with pandas, which the checks (and
xlwings Lite) never import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from ..spec import SpecSet
from .duplicates import find_duplicates, mark_superseded
from .inbox_model import BatchSections
from .model import Report
from .roster import compare
from .support import SupportInputs, support_report
from .task_progress import stage_progress, task_progress
from .year_over_year import compare_years


@dataclass(frozen=True)
class Roster:
    source: str
    table: pd.DataFrame


@dataclass(frozen=True)
class LastYear:
    source: str
    report: Report


def inbox_sections(
    report: Report,
    *,
    grades: list[str],
    modified: dict[str, datetime],
    as_of: date | None = None,
    roster: Roster | None = None,
    last_year: LastYear | None = None,
    conversion_target: Decimal | float | None = None,
    checked_on: date | None = None,
    specs: SpecSet | None = None,
    support: SupportInputs | None = None,
) -> BatchSections:
    """Adds batch.* findings to the files concerned; returns the sections. `specs`: the rubric
    specs the branches were graded with (薄弱环节与帮扶 needs them; none without);
    `support`: the branches' scores as a batch gathered them file by file (else `report`'s)."""
    duplicates = find_duplicates(report, modified)
    excluded = mark_superseded(report, duplicates)
    skip = set(excluded)
    return BatchSections(
        checked_on=checked_on or date.today(),
        as_of=as_of,
        duplicates=duplicates,
        excluded=excluded,
        roster=compare(report, roster.table, roster.source, skip) if roster else None,
        tasks=task_progress(report, skip),
        stages=stage_progress(report, skip),
        year_over_year=compare_years(
            _counted(report, excluded),
            last_year.report,
            last_year.source,
            grades,
            conversion_target,
        )
        if last_year
        else None,
        support=_support(report, specs, support, skip, roster),
    )


def _support(report, specs, inputs, skip, roster):
    table = roster.table if roster else None
    if inputs is not None:
        return inputs.report(report, skip, table)
    return support_report(report, specs, skip, table) if specs is not None else None


def _counted(report: Report, excluded: list[str]) -> Report:
    """The same files (the same objects, so findings land on them) with `excluded` marked."""
    view = Report.model_construct(files=report.files, batch=None)
    view.batch = BatchSections.model_construct(excluded=excluded)
    return view
