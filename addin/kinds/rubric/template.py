"""Write the official blank templates from the specs (openpyxl).

The layout follows the attachment of the 2022 plan: a title, the 党支部名称 field, the table
with the 项目 column merged over each category, the 总分 row and the grading note. Jiceng adds
a 小计 column and a 定级结果 row, both computed (grey), and data validation on the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...cells import exact_text, plain
from ...workbook.sheet_style import (
    BOLD,
    CENTER,
    COMPUTED_FILL,
    WRAP,
    a4_portrait_one_page_wide,
    bordered,
    header_cells,
    keep_header,
    merged_note,
    title_rows,
    wrapped_height,
)
from .check import total_label
from .spec import RubricSpec

Scores = Mapping[int, object] | Mapping[int, Mapping[str, object]]


@dataclass(frozen=True)
class RubricCells:
    """Where `rubric_sheet` put things (1-based): what a form adds its formulas to."""

    col: dict[str, int]  # column label → column
    rows: dict[str, list[int]]  # category name → its item rows
    total_row: int
    grade_row: int
    branch_cell: str  # the 党支部名称 value

    def letter(self, label: str) -> str:
        return get_column_letter(self.col[label])


def rubric_sheet(
    ws: Worksheet,
    spec: RubricSpec,
    branch: str = "",
    scores: Scores | None = None,
) -> RubricCells:
    """Lay out one rubric sheet; `scores` (item no → value, or → {rater: value}) pre-fills it."""
    labels = spec.labels
    inputs = spec.input_columns
    # Pass/fail criteria have no 分值 column: a 达标 / 未达标 list instead of a number range.
    points = [] if spec.pass_fail else [labels.points]
    columns = [labels.item, labels.content, *points, *inputs]
    if spec.raters:
        columns.append(labels.score)
    columns.append(labels.subtotal)
    width = len(columns)
    col = {label: i + 1 for i, label in enumerate(columns)}

    title_rows(ws, spec.attachment, spec.title, width)
    ws["A3"] = labels.branch
    ws["A3"].font = BOLD
    ws["B3"] = branch
    header_row = 4
    header_cells(ws, header_row, col.items())

    row = header_row + 1
    validations: dict[Decimal, DataValidation] = {}
    rows: dict[str, list[int]] = {}
    for category in spec.categories:
        first = row
        rows[category.name] = list(range(first, first + len(category.items)))
        for item in category.items:
            text = f"{item.no}. {item.text}"
            ws.cell(row, col[labels.content], text).alignment = WRAP
            ws.row_dimensions[row].height = wrapped_height(text, widths_chars=60)
            if not spec.pass_fail:
                cell = ws.cell(row, col[labels.points], plain(item.points))
                cell.number_format = '0"分"'
            given = (scores or {}).get(item.no)
            for label in inputs:
                value = given.get(label) if isinstance(given, Mapping) else given
                ws.cell(row, col[label], value)
                key = None if spec.pass_fail else item.points
                dv = validations.get(key)
                if dv is None and spec.pass_fail:
                    words = [spec.verdicts.met, spec.verdicts.not_met]
                    dv = DataValidation(
                        type="list",
                        formula1='"' + ",".join(words) + '"',
                        allow_blank=True,
                        showErrorMessage=True,
                        errorTitle="评价",
                        error="请从列表中选择：" + " / ".join(words),
                        showInputMessage=True,
                        promptTitle=spec.labels.score,
                        prompt="从下拉列表中选择：" + " / ".join(words),
                    )
                    validations[key] = dv
                    ws.add_data_validation(dv)
                elif spec.decimals is not None:
                    # A custom rule is relative to its cell: one rule per score cell.
                    dv = _score_rule(spec, item.points, ws.cell(row, col[label]).coordinate)
                    ws.add_data_validation(dv)
                elif dv is None:
                    dv = _score_rule(spec, item.points)
                    validations[item.points] = dv
                    ws.add_data_validation(dv)
                dv.add(ws.cell(row, col[label]).coordinate)
            row += 1
        unit = "项" if spec.pass_fail else "分"
        ws.cell(first, 1, f"{category.name}\n{plain(category.points)}{unit}")
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
            ws.merge_cells(
                start_row=first,
                start_column=col[labels.subtotal],
                end_row=row - 1,
                end_column=col[labels.subtotal],
            )
        ws.cell(first, 1).alignment = CENTER
        ws.cell(first, col[labels.subtotal]).alignment = CENTER

    total_row, grade_row, note_row = row, row + 1, row + 2
    last_label = col[labels.content] if spec.pass_fail else col[labels.points]
    for r, text in ((total_row, total_label(spec)), (grade_row, labels.grade)):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_label)
        ws.cell(r, 1, text).font = BOLD
        ws.cell(r, 1).alignment = CENTER
    merged_note(ws, note_row, width, spec.grading.sentence)
    if spec.raters:
        weights = "，".join(f"{r.label}×{exact_text(r.weight)}" for r in spec.raters)
        ws.cell(note_row + 1, 1, f"得分 = {weights}")

    for r, c, cell in bordered(ws, range(header_row + 1, grade_row + 1), range(1, width + 1)):
        if c in (col.get(labels.score) if spec.raters else None, col[labels.subtotal]) or (
            r in (total_row, grade_row) and c > last_label
        ):
            cell.fill = COMPUTED_FILL
            cell.alignment = CENTER
        elif c > col[labels.content]:
            cell.alignment = CENTER
    widths = {labels.item: 12, labels.content: 62, labels.points: 8, labels.subtotal: 9}
    for label, c in col.items():
        ws.column_dimensions[get_column_letter(c)].width = widths.get(label, 10)
    keep_header(ws, header_row)
    a4_portrait_one_page_wide(ws)
    return RubricCells(col, rows, total_row, grade_row, "B3")


def _score_rule(spec: RubricSpec, points: Decimal, cell: str | None = None) -> DataValidation:
    """0 to the item's 分值; with the spec's `decimals`, at most that many decimals (a custom
    rule on `cell`, which Excel reads relative to the cell it validates)."""
    top = plain(points)
    places = spec.decimals
    if places is None:
        rule = {"type": "decimal", "operator": "between", "formula1": "0", "formula2": str(top)}
        precision = ""
    else:
        rule = {
            "type": "custom",
            "formula1": f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<={top},ROUND({cell},{places})={cell})",
        }
        precision = "的整数" if places == 0 else f"、最多 {places} 位小数的数"
    return DataValidation(
        **rule,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="得分超出范围",
        error=f"得分应为 0～{top} 分之间{precision or '的数'}",
        showInputMessage=True,
        promptTitle=spec.labels.score,
        prompt=f"填写 0～{top} 之间{precision or '的数字'}（本项分值 {top} 分）",
    )


def rubric_workbook(
    spec: RubricSpec, branches: Mapping[str, Scores | None] | None = None
) -> Workbook:
    """A workbook with one rubric sheet per branch (or one blank sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, scores in (branches or {"评分表": None}).items():
        ws = wb.create_sheet(title=name[:31])
        rubric_sheet(ws, spec, branch="" if branches is None else name, scores=scores)
    return wb
