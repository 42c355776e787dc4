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
from contextlib import nullcontext
from pathlib import Path

import python_calamine as calamine

from ..limits import DEFAULT_LIMITS, MIB, Limits
from .biff import inspect_xls
from .decrypt import PASSWORD, decrypt_default
from .guard import inspect_archive, sheet_parts
from .model import (
    Cell,
    Merge,
    SheetData,
    TooLarge,
    UnreadableWorkbook,
    WorkbookData,
    parse_ref,
)
from .ole import NotCompoundFile
from .package import main_part
from .sniff import ENCRYPTED, sniff

MAX_ROWS = 20_000  # rows read per sheet; larger sheets are cut and reported


def read_workbook(
    path: Path | str, max_rows: int = MAX_ROWS, limits: Limits = DEFAULT_LIMITS
) -> tuple[WorkbookData, list[str]]:
    """Read every worksheet. Returns the data and a list of sheets that were cut at max_rows.

    A zip-based file is inspected first (`guard.inspect_archive`): beyond `limits` it raises
    TooLarge and no parser sees it.
    """
    path = Path(path)
    _check_file_size(path, limits)
    kind = sniff(path)  # not a workbook, a Word file, a password: one clear reason
    source: Path | io.BytesIO = path
    if kind == ENCRYPTED:  # Excel's default password opens it, or a clear message
        source = decrypt_default(path)
        kind = sniff(source)
        if kind == ENCRYPTED:
            raise UnreadableWorkbook(PASSWORD)
    if kind == "xls":  # the cells its sheets declare and hold, before calamine reserves them
        with source.open("rb") if isinstance(source, Path) else nullcontext(source) as handle:
            try:
                inspect_xls(handle, limits)
            except NotCompoundFile as exc:  # decrypted bytes that are no compound file
                raise UnreadableWorkbook(f"文件已损坏（{exc}）") from exc
    else:
        inspect_archive(source, limits)
    try:
        book = _open(source, kind)
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(PASSWORD) from exc
    except BaseException as exc:  # calamine raises several error types for broken files
        if not _reader_failed(exc):
            raise
        if kind == "xlsx" and calamine_cannot(source):
            return read_worksheets_only(source, max_rows, name=str(path)), []
        raise UnreadableWorkbook(f"文件已损坏或不是有效的 Excel 工作簿（{_short(exc)}）") from exc
    formulas = _FormulaIndex(source)
    sheets: list[SheetData] = []
    cut: list[str] = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no cells to check
            sheet = book.get_sheet_by_name(meta.name)
            height = sheet.total_height
            rows = sheet.to_python(skip_empty_area=False, nrows=max_rows)
            if height > max_rows:
                cut.append(meta.name)
            merges = [
                Merge(top=a[0], left=a[1], bottom=b[0], right=b[1])
                for a, b in (sheet.merged_cell_ranges or [])
            ]
            sheets.append(
                SheetData(
                    name=meta.name,
                    rows=rows,
                    merges=merges,
                    hidden=meta.visible != calamine.SheetVisibleEnum.Visible,
                    _formula_blanks=_lazy(formulas.blanks, meta.name),
                    _errors=_lazy(formulas.errors, meta.name),
                )
            )
    except UnreadableWorkbook:
        raise
    except BaseException as exc:
        if not _reader_failed(exc):
            raise
        raise UnreadableWorkbook(f"读取工作表时出错，文件可能已损坏（{_short(exc)}）") from exc
    finally:
        book.close()
    return WorkbookData(path=str(path), sheets=sheets), cut


def _check_file_size(path: Path, limits: Limits) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # sniff names what is wrong with it
    if size > limits.max_file_bytes:
        raise TooLarge(
            f"文件大小 {size / MIB:.1f} MB，超过上限 {limits.max_file_bytes // MIB} MB，未读取"
        )


def calamine_cannot(path: Path | io.BytesIO) -> bool:
    """A package calamine refuses though Excel opens it: one with an Excel 4 macro sheet, or
    one whose main part is not named workbook.xml (calamine finds its folder, not its name)."""
    try:
        with zipfile.ZipFile(path) as archive:
            main = main_part(archive) or ""
            macros = any(n.startswith("xl/macrosheets/") for n in archive.namelist())
            return macros or posixpath.basename(main.replace("\\", "/")) != "workbook.xml"
    except (zipfile.BadZipFile, OSError):
        return False


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


def _open(path: Path | io.BytesIO, kind: str):
    """calamine takes a UTF-8 path and goes by its extension; a name that is not UTF-8 (GBK
    bytes from a Windows zip, held as lone surrogates) or whose extension is not what the file
    is (WPS saves an .xls under any name typed) is handed over as an open file instead, where
    calamine goes by the content; so are decrypted bytes."""
    if isinstance(path, io.BytesIO):
        path.seek(0)
        return calamine.CalamineWorkbook.from_filelike(path)
    try:
        str(path).encode("utf-8")
        named = path.suffix.lower() in _SUFFIXES.get(kind, ())
    except UnicodeEncodeError:
        named = False
    if not named:
        with path.open("rb") as handle:
            return calamine.CalamineWorkbook.from_filelike(handle)
    return calamine.CalamineWorkbook.from_path(str(path))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _lazy(read, name: str):
    return lambda: read(name)


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

    def __init__(self, path: Path | io.BytesIO):
        self.path = path
        self._targets: dict[str, str] | None = None
        self._scanned: dict[str, tuple[frozenset[Cell], dict[Cell, str]]] = {}

    def _sheet_targets(self, archive: zipfile.ZipFile) -> dict[str, str]:
        if self._targets is None:
            self._targets = sheet_parts(archive)
        return self._targets

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
        try:
            with zipfile.ZipFile(self.path) as archive:
                target = self._sheet_targets(archive).get(sheet_name)
                xml = archive.read(target) if target is not None else b""
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
