"""The task list's computed cells and its event deadlines, field by field: what `fill` writes
into 截止日期 / 状态 / 逾期天数 / 预警, the header cells it adds to the official four-column
sheet, the colour rules' formula, and the note on a deadline written as an event."""

from __future__ import annotations

from datetime import date

import pytest
from plain_book import evaluation

from addin.kinds.tasks.template import tasks_workbook
from addin.spec import load_specs
from addin.writes import CellWrite, ConditionalFill

AS_OF = date(2022, 6, 15)
SHEET = "任务清单"


@pytest.fixture(scope="module")
def specs():
    return load_specs()


def judged(specs, cells=None, done=None):
    wb = tasks_workbook(specs.by_id("tasks_2022"), done or {})
    for ref, value in (cells or {}).items():
        wb[SHEET][ref] = value
    return evaluation(wb, specs, as_of=AS_OF)


def test_the_computed_cells_of_an_overdue_a_late_and_an_on_track_task(specs):
    done_late = {2: {"完成情况": "已完成", "完成日期": date(2022, 5, 9)}}
    writes = [(w.row, w.col, w.value) for w in judged(specs, done=done_late).writes]
    # rows 4-6 (0-based 3-5), columns I-L (8-11): 截止日期, 状态, 逾期天数, 预警
    assert writes[:12] == [
        (3, 8, date(2022, 5, 31)),
        (3, 9, "已逾期"),
        (3, 10, 15),  # overdue: the days past the missed milestone
        (3, 11, "已逾期15天：5月31日的节点未完成"),
        (4, 8, None),  # done: nothing is due any more
        (4, 9, "逾期完成"),
        (4, 10, 9),  # done late: the days after the milestone
        (4, 11, "逾期9天完成（4月30日的节点）"),
        (5, 8, date(2022, 12, 31)),
        (5, 9, "正常推进"),
        (5, 10, None),  # on track: no days overdue
        (5, 11, None),
    ]


def test_the_official_four_columns_get_the_computed_headers(specs):
    wb = tasks_workbook(specs.by_id("tasks_2022"))
    wb[SHEET].delete_cols(9, 4)  # the plan's own sheet: no 截止日期 … 预警
    headers = [w for w in evaluation(wb, specs, as_of=AS_OF).writes if w.row == 2]
    assert headers == [
        CellWrite(SHEET, 2, 8, "截止日期"),
        CellWrite(SHEET, 2, 9, "状态"),
        CellWrite(SHEET, 2, 10, "逾期天数"),
        CellWrite(SHEET, 2, 11, "预警"),
    ]


def test_the_colour_rules_key_on_the_first_rows_status_cell(specs):
    rules = judged(specs).conditional
    assert rules[:2] == [
        ConditionalFill(SHEET, "I4:L14", '$J4="已逾期"', "FFC7CE", "9C0006"),  # red
        ConditionalFill(SHEET, "I4:L14", '$J4="即将到期"', "FFEB9C", "9C5700"),  # amber
    ]


def test_an_event_deadline_is_a_note_naming_the_event_clipped_at_30(specs):
    event = "学校第一次党员代表大会暨基层组织建设年工作总结表彰暨各党总支书记述职评议工作会议召开"
    found = judged(specs, {"D8": event + "前"}).report.findings
    (note,) = [f for f in found if f.code == "tasks.deadline_event"]
    assert (note.severity, note.sheet, note.cell) == ("info", SHEET, "D8")
    assert note.message == (
        f"第5项“党员发展”的时间期限以“{event[:29]}…”为准，无法推算日期，请在日期确定后自行核对"
    )


@pytest.mark.parametrize(
    ("title", "as_of", "said"),
    [
        # the plan was issued in April 2022: that year's months count from April …
        (
            "基层组织建设年 2022 年任务清单",
            date(2022, 5, 15),
            "4月30日的节点已逾期15天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
        # … a later year's from January
        (
            "基层组织建设年 2023 年任务清单",
            date(2023, 2, 15),
            "1月31日的节点已逾期15天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
    ],
)
def test_a_monthly_task_counts_from_the_plans_month_only_in_the_plans_year(
    specs, title, as_of, said
):
    wb = tasks_workbook(specs.by_id("tasks_2022"))
    wb[SHEET]["A2"] = title
    found = evaluation(wb, specs, as_of=as_of).report.findings
    monthly = [(f.code, f.message) for f in found if f.cell == "D11"]
    assert monthly == [("tasks.overdue", f"第8项“党委委员联系制度”{said}")]
