"""Tell what kind of file this is before any library tries to parse it.

People submit password-protected workbooks, Word documents and broken downloads; each gets one
clear Chinese sentence instead of a library's traceback. Legacy spreadsheets (.xls from Excel
97-2003 or WPS's “兼容格式”, .xlsb, .ods) are read by calamine like .xlsx. An old Office file
is judged by the streams its directory lists (`ole`), an Open XML package by the part its
`_rels/.rels` names (`package`).
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .model import UnreadableWorkbook
from .ole import MAGIC, CompoundFile, NotCompoundFile
from .package import PackageBytes, content_type, main_part

# What `sniff` returns for an encrypted workbook: Excel's own default password may open it.
ENCRYPTED = "encrypted"
XLS_STREAMS = ("Workbook", "Book")  # Excel 97-2003; Excel 5/95
_FILEPASS, _BOUNDSHEET, _EOF = 0x002F, 0x0085, 0x000A
# Excel 2.x, 3.0 and 4.0 wrote no compound file: the sheet's BIFF records from the first byte.
_EARLY_BOF = {0x0009: "Excel 2.x", 0x0209: "Excel 3.0", 0x0409: "Excel 4.0"}
_SAVE_AS = "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"
_UNOPENABLE = (IsADirectoryError, FileNotFoundError, PermissionError)


def sniff(source: Path | BinaryIO) -> str:
    """Return "xlsx", "xlsb", "ods" or "xls" for a readable workbook, `ENCRYPTED` for one with
    a password; else raise UnreadableWorkbook. `source`: a path, or the bytes of a decrypted
    file."""
    if not isinstance(source, Path):
        source.seek(0)
        return _closed(_kind(source))
    try:
        with source.open("rb") as handle:
            return _closed(_kind(handle))
    except _UNOPENABLE as exc:
        raise UnreadableWorkbook(_cannot_open(exc)) from exc


class Sniffed(NamedTuple):
    kind: str
    archive: zipfile.ZipFile | None = None  # the package, open; None for an old Office file
    main: str | None = None  # the package's main part (`package.main_part`)


def _closed(found: Sniffed) -> str:
    if found.archive is not None:
        found.archive.close()
    return found.kind


def sniff_bytes(data: bytes) -> Sniffed:
    """`sniff` of a file read into memory, with its zip left open: the guard, the properties
    and the formula scan then share one read of its directory."""
    return _kind(PackageBytes(data))


def read_file(
    path: Path | str, limit: int, too_large: Callable[[int], None] | None = None
) -> bytes:
    """The bytes of a submitted file, at most `limit` + 1 of them (the caller compares); what
    keeps it from being read as one clear reason. `too_large(size)` (it raises) is called
    before any reading when the file is larger than `limit`, also when it cannot be opened.
    As many bytes as the file has are asked for, and one more: a read of `limit` + 1 would
    reserve that much memory for every file."""
    with _opened(path, limit, too_large) as handle:
        size = os.fstat(handle.fileno()).st_size
        if too_large is not None and size > limit:
            too_large(size)
        want = min(size, limit) + 1
        data = _read_up_to(handle, want)
        if len(data) == want <= limit:  # it grew since: on up to the limit
            data = _read_up_to(handle, limit + 1, data)
        return data


def _opened(path: Path | str, limit: int, too_large: Callable[[int], None] | None) -> BinaryIO:
    try:
        return open(path, "rb", buffering=0)
    except _UNOPENABLE as exc:
        if too_large is not None:  # its size first, as when it can be opened
            try:
                size = os.stat(path).st_size
            except OSError:
                size = 0
            if size > limit:
                too_large(size)
        raise UnreadableWorkbook(_cannot_open(exc)) from exc


def _read_up_to(handle: BinaryIO, want: int, data: bytes = b"") -> bytes:
    """`data` and what follows it in the file, up to `want` bytes in all (fewer at its end);
    an unbuffered read may return fewer than asked for before the end."""
    while len(data) < want:
        more = handle.read(want - len(data))
        if not more:
            break
        data += more
    return data


def _cannot_open(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是工作簿文件"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    return "没有读取该文件的权限"


def _kind(handle: BinaryIO) -> Sniffed:
    head = handle.read(8)
    if head == MAGIC:
        return Sniffed(_ole_kind(handle))
    if len(head) == 0:
        raise UnreadableWorkbook("文件是空的（0 字节）")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(_not_a_workbook(head))
    archive = None
    try:
        archive = zipfile.ZipFile(handle)
        kind, main = _package_kind(archive)
        return Sniffed(kind, archive, main)
    except BaseException as exc:
        if archive is not None:
            archive.close()
        if isinstance(exc, zipfile.BadZipFile):
            raise UnreadableWorkbook(
                "文件已损坏（压缩包结构不完整），请重新保存或重新下载后提交"
            ) from exc
        raise


def _not_a_workbook(head: bytes) -> str:
    if len(head) >= 6:
        record, size = struct.unpack_from("<HH", head)
        if record in _EARLY_BOF and 4 <= size <= 16:
            return f"这是 {_EARLY_BOF[record]} 格式的旧工作簿，无法读取；{_SAVE_AS}"
    return "不是 Excel 工作簿（.xlsx / .xls / .ods），请用 Excel 或 WPS 另存为 .xlsx 后重新提交"


def _package_kind(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The kind of workbook and its main part."""
    names = set(archive.namelist())
    main = main_part(archive)
    if main is not None:
        kind = content_type(archive, main)
        if "wordprocessingml" in kind:
            raise UnreadableWorkbook("这是 Word 文档，不是 Excel 工作簿")
        if "presentationml" in kind:
            raise UnreadableWorkbook("这是 PowerPoint 演示文稿，不是 Excel 工作簿")
        return ("xlsb" if main.lower().endswith(".bin") or "binary" in kind else "xlsx"), main
    if "content.xml" in names and "mimetype" in names:
        return "ods", None
    if "word/document.xml" in names:
        raise UnreadableWorkbook("这是 Word 文档，不是 Excel 工作簿")
    raise UnreadableWorkbook("压缩包中没有工作簿内容，不是有效的 .xlsx 文件")


def _ole_kind(handle: BinaryIO) -> str:
    """ "xls" or `ENCRYPTED` for an Excel 97-2003 workbook; else why it cannot be read."""
    try:
        ole = CompoundFile(handle)
    except (NotCompoundFile, struct.error) as exc:
        raise UnreadableWorkbook(
            "文件已损坏（旧版 Office 文件的目录不完整），请重新保存或重新下载后提交"
        ) from exc
    if ole.find("EncryptionInfo") is not None:  # an encrypted .xlsx inside a compound file
        return ENCRYPTED
    book = ole.find(*XLS_STREAMS)
    if book is not None:
        return ENCRYPTED if _has_filepass(ole.read(book, 8192)) else "xls"
    if ole.find("WordDocument") is not None:
        raise UnreadableWorkbook("这是 Word 97-2003 文档（.doc），不是 Excel 工作簿")
    if ole.find("PowerPoint Document") is not None:
        raise UnreadableWorkbook("这是 PowerPoint 97-2003 演示文稿（.ppt），不是 Excel 工作簿")
    raise UnreadableWorkbook("这是旧版 Office 格式文件，不是 Excel 工作簿")


def _has_filepass(stream: bytes) -> bool:
    """A FilePass record among the workbook globals' first records: the workbook is encrypted
    (RC4) or obfuscated (XOR); it stands before the first sheet's BoundSheet record."""
    offset = 0
    while offset + 4 <= len(stream):
        record, size = struct.unpack_from("<HH", stream, offset)
        if record == _FILEPASS:
            return True
        if record in (_BOUNDSHEET, _EOF):
            return False
        offset += 4 + size
    return False
