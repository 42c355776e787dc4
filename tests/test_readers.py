"""Files other programs write that Excel opens (or names) and Jiceng must read or name the
same way: a reader panic, .xls stream names in any case and a directory past 2 MB, a workbook
part elsewhere than xl/workbook.xml, Excel's default password, XOR obfuscation, Excel 2-4."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from conftest import soffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from odd_files import (
    compound_file,
    encrypt,
    excel4,
    move_first_text_cell,
    move_main_part,
    ods_with_cell,
    rename_stream,
    set_dimensions,
    windows_paths,
    xlsb,
    xlsb_with_missing_relationship,
    xor_obfuscated,
)

from addin.engine import check_path
from addin.workbook.decrypt import DEFAULT_PASSWORD
from addin.workbook.ole import MAGIC, CompoundFile
from addin.workbook.sniff import sniff


@pytest.fixture(scope="module")
def original(lo_books) -> Path:
    """甲.xlsx, a submission whose 汇总表 D7 grade disagrees with its score (tests/legacy_books.py:
    its .xls and .ods are made once for the run)."""
    return lo_books.source("甲.xlsx")


@pytest.fixture(scope="module")
def xls(original, tmp_path_factory) -> Path:
    return soffice_convert(original, tmp_path_factory.mktemp("xls"), target="xls")


def marks(path: Path, specs) -> list[tuple]:
    report = check_path(path, specs).report
    assert report.status != "unreadable", report.findings
    return sorted((f.code, f.sheet, f.cell) for f in report.findings)


def unreadable(path: Path, specs) -> str:
    report = check_path(path, specs).report
    assert report.status == "unreadable"
    (finding,) = report.findings
    assert finding.code == "file.unreadable", finding
    return finding.message


def test_a_reader_panic_is_an_unreadable_file_not_an_internal_error(specs, tmp_path):
    import python_calamine

    path = xlsb_with_missing_relationship(tmp_path / "Simple.xlsb")
    with pytest.raises(BaseException, match="no entry found for key") as raised:
        python_calamine.CalamineWorkbook.from_path(str(path))
    assert not isinstance(raised.value, Exception)  # why catching Exception was not enough
    assert "文件已损坏" in unreadable(path, specs)


def test_a_reader_panic_in_the_batch_worker_is_unreadable(specs, tmp_path):
    from addin.batch import FileJob, check_files

    path = xlsb_with_missing_relationship(tmp_path / "Simple.xlsb")
    (outcome,) = check_files([FileJob(path, path.name)], specs)
    assert [f.code for f in outcome.report.findings] == ["file.unreadable"]


@pytest.mark.parametrize("name", ["WORKBOOK", "BOOK", "Book"])
def test_xls_stream_names_in_any_case(xls, specs, tmp_path, name, original):
    renamed = rename_stream(xls, tmp_path / "甲.xls", "Workbook", name)
    assert sniff(renamed) == "xls"
    assert marks(renamed, specs) == marks(original, specs)


def test_a_stream_name_that_is_no_workbook_is_still_not_excel(xls, specs, tmp_path):
    renamed = rename_stream(xls, tmp_path / "甲.xls", "Workbook", "Workbooks")
    assert "不是 Excel 工作簿" in unreadable(renamed, specs)


def test_an_xls_whose_directory_lies_past_2_mb(lo_books, specs, tmp_path):
    # 3,000 rows of text (tests/legacy_books.py), converted with the run's other .xls
    big = soffice_convert(lo_books.source("大.xlsx"), tmp_path, target="xls")
    ole = CompoundFile(big.open("rb"))
    directory = 512 + ole.sector * int.from_bytes(big.read_bytes()[0x30:0x34], "little")
    assert directory > 2_000_000  # LibreOffice writes the directory last
    report = check_path(big, specs).report
    assert report.status != "unreadable"
    assert [f.code for f in report.findings] == ["file.no_template_found"]


@pytest.mark.parametrize("main", ["workbook.xml", "book/workbook.xml", "xl/main.xml"])
def test_the_main_part_is_found_through_the_package_relationships(original, specs, tmp_path, main):
    moved = move_main_part(original, tmp_path / "甲.xlsx", main)
    assert marks(moved, specs) == marks(original, specs)


def test_a_package_without_any_main_part_is_no_workbook(original, specs, tmp_path):
    moved = move_main_part(original, tmp_path / "甲.xlsx", "book/main.xml")
    broken = tmp_path / "乙.xlsx"
    with zipfile.ZipFile(moved) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            if info.filename != "_rels/.rels":
                zout.writestr(info, zin.read(info))
    assert "没有工作簿内容" in unreadable(broken, specs)


def test_excels_default_password_is_decrypted_and_checked(original, specs, tmp_path):
    locked = encrypt(original, tmp_path / "甲.xlsx", DEFAULT_PASSWORD)
    assert locked.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert marks(locked, specs) == marks(original, specs)


def test_a_real_open_password_keeps_its_message(original, specs, tmp_path):
    locked = encrypt(original, tmp_path / "甲.xlsx", "dangwei2022")
    assert "打开密码" in unreadable(locked, specs)


def test_xor_obfuscated_xls_says_it_has_a_password(xls, specs, tmp_path):
    import python_calamine

    locked = xor_obfuscated(xls, tmp_path / "甲.xls", "dangwei")
    with pytest.raises(python_calamine.CalamineError, match="Codepage"):  # what it said before
        python_calamine.CalamineWorkbook.from_path(str(locked))
    assert "设置了密码" in unreadable(locked, specs)


def test_xor_with_the_default_password_is_opened(xls, original, specs, tmp_path):
    locked = xor_obfuscated(xls, tmp_path / "甲.xls", DEFAULT_PASSWORD)
    assert marks(locked, specs) == marks(original, specs)


@pytest.mark.parametrize(
    ("record", "named"), [(0x0409, "Excel 4.0"), (0x0209, "Excel 3.0"), (0x0009, "Excel 2.x")]
)
def test_excel_2_to_4_files_are_named(specs, tmp_path, record, named):
    path = excel4(tmp_path / "旧.xls")
    data = bytearray(path.read_bytes())
    data[0:2] = record.to_bytes(2, "little")
    path.write_bytes(bytes(data))
    message = unreadable(path, specs)
    assert named in message and "另存为 .xlsx" in message


def test_a_text_file_is_not_named_an_old_excel(specs, tmp_path):
    path = tmp_path / "名单.xls"
    path.write_bytes(b"\x09\x04\x40\x00 not an Excel 4 record")  # record type, size 64
    assert "不是 Excel 工作簿" in unreadable(path, specs)


@pytest.mark.parametrize(
    ("streams", "said"),
    [
        ({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b""}, "打开密码"),
        ({"PowerPoint Document": b"", "Current User": b""}, "PowerPoint 97-2003"),
        ({"worddocument": b""}, "Word 97-2003"),
        ({"Contents": b""}, "旧版 Office 格式文件，不是 Excel 工作簿"),
    ],
)
def test_other_compound_files_are_named_by_their_streams(specs, tmp_path, streams, said):
    path = tmp_path / "附件.xls"
    path.write_bytes(compound_file(streams))
    assert said in unreadable(path, specs)


def test_a_compound_file_header_without_a_directory_is_damaged(specs, tmp_path):
    path = tmp_path / "附件.xls"
    path.write_bytes(compound_file({"Workbook": b""})[:1024])  # cut after the FAT
    assert "目录不完整" in unreadable(path, specs)


def test_a_default_password_workbook_gets_its_copy(original, specs, tmp_path):
    from openpyxl import load_workbook

    from addin.batch import run_batch

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    locked = encrypt(original, inbox / "甲.xlsx", DEFAULT_PASSWORD)
    result = run_batch([locked], tmp_path / "out", specs, root=inbox, notice_pdf=False)
    assert load_workbook(result.annotated["甲.xlsx"])["汇总表"]["D7"].value == "先进"
    assert locked.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # the original stays as it was


# --- memory before parsing: every format is bounded before calamine allocates ----------------
def too_large(path: Path, specs, limits=None) -> str:
    from addin.limits import DEFAULT_LIMITS

    report = check_path(path, specs, limits=limits or DEFAULT_LIMITS).report
    (finding,) = report.findings
    assert finding.code == "file.too_large", finding
    return finding.message


def test_a_tiny_xls_declaring_65535_by_255_cells_is_refused_before_reading(xls, specs, tmp_path):
    """POI's 51535.xls: 42 KB that made calamine reserve 1.12 GB."""
    huge = set_dimensions(xls, tmp_path / "大.xls", rows=65_535, cols=255)
    assert huge.stat().st_size < 100_000
    message = too_large(huge, specs)
    assert "工作表“汇总表”声明的区域有 16,711,425 个单元格" in message


def test_one_far_cell_of_a_small_xls_is_refused_before_reading(xls, specs, tmp_path):
    """A 12 KB .xls with one cell at IU65535: calamine builds a range of 16.7 million cells
    from A1 to there (1.25 GB peak RSS in `check` before this bound)."""
    far = move_first_text_cell(xls, tmp_path / "远.xls", 65_534, 254)
    assert "共有 16,711,170 个单元格的区域" in too_large(far, specs)
    near = move_first_text_cell(xls, tmp_path / "近.xls", 14_999, 249)  # 3,750,000 + 250 cells
    report = check_path(near, specs).report
    assert report.status != "unreadable"


@pytest.mark.parametrize("target", ["xls", "ods"])
@pytest.mark.parametrize(("room", "refused"), [(0, False), (-1, True)])
def test_cells_of_legacy_formats_at_and_past_the_limit(
    original, xls, specs, tmp_path, target, room, refused
):
    """The generated submission's three sheets: 18 × 5 + 25 × 5 + 25 × 5 = 340 cells."""
    from dataclasses import replace

    from addin.limits import DEFAULT_LIMITS

    path = xls if target == "xls" else soffice_convert(original, tmp_path, target="ods")
    limits = replace(DEFAULT_LIMITS, max_cells=340 + room)
    if refused:
        assert "超过上限 339 个" in too_large(path, specs, limits)
    else:
        assert check_path(path, specs, limits=limits).report.status != "unreadable"


def test_a_far_ods_cell_written_with_repeats_is_refused(original, specs, tmp_path):
    ods = soffice_convert(original, tmp_path, target="ods")
    far = ods_with_cell(ods, tmp_path / "远.ods", row=99_000, col=60)
    assert far.stat().st_size < 100_000
    assert "共有 5,940,340 个单元格" in too_large(far, specs)
    near = ods_with_cell(ods, tmp_path / "近.ods", row=66_000, col=60)  # 3,960,000 + 340
    assert check_path(near, specs).report.status != "unreadable"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ((99_999, 59), "共有 6,000,000 个单元格"),
        ((100_000, 0), "第 100001 行（A100001）"),
        ((0, 1_000), "第 1001 列（ALM1）"),
    ],
)
def test_xlsb_sheets_are_bounded_by_their_cells(specs, tmp_path, cell, message):
    path = xlsb(tmp_path / "大.xlsb", [(0, 0, 1.0), (*cell, 2.0)])
    assert message in too_large(path, specs)


def test_an_xlsb_within_the_limits_is_read(specs, tmp_path):
    path = xlsb(tmp_path / "小.xlsb", [(0, 0, 1.0), (66_665, 59, 2.0)])  # 3,999,960 cells
    report = check_path(path, specs).report
    assert [f.code for f in report.findings] == ["file.sheet_too_large", "file.no_template_found"]


@pytest.mark.parametrize("lower", [False, True])
def test_a_package_with_windows_paths_is_read_and_bounded(original, specs, tmp_path, lower):
    from dataclasses import replace

    from addin.limits import DEFAULT_LIMITS

    stored = windows_paths(original, tmp_path / "甲.xlsx", lower)
    assert "xl\\workbook.xml" in zipfile.ZipFile(stored).namelist()
    assert marks(stored, specs) == marks(original, specs)
    limits = replace(DEFAULT_LIMITS, max_cells=339)  # its sheets hold 340 cells
    assert "超过上限 339 个" in too_large(stored, specs, limits)


@pytest.mark.parametrize("keep", [0.3, 0.5, 0.7, 0.9])
def test_a_cut_off_xls_is_one_finding(xls, specs, tmp_path, keep):
    data = xls.read_bytes()
    cut = tmp_path / "断.xls"
    cut.write_bytes(data[: int(len(data) * keep)])
    report = check_path(cut, specs).report
    assert "file.internal_error" not in [f.code for f in report.findings]


def test_the_xls_bound_reads_a_workbook_stream_cut_anywhere(xls):
    from addin.workbook.biff import _sheets

    ole = CompoundFile(xls.open("rb"))
    stream = ole.read(ole.find("Workbook"))
    whole = [(s.name, s.used) for s in _sheets(stream)]
    assert whole == [("汇总表", 90), ("一支部", 125), ("二支部", 125)]
    for end in range(0, len(stream), 3):  # never an exception, whatever is cut off
        _sheets(stream[:end])


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=3000), st.integers(min_value=0, max_value=2999))
def test_sniff_of_a_damaged_compound_file_is_a_reason_or_a_kind(tail, flip):
    """Random bytes behind the compound-file magic, and a real one with one byte changed:
    a kind or one clear reason, never another exception."""
    from addin.workbook.model import UnreadableWorkbook

    real = bytearray(compound_file({"Workbook": b"\x09\x08\x10\x00" + b"\x00" * 16}))
    real[flip % len(real)] ^= 0xFF
    for data in (MAGIC + tail, bytes(real)):
        with contextlib.suppress(UnreadableWorkbook):
            sniff(io.BytesIO(data))


@pytest.mark.parametrize("name", ["甲.xlsx", "甲.ods", "甲"])
def test_a_workbook_under_another_extension_is_read_by_what_it_is(
    xls, original, specs, tmp_path, name
):
    renamed = tmp_path / name
    renamed.write_bytes(xls.read_bytes())
    assert marks(renamed, specs) == marks(original, specs)


@pytest.mark.parametrize(("spin", "tried"), [("100000", True), ("100001", False)])
def test_a_default_password_costing_more_than_excels_hashing_is_not_tried(
    original, specs, tmp_path, monkeypatch, spin, tried
):
    """Excel hashes 100,000 times; a file asking for more is refused before any hashing."""
    from msoffcrypto.method.ecma376_agile import ECMA376Agile

    locked = encrypt(original, tmp_path / "甲.xlsx", DEFAULT_PASSWORD)
    data = locked.read_bytes()
    at = data.index(b'spinCount="100000"')
    locked.write_bytes(data[:at] + b'spinCount="' + spin.encode() + data[at + 17 :])
    calls = []
    real = ECMA376Agile.makekey_from_password
    monkeypatch.setattr(
        ECMA376Agile, "makekey_from_password", lambda *a: calls.append(a) or real(*a)
    )
    report = check_path(locked, specs).report
    assert bool(calls) is tried
    assert (report.status != "unreadable") is tried
