"""Criteria without points (seed 002's 五带头): 达标 / 未达标 per criterion, graded by the count
met — no invented points, no 分值 column; messages speak of 党员."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SPECS_DIR, codes, only
from openpyxl import load_workbook

from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import SpecError, load_specs, spec_from_dict

SPEC = SPECS_DIR / "wudaitou_2011_members.toml"


def members(tmp_path: Path, verdicts: dict[str, dict[int, object]]) -> tuple[Path, object]:
    specs = load_specs([SPEC])
    path = tmp_path / "五带头.xlsx"
    rubric_workbook(specs.by_id("wudaitou_2011"), verdicts).save(path)
    return path, specs


@pytest.mark.parametrize(
    ("met", "grade"), [(5, "优秀"), (4, "合格"), (3, "合格"), (2, "需改进"), (0, "需改进")]
)
def test_grade_by_the_count_met_on_each_side_of_each_band(tmp_path, met, grade):
    row = {no: "达标" if no <= met else "未达标" for no in range(1, 6)}
    path, specs = members(tmp_path, {"张三": row})
    report = check_path(path, specs).report
    assert report.findings == []
    (member,) = report.branches
    assert (member.total, member.grade, member.categories) == (met, grade, {"五带头": met})


def test_marks_people_use_and_words_that_are_not_verdicts(tmp_path):
    row = {1: "√", 2: " 达 标 ", 3: "×", 4: "良好", 5: None}
    path, specs = members(tmp_path, {"李四": row})
    report = check_path(path, specs).report
    assert sorted(codes(report)) == ["rubric.score_missing", "rubric.verdict_unknown"]
    assert only(report, "rubric.verdict_unknown").message == (
        "第4项“评议结果”应为 达标 / 未达标，实为：良好"
    )
    assert report.branches[0].total is None and report.branches[0].grade is None


def test_fill_writes_the_count_and_grade_and_the_template_has_no_points(tmp_path, cli):
    path, _ = members(tmp_path, {"王五": dict.fromkeys(range(1, 6), "达标")})
    ws = load_workbook(path)["王五"]
    header = [ws.cell(4, c).value for c in range(1, ws.max_column + 1)]
    assert header == ["方面", "基本要求", "评议结果", "达标数"]
    assert ws["A10"].value == "达标条数（共5项）"
    out = tmp_path / "副本.xlsx"
    assert cli("fill", path, "--spec", SPEC, "--out", out).exit_code == 0
    copy = load_workbook(out)["王五"]
    assert (copy["C10"].value, copy["C11"].value, copy["D5"].value) == (5, "优秀", 5)
    text = cli("check", path, "--spec", SPEC).stdout
    assert "◆ 王五（工作表“王五”）：总分 5，定级 优秀" in text


def test_pass_fail_with_raters_is_refused():
    data = {
        "kind": "rubric",
        "id": "x",
        "title": "t",
        "scoring": "pass_fail",
        "raters": [{"label": "自评", "weight": 1}],
        "grading": {"bands": [{"name": "好", "min": 0}]},
        "categories": [{"name": "c", "items": [{"no": 1, "text": "a"}]}],
    }
    with pytest.raises(SpecError, match="不能再设评分人权重"):
        spec_from_dict(data)
