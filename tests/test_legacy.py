"""Legacy formats through real files: an .xls and an .ods that LibreOffice writes from a
generated submission read with the same findings and cells as the .xlsx; batch copies come out
as .xlsx (converted by LibreOffice), or the report says why there is none; an .xlsm with an
Excel 4 macro sheet is read through its worksheets; an .xls is bounded by its file size."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import soffice_convert
from hung_libreoffice import gone, hanging_soffice, libreoffice_pids
from openpyxl import load_workbook

from addin.batch import ANNOTATED_DIR, run_batch
from addin.engine import check_path
from addin.limits import DEFAULT_LIMITS
from addin.workbook import convert


@pytest.fixture(scope="module")
def original(lo_books) -> Path:
    """甲.xlsx, a submission whose 汇总表 D7 grade disagrees with its score (tests/legacy_books.py:
    its .xls and .ods are made once for the run)."""
    return lo_books.source("甲.xlsx")


def marks(path: Path, specs) -> list[tuple]:
    report = check_path(path, specs).report
    assert report.status != "unreadable", report.findings
    return sorted((f.code, f.sheet, f.cell) for f in report.findings)


@pytest.mark.parametrize("target", ["xls", "ods"])
def test_legacy_file_reads_like_the_xlsx(original, specs, tmp_path, target):
    legacy = soffice_convert(original, tmp_path / target, target=target)
    assert marks(legacy, specs) == marks(original, specs)
    assert ("summary.grade_mismatch", "汇总表", "D7") in marks(legacy, specs)


def test_batch_writes_an_xlsx_copy_of_an_xls(original, specs, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    soffice_convert(original, inbox, target="xls")
    result = run_batch(
        sorted(inbox.glob("*.xls")), tmp_path / "out", specs, root=inbox, notice_pdf=False
    )
    copy = tmp_path / "out" / ANNOTATED_DIR / "甲.xls.xlsx"
    assert result.annotated == {"甲.xls": copy}
    wb = load_workbook(copy)
    assert wb["汇总表"]["D7"].value == "先进"  # the grade the score gives, written in
    assert "校验结果" in wb.sheetnames
    (file,) = json.loads(result.report_json.read_text(encoding="utf-8"))["files"]
    assert "file.no_copy" not in [f["code"] for f in file["findings"]]


def test_without_libreoffice_the_report_says_no_copy(original, specs, tmp_path, monkeypatch):
    inbox = tmp_path / "收件箱"
    xls = soffice_convert(original, tmp_path / "lo", target="xls")
    inbox.mkdir()
    (inbox / xls.name).write_bytes(xls.read_bytes())
    monkeypatch.setattr(convert, "soffice", lambda: None)
    result = run_batch([inbox / xls.name], tmp_path / "out", specs, root=inbox)
    assert result.annotated == {}
    (file,) = json.loads(result.report_json.read_text(encoding="utf-8"))["files"]
    (note,) = [f for f in file["findings"] if f["code"] == "file.no_copy"]
    assert "已检查" in note["message"] and "LibreOffice" in note["message"]
    assert "summary.grade_mismatch" in [f["code"] for f in file["findings"]]  # checked all the same


def with_macro_sheet(src: Path, dst: Path) -> Path:
    """The workbook with an Excel 4 macro sheet added, the parts as Excel writes them."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/'
                    b'vnd.ms-excel.macrosheet+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdM1" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>',
                )
            elif info.filename == "xl/workbook.xml":
                data = re.sub(
                    rb"</sheets>",
                    b'<sheet name="Macro1" sheetId="99" r:id="rIdM1"/></sheets>',
                    data,
                )
            zout.writestr(info, data)
        zout.writestr(
            "xl/macrosheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xm:macrosheet xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://'
            'schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1" '
            't="str"><f>HALT()</f><v></v></c></row></sheetData></xm:macrosheet>',
        )
    return dst


def test_macro_sheet_workbook_is_read_through_its_worksheets(original, specs, tmp_path):
    import python_calamine

    xlsm = with_macro_sheet(original, tmp_path / "甲.xlsm")
    with pytest.raises(python_calamine.CalamineError):  # why the fallback exists
        python_calamine.CalamineWorkbook.from_path(str(xlsm))
    assert marks(xlsm, specs) == marks(original, specs)


@pytest.mark.parametrize(("room", "readable"), [(0, True), (-1, False)])
def test_file_size_bound(original, specs, tmp_path, room, readable):
    xls = soffice_convert(original, tmp_path / "lo", target="xls")
    limits = replace(DEFAULT_LIMITS, max_file_bytes=xls.stat().st_size + room)
    report = check_path(xls, specs, limits=limits).report
    codes = [f.code for f in report.findings]
    assert ("file.too_large" not in codes) is readable
    if not readable:
        assert "超过上限" in report.findings[0].message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_a_hanging_conversion_is_killed_with_every_process_it_started(tmp_path, monkeypatch):
    profiles = tmp_path / "out"
    with hanging_soffice(tmp_path / "lo") as fake:
        monkeypatch.setattr(convert, "soffice", lambda: str(fake))
        results = [
            convert.to_xlsx(tmp_path / name, tmp_path / name, profiles, seconds=1)
            for name in ("甲.xls", "乙.xls")
        ]
        assert results == [convert.timed_out(1)] * 2
        script, child = libreoffice_pids(tmp_path / "lo", seconds=0)  # the second's
        assert gone(script)
        assert gone(child)  # what the launcher started is gone too
    # the second file was converted with a fresh profile: the first one may be left locked
    first, second = (tmp_path / "lo" / "pids" / "profiles").read_text().split()
    assert first.startswith(f"-env:UserInstallation={profiles.as_uri()}/lo-profile-")
    assert first != second


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_ctrl_c_during_a_conversion_in_our_own_process_ends_libreoffice_too(tmp_path):
    """LibreOffice runs in a process group of its own, which the terminal's Ctrl-C misses."""

    def ctrl_c(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        with hanging_soffice(tmp_path) as fake:
            signal.setitimer(signal.ITIMER_REAL, 2.0)
            with pytest.raises(KeyboardInterrupt):
                convert.run_group([str(fake)], 60)
            for pid in libreoffice_pids(tmp_path, seconds=0):
                assert gone(pid), f"LibreOffice ({pid}) still running"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


RECORDING_SOFFICE = """#!/bin/sh
# Stands in for LibreOffice: logs its profile and input, "converts" by copying an .xlsx.
echo "$1 $8" >> "{log}"
name=$(basename "$8"); cp "{xlsx}" "$7/${{name%.*}}.xlsx"
"""


@pytest.fixture(scope="module")
def plain_xls(lo_books, tmp_path_factory) -> Path:
    """An .xls without any template (no copy is wanted for it)."""
    return soffice_convert(lo_books.source("记录.xlsx"), tmp_path_factory.mktemp("plain"), "xls")


@pytest.fixture(scope="module")
def template_xls(original, tmp_path_factory) -> Path:
    return soffice_convert(original, tmp_path_factory.mktemp("xls"), target="xls")


def recording_soffice(tmp_path: Path, monkeypatch, xlsx: Path) -> Path:
    log = tmp_path / "soffice.log"
    fake = tmp_path / "soffice"
    fake.write_text(RECORDING_SOFFICE.format(log=log, xlsx=xlsx))
    fake.chmod(0o755)
    monkeypatch.setattr(convert, "soffice", lambda: str(fake))
    return log


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_only_legacy_files_that_get_a_copy_are_converted_each_worker_its_profile(
    original, template_xls, plain_xls, specs, tmp_path, monkeypatch
):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"甲{i}.xls").write_bytes(template_xls.read_bytes())
        (inbox / f"记录{i}.xls").write_bytes(plain_xls.read_bytes())
    log = recording_soffice(tmp_path, monkeypatch, original)
    files = sorted(inbox.iterdir())
    # No 整改通知 PDFs: LibreOffice here is the stand-in, for the copies alone.
    result = run_batch(files, tmp_path / "out", specs, root=inbox, workers=2, notice_pdf=False)
    calls = [line.split() for line in log.read_text().splitlines()]
    assert sorted(Path(source).name for _profile, source in calls) == [
        "甲0.xls",
        "甲1.xls",
        "甲2.xls",
    ]
    assert sorted(result.annotated) == ["甲0.xls", "甲1.xls", "甲2.xls"]
    profiles = {profile for profile, _source in calls}
    assert len(profiles) == 2  # one per worker process, kept for its next conversion
    assert all("lo-profile-" in p for p in profiles)


def test_no_legacy_conversion_without_copies(template_xls, specs, tmp_path, monkeypatch):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "甲.xls").write_bytes(template_xls.read_bytes())
    monkeypatch.setattr(convert, "soffice", lambda: pytest.fail("LibreOffice started"))
    result = run_batch(
        [inbox / "甲.xls"], tmp_path / "out", specs, root=inbox, annotate=False, notice_pdf=False
    )
    assert result.files == 1 and result.annotated == {}


def test_same_stem_inputs_of_every_format_get_their_own_copies(
    original, template_xls, specs, tmp_path
):
    """甲.xlsx, 甲.xlsm, 甲.xls, 甲.XLS (another file on a case-sensitive disk) and 甲.ods of
    one inbox: five copies, five links in the 文件 sheet, none written over another."""
    from openpyxl import load_workbook

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    ods = soffice_convert(original, tmp_path / "ods", target="ods")
    for name, source in [
        ("甲.xlsx", original),
        ("甲.xlsm", original),
        ("甲.xls", template_xls),
        ("甲.XLS", template_xls),
        ("甲.ods", ods),
    ]:
        (inbox / name).write_bytes(source.read_bytes())
    result = run_batch(
        sorted(inbox.iterdir()), tmp_path / "out", specs, root=inbox, workers=2, notice_pdf=False
    )
    copies = result.annotated
    assert len(copies) == 5
    assert {name: p.name for name, p in copies.items()} == {
        "甲.XLS": "甲.XLS.xlsx",  # sorted first
        "甲.ods": "甲.ods.xlsx",
        "甲.xls": "甲.xls (2).xlsx",
        "甲.xlsm": "甲.xlsm",
        "甲.xlsx": "甲.xlsx",
    }
    assert sorted(p.name for p in (tmp_path / "out" / ANNOTATED_DIR).iterdir()) == sorted(
        p.name for p in copies.values()
    )
    links = [
        c.hyperlink.target
        for c in load_workbook(result.report_book)["文件"]["A"]
        if c.hyperlink is not None
    ]
    assert len(links) == len(set(links)) == 5


def test_copy_names_keep_each_extension():
    from addin.batch import _jobs
    from addin.inbox_files import Entry

    names = ["甲.xlsx", "甲.xlsm", "甲.xls", "甲.xlsb", "甲.ods", "甲.xls.xlsx", "乙/甲.xls"]
    entries = [Entry(name, Path(name)) for name in names]
    jobs, _no_copy = _jobs(entries, Path("out"), True, Path("work"))
    copies = [job.copy_to.relative_to(Path("out") / ANNOTATED_DIR).as_posix() for job in jobs]
    assert copies == [
        "甲.xlsx",
        "甲.xlsm",
        "甲.xls.xlsx",
        "甲.xlsb.xlsx",
        "甲.ods.xlsx",
        "甲.xls (2).xlsx",  # a submitted 甲.xls.xlsx meets the copy of 甲.xls
        "乙/甲.xls.xlsx",
    ]


def test_an_xls_named_xlsx_gets_its_copy_by_what_it_is(template_xls, specs, tmp_path):
    """WPS saves “兼容格式” under whatever name was typed: the copy goes by the content."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(template_xls.read_bytes())
    result = run_batch([inbox / "甲.xlsx"], tmp_path / "out", specs, root=inbox, notice_pdf=False)
    copy = result.annotated["甲.xlsx"]
    assert copy.read_bytes()[:2] == b"PK"
    assert load_workbook(copy)["汇总表"]["D7"].value == "先进"


def test_an_xls_under_excels_default_password_gets_its_copy(template_xls, specs, tmp_path):
    from odd_files import xor_obfuscated

    from addin.workbook.decrypt import DEFAULT_PASSWORD

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    xor_obfuscated(template_xls, inbox / "甲.xls", DEFAULT_PASSWORD)
    result = run_batch([inbox / "甲.xls"], tmp_path / "out", specs, root=inbox, notice_pdf=False)
    assert load_workbook(result.annotated["甲.xls"])["汇总表"]["D7"].value == "先进"


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_libreoffice_keeps_its_temporary_files_in_ours(tmp_path, monkeypatch):
    """LibreOffice makes a folder of its own (lu*.tmp) where TMPDIR (Windows: TMP, TEMP) says,
    and a LibreOffice killed leaves it: it goes where Python's temporary files go — in a
    worker, the folder its parent removes when the worker ends (`isolation`)."""
    import tempfile

    ours = tmp_path / "worker-temp"
    ours.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(ours))  # as `isolation._serve` sets it
    monkeypatch.setenv("TMPDIR", str(tmp_path / "system-temp"))
    noted = tmp_path / "noted"
    script = tmp_path / "soffice"
    script.write_text(f'#!/bin/sh\necho "$TMPDIR $TMP $TEMP" > "{noted}"\n')
    script.chmod(0o755)
    assert convert.run_group([str(script)], 20) is True
    assert noted.read_text().split() == [str(ours)] * 3
