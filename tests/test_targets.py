"""Yearly targets over sets of grades (seed 003: 20 % 2020 … 50 % 2023 最强党支部; seed 000:
先进和较好 100 %), judged by the sheet's year; specs chosen by the sheet's year."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import SPECS_DIR, codes, only
from openpyxl import Workbook, load_workbook

from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.kinds.summary.template import summary_sheet
from addin.spec import SpecSet, load_specs, spec_from_dict

ROOT = Path(__file__).resolve().parent.parent
ZUIQIANG = [SPECS_DIR / "zuiqiang_2020_rubric.toml", SPECS_DIR / "zuiqiang_2020_summary.toml"]


def zuiqiang_summary(tmp_path: Path, title: str, top: int, total: int = 10) -> Path:
    specs = load_specs(ZUIQIANG)
    summary, rubric = specs.by_id("zuiqiang_summary"), specs.by_id("zuiqiang_rubric")
    rows = [(f"第{n}党支部", 92 if n <= top else 75, None) for n in range(1, total + 1)]
    wb = Workbook()
    ws = wb.active
    fields = {"unit": "机电党总支", "reporter": "李明 组织委员", "phone": "13800138000"}
    summary_sheet(ws, summary, rubric, fields, rows)
    ws["A2"] = title
    path = tmp_path / "汇总.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("year", "top", "met"),
    [
        (2020, 2, True),  # 20 %: exactly the target
        (2020, 1, False),
        (2021, 3, True),  # 30 %
        (2021, 2, False),  # the 2020 target would be met: 2021's is what counts
        (2022, 4, True),
        (2022, 3, False),
        (2023, 5, True),
        (2023, 4, False),
    ],
)
def test_the_target_of_the_sheets_year_on_each_side(tmp_path, year, top, met):
    path = zuiqiang_summary(tmp_path, f"{year}年党支部“最强党支部”评定汇总表", top)
    report = check_path(path, load_specs(ZUIQIANG)).report
    (target,) = report.summary.targets
    assert (target.year, target.grades, target.met) == (year, ["最强党支部"], met)
    assert target.share == top / 10 and target.target == {2020: 0.2, 2021: 0.3}.get(
        year, {2022: 0.4, 2023: 0.5}.get(year)
    )
    assert report.summary.year == year
    if met:
        assert "summary.target_not_met" not in codes(report)
    else:
        finding = only(report, "summary.target_not_met")
        assert finding.message == (
            f"最强党支部占比 {top * 10}%（{top}/10），低于{year}年目标 {target.target:.0%}"
        )


def test_a_summary_without_a_year_says_it_cannot_check_yearly_targets(tmp_path):
    path = zuiqiang_summary(tmp_path, "党支部“最强党支部”评定汇总表", 3)
    report = check_path(path, load_specs(ZUIQIANG)).report
    finding = only(report, "summary.year_unknown")
    assert "2020、2021、2022、2023" in finding.message
    assert report.summary.targets == []


def test_share_over_several_grades(tmp_path):
    """Seed 000: 先进和较好的比例达到100% — every branch in one of two grades."""
    rubric = tomllib.loads((ROOT / "schemas" / "rubric_2022.toml").read_text(encoding="utf-8"))
    rubric["grading"] = {
        "bands": [
            {"name": "先进", "min": 85},
            {"name": "较好", "min": 75, "max": 85},
            {"name": "一般", "min": 65, "max": 75},
            {"name": "后进", "min": 0, "max": 65},
        ]
    }
    summary = {
        "kind": "summary",
        "id": "s",
        "title": "汇总表",
        "rubric": "rubric_2022",
        "targets": [{"grades": ["先进", "较好"], "share": 1}],
    }
    specs = SpecSet(specs=[spec_from_dict(rubric), spec_from_dict(summary)])
    for low, met in ((75, True), (74.5, False)):
        wb = Workbook()
        rows = [("一支部", 90, None), ("二支部", 80, None), ("三支部", low, None)]
        summary_sheet(wb.active, specs.by_id("s"), specs.by_id("rubric_2022"), None, rows)
        path = tmp_path / f"{low}.xlsx"
        wb.save(path)
        report = check_path(path, specs).report
        (target,) = report.summary.targets
        assert (target.grades, target.met, target.year) == (["先进", "较好"], met, None)


def test_target_grades_must_exist_in_the_rubric():
    from addin.spec import SpecError

    base = load_specs(ZUIQIANG)
    bad = base.by_id("zuiqiang_summary").model_dump()
    bad["targets"] = [{"grades": ["先进"], "share": "1/2"}]
    with pytest.raises(SpecError, match="没有的等级：先进"):
        SpecSet(specs=[base.by_id("zuiqiang_rubric"), spec_from_dict(bad)])


# --- which spec reads a sheet -------------------------------------------------------------------


def two_years() -> SpecSet:
    data = tomllib.loads((ROOT / "schemas" / "rubric_2022.toml").read_text(encoding="utf-8"))
    specs = []
    for year, top in ((2021, 90), (2022, 85)):
        copy = dict(data, id=f"rubric_{year}", year=year)
        bands = [dict(b) for b in data["grading"]["bands"]]
        bands[0]["min"] = top
        bands[1]["max"] = top
        copy["grading"] = {"bands": bands}
        specs.append(spec_from_dict(copy))
    return SpecSet(specs=specs)


@pytest.mark.parametrize(("title", "used"), [("2021年", "rubric_2021"), ("2022年", "rubric_2022")])
def test_the_sheets_year_chooses_the_spec(tmp_path, title, used):
    specs = two_years()
    wb = rubric_workbook(specs.by_id(used), {"第一党支部": None})
    wb.active["A1"] = f"{title}党支部分类定级评分表"
    path = tmp_path / "a.xlsx"
    wb.save(path)
    report = check_path(path, specs).report
    assert report.branches[0].spec == used
    assert "file.spec_ambiguous" not in codes(report)


def test_an_undecidable_choice_is_a_finding(tmp_path):
    specs = two_years()
    path = tmp_path / "a.xlsx"
    rubric_workbook(specs.by_id("rubric_2022"), {"第一党支部": None}).save(path)
    report = check_path(path, specs).report
    finding = only(report, "file.spec_ambiguous")
    assert finding.severity == "warning" and finding.sheet == "第一党支部"
    assert "rubric_2021、rubric_2022" in finding.message and "未写明年度" in finding.message
    assert report.branches[0].spec == "rubric_2021"  # the first loaded, and said so


def test_entity_noun_comes_from_the_spec(tmp_path, cli):
    """A member-level rubric speaks of 党员, not 党支部 (seed 002's 五带头 grades members)."""
    text = (ROOT / "schemas" / "rubric_2022.toml").read_text(encoding="utf-8")
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "r.toml").write_text(
        text.replace('kind = "rubric"\n', 'kind = "rubric"\nentity = "党员"\n', 1), encoding="utf-8"
    )
    (folder / "s.toml").write_text(
        'kind = "summary"\nid = "s"\ntitle = "党员评议汇总表"\nrubric = "rubric_2022"\n',
        encoding="utf-8",
    )
    specs = load_specs([folder])
    wb = Workbook()
    rows = [("张三", 90, None), ("李四", 70, None)]
    summary_sheet(wb.active, specs.by_id("s"), specs.by_id("rubric_2022"), None, rows)
    path = tmp_path / "党员.xlsx"
    wb.save(path)
    out = cli("check", path, "--spec", folder).stdout
    assert "（共 2 个党员）" in out and "个党支部" not in out


def test_the_year_unknown_finding_points_at_the_total_row(tmp_path):
    path = zuiqiang_summary(tmp_path, "党支部“最强党支部”评定汇总表", 3)
    (finding,) = check_path(path, load_specs(ZUIQIANG)).report.findings
    assert (finding.code, finding.sheet, finding.cell) == ("summary.year_unknown", "Sheet", "A17")


def test_no_target_is_judged_while_a_grade_is_unknown(tmp_path):
    path = zuiqiang_summary(tmp_path, "2020年党支部“最强党支部”评定汇总表", 3)
    wb = load_workbook(path)
    wb.active["C9"] = None  # 第3党支部: no score, no rubric sheet → grade unknown
    wb.save(path)
    report = check_path(path, load_specs(ZUIQIANG)).report
    assert report.summary.targets == []
    assert "summary.target_not_met" not in codes(report)


def test_a_target_over_two_grades_names_both_when_missed(tmp_path):
    rubric = tomllib.loads((ROOT / "schemas" / "rubric_2022.toml").read_text(encoding="utf-8"))
    summary = {
        "kind": "summary",
        "id": "s",
        "title": "汇总表",
        "rubric": "rubric_2022",
        "targets": [{"grades": ["先进", "一般"], "share": 1}],
    }
    specs = SpecSet(specs=[spec_from_dict(rubric), spec_from_dict(summary)])
    wb = Workbook()
    rows = [("一支部", 90, None), ("二支部", 70, None), ("三支部", 60, None)]
    summary_sheet(wb.active, specs.by_id("s"), specs.by_id("rubric_2022"), None, rows)
    path = tmp_path / "汇总.xlsx"
    wb.save(path)
    finding = only(check_path(path, specs).report, "summary.target_not_met")
    assert "先进和一般" in finding.message and "66.6%" in finding.message
