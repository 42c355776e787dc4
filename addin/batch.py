"""Checking many files: every file in a worker process, annotated copies, one consolidated report.

Originals are never modified; one bad file never stops the run. `check_files` is the isolated,
ordered core that `jiceng check`, `fill` and `batch` share; `run_batch` adds the copies and the
report workbook. Every output is written atomically (`atomic`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import findings as F
from .atomic import remove_stale, write_text_atomically
from .engine import Evaluation, check_path
from .isolation import Failure, run_isolated
from .limits import DEFAULT_LIMITS, Limits
from .report.consolidated import consolidate
from .report.model import FileReport, Report
from .report.render import to_json
from .spec import SpecSet
from .workbook.model import UnreadableWorkbook
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
    except MemoryError:
        raise  # the worker reports it as file.too_large
    except Exception as exc:  # the batch must go on; the detail goes to the log
        log.exception("internal error while checking %s", path)
        finding = F.FILE_INTERNAL_ERROR(detail=f"{type(exc).__name__}: {exc}"[:200])
        return Evaluation(
            FileReport(path=display or str(path), status="unreadable", findings=[finding])
        )


@dataclass(frozen=True)
class FileJob:
    path: Path
    display: str
    copy_to: Path | None = None  # where the annotated copy goes, if one is wanted
    # `fill` writes the copy it was asked for; a batch only copies files with a template.
    copy_always: bool = False


@dataclass
class FileOutcome:
    report: FileReport
    copy: Path | None = None
    copy_error: str | None = None


@dataclass(frozen=True)
class CheckTask:
    """What a worker does with one FileJob (picklable: sent to spawned workers)."""

    specs: SpecSet
    limits: Limits = DEFAULT_LIMITS
    options: dict[str, Any] = field(default_factory=dict)

    def __call__(self, job: FileJob) -> FileOutcome:
        from .workbook.openpyxl_writer import fill_file

        evaluation = safe_check(
            job.path, self.specs, display=job.display, limits=self.limits, **self.options
        )
        report = evaluation.report
        if job.copy_to is None or report.status == "unreadable":
            return FileOutcome(report)
        if not job.copy_always and not worth_a_copy(job.path, report):
            return FileOutcome(report)
        try:
            plan = plan_for(evaluation.writes, report.findings, evaluation.conditional)
            fill_file(job.path, job.copy_to, plan, evaluation.data)
        except MemoryError:
            raise
        except UnreadableWorkbook as exc:
            return FileOutcome(report, copy_error=exc.reason)
        except OSError as exc:
            return FileOutcome(report, copy_error=f"无法写出 {job.copy_to}：{exc.strerror or exc}")
        except Exception as exc:  # e.g. openpyxl cannot round-trip this file
            log.exception("could not annotate %s", job.path)
            return FileOutcome(report, copy_error=f"{type(exc).__name__}: {exc}"[:200])
        return FileOutcome(report, copy=job.copy_to)


def worth_a_copy(path: Path, report: FileReport) -> bool:
    """A copy helps only where a template was found and openpyxl can write the format."""
    return path.suffix.lower() in FILLABLE and not has_no_template(report)


def has_no_template(report: FileReport) -> bool:
    return any(f.code == F.FILE_NO_TEMPLATE.code for f in report.findings)


def check_files(
    jobs: Sequence[FileJob],
    specs: SpecSet,
    *,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    **options,
) -> Iterator[FileOutcome]:
    """Each job in a worker process; outcomes in the order of `jobs`. A worker that dies, runs
    out of memory or time gives that file a finding (file.too_large / timeout / internal_error)."""
    task = CheckTask(specs, limits, options)
    for index, result in run_isolated(jobs, task, jobs=workers, limits=limits):
        if isinstance(result, Failure):
            yield FileOutcome(failure_report(jobs[index].display, result))
        else:
            yield result


def failure_report(display: str, failure: Failure) -> FileReport:
    if failure.kind == "too_large":
        finding = F.FILE_TOO_LARGE(reason=failure.detail)
    elif failure.kind == "timeout":
        finding = F.FILE_TIMEOUT(seconds=failure.detail)
    else:
        finding = F.FILE_INTERNAL_ERROR(detail=failure.detail)
    return FileReport(path=display, status="unreadable", findings=[finding])


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
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    **options,
) -> BatchResult:
    """`root`: names in the report are relative to it; copies keep the same relative layout."""
    from .workbook.report_writer import write_report

    out.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale(out):
        log.info("removed %s, left by an interrupted run", stale)
    jobs = []
    for path in files:
        name = _display(path, root)
        copy_to = out / ANNOTATED_DIR / name if annotate else None
        jobs.append(FileJob(path, name, copy_to))
    reports: list[FileReport] = []
    annotated: dict[str, Path] = {}
    for job, outcome in zip(
        jobs, check_files(jobs, specs, workers=workers, limits=limits, **options), strict=True
    ):
        if progress:
            progress(job.display)
        if outcome.copy is not None:
            annotated[job.display] = outcome.copy
        if outcome.copy_error:
            outcome.report.findings.append(F.FILE_ANNOTATE_FAILED(reason=outcome.copy_error))
        reports.append(outcome.report)
    report = Report(files=reports)
    book = out / REPORT_BOOK
    links = {name: os.path.relpath(target, out) for name, target in annotated.items()}
    write_report(consolidate(report, specs.grade_names), book, links=links)
    json_path = write_text_atomically(out / REPORT_JSON, to_json(report) + "\n")
    return BatchResult(report=report, report_book=book, report_json=json_path, annotated=annotated)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name
