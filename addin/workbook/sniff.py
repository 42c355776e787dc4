"""Tell what kind of file this is before any library tries to parse it.

People submit password-protected workbooks, Word documents and broken downloads; each gets one
clear Chinese sentence instead of a library's traceback. Legacy spreadsheets (.xls from Excel
97-2003 or WPS's “兼容格式”, .xlsb, .ods) are read by calamine like .xlsx.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .model import UnreadableWorkbook

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_XLS_STREAM = "Workbook".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_BOOK_STREAM = "Book".encode("utf-16-le") + b"\x00\x00"  # Excel 5/95


def sniff_header(path: Path) -> bytes:
    """The cheap part, run on every file: its first bytes. An old Office file that is not a
    spreadsheet (or has a password) stops here."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head == _OLE_MAGIC:
                handle.seek(0)
                body = handle.read(2_000_000)
                reason = _ole_reason(body)
                if reason:
                    raise UnreadableWorkbook(reason)
    except IsADirectoryError as exc:
        raise UnreadableWorkbook("这是一个文件夹，不是工作簿文件") from exc
    except FileNotFoundError as exc:
        raise UnreadableWorkbook("文件不存在") from exc
    except PermissionError as exc:
        raise UnreadableWorkbook("没有读取该文件的权限") from exc
    return head


def sniff(path: Path) -> str:
    """Return "xlsx", "xlsb", "ods" or "xls" for a readable workbook; else raise
    UnreadableWorkbook."""
    head = sniff_header(path)
    if head == _OLE_MAGIC:
        return "xls"
    if len(head) == 0:
        raise UnreadableWorkbook("文件是空的（0 字节）")
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(
            "不是 Excel 工作簿（.xlsx / .xls / .ods），请用 Excel 或 WPS 另存为 .xlsx 后重新提交"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(
            "文件已损坏（压缩包结构不完整），请重新保存或重新下载后提交"
        ) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "word/document.xml" in names:
        raise UnreadableWorkbook("这是 Word 文档，不是 Excel 工作簿")
    raise UnreadableWorkbook("压缩包中没有工作簿内容，不是有效的 .xlsx 文件")


def _ole_reason(body: bytes) -> str | None:
    """Why an OLE file cannot be read; None for an Excel 97-2003 workbook (calamine reads it)."""
    if _ENCRYPTION_STREAM in body:
        return "文件设置了打开密码，无法读取；请取消密码后重新提交"
    if _WORD_STREAM in body:
        return "这是 Word 97-2003 文档（.doc），不是 Excel 工作簿"
    if _XLS_STREAM in body or _BOOK_STREAM in body:
        return None
    return "这是旧版 Office 格式文件，不是 Excel 工作簿"
