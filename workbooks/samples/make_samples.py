"""Regenerate the bundled sample submissions: `python workbooks/samples/make_samples.py`.

第一党总支_提交.xlsx is a clean submission (three branches: 先进, 一般, 后进) with its summary
table (附件2) consistent with the rubrics, including last year's grades (后进转化率 50%).
第二党总支_提交.xlsx carries the mistakes people really make: a 5-point item given 6, scores
typed as text ("4分", full-width "４.5"), a blank score, a wrong hand-typed total, a grade that
disagrees with the score, an edited item text and a word where a number belongs; its summary
table has a phone number one digit short, a score that differs from the branch's rubric, a grade
that disagrees with its score and wrong 合计 counts.
组织部_任务清单.xlsx is the 2022 task list (附件3) as tracked in late July: its 基准日期 cell
(K1:L1) says 2022-07-26, so `jiceng check workbooks/samples/组织部_任务清单.xlsx` judges it as of
that day (`--as-of` overrides it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs

HERE = Path(__file__).resolve().parent


def full_marks(spec) -> dict[int, float]:
    return {i.no: float(i.points) for i in spec.items}


def with_losses(spec, losses: dict[int, float]) -> dict[int, float]:
    scores = full_marks(spec)
    for no, lost in losses.items():
        scores[no] -= lost
    return scores


def main() -> None:
    spec = load_specs().by_id("rubric_2022")
    clean = rubric_workbook(
        spec,
        {
            "机关第一党支部": with_losses(spec, {2: 1, 6: 1, 15: 0.5, 17: 2}),  # 95.5 先进
            "教师第二党支部": with_losses(
                spec, {1: 1, 3: 2, 7: 1, 10: 2, 16: 3, 17: 4, 18: 3.5}
            ),  # 83.5
            "学生第三党支部": with_losses(
                spec, {1: 2, 2: 2, 4: 2, 5: 2, 8: 3, 9: 3, 13: 2, 16: 5, 17: 5, 18: 10}
            ),  # 64 后进
        },
    )
    clean.properties.creator = "第一党总支"
    add_summary(
        clean,
        {"unit": "第一党总支", "reporter": "王芳 组织委员", "phone": "029-88886601"},
        [
            ("机关第一党支部", 95.5, "先进", "一般"),  # 晋位升级
            ("教师第二党支部", 83.5, "一般", "后进"),  # 后进 → 一般: converted
            ("学生第三党支部", 64, "后进", "后进"),
        ],
        {"先进": 1, "一般": 1, "后进": 1},
    )
    clean.save(HERE / "第一党总支_提交.xlsx")

    mistakes = rubric_workbook(
        spec,
        {
            "机关第四党支部": with_losses(spec, {2: 1}),
            "教师第五党支部": with_losses(spec, {3: 2, 9: 1}),
            "学生第六党支部": with_losses(spec, {1: 3, 6: 5, 10: 2, 16: 5, 17: 3, 18: 3}),
        },
    )
    a = mistakes["机关第四党支部"]
    a["D7"] = 6  # item 3 (5 points) given 6
    a["D9"] = "4分"  # item 5 typed with the unit
    a["D13"] = "４.5"  # item 9 full-width digit
    b = mistakes["教师第五党支部"]
    b["D23"] = 90  # total typed by hand: the items add up to 97
    b["D24"] = "一般"  # grade typed by hand; 97 is 先进
    c = mistakes["学生第六党支部"]
    c["B6"] = "2. 支部委员会成员带头学习，理论水平较高。"  # item text shortened
    c["D16"] = None  # item 12 left blank
    c["D21"] = "八"  # a word where a number belongs
    add_summary(
        mistakes,
        {"unit": "第二党总支", "reporter": "赵强 组织委员", "phone": "139 1234 567"},  # 10 digits
        [
            ("机关第四党支部", 94, "先进"),
            ("教师第五党支部", 95, "先进"),  # its rubric adds up to 97
            ("学生第六党支部", 70, "先进"),  # 70 is 一般
        ],
        {"先进": 3, "一般": 0, "后进": 0},  # should be 2 / 1 / 0
    )
    mistakes.save(HERE / "第二党总支_提交.xlsx")
    make_task_sample()


def add_summary(book, fields, rows, counts) -> None:
    """Put the summary table (附件2) in front of the rubric sheets, as a 党总支 submits it."""
    from addin.kinds.summary.template import SHEET_NAME, summary_sheet

    specs = load_specs()
    spec = specs.by_id("summary_2022")
    ws = book.create_sheet(SHEET_NAME, 0)
    summary_sheet(ws, spec, specs.rubric_for(spec), fields, rows, counts)
    book.active = 0


# The task list is read as of this day in the README and tests: a late July in the plan's year.
TASK_SAMPLE_AS_OF = "2022-07-26"


def make_task_sample() -> None:
    """组织部_任务清单.xlsx, as of 2022-07-26 (its 基准日期 cell): tasks 7 and 10 done, task 2
    done 9 days late, task 5 overdue (its June milestone has no date), task 8 due soon (the July
    report of the monthly 联系制度), the rest in progress."""
    from addin.kinds.tasks.template import tasks_workbook

    spec = load_specs().by_id("tasks_2022")
    progress, dates = "完成情况", "完成日期"
    book = tasks_workbook(
        spec,
        {
            1: {progress: "进行中", dates: "2022-05-26"},
            2: {progress: "已完成", dates: "2022/5/9"},  # 4 月底: 9 days late
            3: {progress: "进行中"},
            4: {progress: "进行中"},
            5: {progress: "进行中"},  # 6 月/12 月: nothing by 30 June → overdue
            6: {progress: "进行中"},
            7: {progress: "已完成", dates: "2022.6.28"},
            8: {progress: "进行中", dates: "4月27日；5月30日；6月29日"},  # July due on the 31st
            9: {progress: "未开始"},
            10: {progress: "已完成", dates: "2022-06-17"},
            11: {progress: "进行中"},
        },
    )
    ws = book.active
    ws["K1"] = "基准日期"
    ws["L1"] = date.fromisoformat(TASK_SAMPLE_AS_OF)
    ws["L1"].number_format = "yyyy-mm-dd"
    book.properties.creator = "党委组织部"
    book.save(HERE / "组织部_任务清单.xlsx")


if __name__ == "__main__":
    main()
