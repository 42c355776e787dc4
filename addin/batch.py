"""Checking many files: every file in a worker process, annotated copies, one consolidated report.

Originals are never modified; one bad file never stops the run. `check_files` is the isolated,
ordered core that `jiceng check`, `fill` and `batch` share; `run_batch` adds the copies and the
report workbook. Every output is written atomically (`atomic`).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import findings as F
from .atomic import atomic_path, remove_stale
from .engine import Evaluation, check_path
from .file_kinds import file_kind
from .inbox_files import Entry, inbox_entries
from .isolation import Failure, Stop, run_isolated
from .limits import DEFAULT_LIMITS, Limits
from .progress import Progress
from .report.inbox_model import Interrupted
from .report.model import FileReport, Report
from .report.render import JsonStream
from .result_cache import OutputMemo, ResultCache, run_key
from .safe_text import path_text
from .spec import SpecSet
from .workbook.convert import SECONDS, copy_source
from .workbook.model import TooLarge, UnreadableWorkbook
from .writes import plan_for

if TYPE_CHECKING:  # pandas stays out of the workers: the inbox modules load in run_batch
    from .report.feedback import UnitNotice
    from .report.inbox import LastYear, Roster
    from .report.inbox_model import RosterReport, SupportReport

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
    # Where a worker converts a legacy file (.xls, .xlsb, .ods) for its copy, and keeps its
    # LibreOffice profile: the batch's own temporary folder.
    work: Path | None = None
    # A workbook inside a zip: `path` is the zip, this its member's place (`archive`).
    member: int | None = None
    # Not to be checked (a PDF, an archive's own findings): the report is made already.
    ready: FileReport | None = None

    @classmethod
    def of(cls, entry: Entry, copy_to: Path | None = None, **more) -> FileJob:
        return cls(
            entry.path, entry.display, copy_to, member=entry.member, ready=entry.ready, **more
        )


@dataclass
class FileOutcome:
    report: FileReport
    copy: Path | None = None
    copy_error: str | None = None
    no_copy: str | None = None  # why a file worth a copy has none (e.g. no LibreOffice)
    # The worker died (time, memory, a crash): the next run tries again, it is not kept.
    transient: bool = False
    # `support.branch_profiles` of the report's branches, worked out in the worker (a batch's
    # 薄弱环节与帮扶 needs them): the parent does not work them out again.
    profiles: list | None = None


@dataclass(frozen=True)
class CheckTask:
    """What a worker does with one FileJob (picklable: sent to spawned workers)."""

    specs: SpecSet
    limits: Limits = DEFAULT_LIMITS
    options: dict[str, Any] = field(default_factory=dict)
    profiles: bool = False  # send each branch's 薄弱环节 profile with the report (batch)

    def __call__(self, job: FileJob) -> FileOutcome:
        if job.member is None:
            return self.check(job, job.path)
        from .archive import read_member

        try:  # the member's bytes, within the limits, into this worker's own temp folder
            data = read_member(job.path, job.member, self.limits)
        except TooLarge as exc:
            return FileOutcome(_unreadable(job.display, F.FILE_TOO_LARGE(reason=exc.reason)))
        except UnreadableWorkbook as exc:
            return FileOutcome(_unreadable(job.display, F.FILE_UNREADABLE(reason=exc.reason)))
        with tempfile.TemporaryDirectory(prefix="jiceng-member-") as folder:
            source = Path(folder) / ("member" + Path(job.display).suffix.lower())
            source.write_bytes(data)
            del data
            return self.check(job, source)

    def check(self, job: FileJob, source: Path) -> FileOutcome:
        """Check the workbook at `source` (the file, or a member written out) as `job`; then,
        if it gets a copy, write it from what `convert.copy_source` makes of `source` (a
        legacy file converted here, in the worker, only now that it is known to need it)."""
        started = time.monotonic()
        evaluation = safe_check(
            source, self.specs, display=job.display, limits=self.limits, **self.options
        )
        report = evaluation.report
        report.filed_on = filed_on(evaluation)
        profiles = None
        if self.profiles:  # a batch: its 帮扶 pairing needs them (a check loads no `support`)
            from .support import branch_profiles

            profiles = branch_profiles(self.specs, report.branches)
        if job.copy_to is None or report.status == "unreadable":
            return FileOutcome(report, profiles=profiles)
        if not job.copy_always and has_no_template(report):
            return FileOutcome(report, profiles=profiles)
        # What is left of the file's time, less a margin for writing the copy.
        seconds = max(1.0, min(SECONDS, self.limits.timeout - (time.monotonic() - started) - 10))
        with tempfile.TemporaryDirectory(prefix="jiceng-copy-", dir=job.work) as folder:
            writable = copy_source(source, Path(folder), job.work or Path(folder), seconds)
            if isinstance(writable, str):
                return FileOutcome(report, no_copy=writable, profiles=profiles)
            outcome = self._copy(job, evaluation, writable, profiles)
            outcome.profiles = profiles
            return outcome

    def _copy(
        self, job: FileJob, evaluation: Evaluation, source: Path, profiles: list | None = None
    ) -> FileOutcome:
        from .support import profile, rubric_spec, weak_notes
        from .workbook import own_output
        from .workbook.patcher import write_copy

        report = evaluation.report
        # The profiles worked out already, of the report's branches (the evaluation's objects).
        known = {id(b): p for b, p in zip(report.branches, profiles or (), strict=False) if p}

        def found(spec, branch):
            same = spec is rubric_spec(self.specs, branch.spec)
            return (known.get(id(branch)) if same else None) or profile(spec, branch)

        try:
            plan = plan_for(
                evaluation.writes,
                report.findings,
                evaluation.conditional,
                weak_notes(evaluation, found),
            )
            mark = own_output.FILLED if job.copy_always else own_output.COPY
            written = write_copy(source, job.copy_to, plan, evaluation.data, mark)
        except MemoryError:
            raise
        except UnreadableWorkbook as exc:
            return FileOutcome(report, copy_error=exc.reason)
        except OSError as exc:
            return FileOutcome(report, copy_error=f"无法写出 {job.copy_to}：{exc.strerror or exc}")
        except Exception as exc:  # e.g. openpyxl cannot round-trip this file
            log.exception("could not annotate %s", job.path)
            return FileOutcome(report, copy_error=f"{type(exc).__name__}: {exc}"[:200])
        if written.reason:
            report.findings.append(F.FILE_COPY_REWRITTEN(reason=written.reason))
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
    work = [job for job in jobs if job.ready is None]
    results = check_jobs(work, specs, workers=workers, limits=limits, **options)
    for job in jobs:
        if job.ready is not None:  # listed, not checked: no worker needed
            yield FileOutcome(job.ready)
            continue
        _index, outcome = next(results)
        yield outcome


def check_jobs(
    jobs: Sequence[FileJob],
    specs: SpecSet,
    *,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    stop: Stop | None = None,
    profiles: bool = False,
    **options,
) -> Iterator[tuple[int, FileOutcome]]:
    """(index in `jobs`, outcome) for jobs to be checked, in their order; once `stop` is
    requested, what the running workers finish in their grace period and no more
    (`isolation.run_isolated`)."""
    task = CheckTask(specs, limits, options, profiles)
    preload = list(WORKER_MODULES)
    if any(job.copy_to is not None for job in jobs):
        preload.append(COPY_WRITER)
    results = run_isolated(jobs, task, jobs=workers, limits=limits, preload=preload, stop=stop)
    for index, result in results:
        if isinstance(result, Failure):
            yield index, FileOutcome(failure_report(jobs[index].display, result), transient=True)
        else:
            yield index, result


def failure_report(display: str, failure: Failure) -> FileReport:
    if failure.kind == "too_large":
        finding = F.FILE_TOO_LARGE(reason=failure.detail)
    elif failure.kind == "timeout":
        finding = F.FILE_TIMEOUT(seconds=failure.detail)
    else:
        finding = F.FILE_INTERNAL_ERROR(detail=failure.detail)
    return _unreadable(display, finding)


def _unreadable(display: str, finding: F.Finding) -> FileReport:
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
    not_checked: Counter[str] = field(default_factory=Counter)  # file kind → files not checked
    annotated: dict[str, Path] = field(default_factory=dict)  # file → its annotated copy
    notices: list[Path] = field(default_factory=list)  # one 整改通知 per unit (and its PDF)
    notices_to_fix: int = 0  # of those, the units with something to fix
    notices_not_received: int = 0  # and the roster units that sent nothing
    notices_not_made: int = 0  # units over `Limits.max_notices`: no notice written for them
    roster: RosterReport | None = None  # the roster lines of the terminal summary
    total: int = 0  # files of the inbox to check (not those only listed, such as a PDF)
    reused: int = 0  # files whose earlier result was reused (`result_cache`)
    unfinished: list[str] = field(default_factory=list)  # the run was stopped before them
    notices_stopped: list[str] = field(default_factory=list)  # units: stopped before their notice
    notice_pdfs_stopped: int = 0  # notices written whose PDF the stop left unmade
    # Units whose notice was written without its PDF, LibreOffice there (its worker died, its
    # time ran out, the stop, LibreOffice failed): the next run makes those PDFs.
    notice_pdfs_missing: list[str] = field(default_factory=list)
    # Stopped before any file had its result: nothing written, OUT's earlier outputs untouched.
    nothing_written: bool = False

    @property
    def interrupted(self) -> bool:
        return bool(self.unfinished or self.notices_stopped or self.notice_pdfs_stopped)

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
    progress: Progress | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    roster: Roster | None = None,
    last_year: LastYear | None = None,
    notice_pdf: bool = True,
    notice_notes: Callable[[FileReport], Mapping[str, Sequence[str]]] | None = None,
    stop: Stop | None = None,
    fresh: bool = False,
    **options,
) -> BatchResult:
    """Check every file in worker processes, write annotated copies, report.json and
    汇总报告.xlsx. Outputs list the files in the sorted order of `files`.

    Memory does not grow with the inbox: each file's full report goes to a spool file as it
    comes; what stays in memory is a light copy without its findings, for the inbox sections
    (resubmissions, roster, year over year, task progress), which need every file. Then the
    spool is read back once, file by file, into report.json and the report workbook (written
    row by row). `progress` counts the files as they are done; `on_file(report)` for each
    file's final report, in order. `roster` / `last_year`: read by the front end beforehand
    (`report.roster.read_roster`, `report.year_over_year.load_last_year`), so a bad one stops
    the run before any work. A legacy file with a template gets its copy from the .xlsx that
    LibreOffice makes of it in the worker, after its check (`workbook.convert`); without
    LibreOffice the report says it was checked but not copied. Each unit gets its 整改通知 in
    OUT/整改通知 (`report.feedback`), with a PDF when `notice_pdf` and LibreOffice is there;
    `notice_notes(report)`: further lines per 党支部 of a file for its notice (each branch's
    薄弱环节与帮扶 is there without it).

    An earlier run's results in `out` are reused for the files that did not change
    (`result_cache`; `fresh` checks every file again). Once `stop` is requested (Ctrl-C), no
    more files are started, nor notices (a stopped run's notice would lack the files not
    checked); the report covers the files done and lists the others as not checked, and the
    notices not written (`batch.interrupted`). The notices are written before the report is
    closed, so that it can say so of a stop that comes while they are written. A run stopped
    before any file had its result writes nothing (`BatchResult.nothing_written`)."""
    from .report.feedback import NOTICE_DIR
    from .report.inbox import inbox_sections
    from .report.support import SupportInputs

    out.mkdir(parents=True, exist_ok=True)
    for stale in remove_stale(out):
        log.info("removed %s, left by an interrupted run", stale)
    progress = progress or Progress()
    grades = specs.grade_names
    result = BatchResult(out / REPORT_BOOK, out / REPORT_JSON)
    cache = ResultCache(out, run_key(specs, limits, annotate, options), fresh=fresh)
    with tempfile.TemporaryDirectory(prefix="jiceng-batch-") as work:
        entries = inbox_entries(
            files,
            lambda path: _display(path, root),
            work=Path(work),
            workers=workers,
            limits=limits,
        )
        jobs, no_copy = _jobs(entries, out, annotate, Path(work))
        # Listed only (not workbooks), or unchanged since the last run: no worker needed.
        done = {i: FileOutcome(e.ready) for i, e in enumerate(entries) if e.ready is not None}
        reused = _reuse(cache, jobs, done)
        # The listed-only files (`done` so far) are never checked: not counted.
        result.total, result.reused = len(entries) - len(done), len(reused)
        done |= reused
        todo = [i for i in range(len(jobs)) if i not in done]
        spool = Path(work) / "files.jsonl"
        light: list[FileReport] = []
        support = SupportInputs(specs)
        links: dict[str, str] = {}
        checked: list[bool] = []
        progress.start(len(jobs), [o.report for o in done.values()])
        checks = check_jobs(
            [jobs[i] for i in todo],
            specs,
            workers=workers,
            limits=limits,
            stop=stop,
            profiles=True,  # 薄弱环节与帮扶 (`support`) from the workers
            **options,
        )
        try:
            with spool.open("w", encoding="utf-8") as handle:
                for i, outcome in _in_order(len(jobs), done, todo, checks):
                    job = jobs[i]
                    checked.append(outcome is not None)
                    if outcome is None:  # stopped before this file
                        result.unfinished.append(job.display)
                        continue
                    if i not in done:
                        # Not kept: a result that may differ next time (a worker that died, a
                        # copy not written, a legacy file LibreOffice did not convert).
                        if not (outcome.transient or outcome.copy_error or outcome.no_copy):
                            cache.store(job.display, outcome.report, outcome.copy)
                        progress.done(outcome.report, _waiting_for(jobs, todo, i))
                    report = _final_report(outcome, outcome.no_copy or no_copy.get(job.display))
                    if outcome.copy is not None:
                        result.annotated[job.display] = outcome.copy
                        links[job.display] = os.path.relpath(outcome.copy, out)
                    handle.write(report.model_dump_json() + "\n")
                    support.add(report, outcome.profiles)
                    light.append(_light(report))
        finally:
            checks.close()  # a second Ctrl-C: the workers are killed before anything else
            progress.finish()
            # A worker killed while saving a copy (time or memory cap, Ctrl-C) leaves its temp file.
            remove_stale(out / ANNOTATED_DIR)
        if result.unfinished and len(result.unfinished) == result.total:
            # Stopped before any file had its result (--fresh, or a first run): a report of no
            # file would stand beside the earlier run's notices, and the cache would drop the
            # earlier copies. Nothing is written: OUT keeps the earlier run's outputs, whole.
            result.nothing_written = True
            return result
        for stale in cache.finish(result.unfinished):
            log.info("removed %s: its file changed or left the inbox", stale)
        # The inbox sections add batch.* findings to the light copies' empty lists.
        inbox = Report(files=light)
        inbox.batch = inbox_sections(
            inbox,
            grades=grades,
            modified={e.display: e.modified or _modified(e.path) for e in entries},
            as_of=options.get("as_of"),
            roster=roster,
            last_year=last_year,
            conversion_target=next(
                (s.conversion_target for s in specs.specs if hasattr(s, "conversion_target")), None
            ),
            support=support,
        )
        notices = _NoticeSpool(
            Path(work) / "notices", roster, inbox.batch.excluded, notice_notes, inbox.batch.support
        )
        inbox.batch.reused = result.reused
        result.roster = inbox.batch.roster
        missing = inbox.batch.roster.missing_units if inbox.batch.roster else []

        def write_unit_notices() -> None:
            """Every file's share is spooled by now; the report is not closed yet."""
            notices.write(
                result,
                out / NOTICE_DIR,
                inbox.batch.checked_on,
                notice_pdf,
                missing,
                limits.max_notices,
                OutputMemo(out, "notices.memo", fresh=fresh),  # not *.json: not a result entry
                workers=workers,
                limits=limits,
                stop=stop,
            )
            if result.interrupted:
                inbox.batch.interrupted = Interrupted(
                    files=result.total,
                    checked=result.total - len(result.unfinished),
                    not_checked=result.unfinished,
                    notices_not_written=result.notices_stopped,
                    notice_pdfs_not_made=result.notice_pdfs_stopped,
                )

        names = [(job.display, done) for job, done in zip(jobs, checked, strict=True)]
        _write_outputs(
            result, specs, grades, spool, inbox, links, on_file, notices, names, write_unit_notices
        )
    return result


def _final_report(outcome: FileOutcome, no_copy: str | None) -> FileReport:
    """The file's report with what the run adds: why it has no copy, if it should have one."""
    report = outcome.report
    if outcome.copy_error:
        report.findings.append(F.FILE_ANNOTATE_FAILED(reason=outcome.copy_error))
    if no_copy and report.status != "unreadable" and not has_no_template(report):
        report.findings.append(F.FILE_NO_COPY(reason=no_copy))
    return report


def _reuse(
    cache: ResultCache, planned: list[FileJob], listed: dict[int, FileOutcome]
) -> dict[int, FileOutcome]:
    """The earlier results that still hold, by index of the jobs (`listed` ones have none)."""
    reused = {}
    for i, job in enumerate(planned):
        earlier = None if i in listed else cache.lookup(job.display, job.path, job.copy_to)
        if earlier is not None:
            reused[i] = FileOutcome(earlier.report, earlier.copy)
    return reused


def _in_order(
    count: int,
    done: dict[int, FileOutcome],
    todo: list[int],
    checks: Iterator[tuple[int, FileOutcome]],
) -> Iterator[tuple[int, FileOutcome | None]]:
    """Every file's outcome in the order of the files: those `done` already at once, the
    checked ones as they come, None for a file a stopped run did not check."""
    pending = ((todo[k], outcome) for k, outcome in checks)
    upcoming = next(pending, None)
    for i in range(count):
        if i in done:
            yield i, done[i]
        elif upcoming is not None and upcoming[0] == i:
            yield i, upcoming[1]
            upcoming = next(pending, None)
        else:
            yield i, None


def _waiting_for(jobs: list[FileJob], todo: list[int], i: int) -> str | None:
    """The next file to be checked after file `i` (the one the run now waits for)."""
    from bisect import bisect_right

    k = bisect_right(todo, i)
    return jobs[todo[k]].display if k < len(todo) else None


class _NoticeSpool:
    """Each file's share of its unit's 整改通知, spooled per unit as the files come (memory
    holds one unit's notice at a time), then one notice per unit (`report.feedback`)."""

    def __init__(
        self,
        folder: Path,
        roster: Roster | None,
        excluded: list[str],
        notes_for: Callable[[FileReport], Mapping[str, Sequence[str]]] | None = None,
        support: SupportReport | None = None,
    ):
        from .report.feedback import support_by_file

        folder.mkdir()
        self.folder, self.excluded, self.notes_for = folder, set(excluded), notes_for
        self.support = support_by_file(support)  # the batch's 薄弱环节与帮扶, by file
        self.roster_units = (
            dict(zip(roster.table["unit_key"], roster.table["unit"], strict=True))
            if roster is not None
            else None
        )
        self.units: dict[str, Path] = {}

    def add(self, report: FileReport, link: str | None) -> None:
        import json

        from .report.feedback import notice_part, unit_for

        if report.status == "skipped":
            return  # a PDF, a picture, one of Jiceng's own outputs: no unit's business to fix
        unit = unit_for(report, self.roster_units)
        superseded = report.path in self.excluded
        notes = self.notes_for(report) if self.notes_for and not superseded else None
        part = notice_part(report, link, unit, superseded, notes, self.support.get(report.path))
        path = self.units.setdefault(unit, self.folder / f"{len(self.units)}.jsonl")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(part.to_json(), ensure_ascii=False) + "\n")

    def write(
        self,
        result: BatchResult,
        folder: Path,
        checked_on: date | None,
        pdf: bool,
        missing: list[str],
        most: int = DEFAULT_LIMITS.max_notices,
        memo: OutputMemo | None = None,
        *,
        workers: int = 1,
        limits: Limits = DEFAULT_LIMITS,
        stop: Stop | None = None,
    ) -> None:
        """One notice per unit that sent files, and one per roster unit in `missing`: at most
        `most`, the files of no identified unit's first (their one notice), then the units in
        the order their files came, then those that sent nothing. A notice made from the same
        parts as in the last run into this folder (`memo`) is kept as it is, its PDF too: a
        re-run after a few files changed converts only their units' notices. The notices to
        make are written by `workers` worker processes (`notice_pool`). Once `stop` is
        requested no more are started: the units without their notice go to
        `result.notices_stopped`, the notices written without their PDF are counted."""
        import json

        from .notice_pool import write_notices
        from .report.feedback import UNIDENTIFIED_UNIT, NoticePart, notice_name, unit_notice

        if not self.units and not missing:
            return
        folder.mkdir(exist_ok=True)
        memo = memo or OutputMemo(folder)  # none given: every notice is written
        kept: list[Path] = []
        to_make: list[tuple[UnitNotice, str, str]] = []  # the notice, its file stem, its memo key
        stems: set[str] = set()
        units = sorted(self.units, key=lambda unit: unit != UNIDENTIFIED_UNIT) + missing
        result.notices_not_made = max(0, len(units) - most)
        if result.notices_not_made:
            log.warning("另有 %d 份整改通知未写出（超过整改通知数上限）", result.notices_not_made)
        for unit in units[:most]:
            parts, spooled = [], b""
            if unit in self.units:
                spooled = self.units[unit].read_bytes()
                lines = spooled.decode("utf-8").splitlines()
                parts = [NoticePart.from_json(json.loads(line)) for line in lines]
            notice = unit_notice(unit, parts, checked_on)
            stem = _unique(notice_name(unit), stems)  # 甲/乙 and 甲_乙 are made safe alike
            key = memo.key(unit, stem, str(checked_on), str(pdf), spooled)
            unchanged = memo.still_there(stem, key)
            if unchanged and (not pdf or any(f.suffix == ".pdf" for f in unchanged)):
                kept += unchanged
                result.notices_to_fix += notice.needs_fixing
                result.notices_not_received += not notice.received
                continue
            to_make.append((notice, stem, key))
        made = write_notices(
            [(notice, stem) for notice, stem, _ in to_make],
            folder,
            pdf,
            workers=workers,
            limits=limits,
            stop=stop,
        )
        stopped = stop is not None and stop.requested
        if pdf and any(book and sheet is None for book, sheet in made):
            from .workbook.convert import soffice

            pdf = soffice() is not None  # without LibreOffice no PDF was missed
        written: list[Path] = []
        pdfs: list[Path] = []
        for (notice, stem, key), (book, sheet) in zip(to_make, made, strict=True):
            if book is None:
                if stopped:
                    result.notices_stopped.append(notice.unit)
                continue  # why is in the log
            if pdf and sheet is None:
                result.notice_pdfs_missing.append(notice.unit)
                result.notice_pdfs_stopped += stopped
            written.append(book)
            pdfs += [sheet] if sheet is not None else []
            memo.keep(stem, key, [book, *([sheet] if sheet is not None else [])])
            result.notices_to_fix += notice.needs_fixing
            result.notices_not_received += not notice.received
        memo.save(stopped)  # what the stop left unmade stays known as it is
        ordered = sorted(kept, key=lambda f: f.suffix)  # .pdf after .xlsx, as written
        result.notices = [
            *(f for f in ordered if f.suffix == ".xlsx"),
            *written,
            *(f for f in ordered if f.suffix == ".pdf"),
            *pdfs,
        ]


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


def _jobs(entries, out, annotate, work: Path) -> tuple[list[FileJob], dict[str, str]]:
    """A job per entry; `no_copy`: display name → why a file gets no copy, known beforehand.
    Every file gets its own copy name: a legacy file's copy is an .xlsx that keeps the original
    extension (甲.xls → 甲.xls.xlsx, so 甲.xls and 甲.ods do not meet), names that still meet
    (compared as Windows does, ignoring case) are numbered. A member of a zip gets its copy
    under the same path: 批注副本/材料.zip/子文件夹/文件.xlsx."""
    jobs, no_copy, taken = [], {}, set()
    copies = (out / ANNOTATED_DIR).resolve()
    for entry in entries:
        name = entry.display
        copy_to = None
        if annotate and entry.ready is None:
            legacy = Path(name).suffix.lower() not in FILLABLE
            if entry.member is not None and legacy:
                no_copy[name] = "压缩包中的旧格式文件不转换；如需批注副本，请解压后另存为 .xlsx"
            else:
                copy_to = (
                    out / ANNOTATED_DIR / _copy_name(name + ".xlsx" if legacy else name, taken)
                )
        if copy_to is not None and copies not in copy_to.resolve().parents:
            copy_to = None  # never outside 批注副本, whatever a name holds
        jobs.append(FileJob.of(entry, copy_to, work=work))
    return jobs, no_copy


def _copy_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… before its extension when taken, compared ignoring
    case as Windows does; the one returned is taken from then on."""
    stem, suffix = os.path.splitext(name)
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    taken.add(candidate.casefold())
    return candidate


def _unique(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem_1`, `stem_2`… when taken; the one returned is taken from then on."""
    name, i = stem, 0
    while name in taken:
        i += 1
        name = f"{stem}_{i}"
    taken.add(name)
    return name


def _write_outputs(
    result, specs, grades, spool, inbox, links, on_file, notices, names, before_close
) -> None:
    """report.json and 汇总报告.xlsx from the spool, one file at a time, each written atomically.
    `names`: every file in order, with whether it was checked (the 文件 sheet lists both).
    `before_close()`: once every file is in (the notices), before the batch sections go in."""
    from .report.consolidated import Consolidator, overview_lines, section_tables
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
            lights = iter(inbox.files)
            for name, checked in names:
                if not checked:
                    book.add(consolidated.unfinished(name))
                    continue
                report = FileReport.model_validate_json(next(lines))
                report.findings += next(lights).findings  # batch.* findings of the inbox sections
                stream.add(report)
                book.add(consolidated.add(report), links.get(report.path))
                notices.add(report, links.get(report.path))
                _count(result, report)
                if on_file:
                    on_file(report)
            before_close()
            stream.close(Report(batch=inbox.batch))
        book.close(consolidated.overview(overview_lines(inbox)), consolidated.by_unit())
    finally:
        book.discard()


def _count(result: BatchResult, report: FileReport) -> None:
    if report.status == "skipped":
        result.not_checked[file_kind(report.path)] += 1
        return
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
