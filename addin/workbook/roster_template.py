"""The blank roster (名单) that `jiceng batch --roster` reads: one row per 党支部, its 党总支
beside it (a 党总支 cell may be merged over its branches or left blank below; it carries
down). Printed like the other templates: A4 portrait, header on every page, page numbers.
"""

from __future__ import annotations

from openpyxl.workbook import Workbook

from ..report.roster import BAOFU_LABEL, BRANCH_LABEL, UNIT_LABEL
from .sheet_style import WRAP, bordered, header_cells, keep_header, merged_note, print_setup
from .sheet_style import title_rows as title_block

FILE_NAME = "名单模板.xlsx"
SHEET_NAME = "名单"
TITLE = "基层党组织名单（党总支 / 党支部）"
HEADER_ROW = 3
BLANK_ROWS = 40
NOTE_COLUMN = "备注"
NOTE = (
    "填写说明：每个党支部一行，左侧写所属党总支（同一党总支可合并单元格或只在第一行填写）；"
    "只列党总支、不列党支部时，党支部一栏留空。名称请与各单位汇总表中的写法一致。"
    "包扶一栏（可不填）写包扶该党支部的党委委员，汇总报告“薄弱环节与帮扶”表的后进党支部行带出。"
    "用法：jiceng batch 收件箱 --out 输出 --roster 名单.xlsx"
)


def roster_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    columns = [
        ("序号", 1),
        (UNIT_LABEL, 2),
        (BRANCH_LABEL, 3),
        (BAOFU_LABEL, 4),
        (NOTE_COLUMN, 5),
    ]
    title_block(ws, "名单", TITLE, len(columns))
    header_cells(ws, HEADER_ROW, columns)
    for width, letter in zip((8, 26, 26, 12, 18), "ABCDE", strict=True):
        ws.column_dimensions[letter].width = width
    last = HEADER_ROW + BLANK_ROWS
    for _r, c, cell in bordered(ws, range(HEADER_ROW + 1, last + 1), range(1, len(columns) + 1)):
        cell.alignment = WRAP
        if c == 1:
            cell.number_format = "0"
    note = merged_note(ws, last + 2, len(columns), NOTE)
    ws.row_dimensions[note.row].height = 48
    keep_header(ws, HEADER_ROW)
    print_setup(ws, landscape=False, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return wb
