"""A file with more findings than anyone reads: the first ones are listed (errors first), the
rest counted in one `file.findings_omitted`, and the file's totals still count them all. The
report workbook's sheets stop where Excel stops and say how many rows they could not show."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from addin import findings as F
from addin.engine import check_path
from addin.finding_cap import cap_findings
from addin.kinds.tasks.template import tasks_workbook
from addin.limits import Limits
from addin.report.consolidated import Consolidator
from addin.report.model import Report
from addin.report.render import to_text
from addin.workbook import report_writer
from addin.workbook.report_writer import FINDING_HEADER, ReportBook

AS_OF = date(2022, 6, 15)


def warning(n: int) -> F.Finding:
    return F.TASKS_DEADLINE_UNPARSED(
        sheet="任务清单", cell=f"D{n}", task=f"任务{n}", problem="无法识别", value="不知道"
    )


def error(n: int) -> F.Finding:
    return F.FILE_INTERNAL_ERROR(detail=f"错误{n}")


# --- the pure cap ------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [0, 1, 3])
def test_up_to_the_limit_everything_is_listed(count):
    found = [warning(n) for n in range(count)]
    capped = cap_findings(found, 3)
    assert capped.findings == found
    assert (capped.omitted_errors, capped.omitted_warnings) == (0, 0)


def test_one_over_the_limit_is_counted_not_listed():
    found = [warning(n) for n in range(4)]
    capped = cap_findings(found, 3)
    assert capped.findings[:3] == found[:3]
    summary = capped.findings[3]
    assert (summary.code, summary.severity) == ("file.findings_omitted", "info")
    assert summary.message == (
        "另有 1 条问题未逐条列出（每个文件最多列出 3 条），其中错误 0 条、警告 1 条，"
        "已计入统计：tasks.deadline_unparsed 1 条"
    )
    assert (capped.omitted_errors, capped.omitted_warnings) == (0, 1)


def test_errors_are_listed_before_warnings_in_the_checks_order():
    found = [warning(1), warning(2), error(3), warning(4), error(5)]
    capped = cap_findings(found, 3)
    # the two errors and the first warning, in the order the checks gave them
    assert capped.findings[:3] == [found[0], found[2], found[4]]
    assert (capped.omitted_errors, capped.omitted_warnings) == (0, 2)


def test_omitted_errors_are_counted_as_errors():
    found = [error(n) for n in range(5)] + [warning(9)]
    capped = cap_findings(found, 2)
    assert capped.findings[:2] == found[:2]
    assert (capped.omitted_errors, capped.omitted_warnings) == (3, 1)
    assert "其中错误 3 条、警告 1 条" in capped.findings[2].message
    assert "file.internal_error 3 条；tasks.deadline_unparsed 1 条" in capped.findings[2].message


def test_at_most_five_codes_are_named():
    kinds = [F.FILE_INTERNAL_ERROR, F.FILE_UNREADABLE, F.FILE_TOO_LARGE, F.FILE_TIMEOUT]
    found = [warning(0)] + [k(detail="x", reason="x", seconds=1) for k in kinds]
    found += [F.FILE_NO_TEMPLATE(), F.FILE_HIDDEN_SHEET(sheet="旧")]
    message = cap_findings(found, 0).findings[0].message
    assert message.endswith("；另 2 种")
    assert message.count(" 1 条") == 5


# --- a real task list with a row per finding ---------------------------------------------------
@pytest.fixture(scope="module")
def long_task_list(tmp_path_factory, specs):
    """The official 11 tasks (judged on 2022-06-15) and 30 tasks of the unit's own whose
    时间期限 nobody can read: 30 warnings more than the clean list."""
    wb = tasks_workbook(specs.by_id("tasks_2022"))
    ws = wb["任务清单"]
    for i in range(30):
        ws.append([12 + i, f"自定任务{i}", "要求", "不知道什么时候", "某人"])
    path = tmp_path_factory.mktemp("cap") / "任务清单.xlsx"
    wb.save(path)
    return path


def test_a_capped_report_keeps_the_totals_of_the_whole(long_task_list, specs):
    whole = check_path(long_task_list, specs, as_of=AS_OF).report
    capped = check_path(long_task_list, specs, as_of=AS_OF, limits=Limits(max_findings=5)).report
    unparsed = [f for f in whole.findings if f.code == "tasks.deadline_unparsed"]
    assert len(unparsed) == 30
    assert len(whole.findings) < 1000  # the default limit lists them all
    assert len(capped.findings) == 6
    assert capped.findings[-1].code == "file.findings_omitted"
    assert (capped.errors, capped.warnings) == (whole.errors, whole.warnings)
    assert capped.status == whole.status
    assert capped.omitted_warnings == whole.warnings - sum(
        f.severity == "warning" for f in capped.findings
    )
    # the JSON contract carries the counts; the text report's totals line counts them all
    loaded = json.loads(Report(files=[capped]).model_dump_json())["files"][0]
    assert loaded["omitted_warnings"] == capped.omitted_warnings > 20
    text = to_text(Report(files=[capped]))
    assert f"{whole.warnings} 个警告" in text
    assert f"另有 {len(whole.findings) - 5} 条问题未逐条列出" in text


# --- the report workbook at Excel's row limit --------------------------------------------------
def finding_row(n: int) -> list:
    return [f"文件{n}.xlsx", "任务清单", f"D{n}", "警告", "tasks.deadline_unparsed", "说明", ""]


@pytest.mark.parametrize(("rows", "shown", "note"), [(4, 4, None), (5, 4, 1), (10, 4, 6)])
def test_a_full_sheet_says_how_many_rows_it_could_not_show(
    tmp_path, monkeypatch, rows, shown, note
):
    """With room for 6 rows: the header, 4 findings and the note (a 5th finding would take
    the note's row, so 5 findings already need one)."""
    monkeypatch.setattr(report_writer._Sheet, "max_rows", 6)
    path = tmp_path / "汇总报告.xlsx"
    counts = Consolidator(["好", "差"], [])
    book = ReportBook(path, counts.grades, counts.branch_header)
    try:
        book.add_rows([], [finding_row(n) for n in range(rows)], [], {})
        book.close(counts.overview(), counts.by_unit())
    finally:
        book.discard()
    ws = load_workbook(path)["问题清单"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == FINDING_HEADER
    assert [v[0] for v in values[1 : 1 + shown]] == [f"文件{n}.xlsx" for n in range(shown)]
    if note is None:
        assert len(values) == 1 + rows
    else:
        assert len(values) == 6
        assert values[5][0] == (
            f"另有 {note} 行未能列出：Excel 每张工作表最多 6 行；完整内容见 report.json"
        )
