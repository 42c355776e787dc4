"""The stage plan as an outgoing form: 完成情况 and 完成日期 open, the plan itself locked."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from ...form import FormContext, FormSheet, dated_title
from ..tasks.form import open_columns
from .spec import StagesSpec
from .template import HEADER_ROW, stages_sheet


def stages_forms(wb: Workbook, spec: StagesSpec, context: FormContext) -> list[FormSheet]:
    ws = context.new_sheet(wb, "推进表")
    stages_sheet(ws, spec)
    ws["A2"] = dated_title(spec.title, spec, context.year)
    items = sum(len(stage.items) for stage in spec.stages)
    return [open_columns(ws, spec, HEADER_ROW + 1, HEADER_ROW + items)]
