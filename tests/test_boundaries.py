"""Every comparison of the checks pinned on both sides of its boundary: equal, just below, just
above — scores, totals, grade bands, counts, shares, dates and item-text similarity.

Workbooks are built in memory and run through the same pure path as a file (`plain_book`), so
these tests are fast enough to be the selected tests of mutation testing (README, Development).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import codes, only, scores_with_losses
from openpyxl import Workbook
from plain_book import evaluation, report
from summary_helpers import FIELDS, TOTAL_ROW, rubric_spec, scores_totalling, summary_spec
from tasks_helpers import DATES, PROGRESS, cell

from addin.cells import fold
from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.template import SHEET_NAME, summary_sheet
from addin.kinds.tasks.template import tasks_workbook
from addin.spec import load_specs

SHEET = "第一党支部"


@pytest.fixture(scope="module")
def specs():
    return load_specs()


def rubric_report(specs, **cells):
    """A full-marks rubric of the 2022 spec with `cells` typed over it ("D5" → value)."""
    spec = specs.by_id("rubric_2022")
    wb = rubric_workbook(spec, {SHEET: scores_with_losses(spec)})
    for ref, value in cells.items():
        wb[SHEET][ref] = value
    return report(wb, specs)


# --- rubric: one item's score against 0 and its 分值 (item 1: 5 points, D5) -------------------


@pytest.mark.parametrize(
    ("typed", "found", "total"),
    [
        (5, [], 100),
        (4.99, [], 99.99),
        (5.01, ["rubric.score_out_of_range"], None),
        (0, [], 95),
        (0.01, [], 95.01),
        (-0.01, ["rubric.score_out_of_range"], None),
        # the same edges typed as text ("5分"): read, with a warning that it is not a number
        ("5分", ["rubric.score_normalized"], 100),
        ("4.99分", ["rubric.score_normalized"], 99.99),
        ("5.01分", ["rubric.score_normalized", "rubric.score_out_of_range"], None),
        ("０分", ["rubric.score_normalized"], 95),
        ("-0.01分", ["rubric.score_normalized", "rubric.score_out_of_range"], None),
    ],
)
def test_item_score_edges(specs, typed, found, total):
    result = rubric_report(specs, D5=typed)
    assert codes(result) == found
    assert result.branches[0].total == total
    if "rubric.score_out_of_range" in found:
        problem = "不能为负数" if str(typed).startswith("-") else "超过分值5"
        assert problem in only(result, "rubric.score_out_of_range").message


def test_ten_point_item_at_its_full_marks(specs):
    # item 18 (D22) is worth 10: 10 and "10分" are full marks, 10.01 is not
    assert codes(rubric_report(specs, D22=10)) == []
    assert codes(rubric_report(specs, D22="10分")) == ["rubric.score_normalized"]
    assert codes(rubric_report(specs, D22=10.01)) == ["rubric.score_out_of_range"]


# --- rubric: the grade bands on the exact total (≥85 先进, 65 ≤ t < 85 一般, < 65 后进) ---------


@pytest.mark.parametrize(
    ("lost", "total", "grade"),
    [
        (14.99, 85.01, "先进"),
        (15, 85, "先进"),
        (15.01, 84.99, "一般"),
        (34.99, 65.01, "一般"),
        (35, 65, "一般"),
        (35.01, 64.99, "后进"),
        (0, 100, "先进"),
        (100, 0, "后进"),
    ],
)
def test_rubric_grade_band_edges(specs, lost, total, grade):
    spec = specs.by_id("rubric_2022")
    scores = {i.no: float(i.points) for i in spec.items}
    for item in spec.items:  # take the loss from the first items on
        take = min(scores[item.no], lost)
        scores[item.no] = round(scores[item.no] - take, 2)
        lost = round(lost - take, 2)
    result = report(rubric_workbook(spec, {SHEET: scores}), specs)
    assert result.findings == []
    assert (result.branches[0].total, result.branches[0].grade) == (total, grade)


# --- rubric: a typed total and subtotal against the computed ones -------------------------------


@pytest.mark.parametrize(
    ("typed", "found"),
    [(100, []), (99.99, ["rubric.total_mismatch"]), (100.01, ["rubric.total_mismatch"])],
)
def test_typed_total_edges(specs, typed, found):
    assert codes(rubric_report(specs, D23=typed)) == found


@pytest.mark.parametrize(
    ("typed", "found"),
    [("先进", []), ("一般", ["rubric.grade_mismatch"]), ("先 进", [])],
)
def test_typed_grade(specs, typed, found):
    assert codes(rubric_report(specs, D24=typed)) == found


# --- rubric: a row without its number is matched by text similarity ≥ 0.75 ---------------------


def _item1_with(kept: int) -> str:
    """Item 1's text (32 characters after folding, no number) with only `kept` kept."""
    body = fold(rubric_spec().items[0].text).rstrip("。")
    assert len(body) == 32
    return body[:kept] + "某" * (len(body) - kept)


@pytest.mark.parametrize(
    ("kept", "ratio", "found"),
    [
        (25, 0.78125, ["rubric.template_modified"]),  # just above: item 1, edited
        (24, 0.75, ["rubric.template_modified"]),  # exactly at the threshold: still item 1
        (23, 0.71875, ["rubric.unknown_row", "rubric.item_missing"]),  # just below
        (19, 0.59375, ["rubric.unknown_row", "rubric.item_missing"]),  # a near miss, not a match
    ],
)
def test_item_text_similarity_threshold(specs, kept, ratio, found):
    import difflib

    text = _item1_with(kept)
    body = fold(rubric_spec().items[0].text).rstrip("。")
    assert difflib.SequenceMatcher(None, text, body).ratio() == ratio
    result = rubric_report(specs, B5=text)
    assert codes(result) == found
    if found[0] == "rubric.unknown_row":
        assert only(result, "rubric.unknown_row").cell == "B5"
        assert result.branches[0].total is None  # item 1 is missing: no total from partial data
    else:
        assert only(result, "rubric.template_modified").cell == "B5"
        assert result.branches[0].total == 100


# --- summary: rows, the 合计 row and the plan's targets ---------------------------------------------


def summary_report(rows, counts=None, rubrics=None, specs=None):
    """An in-memory 党总支 submission: the 汇总表, then one rubric sheet per branch."""
    if rubrics:
        wb = rubric_workbook(rubric_spec(), {n: scores_totalling(t) for n, t in rubrics.items()})
        ws = wb.create_sheet(SHEET_NAME, 0)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET_NAME
    summary_sheet(ws, summary_spec(), rubric_spec(), FIELDS, rows, counts)
    return report(wb, specs or load_specs())


THREE = [("甲支部", 90, "先进"), ("乙支部", 70, "一般"), ("丙支部", 60, "后进")]


@pytest.mark.parametrize(
    ("score", "found"),
    [
        (100, []),
        (100.01, ["summary.score_out_of_range"]),
        (0, []),
        (-0.01, ["summary.score_out_of_range"]),
        ("100分", ["summary.score_normalized"]),
        ("100.01分", ["summary.score_normalized", "summary.score_out_of_range"]),
    ],
)
def test_summary_score_range_edges(score, found):
    result = summary_report([("甲支部", score, None)])
    assert codes(result) == found
    in_range = "summary.score_out_of_range" not in found
    assert (result.summary.rows[0].grade is not None) is in_range


@pytest.mark.parametrize(
    ("score", "total", "found"),
    [
        (90, 90, []),
        (90.01, 90, ["summary.score_mismatch"]),
        (89.99, 90, ["summary.score_mismatch"]),
    ],
)
def test_summary_score_against_the_rubric_total(score, total, found):
    result = summary_report([("甲支部", score, "先进")], {"先进": 1}, rubrics={"甲支部": total})
    assert codes(result) == found


@pytest.mark.parametrize(
    ("first", "found"),
    [(1, []), (0, ["summary.count_mismatch"]), (2, ["summary.count_mismatch"])],
)
def test_typed_count_edges_when_grades_are_known(first, found):
    result = summary_report(THREE, {"先进": first, "一般": 1, "后进": 1})
    assert codes(result) == found
    assert result.summary.counts == {"先进": 1, "一般": 1, "后进": 1}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ({"先进": 1, "一般": 1, "后进": 1}, []),  # adds up to the 3 rows
        ({"先进": 1, "一般": 1, "后进": 0}, ["summary.count_mismatch"]),  # too small
        ({"先进": 1, "一般": 2, "后进": 1}, ["summary.count_mismatch"]),  # too large
    ],
)
def test_counts_add_up_to_the_rows_when_a_grade_is_unknown(typed, found):
    rows = [*THREE[:2], ("丙支部", "良好", None)]  # no score: that row's grade is unknown
    result = summary_report(rows, typed)
    # Each count in its range (the known grade's count up to one more) cannot be confirmed.
    assert [c for c in codes(result) if c != "summary.count_unconfirmed"] == [
        "summary.score_not_number",
        *found,
    ]
    assert result.summary.counts is None
    if found:
        finding = only(result, "summary.count_mismatch")
        assert finding.cell == f"A{TOTAL_ROW}"
        assert finding.message.endswith(f"之和为 {sum(typed.values())}，与党支部数 3 不一致")


def _top_target_specs(tmp_path, target: float):
    spec_file = tmp_path / "summary_top.toml"
    spec_file.write_text(
        'kind = "summary"\nid = "summary_top"\ntitle = "汇总表"\nrubric = "rubric_2022"\n'
        f"top_grade_target = {target}\n",
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parent.parent
    return load_specs([root / "schemas" / "rubric_2022.toml", spec_file])


@pytest.mark.parametrize(
    ("tops", "rows", "share", "below"),
    [
        (2, 5, 0.4, False),  # exactly at the target: reached
        (2, 6, 0.3333, True),  # just below
        (3, 7, 0.4286, False),  # just above
    ],
)
def test_top_grade_share_at_the_target(tmp_path, tops, rows, share, below):
    lines = [(f"第{n}支部", 90 if n <= tops else 70, None) for n in range(1, rows + 1)]
    result = summary_report(lines, specs=_top_target_specs(tmp_path, 0.4))
    assert result.summary.top_grade_share == share
    assert ("summary.target_not_met" in codes(result)) is below


@pytest.mark.parametrize(
    ("last_year", "rate", "below"),
    [
        (["后进", "一般", "后进", "一般"], 0.5, False),  # 1 of 2 converted: exactly the 50% target
        (["后进", "一般", "后进", "后进"], 0.3333, True),  # 1 of 3: below
        (["后进", "后进", "后进", "一般"], 0.6667, False),  # 2 of 3: above
    ],
)
def test_conversion_rate_at_the_target(last_year, rate, below):
    four = [*THREE, ("丁支部", 50, "后进")]
    rows = [(*row, ly) for row, ly in zip(four, last_year, strict=True)]
    result = summary_report(rows, {"先进": 1, "一般": 1, "后进": 2})
    assert result.summary.conversion_rate == rate
    assert ("summary.conversion_below_target" in codes(result)) is below


# --- tasks: days to the next milestone against due_soon_days (7) and the day itself -------------


def tasks_report(specs, filled, as_of: date):
    wb = tasks_workbook(specs.by_id("tasks_2022"), filled)
    return report(wb, specs, as_of=as_of)


@pytest.mark.parametrize(
    ("as_of", "status", "warning"),
    [
        (date(2022, 4, 22), "on_track", None),  # 8 days left
        (date(2022, 4, 23), "due_soon", "还有7天到期（4月30日）"),  # exactly due_soon_days
        (date(2022, 4, 24), "due_soon", "还有6天到期（4月30日）"),
        (date(2022, 4, 29), "due_soon", "还有1天到期（4月30日）"),
        (date(2022, 4, 30), "due_soon", "今天到期（4月30日）"),  # the day itself: not overdue
        (date(2022, 5, 1), "overdue", "已逾期1天：4月30日的节点未完成"),
    ],
)
def test_task_2_around_its_deadline(specs, as_of, status, warning):
    # task 2 (党支部等级评定) is due 4 月底 = 2022-04-30
    result = tasks_report(specs, {}, as_of)
    task = next(t for t in result.tasks if t.no == 2)
    assert task.status == status
    assert task.days_overdue == (1 if status == "overdue" else 0)
    wb = tasks_workbook(specs.by_id("tasks_2022"), {})
    written = {(w.row, w.col): w.value for w in evaluation(wb, specs, as_of=as_of).writes}
    assert cell(2, "预警") == "L5"
    assert written.get((4, 11)) == warning  # L5, 0-based


@pytest.mark.parametrize(
    ("done_on", "status", "days"),
    [("2022-04-29", "done", 0), ("2022-04-30", "done", 0), ("2022-05-01", "done_late", 1)],
)
def test_task_done_on_the_deadline_is_on_time(specs, done_on, status, days):
    filled = {2: {PROGRESS: "已完成", DATES: done_on}}
    task = next(t for t in tasks_report(specs, filled, date(2022, 6, 1)).tasks if t.no == 2)
    assert (task.status, task.days_overdue) == (status, days)
