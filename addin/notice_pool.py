"""The batch's 整改通知 written by the worker pool, not by the batch's own process.

A batch of 300 units writes 300 notice workbooks (openpyxl, ≈ 35 ms each) and converts them to
PDF (LibreOffice, ≈ 0.1 s CPU each and ≈ 1.5 s to start): done in the parent, that is serial work
no `--jobs` shortens. Here the notices go to the workers (`isolation.run_isolated`) in chunks:
a chunk's workbooks, then its PDFs in one LibreOffice run, so LibreOffice starts once per chunk
and each worker converts its own chunks while the other does the same.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .isolation import Failure, Stop, run_isolated
from .limits import Limits
from .report.feedback import UnitNotice

log = logging.getLogger("jiceng")

# Notices per chunk at most: LibreOffice's start (≈ 1.5 s CPU, against ≈ 0.1 s a notice) is
# paid once per chunk; the chunk's time cap grows with it, as LibreOffice's own does.
MOST_PER_CHUNK = 150
# A second chunk starts LibreOffice a second time (≈ 1.5 s CPU, ≈ 15 notices' conversion): a
# worker gets a chunk of its own only when each chunk has at least this many notices. Not 15:
# for 24 notices (bench_batch's run, --jobs 2, 2026-12-07, 4 interleaved pairs, medians) one
# chunk saved 1.6 s CPU with LibreOffice (9.7 → 8.2 s) but took 1.6 s longer (16.2 → 17.9 s).
LEAST_PER_CHUNK = 10
NOTICE_WRITER = "addin.workbook.notice_writer"


# Where a chunk's notices are made (a folder beside them, on the same disk): an earlier run's
# notice and its PDF are replaced only once both new files are made (`move_in`), so a batch
# killed meanwhile (a second Ctrl-C) leaves them as its earlier run's report describes them.
STAGING = ".jiceng-tmp-notices"


@dataclass(frozen=True)
class NoticeTask:
    """What a worker does with a chunk of (notice, file stem): each notice's workbook in
    `folder`'s STAGING, then (with `pdf`) their PDFs in one LibreOffice run, then each notice
    and its PDF moved into `folder` (`move_in`). Returns, per notice, its workbook and its PDF,
    or None for what was not made (the reason is in the log)."""

    folder: Path
    pdf: bool

    def __call__(self, chunk: list[tuple[UnitNotice, str]]) -> list[tuple[Path | None, ...]]:
        from .workbook.notice_writer import notices_to_pdf, write_notice

        staging = self.folder / STAGING
        written: list[Path | None] = []
        for notice, stem in chunk:
            try:
                written.append(write_notice(notice, staging, stem))
            except MemoryError:
                raise
            except Exception as exc:  # one unit's notice never stops the others
                log.exception("%s的整改通知未写出：%s", notice.unit, exc)
                written.append(None)
        made = [p for p in written if p is not None]
        pdfs = set(notices_to_pdf(made, staging)) if self.pdf and made else set()
        return [
            move_in(self.folder, stem, notice.unit, p.with_suffix(".pdf") in pdfs)
            if p is not None
            else (None, None)
            for (notice, stem), p in zip(chunk, written, strict=True)
        ]


def move_in(folder: Path, stem: str, unit: str, pdf: bool) -> tuple[Path | None, Path | None]:
    """The notice `stem` made in STAGING (and its PDF, if `pdf`) moved into `folder`, each in
    one rename: the PDF first (none made: the earlier one removed), then the workbook. Either
    refused (Windows: open in Excel or a reader): the earlier notice stays, without a PDF."""
    staging = folder / STAGING
    book, sheet = folder / f"{stem}.xlsx", folder / f"{stem}.pdf"
    try:
        if pdf:
            os.replace(staging / sheet.name, sheet)
        else:
            sheet.unlink(missing_ok=True)
        try:
            os.replace(staging / book.name, book)
        except OSError:
            sheet.unlink(missing_ok=True)  # not beside the earlier notice
            raise
    except OSError as exc:
        log.warning("%s的整改通知未写出：%s", unit, exc)
        for staged in (book, sheet):
            (staging / staged.name).unlink(missing_ok=True)
        return None, None
    return book, sheet if pdf else None


def chunks(count: int, workers: int) -> list[range]:
    """`count` notices in chunks of at most MOST_PER_CHUNK, as many as a multiple of
    `workers` (each worker gets as much) once there are enough for a LibreOffice start each:
    fewer than 2 × LEAST_PER_CHUNK notices go in one chunk."""
    if count == 0:
        return []
    number = max(1, -(-count // MOST_PER_CHUNK), min(workers, count // LEAST_PER_CHUNK))
    if number > 1:
        number = min(count, -(-number // workers) * workers)
    size, extra = divmod(count, number)
    bounds, start = [], 0
    for i in range(number):
        end = start + size + (i < extra)
        bounds.append(range(start, end))
        start = end
    return bounds


def write_notices(
    notices: list[tuple[UnitNotice, str]],
    folder: Path,
    pdf: bool,
    *,
    workers: int,
    limits: Limits,
    stop: Stop | None = None,
) -> list[tuple[Path | None, Path | None]]:
    """Per notice, in order: its workbook in `folder` and its PDF (None: not made). A notice's
    earlier files are replaced once it and its PDF are made (`move_in`). A chunk whose worker
    dies, runs out of time or is stopped (`stop`: Ctrl-C; the chunks running get `isolation`'s
    grace) keeps the workbooks it wrote, whole (`atomic`), without PDFs (their earlier PDFs
    go); the rest of it is not made (logged), nor is any chunk once `stop` is requested: the
    next run makes them, and until then the earlier run's files of those notices stay. Stopped
    at once (a second Ctrl-C: KeyboardInterrupt), no notice not moved in yet is: the earlier
    notices and PDFs stay, as the earlier run's report describes them."""
    staging = folder / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # what a batch killed outright left
    parts = chunks(len(notices), workers)
    if not parts or (stop is not None and stop.requested):
        return [(None, None)] * len(notices)
    from .workbook.notice_writer import PDF_SECONDS, PDF_SECONDS_PER_NOTICE

    staging.mkdir()
    # An earlier run's workbooks as they are: one that differs afterwards was written now.
    earlier = {stem: _identity(folder / f"{stem}.xlsx") for _notice, stem in notices}
    # LibreOffice's own time (`notices_to_pdf`) on top of a file's: the chunk a little more.
    most = max(len(r) for r in parts)
    seconds = limits.timeout + PDF_SECONDS_PER_NOTICE * most + (PDF_SECONDS if pdf else 0)
    results = run_isolated(
        [[notices[i] for i in r] for r in parts],
        NoticeTask(folder, pdf),
        jobs=workers,
        limits=replace(limits, timeout=seconds),
        preload=[NOTICE_WRITER],
        stop=stop,
    )
    try:
        done = _collect(results, notices, parts, pdf)
        return _made(done, notices, parts, folder, earlier)
    finally:  # a second Ctrl-C too: what was not moved in goes, the earlier notices stay
        shutil.rmtree(staging, ignore_errors=True)


def _collect(results, notices, parts, pdf) -> dict[int, list[tuple[Path | None, Path | None]]]:
    """The chunks' outcomes by chunk; a chunk that failed is logged and left out."""
    done: dict[int, list[tuple[Path | None, Path | None]]] = {}
    for index, outcome in results:
        if isinstance(outcome, Failure):  # a chunk of our own notices: not expected
            first, last = notices[parts[index][0]][0].unit, notices[parts[index][-1]][0].unit
            units = first if first == last else f"{first} 至 {last}"
            why = f"超过 {outcome.detail} 秒" if outcome.kind == "timeout" else outcome.detail
            log.warning(
                "%s的整改通知未做完（%s）：已写出的保留%s；重新运行会补上",
                units,
                why,
                "，没有 PDF" if pdf else "",
            )
        else:
            done[index] = outcome
    return done


def _made(done, notices, parts, folder: Path, earlier) -> list[tuple[Path | None, Path | None]]:
    """Per notice, its workbook and PDF: as its chunk returned them; for a chunk whose worker
    ended first, what it made: a notice moved in (its PDF, if one, is moved in before it), or
    one made but not moved in yet, moved in now with its PDF if that was made whole."""
    made: list[tuple[Path | None, Path | None]] = []
    for index, part in enumerate(parts):
        if index in done:
            made += done[index]
            continue
        for i in part:  # its worker ended first, or it was not started (a stopped run)
            notice, stem = notices[i]
            book, staged = folder / f"{stem}.xlsx", folder / STAGING / f"{stem}.xlsx"
            if staged.exists():
                pdf = staged.with_suffix(".pdf").exists()
                made.append(move_in(folder, stem, notice.unit, pdf))
                continue
            now = _identity(book)
            if now is None or now == earlier[stem]:
                made.append((None, None))
            else:
                sheet = book.with_suffix(".pdf")
                made.append((book, sheet if sheet.exists() else None))
    return made


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file `path` is (None: none): a notice written replaces it (`atomic`), so its
    file id changes, and its time too where a file system has no ids (FAT: 0)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
