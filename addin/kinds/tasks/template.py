"""Write the blank task list (附件3) from its spec (openpyxl).

The official columns 序号 / 任务 / 具体要求 / 时间期限 / 责任人 / 备注, then the two columns staff
fill (完成情况 with a drop-down list, 完成日期 as text so Excel does not turn "5月20日" into a
date of the current year) and the four columns Jiceng computes (grey), already carrying the
status colours as conditional formatting.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.styles import Alignment
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
from .check import conditional_fills
from .spec import TasksSpec

HEADER_ROW = 3  # 1-based: 附件3, the title, then the header
TOP_LEFT = Alignment(vertical="center", wrap_text=True)

Filled = Mapping[int, Mapping[str, object]]  # task no → {column label: value}


def tasks_sheet(ws: Worksheet, spec: TasksSpec, filled: Filled | None = None) -> None:
    """Lay out the task list; `filled` pre-fills cells of a task's row by column label."""
    labels = spec.labels
    official = [labels.no, labels.task, labels.requirement, labels.deadline, labels.owner]
    columns = [*official, labels.note, *labels.inputs, *labels.computed]
    col = {label: i + 1 for i, label in enumerate(columns)}

    title_rows(ws, spec.attachment, spec.title, len(columns))
    header_cells(ws, HEADER_ROW, col.items(), computed=labels.computed)

    progress = DataValidation(
        type="list",
        formula1='"' + ",".join(_progress_words(spec)) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成情况",
        error="请从列表中选择：" + " / ".join(_progress_words(spec)),
    )
    ws.add_data_validation(progress)
    first = HEADER_ROW + 1
    for r, task in enumerate(spec.tasks, start=first):
        given = (filled or {}).get(task.no, {})
        values = {
            labels.no: task.no,
            labels.task: task.task,
            labels.requirement: task.requirement,
            labels.deadline: task.deadline,
            labels.owner: task.owner,
            labels.note: task.note or None,
        }
        values.update(given)
        for label, c in col.items():
            cell = ws.cell(r, c, values.get(label))
            cell.border = BORDER
            cell.alignment = WRAP if label == labels.requirement else CENTER
            if label == labels.done_dates:
                cell.number_format = "@"
                cell.alignment = TOP_LEFT
            elif label == labels.due:
                cell.number_format = "yyyy-mm-dd"
            if label in labels.computed:
                cell.fill = COMPUTED_FILL
    last_row = first + len(spec.tasks) - 1
    letter = get_column_letter(col[labels.progress])
    progress.add(f"{letter}{first}:{letter}{last_row}")

    note_row = last_row + 2
    merged_note(
        ws,
        note_row,
        len(columns),
        f"填写说明：“{labels.progress}”从列表中选择；“{labels.done_dates}”每个时间节点填一个日期，"
        f"多个日期用“；”或换行分隔（如 {spec.year}-05-20；{spec.year}-12-20 或 5月20日）。"
        f"“{'”“'.join(labels.computed)}”由 Jiceng 计算，请勿手填。",
    )

    for rule in conditional_fills(
        ws.title,
        status_col=col[labels.status] - 1,
        columns=[col[label] - 1 for label in labels.computed],
        top=first - 1,
        bottom=last_row - 1,
    ):
        add_conditional_fill(ws, rule)

    widths = {
        labels.no: 6,
        labels.task: 18,
        labels.requirement: 46,
        labels.deadline: 12,
        labels.owner: 16,
        labels.note: 8,
        labels.progress: 10,
        labels.done_dates: 16,
        labels.due: 12,
        labels.status: 10,
        labels.days_overdue: 9,
        labels.warning: 26,
    }
    for label, c in col.items():
        ws.column_dimensions[get_column_letter(c)].width = widths.get(label, 10)
    fit_row_heights(ws, range(first, note_row + 1))
    keep_header(ws, HEADER_ROW, column=3)
    print_setup(ws, landscape=True)


def _progress_words(spec: TasksSpec) -> list[str]:
    words = spec.progress
    return [words.not_started, words.in_progress, words.done]


def tasks_workbook(
    spec: TasksSpec, filled: Filled | None = None, sheet: str = "任务清单"
) -> Workbook:
    """A workbook with the task list (blank, or pre-filled for samples and tests)."""
    wb = Workbook()
    wb.active.title = sheet[:31]
    tasks_sheet(wb.active, spec, filled)
    return wb
