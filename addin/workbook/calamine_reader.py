"""Read-only adapter: a workbook file → `WorkbookData`, one bulk read per sheet (python-calamine).

Calamine returns cached values of formulas. Whether a blank cell is really a formula without a
cached value (a file written by a script) is only knowable from the sheet XML, so that scan is
lazy: it runs only when a check asks about a blank cell where a value belongs.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from functools import partial
from pathlib import Path

import python_calamine as calamine

from ..limits import DEFAULT_LIMITS, MIB, Limits
from .biff import inspect_xls
from .decrypt import PASSWORD, decrypt_default
from .docprops import archive_properties
from .guard import inspect_archive, sheet_parts
from .merge_limits import MergeTally
from .model import (
    Cell,
    Merge,
    MergeIndex,
    SheetData,
    TooLarge,
    UnreadableWorkbook,
    WorkbookData,
    parse_ref,
)
from .ole import NotCompoundFile
from .package import main_part
from .repack import stored_sheets
from .sniff import ENCRYPTED, read_file, sniff, sniff_bytes

MAX_ROWS = 20_000  # rows read per sheet; larger sheets are cut and reported


def read_workbook(
    path: Path | str, max_rows: int = MAX_ROWS, limits: Limits = DEFAULT_LIMITS
) -> tuple[WorkbookData, list[str]]:
    """Read every worksheet. Returns the data and a list of sheets that were cut at max_rows.

    The file is read into memory once and its zip directory parsed once: the kind, the guard,
    the custom properties and the formula scan share it. A zip-based file is inspected first
    (`guard.inspect_archive`): beyond `limits` it raises TooLarge and no parser sees it.
    """
    path = path if isinstance(path, Path) else Path(path)
    blob = read_file(path, limits.max_file_bytes, lambda size: _too_large(size, limits))
    if len(blob) > limits.max_file_bytes:  # grew since it was measured
        _too_large(len(blob), limits)
    # Not a workbook, a Word file, a password: one clear reason.
    kind, archive, main = sniff_bytes(blob)
    properties = archive_properties(archive) if archive is not None else {}
    source: Path | io.BytesIO = path
    if kind == ENCRYPTED:  # Excel's default password opens it, or a clear message
        source = decrypt_default(path)
        kind = sniff(source)
        if kind == ENCRYPTED:
            raise UnreadableWorkbook(PASSWORD)
        archive, main = (_package(source), None) if kind != "xls" else (None, None)
    if kind == "xls":  # the cells its sheets declare and hold, before calamine reserves them
        try:
            inspect_xls(io.BytesIO(blob) if source is path else source, limits)
        except NotCompoundFile as exc:  # decrypted bytes that are no compound file
            raise UnreadableWorkbook(f"文件已损坏（{exc}）") from exc
    parts = sheet_parts(archive, main) if archive is not None else {}
    inflated: dict[str, bytes] = {}
    others: dict[str, bytes] = {}
    if archive is not None:
        inspect_archive(archive, limits, parts, inflated, others)
    formulas = _FormulaIndex(archive, parts)
    # The sheets the guard inflated, and the template's parts it knew, handed to calamine as
    # they are (not inflated again).
    plain = kind == "xlsx" and source is path and archive is not None and inflated
    repacked = stored_sheets(archive, {**others, **inflated}) if plain else None
    if repacked is not None:
        try:
            book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(repacked))
            try:
                sheets, cut = _read_sheets(book, formulas, max_rows, limits)
            finally:
                book.close()
            return WorkbookData(path=str(path), sheets=sheets, properties=properties), cut
        except TooLarge:
            raise
        except BaseException as exc:
            if not _reader_failed(exc):
                raise
            # Read as submitted below: its own error, if any, is the one to name.
    try:
        book = _open(path if source is path else source, kind, blob)
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(PASSWORD) from exc
    except BaseException as exc:  # calamine raises several error types for broken files
        if not _reader_failed(exc):
            raise
        if kind == "xlsx" and archive is not None and calamine_cannot(archive):
            data = read_worksheets_only(_bytes(source, blob), max_rows, name=str(path))
            data.properties = properties
            return data, []
        raise UnreadableWorkbook(f"文件已损坏或不是有效的 Excel 工作簿（{_short(exc)}）") from exc
    try:
        sheets, cut = _read_sheets(book, formulas, max_rows, limits)
    except UnreadableWorkbook:
        raise
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        raise UnreadableWorkbook(f"读取工作表时出错，文件可能已损坏（{_short(exc)}）") from exc
    finally:
        book.close()
    return WorkbookData(path=str(path), sheets=sheets, properties=properties), cut


def _read_sheets(
    book, formulas: _FormulaIndex, max_rows: int, limits: Limits
) -> tuple[list[SheetData], list[str]]:
    """Every worksheet of an open calamine workbook, and those cut at `max_rows`; calamine's
    errors raised as they are."""
    sheets: list[SheetData] = []
    cut: list[str] = []
    # As calamine found them, every format: the guard counted an .xlsx's before parsing, not an
    # .xls's or an .ods's.
    merged = MergeTally(limits)
    worksheet, visible = calamine.SheetTypeEnum.WorkSheet, calamine.SheetVisibleEnum.Visible
    for meta in book.sheets_metadata:
        if meta.typ != worksheet:
            continue  # chart sheets and macro sheets hold no cells to check
        name = meta.name  # (a new str at each asking)
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False, nrows=max_rows)
        if sheet.total_height > max_rows:
            cut.append(name)
        merges, area, index = _merges_of(sheet.merged_cell_ranges)
        if merged.fits(len(merges), area):
            merged.count += len(merges)
            merged.area += area
        else:  # one by one, to name the range past the limit
            merged.add_merges(f"工作表“{name}”", merges)
        sheets.append(
            SheetData(
                name=name,
                rows=rows,
                merges=list(merges),
                hidden=meta.visible != visible,
                _formula_blanks=partial(formulas.blanks, name),
                _merge_index=index,
                _errors=partial(formulas.errors, name),
            )
        )
    return sheets, cut


def _merges_of(ranges: list | None) -> tuple[tuple[Merge, ...], int, MergeIndex | None]:
    """The merged ranges calamine found on a sheet, the cells they span and their index.
    The sheets of one template's submissions carry the same ranges: those of a sheet with few
    are kept (the ranges and their index are never changed once read)."""
    if not ranges:
        return (), 0, None
    key = tuple(ranges) if len(ranges) <= _MERGES_CACHED else None
    found = _MERGES.get(key) if key is not None else None
    if found is None:
        merges = tuple(Merge(a[0], a[1], b[0], b[1]) for a, b in ranges)
        area = sum((m.bottom - m.top + 1) * (m.right - m.left + 1) for m in merges)
        # Built once per set of ranges only when they are small (a hostile sheet's are not).
        index = MergeIndex(list(merges)) if key is not None and area <= _MERGES_CACHED else None
        found = merges, area, index
        if key is not None:
            if len(_MERGES) >= _MERGES_MAX:
                _MERGES.clear()
            _MERGES[key] = found
    return found


_MERGES: dict[tuple, tuple[tuple[Merge, ...], int, MergeIndex | None]] = {}
_MERGES_MAX = 256
_MERGES_CACHED = 1024  # ranges of one sheet, and the cells they span, to keep


def _too_large(size: int, limits: Limits) -> None:
    raise TooLarge(
        f"文件大小 {size / MIB:.1f} MB，超过上限 {limits.max_file_bytes // MIB} MB，未读取"
    )


def _package(source: io.BytesIO) -> zipfile.ZipFile:
    source.seek(0)
    return zipfile.ZipFile(source)


def _bytes(source: Path | io.BytesIO, blob: bytes) -> io.BytesIO:
    """The file as an open in-memory file: the decrypted one, else what was read."""
    if isinstance(source, io.BytesIO):
        source.seek(0)
        return source
    return io.BytesIO(blob)


def calamine_cannot(source: Path | io.BytesIO | zipfile.ZipFile) -> bool:
    """A package calamine refuses though Excel opens it: one with an Excel 4 macro sheet, or
    one whose main part is not named workbook.xml (calamine finds its folder, not its name)."""
    if isinstance(source, zipfile.ZipFile):
        return _calamine_cannot(source)
    try:
        with zipfile.ZipFile(source) as archive:
            return _calamine_cannot(archive)
    except (zipfile.BadZipFile, OSError):
        return False


def _calamine_cannot(archive: zipfile.ZipFile) -> bool:
    try:
        main = main_part(archive) or ""
    except (zipfile.BadZipFile, OSError):
        return False
    macros = any(n.startswith("xl/macrosheets/") for n in archive.namelist())
    return macros or posixpath.basename(main.replace("\\", "/")) != "workbook.xml"


def read_worksheets_only(
    path: Path | io.BytesIO, max_rows: int = MAX_ROWS, name: str | None = None
) -> WorkbookData:
    """A package calamine refuses (`calamine_cannot`), e.g. an .xlsm with an Excel 4 macro
    sheet (xl/macrosheets/): its ordinary worksheets read through openpyxl (cached values,
    merges, visibility); a macro sheet holds no cells to check."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for odd files
        raise UnreadableWorkbook(f"文件已损坏或不是有效的 Excel 工作簿（{_short(exc)}）") from exc
    sheets = []
    for ws in wb.worksheets:
        rows = [
            ["" if v is None else v for v in row]
            for row in ws.iter_rows(max_row=min(ws.max_row, max_rows), values_only=True)
        ]
        merges = [
            Merge(top=m.min_row - 1, left=m.min_col - 1, bottom=m.max_row - 1, right=m.max_col - 1)
            for m in ws.merged_cells.ranges
        ]
        sheets.append(
            SheetData(name=ws.title, rows=rows, merges=merges, hidden=ws.sheet_state != "visible")
        )
    return WorkbookData(path=name or str(path), sheets=sheets)


def _reader_failed(exc: BaseException) -> bool:
    """An error of calamine's about the file: its exceptions, and a panic of its Rust code
    (pyo3's PanicException derives from BaseException, as KeyboardInterrupt does)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "xlsb": (".xlsb",), "ods": (".ods",)}


def _open(path: Path | io.BytesIO, kind: str, blob: bytes):
    """An .xlsx, and decrypted bytes, are handed to calamine as the bytes already read, where
    it goes by the content. Otherwise calamine takes a UTF-8 path and goes by its extension; a
    name that is not UTF-8 (GBK bytes from a Windows zip, held as lone surrogates) or whose
    extension is not what the file is (WPS saves an .xls under any name typed) is handed over
    as the bytes as well."""
    if isinstance(path, io.BytesIO):
        path.seek(0)
        return calamine.CalamineWorkbook.from_filelike(path)
    if kind == "xlsx":  # the bytes already read: by content, calamine tries .xls, then .xlsx
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(blob))
    try:
        str(path).encode("utf-8")
        named = path.suffix.lower() in _SUFFIXES.get(kind, ())
    except UnicodeEncodeError:
        named = False
    if not named:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(blob))
    return calamine.CalamineWorkbook.from_path(str(path))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF_ATTR = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_HAS_V = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>")
# An empty text result is stored as t="str" with an empty <v>; openpyxl writes <v /> with no type.
_EMPTY_TEXT_RESULT = re.compile(rb'\bt="str"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


class _FormulaIndex:
    """Finds formula cells without a cached value in an .xlsx sheet's XML."""

    def __init__(self, archive: zipfile.ZipFile | None, parts: dict[str, str]):
        self.archive = archive  # over the bytes in memory: open as long as anyone asks
        self.parts = parts
        self._scanned: dict[str, tuple[frozenset[Cell], dict[Cell, str]]] = {}

    def blanks(self, sheet_name: str) -> frozenset[Cell]:
        return self._scan(sheet_name)[0]

    def errors(self, sheet_name: str) -> dict[Cell, str]:
        return self._scan(sheet_name)[1]

    def _scan(self, sheet_name: str) -> tuple[frozenset[Cell], dict[Cell, str]]:
        """Formula cells without a cached value, and error cells (#DIV/0!, #N/A, ...), which
        calamine reads as empty. One pass over the sheet XML, only when a check asks."""
        if sheet_name in self._scanned:
            return self._scanned[sheet_name]
        result: tuple[frozenset[Cell], dict[Cell, str]] = (frozenset(), {})
        target = self.parts.get(sheet_name)
        try:
            xml = self.archive.read(target) if target is not None and self.archive else b""
        except (KeyError, zipfile.BadZipFile, OSError):
            xml = b""  # not an .xlsx (e.g. .ods): no formula information to offer
        if _HAS_F.search(xml) or _ERROR_TYPE.search(xml):
            blanks, errors = set(), {}
            for m in _CELL.finditer(xml):
                attrs, body = m.group(1), m.group(2) or b""
                ref = _REF_ATTR.search(attrs)
                if not ref:
                    continue
                if _ERROR_TYPE.search(attrs):
                    value = _VALUE.search(body)
                    errors[parse_ref(ref.group(1).decode())] = (
                        value.group(1).decode() if value else "#错误"
                    )
                elif (
                    _HAS_F.search(body)
                    and not _HAS_V.search(body)
                    and not _EMPTY_TEXT_RESULT.search(attrs)
                ):
                    blanks.add(parse_ref(ref.group(1).decode()))
            result = (frozenset(blanks), errors)
        self._scanned[sheet_name] = result
        return result
