"""附件1 党支部分类定级评分参考标准: one branch's rubric sheet, scored and graded."""

from __future__ import annotations

from ...kind import Context, Kind
from . import check
from .model import BranchResult
from .spec import RubricSpec
from .text import branch_lines, grades_sentence


def _evaluate(sheet, spec: RubricSpec, header, _context: Context) -> check.RubricResult:
    return check.evaluate(sheet, spec, header)


def _template(spec: RubricSpec, _specs):
    from .template import rubric_workbook  # openpyxl: only when templates are written

    return rubric_workbook(spec)


def _form(wb, spec, context):
    from .form import rubric_forms  # openpyxl: only when forms are written

    return rubric_forms(wb, spec, context)


KIND = Kind(
    name="rubric",
    label="评分标准",
    sheet_label="评分表",
    spec=RubricSpec,
    header_labels=check.header_labels,
    evaluate=_evaluate,
    report_field="branches",
    report_type=list[BranchResult],
    report_default=[],
    section=lambda results: [r.branch for r in results],
    text_lines=branch_lines,
    template=_template,
    button="score",
    button_text=lambda results: grades_sentence(
        [r.branch for r in results], results[0].layout.spec.entity
    ),
    form=_form,
)
