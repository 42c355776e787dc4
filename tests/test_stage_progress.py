"""Stage plans (项目推进表) across the inbox: the batch's 阶段进度 sheet and report.json section,
most urgent first (已逾期, then 未按期启动), with their counts on 概览."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from test_print import A4, by_sheet, sheet_of, to_pdf
from test_stages import county, filled_county

from addin.batch import run_batch

AS_OF = date(2012, 5, 10)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stages")
    inbox = folder / "收件箱"
    inbox.mkdir()
    filled_county(inbox, "县局推进表.xlsx")
    specs, _ = county()
    files = sorted(inbox.glob("*.xlsx"))
    return run_batch(files, folder / "out", specs, root=inbox, as_of=AS_OF, notice_pdf=False)


def test_report_json_lists_the_work_items_most_urgent_first(batch):
    stages = json.loads(batch.report_json.read_text(encoding="utf-8"))["batch"]["stages"]
    assert stages["counts"] == {
        "overdue": 1,
        "not_started_late": 2,
        "on_track": 7,
        "done_late": 1,
        "done": 1,
    }
    assert (stages["overdue"], stages["due_soon"]) == (3, 0)  # 未按期启动 counts as late
    first = [(r["no"], r["status"], r["days_overdue"]) for r in stages["rows"][:4]]
    assert first == [(3, "overdue", 20), (5, "not_started_late", 19), (6, "not_started_late", 19),
                     (4, "on_track", 0)]  # fmt: skip


def test_the_report_book_has_a_stage_sheet_and_overview_lines(batch):
    wb = load_workbook(batch.report_book)
    assert wb.sheetnames == ["概览", "各党总支定级统计", "党支部", "阶段进度", "问题清单", "文件"]
    rows = list(wb["阶段进度"].iter_rows(values_only=True))
    assert rows[0] == (
        "党总支", "文件", "阶段", "序号", "工作", "状态", "开始日期", "截止日期", "逾期天数",
        "时间安排", "责任单位",
    )  # fmt: skip
    assert [(r[3], r[5], r[8]) for r in rows[1:4]] == [
        (3, "已逾期", 20),
        (5, "未按期启动", 19),
        (6, "未按期启动", 19),
    ]
    assert rows[1][6].date() == date(2012, 3, 1) and rows[1][7].date() == date(2012, 4, 20)
    fills = [wb["阶段进度"].cell(row, 6).fill.fgColor.rgb for row in (2, 3, 5)]
    assert fills == ["00FFC7CE", "00FFC7CE", "00000000"]  # late ones red, on track plain
    overview = dict(r[:2] for r in wb["概览"].iter_rows(values_only=True))
    assert overview["推进表工作项数"] == 12
    assert overview["已逾期或未按期启动的工作项数"] == 3
    assert overview["基准日期（任务清单按此判断逾期）"] == "2012-05-10（--as-of 指定）"


def test_the_stage_sheet_prints_one_landscape_page_wide(batch, tmp_path):
    pages = to_pdf([batch.report_book], tmp_path)[batch.report_book.stem]
    stage_pages = by_sheet(pages)["阶段进度"]
    assert len(stage_pages) == 1
    assert "责任单位" in stage_pages[0] and "未按期启动" in stage_pages[0]
    sizes = [size for text, size in pages if sheet_of(text) == "阶段进度"]
    assert sizes == [A4[::-1]]
