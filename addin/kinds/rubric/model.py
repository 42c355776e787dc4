"""A graded rubric sheet in the report: one branch's total, grade and category subtotals."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BranchResult(BaseModel):
    sheet: str
    name: str
    total: int | float | None = Field(
        description="the total as shown: exact up to four decimals, else cut to two"
    )
    exact_total: str | None = Field(
        default=None, description='the exact total ("269/3") when `total` shows it cut'
    )
    grade: str | None
    categories: dict[str, int | float | None]
    spec: str = Field(default="", description="id of the rubric spec the sheet was read with")
