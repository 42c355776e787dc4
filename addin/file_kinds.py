"""What kind of file a name is, as a person says it: a workbook Jiceng checks, or a PDF, a
picture, an Excel lock file … listed as 未检查. Pure (names only): the text report uses it
too, also inside Excel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import PurePosixPath

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
LOCK_PREFIX = "~$"  # what Excel and WPS leave beside a file they have open
LOCK_KIND = "Excel 临时文件"

# What a person calls a file that is not a workbook (the terminal summary counts these).
_KINDS = {
    "PDF": {".pdf"},
    "图片": {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp"},
    "Word 文档": {".doc", ".docx", ".wps", ".rtf"},
    "演示文稿": {".ppt", ".pptx", ".dps"},
    "OFD 文档": {".ofd"},
    "WPS 表格": {".et", ".ett"},
    "CSV 文件": {".csv"},
    "文本文件": {".txt"},
}
KIND_BY_SUFFIX = {suffix: kind for kind, suffixes in _KINDS.items() for suffix in suffixes}
OTHER_KIND = "其他文件"
# A workbook is only ever not checked when Jiceng wrote it (`workbook.own_output`).
OWN_OUTPUT_KIND = "Jiceng 写出的文件"


def file_kind(name: str) -> str:
    """PDF, 图片, Word 文档, …, Excel 临时文件, 其他文件 — and for a workbook, Jiceng 写出的
    文件 (the only workbooks not checked): for the not-checked summary."""
    path = PurePosixPath(name)
    if path.name.startswith(LOCK_PREFIX):
        return LOCK_KIND
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return OWN_OUTPUT_KIND
    return KIND_BY_SUFFIX.get(path.suffix.lower(), OTHER_KIND)


def is_workbook(name: str) -> bool:
    path = PurePosixPath(name)
    return path.suffix.lower() in WORKBOOK_SUFFIXES and not path.name.startswith(LOCK_PREFIX)


def not_checked_counts(statuses: Iterable[tuple[str, str]]) -> Counter[str]:
    """(path, status) pairs → how many files of each kind were not checked."""
    return Counter(file_kind(path) for path, status in statuses if status == "skipped")


def not_checked_line(counts: Counter[str]) -> str:
    """“另有 2 个文件未检查：1 个 PDF，1 个图片”, or "" when every file was checked."""
    if not counts:
        return ""
    # a space before a Latin word, as Chinese typesetting has it: “1 个 PDF，1 个图片”
    kinds = "，".join(
        f"{n} 个{' ' if kind[0].isascii() else ''}{kind}" for kind, n in counts.most_common()
    )
    return f"另有 {counts.total()} 个文件未检查：{kinds}"
