"""Helpers for the summary-table tests: real submissions (rubric sheets + 汇总表) written with
openpyxl, read back through the engine or the CLI, and LibreOffice round trips."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from conftest import codes, only  # noqa: F401 (re-exported for the summary tests)
from conftest import soffice_convert as soffice_resave  # noqa: F401 (re-exported)
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from addin.cli import app
from addin.engine import check_path
from addin.kinds.rubric.spec import RubricSpec
from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.spec import SummarySpec
from addin.kinds.summary.template import SHEET_NAME, summary_sheet
from addin.report.model import FileReport
from addin.spec import SpecSet, load_specs

FIELDS = {"unit": "计算机学院党总支", "reporter": "王芳 组织委员", "phone": "029-88886601"}
# 1-based rows of the generated summary sheet: fields in C3:C5, header in row 6, then 10 rows.
FIRST_ROW = 7
TOTAL_ROW = 17


@cache
def specs() -> SpecSet:
    return load_specs()


def rubric_spec() -> RubricSpec:
    return specs().by_id("rubric_2022")


def summary_spec() -> SummarySpec:
    return specs().by_id("summary_2022")


def scores_totalling(total: float) -> dict[int, float]:
    """Item scores of the 2022 rubric adding up to `total` (losses taken from item 1 on)."""
    scores = {i.no: float(i.points) for i in rubric_spec().items}
    left = 100 - total
    for no in scores:
        take = min(scores[no], left)
        scores[no] -= take
        left -= take
    assert left == 0
    return scores


def submission(
    folder: Path,
    rows: Sequence[Sequence[object]],
    rubrics: dict[str, float] | None = None,
    fields: dict[str, object] | None = None,
    counts: dict[str, object] | None = None,
    edit: Callable[[Workbook], None] | None = None,
    name: str = "提交.xlsx",
) -> Path:
    """A 党总支 submission: the 汇总表 first, then one rubric sheet per branch (name → total).

    `rows`: (党支部名称, 评分分数, 分类定级结果[, 上年定级]); `rubrics=None` writes none at all.
    """
    if rubrics:
        wb = rubric_workbook(rubric_spec(), {n: scores_totalling(t) for n, t in rubrics.items()})
        ws = wb.create_sheet(SHEET_NAME, 0)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET_NAME
    summary_sheet(
        ws, summary_spec(), rubric_spec(), FIELDS if fields is None else fields, rows, counts
    )
    if edit:
        edit(wb)
    path = folder / name
    wb.save(path)
    return path


def check(path: Path) -> FileReport:
    return check_path(path, specs()).report


def cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def check_json(path: Path) -> dict:
    (file,) = json.loads(cli("check", path, "--format", "json").stdout)["files"]
    return file


def fill(path: Path, out: Path):
    result = cli("fill", path, "--out", out)
    assert out.exists(), result.stdout
    return load_workbook(out)
