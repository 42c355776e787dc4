"""Batch over a folder: check every submission, write annotated copies and one consolidated
report workbook. Originals are never modified; one bad file never stops the batch.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import findings as F
from .engine import Evaluation, check_path
from .report.consolidated import consolidate
from .report.model import FileReport, Report
from .report.render import to_json
from .spec import SpecSet
from .writes import plan_for

log = logging.getLogger("jiceng")

ANNOTATED_DIR = "批注副本"
REPORT_BOOK = "汇总报告.xlsx"
REPORT_JSON = "report.json"
FILLABLE = {".xlsx", ".xlsm"}


def safe_check(path: Path, specs: SpecSet, display: str | None = None, **options) -> Evaluation:
    """check_path, but a defect in Jiceng becomes a finding for that file, not a crash."""
    try:
        return check_path(path, specs, display=display, **options)
    except Exception as exc:  # the batch must go on; the detail goes to the log
        log.exception("internal error while checking %s", path)
        finding = F.FILE_INTERNAL_ERROR(detail=f"{type(exc).__name__}: {exc}"[:200])
        return Evaluation(
            FileReport(path=display or str(path), status="unreadable", findings=[finding])
        )


@dataclass
class BatchResult:
    report: Report
    report_book: Path
    report_json: Path
    annotated: dict[str, Path] = field(default_factory=dict)


def run_batch(
    files: list[Path],
    out: Path,
    specs: SpecSet,
    *,
    root: Path | None = None,
    annotate: bool = True,
    progress: Callable[[str], None] | None = None,
    **options,
) -> BatchResult:
    """`root`: names in the report are relative to it; copies keep the same relative layout."""
    from .workbook.openpyxl_writer import fill_file
    from .workbook.report_writer import write_report

    out.mkdir(parents=True, exist_ok=True)
    reports: list[FileReport] = []
    annotated: dict[str, Path] = {}
    for path in files:
        name = _display(path, root)
        if progress:
            progress(name)
        evaluation = safe_check(path, specs, display=name, **options)
        report = evaluation.report
        if annotate and report.status != "unreadable" and path.suffix.lower() in FILLABLE:
            target = out / ANNOTATED_DIR / name
            try:
                plan = plan_for(evaluation.writes, report.findings, evaluation.conditional)
                fill_file(path, target, plan, evaluation.data)
                annotated[name] = target
            except Exception as exc:  # e.g. openpyxl cannot round-trip this file
                log.exception("could not annotate %s", path)
                report.findings.append(F.FILE_ANNOTATE_FAILED(reason=str(exc)[:200]))
        reports.append(report)
    report = Report(files=reports)
    grades = specs.rubrics[0].grading.names if specs.rubrics else []
    book = out / REPORT_BOOK
    links = {name: os.path.relpath(target, out) for name, target in annotated.items()}
    write_report(consolidate(report, grades), book, links=links)
    json_path = out / REPORT_JSON
    json_path.write_text(to_json(report) + "\n", encoding="utf-8")
    return BatchResult(report=report, report_book=book, report_json=json_path, annotated=annotated)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name
