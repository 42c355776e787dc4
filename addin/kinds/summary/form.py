"""The summary as an outgoing form: the unit and its title filled, one row per 党支部 of the
roster, 评分分数 and 分类定级结果 taken live from each branch's rubric sheet, the 合计 counts
counted once every row has its grade (as the check counts them: not from partial grades).
"""

from __future__ import annotations

import math

from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ...form import FormContext, FormSheet, dated_title, sheet_ref, text_length
from ...workbook.sheet_style import (
    TITLE_FONT,
    WRAP,
    column_width,
    fit_row_heights,
    text_width,
)
from .spec import SummarySpec, rubric_for
from .template import HEADER_ROW, SHEET_NAME, summary_sheet

PLACEHOLDER = "×××"
# 联系电话 as typed: a mobile (11 digits) or a landline with its area code (029-88886666,
# 12), with an extension or a second number the text grows; the check reads every form.
PHONE_LENGTH = (7, 40)
REPORTER_LENGTH = (2, 60)


def unit_title(title: str, unit: str) -> str:
    """The title with the unit in place of ×××: "×××（党总支）党支部分类定级汇总表" for
    机电学院党总支 → "机电学院党总支党支部分类定级汇总表" (the bracketed word the name already
    ends with is dropped); a title without ××× gets the unit in front."""
    if PLACEHOLDER not in title:
        return unit + title
    before, _, after = title.partition(PLACEHOLDER)
    for opening, closing in (("（", "）"), ("(", ")")):
        if after.startswith(opening) and closing in after:
            word, _, rest = after[1:].partition(closing)
            if unit.endswith(word):
                after = rest
            break
    return before + unit + after


def summary_forms(wb: Workbook, spec: SummarySpec, context: FormContext) -> list[FormSheet]:
    rubric = rubric_for(spec, context.specs)
    graded = {s.branch: s for s in context.sheets_of(rubric.id) if s.branch is not None}
    ws = context.new_sheet(wb, SHEET_NAME)
    names = list(context.branches)
    summary_sheet(
        ws,
        spec,
        rubric,
        fields={"unit": context.unit},
        rows=[(n,) for n in names],
        n_rows=len(names),
    )
    ws["A2"] = dated_title(unit_title(spec.title, context.unit), spec, context.year)
    ws["C3"].alignment = WRAP  # a long 党总支 name wraps in its field, not off the page
    fit_row_heights(ws, [3])
    _fit_title(ws)
    form = FormSheet(sheet=ws.title, spec=spec.id)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(names)
    total_row = last + 1
    for r, name in enumerate(names, start=first):
        source = graded.get(name)
        if source is None:  # no rubric sheet for it: the secretary types score and grade
            form.inputs.append(f"C{r}:D{r}")
            continue
        form.formulas[f"C{r}"] = f"={sheet_ref(source.sheet, source.total)}"
        form.formulas[f"D{r}"] = f"={sheet_ref(source.sheet, source.grade)}"
    grades = rubric.grading.names
    area = f"D{first}:D{last}"
    for c, grade in enumerate(grades, start=2):
        label = spec.count_label(grade)
        cell = f"{ws.cell(total_row, c).column_letter}{total_row}"
        form.formulas[cell] = (
            f'=IF(COUNTIF({area},"?*")={len(names)},"{label}："&COUNTIF({area},"{grade}"),'
            f'"{label}")'
        )
    for ref, formula in form.formulas.items():
        ws[ref] = formula
    _entry_rules(ws, spec, grades, first, last, form)
    return [form]


def _fit_title(ws) -> None:
    """Row 2 as tall as the title's wrapped lines at its font (a long unit makes two)."""
    scale = TITLE_FONT.size / 11  # text_width counts characters of the body's 11 pt
    width = sum(column_width(ws, c) for c in range(1, ws.max_column + 1))
    lines = math.ceil(text_width(str(ws["A2"].value)) * scale / width - 1e-9)
    if lines > 1:
        ws.row_dimensions[2].height = max(ws.row_dimensions[2].height or 0, 22 * lines)


def _entry_rules(ws, spec: SummarySpec, grades: list[str], first: int, last: int, form) -> None:
    """Validation on what the secretary types: 填报人及职务, 联系电话, 上年定级 (and a row's
    score and grade where no rubric sheet computes them)."""
    ws.data_validations.dataValidation = []  # the blank template's rules cover computed cells
    labels = spec.labels
    low, high = REPORTER_LENGTH
    text = text_length(
        labels.reporter,
        REPORTER_LENGTH,
        "填写填报人姓名及职务，如：张三 党总支书记",
        f"请填写填报人姓名及职务（{low}～{high} 个字）",
    )
    phone = text_length(
        labels.phone,
        PHONE_LENGTH,
        "11 位手机号，或带区号的固定电话（如 029-88886666）",
        "联系电话应为 11 位手机号或带区号的固定电话（如 029-88886666）",
    )
    words = ",".join(grades)
    last_year = DataValidation(
        type="list",
        formula1=f'"{words}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=labels.last_year,
        error="请从下拉列表中选择：" + "、".join(grades),
        showInputMessage=True,
        promptTitle=labels.last_year,
        prompt="选填：该党支部上一年度的定级，从下拉列表中选择",
    )
    for rule, area in ((text, "C4"), (phone, "C5"), (last_year, f"E{first}:E{last}")):
        ws.add_data_validation(rule)
        rule.add(area)
        form.inputs.append(area)
    for area in [a for a in form.inputs if a.startswith("C") and ":D" in a]:
        last_year.add(area.replace("C", "D", 1))  # typed by hand: the grade at least listed
