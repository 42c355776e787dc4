"""What a template kind is: the faces every kind package (`addin/kinds/<kind>/`) provides.

The engine, the command line, the batch, the Excel buttons and the report know kinds only
through this record and the registry (`addin/kinds/__init__.py`); none of them names one.
A new kind is a new package plus one line in the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .findings import Finding
from .locate import Header, find_header
from .workbook.model import SheetData
from .writes import CellWrite, ConditionalFill

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

    from .form import FormContext, FormSheet
    from .spec import SpecModel, SpecSet


class KindResult(Protocol):
    """What evaluating one sheet gives, whatever the kind."""

    findings: list[Finding]
    writes: list[CellWrite]
    conditional: list[ConditionalFill]

    @property
    def sheet_name(self) -> str: ...


@dataclass(frozen=True)
class Context:
    """What a sheet is judged against besides its own cells.

    `as_of` / `year`: the caller's (`--as-of`, `--year`), None to let the sheet or the spec
    decide. `earlier`: results of the kinds evaluated before, by kind name — the summary reads
    the rubric sheets of the same file this way (its kind lists them in `after`).
    """

    specs: SpecSet
    as_of: date | None = None
    year: int | None = None
    earlier: dict[str, list[Any]] = field(default_factory=dict)


def _nothing(*_args: object) -> list[Finding]:
    return []


def _no_references(_spec: object, _specs: object) -> None:
    return None


@dataclass(frozen=True)
class Kind:
    name: str  # the `kind` tag of its spec files, e.g. "rubric"
    label: str  # Chinese name of the template, in messages: 评分标准 / 汇总表 / 任务清单
    sheet_label: str  # the filled sheet, in the buttons' messages: 评分表 / 任务清单（附件3）
    spec: type[SpecModel]  # the pydantic model of its spec files
    evaluate: Callable[[SheetData, Any, Header, Context], KindResult]
    # The report: one field of each file's entry (JSON), its type and value without such sheets.
    report_field: str
    report_type: Any
    report_default: Any
    section: Callable[[list[Any]], Any]  # results → that field's value
    text_lines: Callable[[Any], list[str]]  # that value → lines of the text report
    template: Callable[[Any, SpecSet], Workbook]  # the official blank workbook of a spec
    # Which Excel button writes its computed cells: 评分 ("score") or 刷新任务状态 ("progress"),
    # and the part of that button's closing sentence that speaks of its sheets.
    button: Literal["score", "progress"] = "score"
    button_text: Callable[[list[Any]], str] = lambda _results: ""
    after: tuple[str, ...] = ()  # kinds whose results `evaluate` reads (Context.earlier)
    # Cross-sheet findings once every sheet of the file is evaluated (all results by kind).
    finish: Callable[[dict[str, list[Any]]], list[Finding]] = _nothing
    # References from one spec to others of the set (a summary names its rubric): SpecError.
    check_set: Callable[[Any, SpecSet], None] = _no_references
    # The outgoing form (`jiceng distribute`): writes this spec's sheets for one unit into a
    # workbook and says which cells are inputs and which hold formulas (`addin/form.py`).
    form: Callable[[Workbook, Any, FormContext], list[FormSheet]] | None = None
    # The (required, optional) labels `detect` looks for with `find_header`, when that is all
    # it does: the engine then locates every such kind's header on a sheet at once
    # (`find_headers`) instead of calling `detect` for each.
    header_labels: Callable[[Any], tuple[tuple[str, ...], tuple[str, ...]]] | None = None
    # The header of a spec on a sheet, None when the sheet has none; by default the header of
    # `header_labels` (`detect_by_labels`).
    detect: Callable[[SheetData, Any], Header | None] | None = None

    def __post_init__(self) -> None:
        if self.detect is None:
            if self.header_labels is None:
                raise ValueError(f"kind {self.name}: neither detect nor header_labels")
            object.__setattr__(self, "detect", detect_by_labels(self.header_labels))


def detect_by_labels(
    header_labels: Callable[[Any], tuple[tuple[str, ...], tuple[str, ...]]],
) -> Callable[[SheetData, Any], Header | None]:
    """The `detect` of a kind whose header is found by its labels alone: the first row holding
    every required label of the spec (`locate.find_header`)."""

    def detect(sheet: SheetData, spec: Any) -> Header | None:
        return find_header(sheet, *header_labels(spec))

    return detect
