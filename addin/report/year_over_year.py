"""Year over year: last year's grades from last year's batch output (its report.json), joined
per branch by 党总支 + 党支部 (after `fold`), give 晋位升级 per branch and the plan's 后进转化率
per 党总支 and for the college, against the spec's target (50 % in 2022).

A 上年定级 typed in this year's summary table still wins; where it disagrees with last year's
report, the file gets `batch.last_year_mismatch`. 后进转化率 = of last year's lowest-grade
branches, the share no longer lowest; unknown (null) while any of them has no grade this year,
as in the summary table's own rate.

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from .. import findings as F
from ..cells import fold
from .consolidated import general_branch
from .inbox_model import BranchYear, UnitConversion, YearOverYear
from .model import Report

REPORT_NAME = "report.json"
COLLEGE = "全院"


class LastYearError(Exception):
    """Last year's report cannot be used; the message is for the person who gave it."""


def load_last_year(path: Path) -> tuple[Report, Path]:
    """Last year's report: a report.json, or the batch output folder holding one."""
    file = path / REPORT_NAME if path.is_dir() else path
    if not file.is_file():
        raise LastYearError(
            f"找不到上年的汇总结果：{file}（应为上年 jiceng batch 输出文件夹或其中的 report.json）"
        )
    try:
        return Report.model_validate_json(file.read_bytes()), file
    except (ValidationError, ValueError) as exc:
        raise LastYearError(f"{file} 不是 jiceng 的 report.json，无法读取上年定级") from exc


def graded_branches(report: Report) -> pd.DataFrame:
    """unit / branch / grade / typed 上年定级 / file / sheet of every counted branch."""
    excluded = set(report.batch.excluded) if report.batch else set()
    rows = []
    for file in report.files:
        if file.path in excluded:
            continue
        unit = general_branch(file)
        typed = {}
        if file.summary is not None:
            typed = {fold(r.name): r.last_year for r in file.summary.rows if r.name}
        seen = set()
        for b in file.branches:
            seen.add(fold(b.name))
            rows.append((unit, b.name, b.grade, typed.get(fold(b.name)), file.path))
        if file.summary is not None:
            for r in file.summary.rows:
                if r.name and fold(r.name) not in seen:
                    seen.add(fold(r.name))
                    rows.append((unit, r.name, r.grade, r.last_year, file.path))
    table = pd.DataFrame(rows, columns=["unit", "branch", "grade", "typed", "file"])
    table["unit_key"] = table["unit"].map(fold)
    table["branch_key"] = table["branch"].map(fold)
    # One row per branch: a branch graded twice in one unit keeps its first (the file's
    # own checks name the duplicate).
    return table.drop_duplicates(["unit_key", "branch_key"])


def compare_years(
    report: Report, last: Report, source: str, grades: list[str], target: Decimal | float | None
) -> YearOverYear:
    """`grades`: best first (the rubric's scale). Adds batch.last_year_mismatch to files."""
    now = graded_branches(report)
    before = graded_branches(last)[["unit_key", "branch_key", "grade"]]
    joined = now.merge(
        before.rename(columns={"grade": "reported"}),
        on=["unit_key", "branch_key"],
        how="left",
        indicator="listed",
    )
    joined["reported"] = joined["reported"].astype(object).where(joined["reported"].notna(), None)
    joined["typed"] = joined["typed"].astype(object).where(joined["typed"].notna(), None)
    joined["last_year"] = joined["typed"].where(joined["typed"].notna(), joined["reported"])
    rank = {name: i for i, name in enumerate(grades)}
    branches = []
    for r in joined.itertuples():
        last_year = r.last_year if isinstance(r.last_year, str) else None
        grade = r.grade if isinstance(r.grade, str) else None
        reported = r.reported if isinstance(r.reported, str) else None
        source_kind = "typed" if isinstance(r.typed, str) else "last_report" if reported else "none"
        moved = None
        if grade in rank and last_year in rank:
            moved = rank[grade] < rank[last_year]
        branches.append(
            BranchYear(
                unit=r.unit,
                branch=r.branch,
                grade=grade,
                last_year=last_year,
                source=source_kind,
                moved_up=moved,
                last_report_grade=reported,
                in_last_report=r.listed == "both",
            )
        )
        if source_kind == "typed" and reported and fold(reported) != fold(r.typed):
            _note_mismatch(report, r.file, r.branch, r.typed, reported)
    lowest = grades[-1] if grades else None
    units = [
        _conversion(unit, [b for b in branches if b.unit == unit], lowest, target)
        for unit in dict.fromkeys(b.unit for b in branches)
    ]
    return YearOverYear(
        source=source,
        target=float(target) if target is not None else None,
        branches=branches,
        units=units,
        college=_conversion(COLLEGE, branches, lowest, target),
        moved_up=sum(1 for b in branches if b.moved_up),
        without_last_year=sum(1 for b in branches if b.last_year is None),
    )


def _conversion(
    unit: str, branches: list[BranchYear], lowest: str | None, target: Decimal | float | None
) -> UnitConversion:
    base = [b for b in branches if lowest is not None and b.last_year == lowest]
    converted = sum(1 for b in base if b.grade is not None and b.grade != lowest)
    if not base or any(b.grade is None for b in base):
        rate = None
    else:
        rate = round(converted / len(base), 4)
    meets = None
    if rate is not None and target is not None:
        meets = Decimal(converted) / len(base) >= Decimal(str(target))
    return UnitConversion(
        unit=unit, lowest_last_year=len(base), converted=converted, rate=rate, meets_target=meets
    )


def _note_mismatch(report: Report, path: str, branch: str, typed: str, reported: str) -> None:
    file = next(f for f in report.files if f.path == path)
    file.findings.append(
        F.BATCH_LAST_YEAR_MISMATCH(
            sheet=file.summary.sheet if file.summary else None,
            branch=branch,
            typed=typed,
            reported=reported,
        )
    )
