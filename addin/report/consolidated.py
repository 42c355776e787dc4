"""The consolidated view of a batch: every branch of the college, counts per grade per 党总支,
every finding with file/sheet/cell. Plain tables (lists of rows) — the workbook writer and any
other renderer take them as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cells import fold
from ..findings import SEVERITY_LABEL
from .model import FileReport, Report
from .render import STATUS_LABEL

UNKNOWN_GRADE = "无法定级"


def general_branch(file: FileReport) -> str:
    """The 党总支 a file speaks for: its summary's 填报单位, else the file name."""
    unit = file.summary.unit if file.summary is not None else None
    return str(unit).strip() if unit and str(unit).strip() else Path(file.path).stem


def _summary_only_rows(file: FileReport):
    """Summary rows of branches without a rubric sheet in the same file: the summary is then
    the only word on them (a 党总支 may send up the summary alone)."""
    if file.summary is None:
        return []
    graded = {fold(b.name) for b in file.branches}
    return [row for row in file.summary.rows if row.name and fold(row.name) not in graded]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Consolidated:
    overview: Table
    by_unit: Table
    branches: Table
    findings: Table
    files: Table
    grades: list[str]
    # The inbox as a whole (a batch with its sections): None / empty when there is nothing.
    tasks: Table | None = None
    roster: Table | None = None
    duplicates: Table | None = None
    year_over_year: Table | None = None
    conversion: Table | None = None


def overview_lines(report: Report) -> list[list[Any]]:
    from .inbox_tables import overview_lines as lines

    return lines(report)


def consolidate(report: Report, grades: list[str]) -> Consolidated:
    """`grades`: grade names best first (from the rubric spec), so columns follow the scale."""
    excluded = set(report.batch.excluded) if report.batch else set()
    branch_rows, finding_rows, file_rows = [], [], []
    per_unit: dict[str, Counter] = defaultdict(Counter)
    categories: list[str] = []
    for file in report.files:
        for b in file.branches:
            for name in b.categories:
                if name not in categories:
                    categories.append(name)
    for file in report.files:
        unit = general_branch(file)
        file_rows.append(
            [
                file.path,
                unit,
                STATUS_LABEL[file.status],
                file.errors,
                file.warnings,
                len(file.branches),
                "否（重复提交，见“重复提交”）" if file.path in excluded else "是",
            ]
        )
        for f in file.findings:
            finding_rows.append(
                [
                    file.path,
                    f.sheet or "",
                    f.cell or "",
                    SEVERITY_LABEL[f.severity],
                    f.code,
                    f.message,
                    f.value,
                ]
            )
        if file.path in excluded:
            continue  # a superseded resubmission: its findings listed, its grades not counted
        for b in file.branches:
            grade = b.grade or UNKNOWN_GRADE
            per_unit[unit][grade] += 1
            branch_rows.append(
                [
                    unit,
                    b.name,
                    file.path,
                    b.sheet,
                    b.total,
                    grade,
                    *[b.categories.get(c) for c in categories],
                ]
            )
        for row in _summary_only_rows(file):
            grade = row.grade or UNKNOWN_GRADE
            per_unit[unit][grade] += 1
            sheet = file.summary.sheet
            branch_rows.append(
                [unit, row.name, file.path, sheet, row.score, grade, *[None] * len(categories)]
            )
    columns = [*grades, UNKNOWN_GRADE]
    unit_rows = [
        [unit, *[counts.get(g, 0) for g in columns], sum(counts.values())]
        for unit, counts in per_unit.items()
    ]
    totals = Counter()
    for counts in per_unit.values():
        totals.update(counts)
    if unit_rows:
        unit_rows.append(["合计", *[totals.get(g, 0) for g in columns], sum(totals.values())])
    graded = sum(totals.get(g, 0) for g in grades)
    overview = Table(
        "概览",
        ["项目", "数值"],
        [
            ["文件数", len(report.files)],
            ["无法读取的文件", sum(1 for f in report.files if f.status == "unreadable")],
            ["有错误的文件", sum(1 for f in report.files if f.status == "errors")],
            ["党支部数", len(branch_rows)],
            *[[f"{g}数", totals.get(g, 0)] for g in grades],
            [f"{UNKNOWN_GRADE}（有错误，总分未知）", totals.get(UNKNOWN_GRADE, 0)],
            *[
                [f"{g}占比（已定级）", round(totals.get(g, 0) / graded, 4) if graded else None]
                for g in grades
            ],
            ["错误数", sum(f.errors for f in report.files)],
            ["警告数", sum(f.warnings for f in report.files)],
            *overview_lines(report),
        ],
    )
    return Consolidated(
        overview=overview,
        by_unit=Table("各党总支定级统计", ["党总支", *columns, "合计"], unit_rows),
        branches=Table(
            "党支部",
            ["党总支", "党支部", "文件", "工作表", "总分", "定级", *categories],
            branch_rows,
        ),
        findings=Table(
            "问题清单", ["文件", "工作表", "单元格", "级别", "代码", "说明", "值"], finding_rows
        ),
        files=Table(
            "文件", ["文件", "党总支", "状态", "错误", "警告", "党支部数", "计入统计"], file_rows
        ),
        grades=grades,
        **inbox_tables(report),
    )


def inbox_tables(report: Report) -> dict[str, Table | None]:
    """The batch sections' sheets; none of them without a batch (or without its data)."""
    from . import inbox_tables as t

    batch = report.batch
    if batch is None:
        return {}
    yoy = batch.year_over_year
    return {
        "tasks": Table("任务进度", t.TASK_HEADER, t.task_rows(batch)) if batch.tasks else None,
        "roster": Table("名单核对", t.ROSTER_HEADER, t.roster_rows(batch))
        if batch.roster
        else None,
        "duplicates": Table("重复提交", t.DUPLICATE_HEADER, t.duplicate_rows(batch))
        if batch.duplicates
        else None,
        "year_over_year": Table("年度对比", t.YEAR_HEADER, t.year_rows(yoy)) if yoy else None,
        "conversion": Table("后进转化率", t.CONVERSION_HEADER, t.conversion_rows(yoy))
        if yoy
        else None,
    }
