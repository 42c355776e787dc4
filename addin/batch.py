"""Checking many files: every file in a worker process, annotated copies, one consolidated report.

Originals are never modified; one bad file never stops the run. `check_files` is the isolated,
ordered core that `jiceng check`, `fill` and `batch` share; `run_batch` adds the copies and the
report workbook. Every output is written atomically (`atomic`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import findings as F
from .atomic import atomic_path, remove_stale
from .engine import Evaluation, check_path
from .isolation import Failure, run_isolated
from .limits import DEFAULT_LIMITS, Limits
from .report.consolidated import Consolidator, overview_lines, section_tables
from .report.model import FileReport, Report
from .report.render import JsonStream
from .safe_text import path_text
from .spec import SpecSet
from .support import weak_notes
from .workbook.model import UnreadableWorkbook
from .writes import plan_for

if TYPE_CHECKING:  # pandas stays out of the workers: the inbox modules load in run_batch
    from .report.inbox import LastYear, Roster

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
    # A legacy file (.xls, .xlsb, .ods) converted to .xlsx: the copy is written from this.
    copy_from: Path | None = None


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
        evaluation = safe_check(
            job.path, self.specs, display=job.display, limits=self.limits, **self.options
        )
        report = evaluation.report
        report.filed_on = filed_on(evaluation)
        if job.copy_to is None or report.status == "unreadable":
            return FileOutcome(report)
        if not job.copy_always and not worth_a_copy(job.copy_from or job.path, report):
            return FileOutcome(report)
        # openpyxl (and the numpy it loads) only in a worker that writes a copy: not for `check`.
        from .workbook.openpyxl_writer import fill_file

        try:
            plan = plan_for(
                evaluation.writes,
                report.findings,
                evaluation.conditional,
                weak_notes(evaluation),
            )
            fill_file(job.copy_from or job.path, job.copy_to, plan, evaluation.data)
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


FILED_ON_LABEL = "填报日期"


def filed_on(evaluation: Evaluation) -> date | None:
    """A 填报日期 field above the summary table (not in the official template, but offices
    add one): the first rule for which of two submissions of a 党总支 counts."""
    from .locate import find_field
    from .task_status import read_date

    summary, data = evaluation.report.summary, evaluation.data
    sheet = data.sheet(summary.sheet) if summary is not None and data is not None else None
    found = find_field(sheet, FILED_ON_LABEL) if sheet is not None else None
    return read_date(found[1]) if found else None


def worth_a_copy(path: Path, report: FileReport) -> bool:
    """A copy helps only where a template was found and openpyxl can write the format."""
    return path.suffix.lower() in FILLABLE and not has_no_template(report)


def has_no_template(report: FileReport) -> bool:
    return any(f.code == F.FILE_NO_TEMPLATE.code for f in report.findings)


# What every check worker imports as it reads its first file (the reader, the stamp's document
# properties), and the writer of annotated copies (openpyxl, numpy): imported once in the parent
# before the workers are forked (`isolation`), not once per worker; `check` never loads the writer.
WORKER_MODULES = ("addin.workbook.calamine_reader", "addin.workbook.docprops")
COPY_WRITER = "addin.workbook.openpyxl_writer"


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
    preload = list(WORKER_MODULES)
    if any(job.copy_to is not None for job in jobs):
        preload.append(COPY_WRITER)
    for index, result in run_isolated(jobs, task, jobs=workers, limits=limits, preload=preload):
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
    """What a batch wrote and its counts (the files' reports went to the outputs as they came:
    nothing here grows with the inbox but `annotated`, one path per annotated copy)."""

    report_book: Path
    report_json: Path
    files: int = 0
    errors: int = 0
    warnings: int = 0
    unreadable: int = 0
    with_errors: int = 0
    annotated: dict[str, Path] = field(default_factory=dict)  # file → its annotated copy

    @property
    def exit_code(self) -> int:
        """As `Report.exit_code`: 2 a file unreadable, 1 errors found, else 0."""
        return 2 if self.unreadable else 1 if self.with_errors else 0


def run_batch(
    files: list[Path],
    out: Path,
    specs: SpecSet,
    *,
    root: Path | None = None,
    annotate: bool = True,
    progress: Callable[[str], None] | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    roster: Roster | None = None,
    last_year: LastYear | None = None,
    **options,
) -> BatchResult:
    """Check every file in worker processes, write annotated copies, report.json and
    汇总报告.xlsx. Outputs list the files in the sorted order of `files`.

    Memory does not grow with the inbox: each file's full report goes to a spool file as it
    comes; what stays in memory is a light copy without its findings, for the inbox sections
    (resubmissions, roster, year over year, task progress), which need every file. Then the
    spool is read back once, file by file, into report.json and the report workbook (written
    row by row). `progress(name)` as each file is done; `on_file(report)` for each file's
    final report, in order. `roster` / `last_year`: read by the front end beforehand
    (`report.roster.read_roster`, `report.year_over_year.load_last_year`), so a bad one stops
    the run before any work. Legacy files get their copies from an .xlsx that LibreOffice
    converts first (`workbook.convert`); without it the report says they were checked but not
    copied."""
    from .report.inbox import inbox_sections
    from .report.support import SupportInputs
    from .workbook.convert import LEGACY, to_xlsx

    out.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale(out):
        log.info("removed %s, left by an interrupted run", stale)
    grades = specs.grade_names
    result = BatchResult(out / REPORT_BOOK, out / REPORT_JSON)
    with tempfile.TemporaryDirectory(prefix="jiceng-batch-") as work:
        legacy = [p for p in files if p.suffix.lower() in LEGACY] if annotate else []
        converted = to_xlsx(legacy, Path(work))
        jobs, no_copy = _jobs(files, out, root, annotate, converted)
        spool = Path(work) / "files.jsonl"
        light: list[FileReport] = []
        support = SupportInputs(specs)
        links: dict[str, str] = {}
        with spool.open("w", encoding="utf-8") as handle:
            outcomes = check_files(jobs, specs, workers=workers, limits=limits, **options)
            for job, outcome in zip(jobs, outcomes, strict=True):
                report = outcome.report
                if outcome.copy_error:
                    report.findings.append(F.FILE_ANNOTATE_FAILED(reason=outcome.copy_error))
                reason = no_copy.get(job.display)
                if reason and report.status != "unreadable" and not has_no_template(report):
                    report.findings.append(F.FILE_NO_COPY(reason=reason))
                if outcome.copy is not None:
                    result.annotated[job.display] = outcome.copy
                    links[job.display] = os.path.relpath(outcome.copy, out)
                handle.write(report.model_dump_json() + "\n")
                support.add(report)
                light.append(_light(report))
                if progress:
                    progress(job.display)
        # A worker killed while saving a copy (time or memory cap) leaves its temp file.
        remove_stale(out / ANNOTATED_DIR)
        # The inbox sections add batch.* findings to the light copies' empty lists.
        inbox = Report(files=light)
        inbox.batch = inbox_sections(
            inbox,
            grades=grades,
            modified={job.display: _modified(job.path) for job in jobs},
            as_of=options.get("as_of"),
            roster=roster,
            last_year=last_year,
            conversion_target=next(
                (s.conversion_target for s in specs.specs if hasattr(s, "conversion_target")), None
            ),
            support=support,
        )
        _write_outputs(result, specs, grades, spool, inbox, links, on_file)
    return result


def _light(report: FileReport) -> FileReport:
    """What the inbox sections read of a file — names, grades, the summary, tasks, dates — and
    an empty list for the findings they add: not its findings, not the branches' categories
    or item scores (薄弱环节与帮扶 keeps what it needs of them: `SupportInputs`)."""
    branches = getattr(report, "branches", None)
    update: dict = {"findings": []}
    if branches:
        update["branches"] = [
            b.model_copy(update={"categories": {}, "items": []}) for b in branches
        ]
    return report.model_copy(update=update)


def _jobs(files, out, root, annotate, converted) -> tuple[list[FileJob], dict[str, str]]:
    """A job per file; `no_copy`: display name → why a legacy file gets no copy."""
    jobs, no_copy = [], {}
    names = {_display(path, root) for path in files}
    for path in files:
        name = _display(path, root)
        copy_to = out / ANNOTATED_DIR / name if annotate else None
        source = converted.get(path)
        if isinstance(source, str):
            no_copy[name], copy_to, source = source, None, None
        elif source is not None:  # a.xls → a.xlsx, or a.xls.xlsx beside a submitted a.xlsx
            as_xlsx = Path(name).with_suffix(".xlsx").as_posix()
            copy_to = out / ANNOTATED_DIR / (as_xlsx if as_xlsx not in names else name + ".xlsx")
        jobs.append(FileJob(path, name, copy_to, copy_from=source))
    return jobs, no_copy


def _write_outputs(result, specs, grades, spool, inbox, links, on_file) -> None:
    """report.json and 汇总报告.xlsx from the spool, one file at a time, each written atomically."""
    from .workbook.report_writer import ReportBook

    # The 党支部 table's columns: every rubric category, known before the first file.
    categories = list(
        dict.fromkeys(c.name for s in specs.specs if hasattr(s, "grading") for c in s.categories)
    )
    consolidated = Consolidator(grades, categories, frozenset(inbox.batch.excluded))
    book = ReportBook(
        result.report_book,
        grades,
        consolidated.branch_header,
        section_tables(inbox),
        links,
    )
    try:
        with (
            atomic_path(result.report_json) as temp,
            temp.open("w", encoding="utf-8") as handle,
            spool.open(encoding="utf-8") as lines,
        ):
            stream = JsonStream(handle)
            for line, light in zip(lines, inbox.files, strict=True):
                report = FileReport.model_validate_json(line)
                report.findings += light.findings  # batch.* findings of the inbox sections
                stream.add(report)
                book.add(consolidated.add(report), links.get(report.path))
                _count(result, report)
                if on_file:
                    on_file(report)
            stream.close(Report(batch=inbox.batch))
        book.close(consolidated.overview(overview_lines(inbox)), consolidated.by_unit())
    finally:
        book.discard()


def _count(result: BatchResult, report: FileReport) -> None:
    result.files += 1
    result.errors += report.errors
    result.warnings += report.warnings
    result.unreadable += report.status == "unreadable"
    result.with_errors += report.status == "errors"


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return datetime.min


def _display(path: Path, root: Path | None) -> str:
    """The file's name in the reports (relative to `root`), readable and safe to write."""
    if root is not None:
        try:
            return path_text(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass
    return path_text(path.name)
