"""Regenerate the bundled sample submissions: `python workbooks/samples/make_samples.py`.

第一党总支_提交.xlsx is a clean submission (three branches: 先进, 一般, 后进).
第二党总支_提交.xlsx carries the mistakes people really make: a 5-point item given 6, scores
typed as text ("4分", full-width "４.5"), a blank score, a wrong hand-typed total, a grade that
disagrees with the score, an edited item text and a word where a number belongs.
"""

from __future__ import annotations

from pathlib import Path

from addin.spec import load_specs
from addin.workbook.template_writer import rubric_workbook

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
    mistakes.save(HERE / "第二党总支_提交.xlsx")


if __name__ == "__main__":
    main()
