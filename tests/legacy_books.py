"""The legacy workbooks the tests read, made once for the whole run (conftest's `lo_books`):
a few generated .xlsx and LibreOffice's .xls / .ods of them, all the files of a format in one
start of LibreOffice. A start costs about 1.5 s of CPU whatever it converts, and test_legacy
and test_readers convert the same submission: the xdist workers share what the first of them
made. `soffice_convert` of one of these sources (or of a copy of it) is the shared file."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from summary_helpers import submission

ROWS = [("一支部", 90, "一般"), ("二支部", 70, None)]  # a grade that disagrees with the score


def template_submission(folder: Path) -> None:
    """甲.xlsx: a 党总支 submission whose 汇总表 D7 grade disagrees with its score."""
    submission(folder, ROWS, rubrics={"一支部": 90, "二支部": 70}, name="甲.xlsx")


def no_template(folder: Path) -> None:
    """记录.xlsx: a workbook of no template (a batch wants no copy of it)."""
    wb = Workbook()
    wb.active.append(["会议记录", "2022-05-01"])
    wb.save(folder / "记录.xlsx")


def big_text(folder: Path) -> None:
    """大.xlsx: 3,000 rows of text, whose .xls LibreOffice writes with its directory past 2 MB."""
    wb = Workbook()
    for row in range(3_000):
        wb.active.append([f"第{row}行第{col}列的文字" for col in range(12)])
    wb.save(folder / "大.xlsx")


SOURCES = {"甲.xlsx": template_submission, "记录.xlsx": no_template, "大.xlsx": big_text}
CONVERSIONS = {"xls": ["甲.xlsx", "记录.xlsx", "大.xlsx"], "ods": ["甲.xlsx"]}
