"""The report model: what `check` found, as data. Renderers (text, JSON, ...) read only this."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .. import __version__
from ..findings import Finding

FileStatus = Literal["ok", "errors", "unreadable"]


class BranchResult(BaseModel):
    sheet: str
    name: str
    total: int | float | None
    grade: str | None
    categories: dict[str, int | float | None]
    spec: str = Field(default="", description="id of the rubric spec the sheet was read with")


class FileReport(BaseModel):
    path: str
    status: FileStatus
    findings: list[Finding] = Field(default_factory=list)
    branches: list[BranchResult] = Field(default_factory=list)
    summary: Any = None
    tasks: Any = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


class Report(BaseModel):
    tool: str = "jiceng"
    version: str = __version__
    files: list[FileReport] = Field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 = no errors, 1 = errors found, 2 = a file could not be read at all."""
        if any(f.status == "unreadable" for f in self.files):
            return 2
        if any(f.status == "errors" for f in self.files):
            return 1
        return 0
