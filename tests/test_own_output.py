"""Outputs are never inputs: every workbook Jiceng writes carries a mark (custom document
properties) and `check` / `batch` skip such files — until a person saves one again."""

from __future__ import annotations

import json
import shutil
import time
import zipfile

import pytest
from conftest import scores_with_losses, soffice_convert
from openpyxl import load_workbook

from addin.batch import ANNOTATED_DIR, REPORT_BOOK
from addin.report.feedback import NOTICE_DIR
from addin.workbook import docprops
from addin.workbook.own_output import (
    COPY,
    MARK,
    WRITTEN,
    core_modified,
    mark_part,
    mark_properties,
    own_output,
)


@pytest.fixture
def inbox(tmp_path, make_rubric, spec):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    good = make_rubric(name="机关党总支.xlsx")
    bad = make_rubric(
        {"甲支部": {**scores_with_losses(spec), 3: 9}}, name="学院党总支.xlsx"
    )  # item 3 out of range: one error
    for path in (good, bad):
        path.rename(folder / path.name)
    return folder


def statuses(cli, *args):
    result = cli("check", *args, "-f", "json")
    files = json.loads(result.stdout)["files"]
    return result.exit_code, {f["path"]: f["status"] for f in files}


def test_outputs_inside_the_inbox_are_skipped_and_the_exit_code_is_the_submissions_own(inbox, cli):
    expected_exit = cli("check", inbox).exit_code
    assert cli("batch", inbox, "--out", inbox / "输出").exit_code == 0
    exit_code, files = statuses(cli, inbox)
    assert exit_code == expected_exit == 1
    out = inbox / "输出"
    assert files == {
        str(inbox / "学院党总支.xlsx"): "errors",
        str(inbox / "机关党总支.xlsx"): "ok",
        str(out / ANNOTATED_DIR / "学院党总支.xlsx"): "skipped",
        str(out / ANNOTATED_DIR / "机关党总支.xlsx"): "skipped",
        str(out / REPORT_BOOK): "skipped",
        str(out / NOTICE_DIR / "整改通知_学院党总支.xlsx"): "skipped",
        str(out / NOTICE_DIR / "整改通知_机关党总支.xlsx"): "skipped",
        str(out / "report.json"): "skipped",  # not a workbook (file.not_checked)
    }
    result = cli("check", inbox)
    assert "共检查 2 个文件：1 个错误，0 个警告" in result.stdout
    assert "另有 6 个文件未检查：5 个 Jiceng 写出的文件，1 个其他文件" in result.stdout
    assert result.stdout.count("（未检查：Jiceng 写出的") == 5


def test_a_skipped_output_has_one_info_finding_and_no_grades(inbox, cli):
    cli("batch", inbox, "--out", inbox / "输出")
    result = cli("check", inbox / "输出", "-f", "json")
    assert result.exit_code == 0
    files = [f for f in json.loads(result.stdout)["files"] if f["path"].endswith(".xlsx")]
    assert len(files) == 5
    for file in files:
        assert file["status"] == "skipped" and file["branches"] == []
        (finding,) = file["findings"]
        assert (finding["code"], finding["severity"]) == ("file.own_output", "info")
    kinds = sorted(f["findings"][0]["message"].split("写出的")[1][:4] for f in files)
    assert kinds == ["批注副本", "批注副本", "整改通知", "整改通知", "汇总报告"]


def test_a_batch_skips_outputs_of_an_earlier_run_found_in_its_inbox(inbox, cli):
    cli("batch", inbox, "--out", inbox / "上次输出")
    result = cli("batch", inbox, "--out", inbox.parent / "这次输出")
    assert result.stdout.count("（未检查：Jiceng 写出的") == 5
    assert "共检查 2 个文件" in result.stdout
    assert "另有 6 个文件未检查：5 个 Jiceng 写出的文件，1 个其他文件" in result.stdout
    copies = sorted(p.name for p in (inbox.parent / "这次输出" / ANNOTATED_DIR).rglob("*.xlsx"))
    assert copies == ["学院党总支.xlsx", "机关党总支.xlsx"]


def test_a_fill_output_is_marked_and_fill_still_reads_it(make_rubric, cli, tmp_path):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert cli("fill", make_rubric(), "--out", once).exit_code == 0
    assert own_output(once) == "填写结果"
    assert cli("fill", once, "--out", twice).exit_code == 0  # fill works on its own output
    assert own_output(twice) == "填写结果"


def test_a_copy_a_secretary_corrects_and_saves_is_a_submission_again(inbox, cli, tmp_path):
    cli("batch", inbox, "--out", tmp_path / "输出")
    copy = tmp_path / "输出" / ANNOTATED_DIR / "学院党总支.xlsx"
    assert own_output(copy) == COPY
    # Converted without an edit (LibreOffice headless keeps the modified time): still ours.
    assert own_output(soffice_convert(copy, tmp_path / "lo")) == COPY
    time.sleep(1.1)  # a person saves later than Jiceng wrote: the modified time moves on
    wb = load_workbook(copy)
    wb["甲支部"]["D7"] = 5  # the wrong score corrected in the annotated copy
    resubmitted = tmp_path / "学院党总支_改.xlsx"
    wb.save(resubmitted)
    assert own_output(resubmitted) is None
    assert docprops.read_properties(resubmitted).get(MARK) == COPY  # kept, but out of date
    assert statuses(cli, resubmitted) == (0, {str(resubmitted): "ok"})


def test_the_mark_must_agree_with_the_package_modified_time(tmp_path, make_rubric):
    path = make_rubric()
    assert own_output(path) is None  # no mark
    modified = core_modified(zipfile.ZipFile(path).read("docProps/core.xml"))
    assert modified.endswith("Z") and core_modified(b"<cp:coreProperties/>") == ""

    def with_mark(written: str):
        marked = tmp_path / f"marked{len(written)}.xlsx"
        shutil.copy(path, marked)
        with zipfile.ZipFile(marked, "a") as archive:
            archive.writestr(docprops.PART, mark_part(COPY, written))
        return marked

    assert own_output(with_mark(modified)) == COPY
    # The same moment written with fractions of a second is the same moment.
    assert own_output(with_mark(modified.replace("Z", ".000Z"))) == COPY
    assert own_output(with_mark("2001-01-01T00:00:00Z")) is None


def test_the_mark_part_reads_back_and_a_broken_file_is_no_output(tmp_path):
    assert docprops.parse_custom_xml(mark_part("整改通知", "2026-12-06T18:30:00Z")) == {
        MARK: "整改通知",
        WRITTEN: "2026-12-06T18:30:00Z",
    }
    assert mark_properties(COPY, "") == {MARK: COPY, WRITTEN: ""}
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert own_output(broken) is None


def test_the_out_refusal_suggests_a_sibling_folder(inbox, cli):
    result = cli("batch", inbox, "--out", inbox)
    assert result.exit_code == 2
    assert f"例如 {inbox.parent / '收件箱_输出'}" in result.output
