"""Usage mistakes end in one Chinese sentence and exit 2, never a traceback."""

from __future__ import annotations

import json

from openpyxl import load_workbook


def test_fill_into_a_folder(make_rubric, cli, tmp_path):
    folder = tmp_path / "out.xlsx"
    folder.mkdir()
    result = cli("fill", make_rubric(), "--out", folder, "--force")
    assert result.exit_code == 2 and "是一个文件夹" in result.stderr


def test_fill_into_an_unwritable_place(make_rubric, cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("fill", make_rubric(), "--out", blocker / "sub" / "out.xlsx")
    assert result.exit_code == 2 and "无法写出" in result.stderr


def test_check_report_into_a_missing_folder(make_rubric, cli, tmp_path):
    result = cli("check", make_rubric(), "-o", tmp_path / "nope" / "r.json")
    assert result.exit_code == 2 and "无法写入" in result.stderr


def test_batch_out_is_a_file(make_rubric, cli, tmp_path):
    target = tmp_path / "report"
    target.write_text("x")
    result = cli("batch", make_rubric(), "--out", target)
    assert result.exit_code == 2 and "不是文件夹" in result.stderr


def test_hidden_rubric_sheet_is_reported_not_graded(make_rubric, cli, spec):
    from conftest import scores_with_losses

    def edit(wb):
        wb["旧副本"].sheet_state = "hidden"

    path = make_rubric({"第一党支部": scores_with_losses(spec), "旧副本": {1: 99}}, edit=edit)
    data = json.loads(cli("check", path, "-f", "json").stdout)
    (file,) = data["files"]
    assert [b["sheet"] for b in file["branches"]] == ["第一党支部"]
    assert [(f["code"], f["sheet"]) for f in file["findings"]] == [("file.hidden_sheet", "旧副本")]
    assert file["status"] == "ok"


def test_batch_counts_branches_known_only_from_a_summary(cli, tmp_path):
    from summary_helpers import submission

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = [
        ("甲支部", 90, "先进"),
        ("乙支部", 70, "一般"),
        ("丙支部", 50, "后进"),
        ("丁支部", 88, "先进"),
    ]
    submission(inbox, rows, rubrics={"甲支部": 90}, name="党总支.xlsx")
    out = tmp_path / "out"
    assert cli("batch", inbox, "--out", out, "--no-annotate").exit_code == 0
    wb = load_workbook(out / "汇总报告.xlsx")
    branches = {row[1]: row[4:6] for row in wb["党支部"].iter_rows(min_row=2, values_only=True)}
    assert branches == {
        "甲支部": (90, "先进"),
        "乙支部": (70, "一般"),
        "丙支部": (50, "后进"),
        "丁支部": (88, "先进"),
    }
    totals = list(wb["各党总支定级统计"].iter_rows(values_only=True))[-1]
    assert totals[:5] == ("合计", 2, 1, 1, 0)
