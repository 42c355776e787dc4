"""Write the blank stage plan (项目推进表) from its spec (openpyxl).

阶段 merged over its work items, 序号 / 工作内容 / 时间安排 / 责任单位 as the plan prints them,
then 完成情况 (drop-down) and 完成日期 (text) for staff, and the columns Jiceng computes (grey)
with the status colours as conditional formatting.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...workbook.sheet_style import (
    BORDER,
    CENTER,
    COMPUTED_FILL,
    WRAP,
    add_conditional_fill,
    fit_row_heights,
    header_cells,
    keep_header,
    merged_note,
    print_setup,
    title_rows,
)
from .check import status_fills
from .spec import StagesSpec

HEADER_ROW = 3  # 1-based: the attachment line, the title, then the header
Filled = Mapping[int, Mapping[str, object]]  # item no → {column label: value}


def stages_sheet(ws: Worksheet, spec: StagesSpec, filled: Filled | None = None) -> None:
    labels = spec.labels
    columns = [labels.stage, labels.no, labels.work, labels.time, labels.owner]
    columns += [*labels.inputs, *labels.computed]
    col = {label: i + 1 for i, label in enumerate(columns)}
    title_rows(ws, spec.attachment, spec.title, len(columns))
    header_cells(ws, HEADER_ROW, col.items(), computed=labels.computed)
    words = [spec.progress.not_started, spec.progress.in_progress, spec.progress.done]
    progress = DataValidation(
        type="list",
        formula1='"' + ",".join(words) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=labels.progress,
        error="请从列表中选择：" + " / ".join(words),
    )
    ws.add_data_validation(progress)
    r = first = HEADER_ROW + 1
    for stage in spec.stages:
        top = r
        for item in stage.items:
            values = {
                labels.stage: stage.name,
                labels.no: item.no,
                labels.work: item.work,
                labels.time: item.time or stage.time,
                labels.owner: item.owner,
            }
            values.update((filled or {}).get(item.no, {}))
            for label, c in col.items():
                cell = ws.cell(
                    r, c, values.get(label) if r == top or label != labels.stage else None
                )
                cell.border = BORDER
                cell.alignment = WRAP if label == labels.work else CENTER
                if label == labels.done_dates:
                    cell.number_format = "@"
                elif label in (labels.start, labels.due):
                    cell.number_format = "yyyy-mm-dd"
                if label in labels.computed:
                    cell.fill = COMPUTED_FILL
            r += 1
        if r - 1 > top:
            ws.merge_cells(start_row=top, start_column=1, end_row=r - 1, end_column=1)
    last = r - 1
    letter = get_column_letter(col[labels.progress])
    progress.add(f"{letter}{first}:{letter}{last}")
    merged_note(
        ws,
        last + 2,
        len(columns),
        f"填写说明：“{labels.progress}”从列表中选择；“{labels.done_dates}”每个时间节点填一个日期"
        f"（如 {spec.year}-05-20 或 5月20日）。时间安排为一段时间的（如“3月上旬—4月中旬”），"
        f"过了开始日期仍“{spec.progress.not_started}”即为未按期启动。"
        f"“{'”“'.join(labels.computed)}”由 Jiceng 计算，请勿手填。",
    )
    for rule in status_fills(
        ws.title,
        status_col=col[labels.status] - 1,
        columns=[col[label] - 1 for label in labels.computed],
        top=first - 1,
        bottom=last - 1,
    ):
        add_conditional_fill(ws, rule)
    widths = {labels.stage: 12, labels.no: 6, labels.work: 44, labels.time: 16, labels.owner: 16}
    widths.update({labels.done_dates: 16, labels.warning: 28})
    for label, c in col.items():
        ws.column_dimensions[get_column_letter(c)].width = widths.get(label, 11)
    fit_row_heights(ws, range(first, last + 3))
    keep_header(ws, HEADER_ROW, column=4)
    print_setup(ws, landscape=True)


def stages_workbook(
    spec: StagesSpec, filled: Filled | None = None, sheet: str = "推进表"
) -> Workbook:
    wb = Workbook()
    wb.active.title = sheet[:31]
    stages_sheet(wb.active, spec, filled)
    return wb
