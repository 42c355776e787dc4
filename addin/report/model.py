"""The report model: what `check` found, as data. Renderers (text, JSON, ...) read only this.

Each file's entry has one field per template kind (`branches`, `summary`, `tasks`, …), made
from the registry: the kinds say its name, type and value when the file has no such sheet.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from .. import __version__
from ..findings import Finding
from ..kinds import KINDS
from ..kinds.rubric.model import BranchResult
from ..kinds.summary.model import SummaryReport, SummaryRow
from ..kinds.tasks.model import TaskResult, TaskStatus
from ..stamp import Stamp
from .inbox_model import BatchSections

# skipped: not a workbook (a PDF scan, a picture, an Excel lock file), or one of Jiceng's own
# outputs (file.own_output): listed, not checked.
FileStatus = Literal["ok", "errors", "unreadable", "skipped"]


class _FileReportBase(BaseModel):
    path: str
    status: FileStatus
    findings: list[Finding] = Field(default_factory=list)
    as_of: date | None = Field(
        default=None,
        description="the date the task list was judged on: --as-of, else its 基准日期, else today",
    )
    filed_on: date | None = Field(
        default=None, description="a 填报日期 field above the summary table, when there is one"
    )

    stamp: Stamp | None = Field(
        default=None, description="the stamp of a workbook `jiceng distribute` sent out"
    )
    omitted_errors: int = Field(
        default=0, description="errors found but not listed in `findings` (file.findings_omitted)"
    )
    omitted_warnings: int = Field(
        default=0, description="warnings found but not listed in `findings`"
    )

    @property
    def errors(self) -> int:
        return self.omitted_errors + sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return self.omitted_warnings + sum(1 for f in self.findings if f.severity == "warning")


def _kind_field(kind) -> tuple[Any, Any]:
    default = kind.report_default
    if isinstance(default, list):
        return (kind.report_type, Field(default_factory=list))
    return (kind.report_type, default)


FileReport = create_model(
    "FileReport",
    __base__=_FileReportBase,
    __module__=__name__,
    **{kind.report_field: _kind_field(kind) for kind in KINDS},
)


class Report(BaseModel):
    # Built on first use: a check makes its Report with `model_construct` (its file reports are
    # validated already) and only JSON output needs the serializer, with the batch sections.
    model_config = ConfigDict(defer_build=True)

    tool: str = "jiceng"
    version: str = __version__
    files: list[FileReport] = Field(default_factory=list)
    batch: BatchSections | None = Field(
        default=None, description="the inbox as a whole: only in a batch's report.json"
    )

    @property
    def exit_code(self) -> int:
        """0 = no errors, 1 = errors found, 2 = a file could not be read at all."""
        if any(f.status == "unreadable" for f in self.files):
            return 2
        if any(f.status == "errors" for f in self.files):
            return 1
        return 0


__all__ = [
    "BranchResult",
    "FileReport",
    "FileStatus",
    "Report",
    "SummaryReport",
    "SummaryRow",
    "TaskResult",
    "TaskStatus",
]
