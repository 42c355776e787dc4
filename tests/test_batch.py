"""Batch over a folder: annotated copies, one consolidated report workbook, nothing lost."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import digest, scores_with_losses
from openpyxl import load_workbook

from addin.batch import ANNOTATED_DIR, REPORT_BOOK, REPORT_JSON


@pytest.fixture
def inbox(tmp_path, make_rubric, spec):
    folder = tmp_path / "收件箱"
    (folder / "二级学院").mkdir(parents=True)
    good = make_rubric(
        {
            "甲支部": scores_with_losses(spec),  # 100 先进
            "乙支部": scores_with_losses(spec, {17: 10, 18: 10}),  # 80 一般
        },
        name="机关党总支.xlsx",
    )
    bad = make_rubric(
        {
            "丙支部": scores_with_losses(
                spec, {17: 10, 18: 10, 16: 5, 15: 5, 14: 5, 13: 5}
            ),  # 60 后进
            "丁支部": {**scores_with_losses(spec), 3: 9},  # out of range: no grade
        },
        name="学院党总支.xlsx",
    )
    good.rename(folder / good.name)
    bad.rename(folder / "二级学院" / bad.name)
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "~$机关党总支.xlsx").write_bytes(b"lock")
    return folder


def test_batch_writes_copies_and_a_consolidated_report(inbox, cli):
    before = {p: digest(p) for p in inbox.rglob("*") if p.is_file()}
    out = inbox / "输出"  # inside the inbox: its files must not be taken as submissions
    result = cli("batch", inbox, "--out", out)
    assert result.exit_code == 0
    assert {p: digest(p) for p in before} == before

    copies = sorted(
        p.relative_to(out / ANNOTATED_DIR).as_posix() for p in (out / ANNOTATED_DIR).rglob("*.xlsx")
    )
    assert copies == ["二级学院/学院党总支.xlsx", "机关党总支.xlsx"]
    assert load_workbook(out / ANNOTATED_DIR / "机关党总支.xlsx")["甲支部"]["D24"].value == "先进"

    wb = load_workbook(out / REPORT_BOOK)
    assert wb.sheetnames == [
        "概览",
        "各党总支定级统计",
        "党支部",
        "薄弱环节与帮扶",  # 一般, 后进 and 无法定级 branches
        "问题清单",
        "文件",
    ]
    units = [row for row in wb["各党总支定级统计"].iter_rows(min_row=1, values_only=True)]
    assert units[0] == ("党总支", "先进", "一般", "后进", "无法定级", "合计")
    assert ("机关党总支", 1, 1, 0, 0, 2) in units
    assert ("学院党总支", 0, 0, 1, 1, 2) in units
    assert units[-1] == ("合计", 1, 1, 1, 1, 4)
    branches = {row[1]: row for row in wb["党支部"].iter_rows(min_row=2, values_only=True)}
    assert branches["丙支部"][:6] == (
        "学院党总支",
        "丙支部",
        "二级学院/学院党总支.xlsx",
        "丙支部",
        60,
        "后进",
    )
    assert branches["丁支部"][4:6] == (None, "无法定级")
    problems = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert ("二级学院/学院党总支.xlsx", "丁支部", "D7", "错误", "rubric.score_out_of_range") in [
        r[:5] for r in problems
    ]
    assert any(r[0] == "损坏.xlsx" and r[4] == "file.unreadable" for r in problems)
    files = {row[0]: row[2] for row in wb["文件"].iter_rows(min_row=2, values_only=True)}
    assert files == {
        "机关党总支.xlsx": "通过",
        "二级学院/学院党总支.xlsx": "有错误",
        "损坏.xlsx": "无法读取",
        "~$机关党总支.xlsx": "未检查",  # listed, never silently ignored
    }
    with zipfile.ZipFile(out / REPORT_BOOK) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 2

    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert {f["path"]: f["status"] for f in report["files"]} == {
        "机关党总支.xlsx": "ok",
        "二级学院/学院党总支.xlsx": "errors",
        "损坏.xlsx": "unreadable",
        "~$机关党总支.xlsx": "skipped",
    }


def test_strict_batch_gives_check_exit_codes(inbox, cli, tmp_path):
    result = cli("batch", inbox, "--out", tmp_path / "o", "--strict")
    assert result.exit_code == 2  # one file unreadable, as `check` would say
    files = json.loads((tmp_path / "o" / REPORT_JSON).read_text(encoding="utf-8"))["files"]
    assert sorted(f["status"] for f in files) == ["errors", "ok", "skipped", "unreadable"]


def test_an_internal_error_in_one_file_does_not_stop_the_batch(inbox, cli, tmp_path, monkeypatch):
    import addin.batch as batch

    real = batch.check_path

    def flaky(path, specs, **kw):
        if path.name == "机关党总支.xlsx":
            raise RuntimeError("模拟的缺陷")
        return real(path, specs, **kw)

    monkeypatch.setattr(batch, "check_path", flaky)
    out = tmp_path / "o"
    result = cli("batch", inbox, "--out", out, "--no-annotate")
    assert result.exit_code == 0
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    by_path = {f["path"]: f for f in report["files"]}
    assert by_path["机关党总支.xlsx"]["findings"][0]["code"] == "file.internal_error"
    assert "模拟的缺陷" in by_path["机关党总支.xlsx"]["findings"][0]["message"]
    assert by_path["二级学院/学院党总支.xlsx"]["branches"]
    assert not (out / ANNOTATED_DIR).exists()
