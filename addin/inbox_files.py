"""What an inbox holds, file by file; nothing in it is silently ignored.

Workbooks are checked; every workbook inside a zip is checked like a file in a folder, shown as
`材料.zip/子文件夹/文件.xlsx` (`archive`); every other file — a PDF scan, a Word document, a
picture, an Excel lock file `~$…`, a workbook Jiceng wrote itself (`workbook.own_output`,
`file.own_output`: outputs are never inputs) — is listed as 未检查 with the reason, and a zip that cannot
be opened, a .rar or a refused member is a finding on that archive. `check` and `batch` both
turn their inputs into these entries; the archives are listed in worker processes
(`isolation`), as hostile as any workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import findings as F
from .archive import OTHER_ARCHIVES, ZIP_SUFFIXES, Listing, is_system_file, list_archive
from .file_kinds import LOCK_KIND, LOCK_PREFIX, WORKBOOK_SUFFIXES, file_kind, is_workbook
from .findings import Finding
from .isolation import Failure, run_isolated
from .limits import DEFAULT_LIMITS, Limits
from .report.model import FileReport
from .workbook.own_output import own_output

MARKED_SUFFIXES = (".xlsx", ".xlsm")  # what Jiceng writes (the mark lives in the zip package)

_HINTS = {"WPS 表格": "，请用 WPS 另存为 .xlsx 后提交", "CSV 文件": "，请提交 .xlsx 工作簿"}


@dataclass(frozen=True)
class Entry:
    """One file of the inbox as the reports show it."""

    display: str
    path: Path  # the file; for a member of a zip, the zip holding it
    member: int | None = None  # the member's place in that zip
    ready: FileReport | None = None  # not to be checked: its report is made already
    modified: datetime | None = None  # a member's time in its zip (files: from the disk)


def own_output_report(display: str, what: str) -> FileReport:
    """One of Jiceng's own outputs (an annotated copy, 汇总报告, …): listed, never graded."""
    return FileReport(path=display, status="skipped", findings=[F.FILE_OWN_OUTPUT(what=what)])


def not_checked(display: str) -> FileReport:
    kind = file_kind(display)
    if kind == LOCK_KIND:
        reason = "Excel 临时文件（~$ 开头，打开工作簿时自动生成），不是提交的材料"
    else:
        reason = f"不是工作簿（{kind}）{_HINTS.get(kind, '')}"
    return FileReport(path=display, status="skipped", findings=[F.FILE_NOT_CHECKED(reason=reason)])


@dataclass(frozen=True)
class ListArchive:
    """What a worker does with one zip (picklable: sent to spawned workers)."""

    work: str  # a folder for nested zips, never the inbox
    limits: Limits = DEFAULT_LIMITS

    def __call__(self, path: Path) -> Listing:
        return list_archive(path, self.limits, Path(self.work), WORKBOOK_SUFFIXES)


def inbox_entries(
    files: list[Path],
    display: Callable[[Path], str],
    *,
    work: Path,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Entry]:
    """Every file as one entry or more (a zip: its own findings, then its members, by name),
    in the order of `files`. `work`: where nested zips are inflated (it must outlive the
    checks). System files (Thumbs.db, .DS_Store, desktop.ini) are no submissions: left out."""
    files = [f for f in files if not is_system_file(f.name)]
    archives = [f for f in files if f.suffix.lower() in ZIP_SUFFIXES]
    listed = dict.fromkeys(archives)
    task = ListArchive(str(work), limits)
    for index, listing in run_isolated(archives, task, jobs=workers, limits=limits):
        listed[archives[index]] = listing
    entries: list[Entry] = []
    for path in files:
        shown, suffix = display(path), path.suffix.lower()
        if path in listed:
            entries += archive_entries(path, shown, listed[path])
        elif suffix in OTHER_ARCHIVES and not path.name.startswith(LOCK_PREFIX):
            finding = F.ARCHIVE_UNSUPPORTED(format=OTHER_ARCHIVES[suffix])
            entries.append(Entry(shown, path, ready=_archive_report(shown, [finding], False)))
        elif is_workbook(path.name):
            what = own_output(path) if path.suffix.lower() in MARKED_SUFFIXES else None
            ready = None if what is None else own_output_report(shown, what)
            entries.append(Entry(shown, path, ready=ready))
        else:
            entries.append(Entry(shown, path, ready=not_checked(shown)))
    return entries


def archive_entries(path: Path, shown: str, listing: Listing | Failure) -> list[Entry]:
    """A listed zip's entries: a report for each archive in it with findings (the zip itself,
    a nested zip), then each member — to check, or not checked."""
    if isinstance(listing, Failure):
        from .batch import failure_report

        return [Entry(shown, path, ready=failure_report(shown, listing))]
    entries = []
    for member in listing.members:
        name = f"{shown}/{member.name}"
        ready = None if is_workbook(member.name) else not_checked(name)
        entries.append(Entry(name, member.source, member.index, ready, member.modified))
    problems = dict(listing.problems)
    if not listing.members and not any(problems.values()):
        problems[""] = [F.ARCHIVE_EMPTY()]
    for inner, found in problems.items():
        if not found:
            continue
        name = f"{shown}/{inner}" if inner else shown
        readable = any(e.display.startswith(name + "/") for e in entries)
        entries.append(Entry(name, path, ready=_archive_report(name, found, readable)))
    return sorted(entries, key=lambda e: e.display)


def _archive_report(display: str, found: list[Finding], readable: bool) -> FileReport:
    """An archive's own findings: unreadable when nothing in it could be looked at."""
    errors = any(f.is_error for f in found)
    status = "unreadable" if errors and not readable else "errors" if errors else "ok"
    return FileReport(path=display, status=status, findings=found)
