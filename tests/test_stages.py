"""The stage plan (项目推进表), the fourth kind: seeds 000 and 001 as spec files, filled
workbooks checked end to end — start and end of each stage, 未按期启动, the task-list statuses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SPECS_DIR, codes, only
from openpyxl import load_workbook

from addin.engine import check_path
from addin.kinds.stages.template import stages_workbook
from addin.spec import load_specs

COUNTY = SPECS_DIR / "stages_2012_county.toml"
COLLEGE = SPECS_DIR / "stages_2012_college.toml"


def county():
    specs = load_specs([COUNTY])
    return specs, specs.by_id("stages_2012_county")


def filled_county(tmp_path: Path, name: str = "推进表.xlsx") -> Path:
    specs, spec = county()
    labels = spec.labels
    p, d = labels.progress, labels.done_dates
    filled = {
        1: {p: "已完成", d: "2012-04-15"},  # stage 1 ends 4-20: done in time
        2: {p: "已完成", d: "4月25日"},  # five days late
        3: {p: "未开始"},  # stage 1 over: overdue
        4: {p: "进行中"},  # stage 2 (4-21 … 6-30) under way
        5: {p: "未开始"},  # stage 2 started 4-21: not started late
        6: {},  # nothing said: not started late as well
        7: {p: "未开始"},  # stage 3 starts 7-01: not yet due to start
    }
    for no in range(8, 13):
        filled[no] = {p: "未开始"}
    path = tmp_path / name
    stages_workbook(spec, filled).save(path)
    return path


def statuses(report) -> dict[int, str]:
    return {item.no: item.status for item in report.stages}


def test_county_plan_as_of_may(tmp_path):
    specs, _ = county()
    report = check_path(filled_county(tmp_path), specs, as_of=date(2012, 5, 10)).report
    got = statuses(report)
    assert [got[n] for n in range(1, 8)] == [
        "done",
        "done_late",
        "overdue",
        "on_track",
        "not_started_late",
        "not_started_late",
        "on_track",
    ]
    item5 = next(i for i in report.stages if i.no == 5)
    assert (item5.start, item5.milestones, item5.days_overdue) == (
        date(2012, 4, 21),
        [date(2012, 6, 30)],
        19,
    )
    assert item5.stage == "集中整改，晋位升级" and item5.owner == "各支部（总支）"
    overdue = only(report, "stages.overdue")
    assert overdue.severity == "error" and "已逾期 20 天：应于4月20日完成" in overdue.message
    late = [f for f in report.findings if f.code == "stages.not_started_late"]
    assert [f.severity for f in late] == ["warning", "warning"]
    assert "应于4月21日开始，已过 19 天，完成情况仍为“未开始”" in late[0].message
    assert "完成情况仍为“未填写”" in late[1].message
    assert report.status == "errors"


@pytest.mark.parametrize(("day", "status"), [(1, "on_track"), (2, "not_started_late")])
def test_not_started_late_only_after_the_start(tmp_path, day, status):
    """Stage 3 is “7月—8月中旬”: on 7-01 it may still be 未开始; on 7-02 it is late."""
    specs, _ = county()
    report = check_path(filled_county(tmp_path), specs, as_of=date(2012, 7, day)).report
    assert statuses(report)[7] == status


@pytest.mark.parametrize(("day", "status"), [(22, "on_track"), (23, "due_soon")])
def test_due_soon_within_seven_days_of_the_stage_end(tmp_path, day, status):
    specs, _ = county()
    report = check_path(filled_county(tmp_path), specs, as_of=date(2012, 6, day)).report
    assert statuses(report)[4] == status  # 进行中, stage ends 6-30


def test_json_and_filled_copy(tmp_path, cli):
    path = filled_county(tmp_path)
    out = cli("check", path, "--spec", COUNTY, "--as-of", "2012-05-10", "--format", "json")
    (file,) = json.loads(out.stdout)["files"]
    item5 = next(i for i in file["stages"] if i["no"] == 5)
    assert item5["start"] == "2012-04-21" and item5["status"] == "not_started_late"
    assert file["tasks"] is None and file["branches"] == []
    copy = tmp_path / "副本.xlsx"
    cli("fill", path, "--spec", COUNTY, "--as-of", "2012-05-10", "--out", copy)
    ws = load_workbook(copy)["推进表"]
    header = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    row5 = next(r for r in range(4, 20) if ws.cell(r, header["序号"]).value == 5)
    assert ws.cell(row5, header["状态"]).value == "未按期启动"
    assert ws.cell(row5, header["开始日期"]).value.date() == date(2012, 4, 21)
    assert ws.cell(row5, header["预警"]).value == "未按期启动：应于4月21日开始，已过19天"
    text = cli("check", path, "--spec", COUNTY, "--as-of", "2012-05-10").stdout
    assert "推进表：共 12 项，已逾期 1，未按期启动 2" in text


def test_a_deleted_item_and_an_edited_time(tmp_path):
    specs, spec = county()
    path = filled_county(tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    row3 = next(r for r in range(4, 20) if ws.cell(r, 2).value == 3)
    ws.delete_rows(row3)
    row4 = next(r for r in range(4, 20) if ws.cell(r, 2).value == 4)
    ws.cell(row4, 4).value = "尽快"
    wb.save(path)
    report = check_path(path, specs, as_of=date(2012, 5, 10)).report
    assert only(report, "stages.item_missing").message.startswith("推进表缺少第3项工作")
    assert "“尽快”无法识别" in only(report, "stages.deadline_unparsed").message
    assert statuses(report)[4] == "unknown"


def test_college_plan_own_deadlines_within_stages(tmp_path):
    """Seed 000: items with their own 期限 inside a stage (3月17日前, 七一前夕, 12月10日前)."""
    specs = load_specs([COLLEGE])
    spec = specs.by_id("stages_2012_college")
    p, d = spec.labels.progress, spec.labels.done_dates
    filled = {1: {p: "已完成", d: "2012-03-10"}, 2: {p: "进行中"}, 3: {p: "进行中"}}
    path = tmp_path / "学院.xlsx"
    stages_workbook(spec, filled).save(path)
    report = check_path(path, specs, as_of=date(2012, 3, 18)).report
    got = {i.no: i for i in report.stages}
    assert got[1].status == "done"
    assert got[2].status == "overdue" and got[2].milestones == [date(2012, 3, 17)]
    assert got[2].start is None  # a deadline, not a range
    assert got[3].start == date(2012, 3, 11) and got[3].status == "on_track"  # ends 3-31
    assert got[4].status == "on_track"  # blank, but 3月底前 has no start to be late for
    assert got[7].milestones == [date(2012, 7, 1)]
    assert codes(report).count("stages.overdue") == 1


def test_blank_template_is_found_and_complete(tmp_path, cli):
    out = tmp_path / "tpl"
    result = cli("templates", "--spec", COUNTY, "--out", out)
    assert result.exit_code == 0
    blank = out / "stages_2012_county.xlsx"
    report = check_path(blank, load_specs([COUNTY]), as_of=date(2012, 3, 1)).report
    assert len(report.stages) == 12 and "stages.item_missing" not in codes(report)
    assert {i.status for i in report.stages} == {"on_track"}


@pytest.mark.parametrize(
    ("written", "code"), [("2012-05-10", None), ("下周一", "stages.as_of_invalid")]
)
def test_the_sheets_own_as_of_date(tmp_path, written, code):
    specs, _ = county()
    path = filled_county(tmp_path)
    wb = load_workbook(path)
    wb.active["A1"] = f"基准日期：{written}"
    wb.save(path)
    report = check_path(path, specs).report
    if code is None:
        assert statuses(report)[5] == "not_started_late"  # judged as of 2012-05-10
    else:
        assert "“下周一”无法识别" in only(report, code).message
