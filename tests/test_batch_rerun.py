"""A batch run again into the same --out redoes only what changed, and says so; the report is the
one a fresh run writes."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import scores_with_losses
from openpyxl import load_workbook

from addin.batch import ANNOTATED_DIR, REPORT_BOOK, REPORT_JSON
from addin.kinds.rubric.template import rubric_workbook
from addin.result_cache import CACHE_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def submitted(tmp_path_factory, spec) -> Path:
    """The inbox's files, written once for the module (each test changes its own copy)."""
    folder = tmp_path_factory.mktemp("rerun") / "收件箱"
    (folder / "二级学院").mkdir(parents=True)
    for i, where in enumerate(["", "", "二级学院/", "二级学院/"]):
        book = rubric_workbook(spec, {f"第{i}党支部": scores_with_losses(spec, {17: i, 18: 2 * i})})
        book.save(folder / f"{where}{i}.xlsx")
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    (folder / "任务清单.xlsx").write_bytes(
        (ROOT / "workbooks" / "samples" / "组织部_任务清单.xlsx").read_bytes()
    )
    return folder


@pytest.fixture
def inbox(submitted, tmp_path) -> Path:
    return Path(shutil.copytree(submitted, tmp_path / "收件箱"))


PDF_SOFFICE = """#!/bin/sh
# Stands in for LibreOffice's PDF export: a PDF of each .xlsx it is given, into --outdir.
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift ;;
    *.xlsx) name=$(basename "$1"); printf '%%PDF-1.7' > "$out/${name%.xlsx}.pdf" ;;
  esac
  shift
done
"""


@pytest.fixture
def notice_pdfs(tmp_path, monkeypatch):
    """The 整改通知 PDFs a test counts made by a stand-in on PATH (the batch's workers find it
    as they would LibreOffice): what is tested is which notices a rerun makes again, not
    LibreOffice's export, which test_feedback runs for real — 4 LibreOffice starts fewer."""
    if os.name != "posix":
        return  # no shell script: LibreOffice itself, when there is one
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "soffice"
    fake.write_text(PDF_SOFFICE)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


def run(cli, inbox, out, *extra):
    result = cli("batch", inbox, "--out", out, "--as-of", "2022-07-26", "--jobs", "1", *extra)
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    return result, report


def without_reuse(out: Path) -> str:
    """report.json as a fresh run writes it: only `batch.reused` differs."""
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    report["batch"]["reused"] = 0
    return json.dumps(report, ensure_ascii=False, indent=2)


def workbook_parts(out: Path) -> dict[str, bytes]:
    """汇总报告.xlsx part by part, but for the two holding the time it was written (the core
    properties, and the own-output mark's Jiceng写出时间)."""
    dated = {"docProps/core.xml", "docProps/custom.xml"}
    with zipfile.ZipFile(out / REPORT_BOOK) as z:
        return {n: z.read(n) for n in z.namelist() if n not in dated}


def test_a_rerun_reuses_every_unchanged_file_and_writes_the_fresh_report(
    cli, inbox, tmp_path, make_rubric, spec
):
    out = tmp_path / "输出"
    first, report = run(cli, inbox, out)
    assert report["batch"]["reused"] == 0
    assert "沿用了上次的结果" not in first.stdout
    again, report = run(cli, inbox, out)
    assert report["batch"]["reused"] == 6
    assert "其中 6 个文件自上次运行以来未改动，沿用了上次的结果" in again.stdout

    # One file changed, one removed, one new: those three are handled, the rest reused.
    losses = {17: 10, 18: 10}  # 80: 一般, was 先进
    changed = make_rubric({"第1党支部": scores_with_losses(spec, losses)}, name="changed.xlsx")
    changed.replace(inbox / "1.xlsx")
    (inbox / "二级学院" / "3.xlsx").unlink()
    make_rubric({"新党支部": scores_with_losses(spec)}, name="new.xlsx").rename(inbox / "5.xlsx")
    _, report = run(cli, inbox, out)
    assert report["batch"]["reused"] == 4
    fresh = tmp_path / "全新"
    run(cli, inbox, fresh)
    assert without_reuse(out) == without_reuse(fresh)
    assert workbook_parts(out) == workbook_parts(fresh)

    copies = sorted(
        p.relative_to(out / ANNOTATED_DIR).as_posix()
        for p in out.rglob("*.xlsx")
        if ANNOTATED_DIR in p.parts
    )
    assert copies == ["0.xlsx", "1.xlsx", "5.xlsx", "二级学院/2.xlsx", "任务清单.xlsx"]
    assert load_workbook(out / ANNOTATED_DIR / "1.xlsx")["第1党支部"]["D24"].value == "一般"
    # One entry per file of the latest run: the cache does not grow from run to run.
    assert len(list((out / CACHE_DIR).glob("*.json"))) == 6


def reused(cli, inbox, out, *options) -> int:
    result = cli("batch", inbox, "--out", out, "--jobs", "1", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["batch"]["reused"]


def test_fresh_and_a_changed_option_check_every_file_again(cli, inbox, tmp_path):
    out, day = tmp_path / "输出", ("--as-of", "2022-07-26")
    assert reused(cli, inbox, out, *day) == 0
    assert reused(cli, inbox, out, *day, "--fresh") == 0
    assert reused(cli, inbox, out, *day) == 6
    assert reused(cli, inbox, out, "--as-of", "2022-07-27") == 0
    assert reused(cli, inbox, out, "--as-of", "2022-07-27", "--year", "2022") == 0
    assert reused(cli, inbox, out, "--as-of", "2022-07-27", "--year", "2022") == 6
    assert (
        reused(cli, inbox, out, "--as-of", "2022-07-27", "--year", "2022", "--timeout", "60") == 0
    )
    assert (
        reused(
            cli,
            inbox,
            out,
            "--as-of",
            "2022-07-27",
            "--year",
            "2022",
            "--timeout",
            "60",
            "--no-annotate",
        )
        == 0
    )


def test_a_corrupt_cache_is_ignored_and_the_files_checked_again(cli, inbox, tmp_path):
    out = tmp_path / "输出"
    run(cli, inbox, out)
    entries = sorted((out / CACHE_DIR).iterdir())
    entries[0].write_text("{not json", encoding="utf-8")
    entries[1].write_bytes(b"")
    third = json.loads(entries[2].read_text(encoding="utf-8"))
    third["report"] = '{"path": 1}'
    entries[2].write_text(json.dumps(third), encoding="utf-8")
    _, report = run(cli, inbox, out)
    assert report["batch"]["reused"] == 3
    fresh = tmp_path / "全新"
    run(cli, inbox, fresh)
    assert without_reuse(out) == without_reuse(fresh)
    assert run(cli, inbox, out)[1]["batch"]["reused"] == 6


def test_a_copy_edited_or_removed_since_is_made_again(cli, inbox, tmp_path):
    out = tmp_path / "输出"
    run(cli, inbox, out)
    copy = out / ANNOTATED_DIR / "0.xlsx"
    original = copy.read_bytes()
    copy.write_bytes(original + b"edited")
    (out / ANNOTATED_DIR / "二级学院" / "2.xlsx").unlink()
    _, report = run(cli, inbox, out)
    assert report["batch"]["reused"] == 4
    assert load_workbook(copy)["校验结果"]
    assert (out / ANNOTATED_DIR / "二级学院" / "2.xlsx").is_file()


def test_a_cache_entry_never_removes_a_file_outside_the_copies(cli, inbox, tmp_path):
    out = tmp_path / "输出"
    run(cli, inbox, out)
    victim = inbox / "0.xlsx"
    entry = next((out / CACHE_DIR).iterdir())
    forged = json.loads(entry.read_text(encoding="utf-8"))
    forged["copy"] = "../收件箱/0.xlsx"
    forged["copy_sha256"] = __import__("hashlib").sha256(victim.read_bytes()).hexdigest()
    forged["file"] = "已删除.xlsx"  # an entry of a file gone from the inbox: its copy is removed
    (out / CACHE_DIR / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    run(cli, inbox, out)
    assert victim.is_file()


def test_a_legacy_file_is_reused_with_its_converted_copy_and_never_without_one(
    cli, tmp_path, monkeypatch, lo_books
):
    from conftest import soffice_convert

    from addin.workbook import convert

    folder = tmp_path / "收件箱"
    folder.mkdir()
    # A submission whose D7 says 一般 for 90 points: the copy writes in 先进. Its .xls is
    # the run's (tests/legacy_books.py), made with the other legacy workbooks.
    xls = soffice_convert(lo_books.source("甲.xlsx"), tmp_path / "lo", target="xls")
    (folder / xls.name).write_bytes(xls.read_bytes())
    out = tmp_path / "输出"
    assert reused(cli, folder, out) == 0
    assert reused(cli, folder, out) == 1
    assert load_workbook(out / ANNOTATED_DIR / "甲.xls.xlsx")["汇总表"]["D7"].value == "先进"

    monkeypatch.setattr(convert, "soffice", lambda: None)
    blind = tmp_path / "无 LibreOffice"
    for _ in range(2):  # no copy this time: checked again, the report says why each time
        assert reused(cli, folder, blind) == 0
        files = json.loads((blind / REPORT_JSON).read_text(encoding="utf-8"))["files"]
        assert [f["path"] for f in files] == ["甲.xls"], [f["path"] for f in files]
        assert "file.no_copy" in [f["code"] for f in files[0]["findings"]]


def made_at(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_a_notice_is_made_again_when_its_unit_changed_or_its_pdf_or_workbook_is_gone_or_edited(
    cli, inbox, tmp_path, make_rubric, spec, notice_pdfs
):
    """Only then: every other notice and PDF is left as it was. (One test, as each LibreOffice
    run of the notices costs seconds.)"""
    from addin.workbook.convert import soffice

    if soffice() is None:
        pytest.skip("LibreOffice 未安装：没有 PDF")
    out = tmp_path / "输出"
    run(cli, inbox, out, "--pdf")
    folder = out / "整改通知"
    made = made_at(folder)
    assert {Path(name).suffix for name in made} == {".xlsx", ".pdf"}
    run(cli, inbox, out, "--pdf")
    assert made_at(folder) == made  # none made again

    losses = {17: 10, 18: 10}
    changed = make_rubric({"第1党支部": scores_with_losses(spec, losses)}, name="changed.xlsx")
    changed.replace(inbox / "1.xlsx")
    run(cli, inbox, out, "--pdf")
    again = {name for name, when in made_at(folder).items() if when != made[name]}
    # unit 1's, and unit 0's: its 100-point branch is now proposed to help unit 1's (帮扶)
    assert again == {"整改通知_1.xlsx", "整改通知_1.pdf", "整改通知_0.xlsx", "整改通知_0.pdf"}

    made = made_at(folder)
    (folder / "整改通知_2.pdf").unlink()  # someone mailed it and tidied up
    edited = load_workbook(folder / "整改通知_3.xlsx")
    edited.active["A1"] = "手工改过"
    edited.save(folder / "整改通知_3.xlsx")
    made["整改通知_3.xlsx"] = (folder / "整改通知_3.xlsx").stat().st_mtime_ns
    run(cli, inbox, out, "--pdf")
    again = {name for name, when in made_at(folder).items() if when != made.get(name)}
    assert again == {"整改通知_2.xlsx", "整改通知_2.pdf", "整改通知_3.xlsx", "整改通知_3.pdf"}
    assert load_workbook(folder / "整改通知_3.xlsx").active["A1"].value != "手工改过"

    made = made_at(folder)
    run(cli, inbox, out, "--pdf", "--fresh")
    assert made_at(folder).keys() == made.keys()
    assert all(when != made[name] for name, when in made_at(folder).items())


def test_a_notice_remembered_without_its_pdf_gets_one_once_libreoffice_is_there(
    cli, inbox, tmp_path, monkeypatch, notice_pdfs
):
    """LibreOffice missing on the last run: its notices were made without PDFs. Installed since,
    the next run makes their PDFs (the notices themselves are the same: their memo says so)."""
    from addin.workbook import convert

    if convert.soffice() is None:
        pytest.skip("LibreOffice 未安装：没有 PDF")
    out = tmp_path / "输出"
    folder = out / "整改通知"
    with monkeypatch.context() as blind:
        blind.setattr(convert, "soffice", lambda: None)
        run(cli, inbox, out, "--pdf")
    books = sorted(p.stem for p in folder.glob("*.xlsx"))
    assert books and not list(folder.glob("*.pdf"))

    run(cli, inbox, out, "--pdf")
    assert sorted(p.stem for p in folder.glob("*.pdf")) == books
    made = made_at(folder)
    run(cli, inbox, out, "--pdf")
    assert made_at(folder) == made  # and with their PDFs, they are kept as they are
