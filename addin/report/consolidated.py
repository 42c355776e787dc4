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
    """The 党总支 a file speaks for: the unit its stamp names (a workbook `jiceng distribute`
    sent out), else its summary's 填报单位, else the file name."""
    if file.stamp is not None:
        return file.stamp.unit
    unit = file.summary.unit if file.summary is not None else None
    return str(unit).strip() if unit and str(unit).strip() else Path(file.path).stem


UNNAMED_UNIT = "（未注明）"


def declared_unit(file: FileReport) -> str:
    """The 党总支 a file names itself (its summary's 填报单位), else “（未注明）”: for tables
    that show the file beside it, where the file name again would read as a unit."""
    unit = file.summary.unit if file.summary is not None else None
    return str(unit).strip() if unit and str(unit).strip() else UNNAMED_UNIT


def summary_only_rows(file: FileReport):
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
    # The inbox as a whole (a batch with its sections): None when there is nothing.
    tasks: Table | None = None
    roster: Table | None = None
    duplicates: Table | None = None
    year_over_year: Table | None = None
    conversion: Table | None = None
    support: Table | None = None

    def inbox(self) -> list[Table]:
        """The batch sections' tables that exist, in the order they print."""
        tables = (
            self.roster,
            self.duplicates,
            self.year_over_year,
            self.conversion,
            self.support,
            self.tasks,
        )
        return [t for t in tables if t is not None]


@dataclass
class FileRows:
    """What one file adds to the long tables (党支部, 问题清单, 文件)."""

    branches: list[list[Any]]
    findings: list[list[Any]]
    file: list[Any]


BRANCH_HEADER = ["党总支", "党支部", "文件", "工作表", "总分", "定级"]
FINDING_HEADER = ["文件", "工作表", "单元格", "级别", "代码", "说明", "值"]
FILE_HEADER = ["文件", "党总支", "状态", "错误", "警告", "党支部数", "计入统计"]


class Consolidator:
    """The consolidated view built file by file: each file's rows come back at once (to be
    written and forgotten), and only counts are kept for 概览 and 各党总支定级统计 — so a
    batch's memory does not grow with the inbox. `categories`: the rubric categories, columns
    of the 党支部 table (from the specs, so they are known before the first file)."""

    def __init__(
        self, grades: list[str], categories: list[str], excluded: frozenset[str] = frozenset()
    ):
        """`excluded`: superseded resubmissions — their findings are listed, their grades
        not counted."""
        self.grades, self.categories, self.excluded = grades, categories, excluded
        self.per_unit: dict[str, Counter] = defaultdict(Counter)
        self.files = self.unreadable = self.with_errors = self.branches = self.not_checked = 0
        self.errors = self.warnings = 0

    @property
    def branch_header(self) -> list[str]:
        return [*BRANCH_HEADER, *self.categories]

    def add(self, file: FileReport) -> FileRows:
        if file.status == "skipped":  # a PDF, a picture, a lock file: listed, not checked
            self.not_checked += 1
            reason = "；".join(f.message for f in file.findings)
            return FileRows([], [], [file.path, "", STATUS_LABEL[file.status], 0, 0, 0, reason])
        unit = general_branch(file)
        self.files += 1
        self.unreadable += file.status == "unreadable"
        self.with_errors += file.status == "errors"
        self.errors += file.errors
        self.warnings += file.warnings
        branch_rows: list[list[Any]] = []
        counted = file.path not in self.excluded
        for b in file.branches if counted else ():
            grade = b.grade or UNKNOWN_GRADE
            self.per_unit[unit][grade] += 1
            branch_rows.append(
                [
                    unit,
                    b.name,
                    file.path,
                    b.sheet,
                    b.total,
                    grade,
                    *[b.categories.get(c) for c in self.categories],
                ]
            )
        for row in summary_only_rows(file) if counted else ():
            grade = row.grade or UNKNOWN_GRADE
            self.per_unit[unit][grade] += 1
            sheet = file.summary.sheet
            branch_rows.append(
                [unit, row.name, file.path, sheet, row.score, grade, *[None] * len(self.categories)]
            )
        self.branches += len(branch_rows)
        finding_rows = [
            [
                file.path,
                f.sheet or "",
                f.cell or "",
                SEVERITY_LABEL[f.severity],
                f.code,
                f.message,
                f.value,
            ]
            for f in file.findings
        ]
        status = "无模板" if _no_template(file) else STATUS_LABEL[file.status]
        file_row = [
            file.path,
            unit,
            status,
            file.errors,
            file.warnings,
            len(file.branches),
            "是" if counted else "否（重复提交，见“重复提交”）",
        ]
        return FileRows(branch_rows, finding_rows, file_row)

    def overview(self, lines: list[list[Any]] = ()) -> Table:
        """`lines`: the batch sections' lines (`inbox_tables.overview_lines`)."""
        totals = self.totals()
        graded = sum(totals.get(g, 0) for g in self.grades)
        return Table(
            "概览",
            ["项目", "数值"],
            [
                ["文件数", self.files],
                *([["未检查的文件（不是工作簿）", self.not_checked]] if self.not_checked else []),
                ["无法读取的文件", self.unreadable],
                ["有错误的文件", self.with_errors],
                ["党支部数", self.branches],
                *[[f"{g}数", totals.get(g, 0)] for g in self.grades],
                [f"{UNKNOWN_GRADE}（有错误，总分未知）", totals.get(UNKNOWN_GRADE, 0)],
                *[
                    [f"{g}占比（已定级）", round(totals.get(g, 0) / graded, 4) if graded else None]
                    for g in self.grades
                ],
                ["错误数", self.errors],
                ["警告数", self.warnings],
                *lines,
            ],
        )

    def by_unit(self) -> Table:
        columns = [*self.grades, UNKNOWN_GRADE]
        rows = [
            [unit, *[counts.get(g, 0) for g in columns], sum(counts.values())]
            for unit, counts in self.per_unit.items()
        ]
        totals = self.totals()
        if rows:
            rows.append(["合计", *[totals.get(g, 0) for g in columns], sum(totals.values())])
        return Table("各党总支定级统计", ["党总支", *columns, "合计"], rows)

    def totals(self) -> Counter:
        totals: Counter = Counter()
        for counts in self.per_unit.values():
            totals.update(counts)
        return totals


def _no_template(file: FileReport) -> bool:
    return any(f.code == "file.no_template_found" for f in file.findings)


def rubric_categories(report: Report) -> list[str]:
    categories: list[str] = []
    for file in report.files:
        for b in file.branches:
            for name in b.categories:
                if name not in categories:
                    categories.append(name)
    return categories


def consolidate(report: Report, grades: list[str]) -> Consolidated:
    """The whole consolidated view of a report at once (`Consolidator` file by file).
    `grades`: grade names best first (from the rubric spec), so columns follow the scale."""
    excluded = frozenset(report.batch.excluded) if report.batch else frozenset()
    builder = Consolidator(grades, rubric_categories(report), excluded)
    branch_rows, finding_rows, file_rows = [], [], []
    for file in report.files:
        rows = builder.add(file)
        branch_rows += rows.branches
        finding_rows += rows.findings
        file_rows.append(rows.file)
    return Consolidated(
        overview=builder.overview(overview_lines(report)),
        by_unit=builder.by_unit(),
        branches=Table("党支部", builder.branch_header, branch_rows),
        findings=Table("问题清单", FINDING_HEADER, finding_rows),
        files=Table("文件", FILE_HEADER, file_rows),
        grades=grades,
        **inbox_tables(report),
    )


def overview_lines(report: Report) -> list[list[Any]]:
    from .inbox_tables import overview_lines as lines

    return lines(report)


def section_tables(report: Report) -> list[Table]:
    """The batch sections' tables that exist, in the order they print."""
    tables = inbox_tables(report)
    order = ("roster", "duplicates", "year_over_year", "conversion", "support", "tasks", "stages")
    return [tables[k] for k in order if tables.get(k) is not None]


def inbox_tables(report: Report) -> dict[str, Table | None]:
    """The batch sections' sheets; none of them without a batch (or without its data)."""
    from . import inbox_tables as t

    batch = report.batch
    if batch is None:
        return {}
    yoy = batch.year_over_year
    return {
        "tasks": Table("任务进度", t.TASK_HEADER, t.task_rows(batch)) if batch.tasks else None,
        "stages": Table("阶段进度", t.STAGE_HEADER, t.stage_rows(batch)) if batch.stages else None,
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
        "support": Table(t.SUPPORT_TITLE, t.SUPPORT_HEADER, t.support_rows(batch.support))
        if batch.support
        else None,
    }
