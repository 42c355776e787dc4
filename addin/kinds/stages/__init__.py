"""项目推进表 (stage plan): stages with a start and an end, work items, 责任单位, and each
item's status as of a date — 未按期启动 when its stage has started and it has not."""

from __future__ import annotations

from ...kind import Context, Kind
from . import check
from .model import StageResult
from .spec import StagesSpec
from .text import counts_text, stage_lines


def _evaluate(sheet, spec: StagesSpec, header, context: Context) -> check.StagesResult:
    return check.evaluate(sheet, spec, header, as_of=context.as_of, year=context.year)


def _template(spec: StagesSpec, _specs):
    from .template import stages_workbook  # openpyxl: only when templates are written

    return stages_workbook(spec)


def _form(wb, spec, context):
    from .form import stages_forms  # openpyxl: only when forms are written

    return stages_forms(wb, spec, context)


KIND = Kind(
    name="stages",
    label="推进表",
    sheet_label="推进表",
    spec=StagesSpec,
    header_labels=check.header_labels,
    evaluate=_evaluate,
    report_field="stages",
    report_type=list[StageResult] | None,
    report_default=None,
    section=lambda results: [i for r in results for i in r.items] if results else None,
    text_lines=stage_lines,
    template=_template,
    button="progress",
    button_text=lambda results: (
        counts_text([i for r in results for i in r.items], " 项") or "无工作项"
    ),
    form=_form,
)
