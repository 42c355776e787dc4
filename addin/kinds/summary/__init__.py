"""附件2 党支部分类定级汇总表: a 党总支's summary, cross-checked with its rubric sheets."""

from __future__ import annotations

from ...kind import Context, Kind
from . import check
from .model import SummaryReport
from .spec import SummarySpec, check_references, rubric_for
from .text import summary_lines


def _evaluate(sheet, spec: SummarySpec, header, context: Context) -> check.SummaryResult:
    # Evaluated after every rubric sheet of the file (`after`): cross-checked against them.
    branches = [r.branch for r in context.earlier.get("rubric", [])]
    return check.evaluate(sheet, spec, rubric_for(spec, context.specs), header, branches)


def _finish(results: dict[str, list]) -> list:
    branches = [r.branch for r in results.get("rubric", [])]
    return check.unlisted_rubrics(results.get("summary", []), branches)


def _template(spec: SummarySpec, specs):
    from .template import summary_workbook  # openpyxl: only when templates are written

    return summary_workbook(spec, rubric_for(spec, specs))


def _form(wb, spec, context):
    from .form import summary_forms  # openpyxl: only when forms are written

    return summary_forms(wb, spec, context)


KIND = Kind(
    name="summary",
    label="汇总表",
    sheet_label="汇总表",
    spec=SummarySpec,
    header_labels=check.header_labels,
    evaluate=_evaluate,
    # The first summary sheet of a file is its summary (a 党总支 sends one).
    report_field="summary",
    report_type=SummaryReport | None,
    report_default=None,
    section=lambda results: results[0].summary if results else None,
    text_lines=summary_lines,
    template=_template,
    button="score",
    button_text=lambda _results: "汇总表已核对",
    after=("rubric",),
    finish=_finish,
    check_set=check_references,
    form=_form,
)
