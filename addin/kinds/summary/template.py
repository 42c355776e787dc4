"""Write the summary table (附件2) from its spec (openpyxl).

The official layout: title, the three header fields, 序号 / 党支部名称 / 评分分数 / 分类定级结果
with numbered blank rows, and the 合计 row reading 合计 / 先进数 / 一般数 / 后进数 (fill writes
"先进数：2" into those cells). Jiceng adds the optional 上年定级 column, shades the computed
cells grey, offers the grades as drop-down lists and explains the grading in a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...cells import plain
from ...workbook.sheet_style import (
    BOLD,
    CENTER,
    COMPUTED_FILL,
    WRAP,
    a4_portrait_one_page_wide,
    bordered,
    fit_row_heights,
    header_cells,
    keep_header,
    merged_note,
    title_rows,
)
from ..rubric.spec import RubricSpec
from .spec import SummarySpec

HEADER_ROW = 6  # 1-based: 附件2, the title, three field rows, then the header
SHEET_NAME = "汇总表"

# One summary row as the samples and tests pre-fill it: 党支部名称, 评分分数, 分类定级结果,
# 上年定级 (missing trailing values stay blank).
Row = Sequence[object]


def summary_sheet(
    ws: Worksheet,
    spec: SummarySpec,
    rubric: RubricSpec,
    fields: Mapping[str, object] | None = None,
    rows: Sequence[Row] = (),
    counts: Mapping[str, object] | None = None,
    n_rows: int | None = None,
) -> None:
    """Lay out one summary sheet; `fields` (unit/reporter/phone), `rows`, `counts` pre-fill it;
    `n_rows`: exactly that many numbered rows (default: the spec's, or more for `rows`)."""
    labels = spec.labels
    columns = [labels.no, labels.branch, labels.score, labels.grade, labels.last_year]
    width = len(columns)

    title_rows(ws, spec.attachment, spec.title, width)
    given = fields or {}
    for r, (key, label) in enumerate(
        (("unit", labels.unit), ("reporter", labels.reporter), ("phone", labels.phone)), start=3
    ):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=width)
        ws.cell(r, 1, f"{label}：").font = BOLD
        value = given.get(key)
        # Text, so Excel keeps a landline's leading 0 and does not show 1.38E+10.
        ws.cell(r, 3, None if value is None else str(value)).number_format = "@"

    header_cells(ws, HEADER_ROW, zip(columns, range(1, width + 1), strict=True))

    first = HEADER_ROW + 1
    n_rows = max(spec.rows, len(rows)) if n_rows is None else n_rows
    total_row = first + n_rows
    for i in range(n_rows):
        r = first + i
        ws.cell(r, 1, i + 1)
        for c, value in enumerate(rows[i] if i < len(rows) else (), start=2):
            ws.cell(r, c, value)
    grades = rubric.grading.names
    ws.cell(total_row, 1, labels.total).font = BOLD
    for c, grade in enumerate(grades, start=2):
        count = (counts or {}).get(grade)
        text = spec.count_label(grade)
        ws.cell(total_row, c, text if count is None else f"{text}：{count}").font = BOLD

    _validations(ws, spec, rubric, first, total_row - 1)
    for r, c, cell in bordered(ws, range(HEADER_ROW + 1, total_row + 1), range(1, width + 1)):
        cell.alignment = WRAP if c == 2 and r < total_row else CENTER
        if c == 4 or (r == total_row and 2 <= c < 2 + len(grades)):
            cell.fill = COMPUTED_FILL

    note_row = total_row + 1
    note = _note(spec, rubric)
    merged_note(ws, note_row, width, note)
    for c, w in enumerate([8, 30, 12, 16, 12], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    fit_row_heights(ws, range(first, note_row + 1))
    keep_header(ws, HEADER_ROW)
    a4_portrait_one_page_wide(ws)


def _validations(ws: Worksheet, spec: SummarySpec, rubric: RubricSpec, top: int, bottom: int):
    if bottom < top:
        return
    top_score = plain(rubric.total_points)
    score = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=str(top_score),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="评分分数超出范围",
        error=f"评分分数应在 0～{top_score} 分之间",
    )
    grades = DataValidation(
        type="list",
        formula1='"' + ",".join(rubric.grading.names) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="等级名称",
        error="请从下拉列表中选择：" + "、".join(rubric.grading.names),
    )
    ws.add_data_validation(score)
    ws.add_data_validation(grades)
    score.add(f"C{top}:C{bottom}")
    grades.add(f"D{top}:E{bottom}")


def _note(spec: SummarySpec, rubric: RubricSpec) -> str:
    rule = rubric.grading.sentence.removeprefix("备注：")
    labels = spec.labels
    text = (
        f"说明：{labels.score}为各党支部《{rubric.title}》的总分；{labels.grade}按总分确定，"
        f"{rule}{labels.last_year}选填，用于统计晋位升级"
    )
    if spec.conversion_target is not None:
        lowest = rubric.grading.names[-1]
        target = f"{float(spec.conversion_target):.0%}"
        text += f"和{lowest}转化率（目标 {target} 以上）"
    return text + "。"


def summary_workbook(
    spec: SummarySpec,
    rubric: RubricSpec,
    fields: Mapping[str, object] | None = None,
    rows: Sequence[Row] = (),
    counts: Mapping[str, object] | None = None,
) -> Workbook:
    """A workbook holding one summary sheet (blank unless pre-filled)."""
    wb = Workbook()
    summary_sheet(wb.active, spec, rubric, fields, rows, counts)
    wb.active.title = SHEET_NAME
    return wb
