"""Everything the task-list check says about a faulty 附件3, field by field: code, cell, value
and the Chinese message staff read (task names and unread wordings clipped at 20 characters)."""

from __future__ import annotations

from datetime import date

import pytest
from plain_book import report

from addin.kinds.tasks.template import tasks_workbook
from addin.spec import load_specs

AS_OF = date(2022, 6, 15)
LONG_NAME = "一项很长很长很长很长很长的自己加的工作任务名称"
LONG_WORDING = "一个超过二十个字的很长很长很长很长的时间期限写法"


@pytest.fixture(scope="module")
def specs():
    return load_specs()


def task_list(specs, cells: dict, extra_no: object = None):
    """The Jiceng template with 3 not a known word, 2 done without a date, `cells` typed over
    it, and a task of the unit's own on row 15 (numbered `extra_no`)."""
    wb = tasks_workbook(
        specs.by_id("tasks_2022"), {3: {"完成情况": "搞定了"}, 2: {"完成情况": "已完成"}}
    )
    ws = wb["任务清单"]
    for ref, value in cells.items():
        ws[ref] = value
    ws.insert_rows(15)
    ws["A15"], ws["B15"], ws["D15"], ws["E15"] = extra_no, LONG_NAME, "5月底", "某人"
    return report(wb, specs, as_of=AS_OF)


def said(result, skip=("tasks.template_modified",)):
    return [(f.code, f.cell, f.value, f.message) for f in result.findings if f.code not in skip]


def test_every_finding_of_a_faulty_task_list(specs):
    cells = {"D8": "待定、尽快", "D10": None, "E11": None}
    assert said(task_list(specs, cells)) == [
        (
            "tasks.overdue",
            "D4",
            None,
            "第1项“厘清支部划分”5月31日的节点已逾期15天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
        (
            "tasks.done_without_date",
            "H5",
            None,
            "第2项“党支部等级评定”标为已完成，但未填写完成日期",
        ),
        (
            "tasks.overdue",
            "D5",
            None,
            "第2项“党支部等级评定”4月30日的节点已逾期46天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
        (
            "tasks.progress_unknown",
            "G6",
            "搞定了",
            "第3项“落实“三会一课””的完成情况“搞定了”不是“未开始 / 进行中 / 已完成”之一，按未完成处理",
        ),
        (
            "tasks.deadline_unparsed",
            "D8",
            None,
            "第5项“党员发展”的时间期限“待定、尽快”无法识别，未推算截止日期",
        ),
        (
            "tasks.deadline_unparsed",
            "D10",
            None,
            "第7项“基层组织书记培训”的时间期限未填写，无法推算截止日期",
        ),
        ("tasks.owner_missing", "E11", None, "第8项“党委委员联系制度”未填写责任人"),
        (
            "tasks.overdue",
            "D11",
            None,
            "第8项“党委委员联系制度”4月30日的节点已逾期46天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
        (
            "tasks.overdue",
            "D15",
            None,
            "第15行“一项很长很长很长很长很长的自己加的工作…”5月31日的节点已逾期15天；如已完成，请在“完成日期”填写该节点的完成日期",
        ),
    ]


@pytest.mark.parametrize(
    ("extra_no", "who"), [(None, "第15行"), (12, "第12项")], ids=["unnumbered", "numbered"]
)
def test_unread_parts_of_a_wording_are_named(specs, extra_no, who):
    cells = {"D9": f"{LONG_WORDING}、5月、下周、明天、后天", "D12": "5月、下周、明天、后天"}
    found = said(task_list(specs, cells, extra_no))
    assert (
        "tasks.deadline_unparsed",
        "D9",
        None,
        f"第6项“党员教育管理”的时间期限“{LONG_WORDING}、5月、下周、明天、后天”中"
        "“一个超过二十个字的很长很长很长很长的时…”、“下周”、“明天”等无法识别，已忽略这部分",
    ) in found  # four unread parts: three shown, then 等
    assert (
        "tasks.deadline_unparsed",
        "D12",
        None,
        "第9项“党建工作示范建设”的时间期限“5月、下周、明天、后天”中“下周”、“明天”、“后天”无法识别，"
        "已忽略这部分",
    ) in found  # exactly three: no 等
    assert found[-1] == (
        "tasks.overdue",
        "D15",
        None,
        f"{who}“一项很长很长很长很长很长的自己加的工作…”5月31日的节点已逾期15天；如已完成，请在“完成日期”填写该节点的完成日期",
    )


def test_the_cadence_comes_from_the_sheets_own_requirement(specs):
    wb = tasks_workbook(specs.by_id("tasks_2022"), {})
    ws = wb["任务清单"]
    ws["C7"] = "每季度向党委报送一次"  # task 4 (全年): its 具体要求 now names a cadence
    ws["C11"] = None  # task 8 (全年, 每月 in the plan): blank, so the official text counts
    result = report(wb, specs, as_of=AS_OF)
    tasks = {t.no: t for t in result.tasks}
    assert tasks[4].milestones == [date(2022, 6, 30), date(2022, 9, 30), date(2022, 12, 31)]
    assert tasks[8].milestones[:2] == [date(2022, 4, 30), date(2022, 5, 31)]
    assert len(tasks[8].milestones) == 9  # every month end from April (the plan's issue)
    assert tasks[3].milestones == [date(2022, 12, 31)]  # untouched: once, at year end
