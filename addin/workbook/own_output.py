"""The mark on every workbook Jiceng writes (annotated copies, fill outputs, 汇总报告, 整改通知),
so `check` and `batch` never grade their own outputs as submissions.

The mark is two custom document properties (`docprops`): what the file is (“批注副本”) and
the moment it was written, which is also the package's own `dcterms:modified`. Excel, WPS and
LibreOffice keep custom properties but set `dcterms:modified` whenever they save: so a copy
that a secretary opens, corrects and sends back no longer matches its mark and is checked like
any submission, while a file exactly as Jiceng wrote it is recognised and skipped.

Writers: `save_marked(wb, path, kind)` for a workbook built with openpyxl; a package written
by hand (the patched copies) adds `mark_part(kind, modified)` as docProps/custom.xml, with
`modified` the `dcterms:modified` its docProps/core.xml carries (`core_modified(core_xml)`,
"" when it has none).
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from . import docprops

MARK = "Jiceng输出"  # what the file is: 批注副本, 汇总报告, 整改通知, 填写结果
WRITTEN = "Jiceng写出时间"  # equal to the package's dcterms:modified when it was written

COPY = "批注副本"
FILLED = "填写结果"
REPORT = "汇总报告"
NOTICE = "整改通知"

CORE_PART = "docProps/core.xml"
_MAX_CORE = 64 * 1024
_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>([^<]{0,64})</dcterms:modified>")


def mark_properties(kind: str, modified: str) -> dict[str, str]:
    """The mark as property name → text (for a writer that sets properties itself)."""
    return {MARK: kind, WRITTEN: modified}


def mark_part(kind: str, modified: str) -> bytes:
    """docProps/custom.xml holding only the mark (for a package written part by part)."""
    return docprops.custom_xml(mark_properties(kind, modified))


def save_marked(wb, path: Path | str, kind: str) -> None:
    """Save an openpyxl workbook with the mark: openpyxl's own `save` would set
    `dcterms:modified` to a moment of its choosing, so the same one goes into both here."""
    from openpyxl.writer.excel import ExcelWriter

    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.modified = now
    docprops.set_properties(wb, mark_properties(kind, now.strftime("%Y-%m-%dT%H:%M:%SZ")))
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive


def own_output(path: Path | str) -> str | None:
    """What Jiceng wrote this file as (“批注副本”…), or None: no mark, or saved since by a
    person (its `dcterms:modified` moved on). Reads two small parts; never raises."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if docprops.PART not in names:
                return None
            properties = docprops.archive_properties(archive)
            modified = _modified(archive) if CORE_PART in names else ""
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return None
    kind = properties.get(MARK)
    if not isinstance(kind, str) or not kind:
        return None
    return kind if _same_moment(str(properties.get(WRITTEN, "")), modified) else None


def _modified(archive: zipfile.ZipFile) -> str:
    info = archive.getinfo(CORE_PART)
    if info.file_size > _MAX_CORE:
        return ""
    with archive.open(info) as part:
        return core_modified(part.read(_MAX_CORE + 1))


def core_modified(core_xml: bytes) -> str:
    """The `dcterms:modified` text of a docProps/core.xml part ("" without one): what a
    package written part by part passes to `mark_part` when it keeps the original core part."""
    found = _MODIFIED.search(core_xml[: _MAX_CORE + 1])
    return found.group(1).decode("ascii", "replace").strip() if found else ""


def _same_moment(written: str, modified: str) -> bool:
    """“2026-12-06T18:30:00Z” and “2026-12-06T18:30:00.000Z” are one moment."""
    return _moment(written) == _moment(modified)


def _moment(text: str) -> datetime | str:
    cleaned = text.strip().removesuffix("Z")
    try:
        return datetime.fromisoformat(cleaned).replace(tzinfo=None, microsecond=0)
    except ValueError:
        return cleaned
