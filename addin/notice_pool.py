"""The batch's 整改通知 written by the worker pool, not by the batch's own process.

A batch of 300 units writes 300 notice workbooks (openpyxl, ≈ 35 ms each) and converts them to
PDF (LibreOffice, ≈ 0.1 s CPU each and ≈ 1.5 s to start): done in the parent, that is serial work
no `--jobs` shortens. Here the notices go to the workers (`isolation.run_isolated`) in chunks:
a chunk's workbooks, then its PDFs in one LibreOffice run, so LibreOffice starts once per chunk
and each worker converts its own chunks while the other does the same.
"""

from __future__ import annotations

import logging
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


@dataclass(frozen=True)
class NoticeTask:
    """What a worker does with a chunk of (notice, file stem): each notice's workbook in
    `folder`, then (with `pdf`) their PDFs in one LibreOffice run. Returns, per notice, its
    workbook and its PDF, or None for what was not made (the reason is in the log)."""

    folder: Path
    pdf: bool

    def __call__(self, chunk: list[tuple[UnitNotice, str]]) -> list[tuple[Path | None, ...]]:
        from .workbook.notice_writer import notices_to_pdf, write_notice

        written: list[Path | None] = []
        for notice, stem in chunk:
            try:
                # An earlier run's PDF is not beside this notice's workbook, whatever comes next
                # (removed here only: `notices_to_pdf` leaves the PDFs it does not make alone).
                (self.folder / f"{stem}.pdf").unlink(missing_ok=True)
                written.append(write_notice(notice, self.folder, stem))
            except MemoryError:
                raise
            except Exception as exc:  # one unit's notice never stops the others
                log.exception("%s的整改通知未写出：%s", notice.unit, exc)
                written.append(None)
        made = [p for p in written if p is not None]
        pdfs = set(notices_to_pdf(made, self.folder)) if self.pdf and made else set()
        return [
            (p, p.with_suffix(".pdf") if p and p.with_suffix(".pdf") in pdfs else None)
            for p in written
        ]


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
    earlier files are replaced when it is written (its earlier PDF goes then: `NoticeTask`). A
    chunk whose worker dies, runs out of time or is stopped (`stop`: Ctrl-C; the chunks
    running get `isolation`'s grace) keeps the workbooks it wrote, whole (`atomic`), without
    PDFs; the rest of it is not made (logged), nor is any chunk once `stop` is requested: the
    next run makes them, and until then the earlier run's files of those notices stay."""
    parts = chunks(len(notices), workers)
    if not parts or (stop is not None and stop.requested):
        return [(None, None)] * len(notices)
    from .workbook.notice_writer import PDF_SECONDS, PDF_SECONDS_PER_NOTICE

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
    made: list[tuple[Path | None, Path | None]] = []
    for index, part in enumerate(parts):
        if index in done:
            made += done[index]
            continue
        for i in part:  # its worker ended first, or it was not started (a stopped run)
            book = folder / f"{notices[i][1]}.xlsx"
            now = _identity(book)
            made.append((book if now is not None and now != earlier[notices[i][1]] else None, None))
    return made


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file `path` is (None: none): a notice written replaces it (`atomic`), so its
    file id changes, and its time too where a file system has no ids (FAT: 0)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
