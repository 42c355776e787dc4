"""A graded rubric sheet in the report: one branch's total, grade and category subtotals."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ItemScore(BaseModel):
    """One item's score as read: what the 薄弱环节 analysis (`addin/support.py`) works from."""

    no: int
    score: int | float | None = Field(
        description="the item score as shown (None: missing or invalid); 1/0 for 达标/未达标"
    )
    exact: str | None = Field(default=None, description="the exact score when `score` is cut")
    raters: dict[str, int | float | None] = Field(
        default_factory=dict, description="each rater's typed score (weighted-rater specs only)"
    )


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
    items: list[ItemScore] = Field(
        default_factory=list, description="every item's score, in the spec's order"
    )
