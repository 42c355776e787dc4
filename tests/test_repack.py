"""The worksheets the guard inflated are handed to calamine stored, not inflated again: the
cells, merges and sheets read are the same as from the file as submitted, and a package that
is not plain is read as submitted."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
import python_calamine
from corpus import base_rubric

from addin.kinds.rubric.template import rubric_workbook
from addin.limits import DEFAULT_LIMITS
from addin.spec import load_specs
from addin.workbook import calamine_reader, guard
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.guard import inspect_archive, sheet_parts
from addin.workbook.repack import stored_sheets


def calamine_read(blob: bytes) -> list:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(blob))
    try:
        return [
            (name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges)
            for name in book.sheet_names
            for sheet in [book.get_sheet_by_name(name)]
        ]
    finally:
        book.close()


def inflated_of(path: Path) -> tuple[zipfile.ZipFile, dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    kept: dict[str, bytes] = {}
    inspect_archive(archive, DEFAULT_LIMITS, sheet_parts(archive), kept)
    return archive, kept


def test_the_stored_package_reads_as_the_submitted_one(tmp_path):
    path = base_rubric(tmp_path / "a.xlsx")
    archive, kept = inflated_of(path)
    assert set(kept) == set(sheet_parts(archive).values())  # every sheet, inflated once
    repacked = stored_sheets(archive, kept)
    assert repacked is not None
    with zipfile.ZipFile(io.BytesIO(repacked)) as again:
        assert again.testzip() is None  # every CRC as the directory says
        assert {i.filename: i.compress_type for i in again.infolist() if i.filename in kept} == {
            name: zipfile.ZIP_STORED for name in kept
        }
        assert {i.filename: again.read(i) for i in again.infolist()} == {
            i.filename: archive.read(i) for i in archive.infolist()
        }
    assert calamine_read(repacked) == calamine_read(path.read_bytes())


def test_check_reads_the_stored_package(tmp_path, monkeypatch):
    path = base_rubric(tmp_path / "a.xlsx")
    used = []
    real = calamine_reader.stored_sheets

    def spy(archive, inflated):
        used.append(real(archive, inflated))
        return used[-1]

    monkeypatch.setattr(calamine_reader, "stored_sheets", spy)
    data, cut = read_workbook(path)
    assert used and used[0] is not None
    assert [(s.name, s.rows) for s in data.sheets] == [
        (name, rows) for name, rows, _merges in calamine_read(path.read_bytes())
    ]


def _flag(blob: bytes, name: bytes, bit: int) -> bytes:
    """The package with `bit` set in the flags of member `name`'s directory entry."""
    at = blob.index(b"PK\x01\x02")
    while blob[at + 46 : at + 46 + struct.unpack_from("<H", blob, at + 28)[0]] != name:
        at = blob.index(b"PK\x01\x02", at + 46)
    flags = struct.unpack_from("<H", blob, at + 8)[0] | bit
    return blob[: at + 8] + struct.pack("<H", flags) + blob[at + 10 :]


def _renamed_locally(blob: bytes, name: bytes) -> bytes:
    """The package whose local header of `name` (its first mention) names another part."""
    at = blob.index(name)
    return blob[:at] + name[:-5] + b"X.xml" + blob[at + len(name) :]


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("odd", ["encrypted", "local name", "twice", "bzip2"])
def test_a_package_that_is_not_plain_is_read_as_submitted(tmp_path, odd):
    path = base_rubric(tmp_path / "a.xlsx")
    sheet = b"xl/worksheets/sheet1.xml"
    blob = path.read_bytes()
    if odd == "encrypted":
        blob = _flag(blob, sheet, 0x1)
    elif odd == "local name":
        blob = _renamed_locally(blob, sheet)
    else:
        out = io.BytesIO()
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                if odd == "bzip2" and info.filename == "xl/styles.xml":
                    dst.writestr(info.filename, src.read(info), zipfile.ZIP_BZIP2)
                else:
                    dst.writestr(info, src.read(info))
            if odd == "twice":
                dst.writestr("docProps/app.xml", b"<Properties/>")
        blob = out.getvalue()
    archive = zipfile.ZipFile(io.BytesIO(blob))
    kept = {part: b"<worksheet/>" for part in sheet_parts(archive).values()}
    assert stored_sheets(archive, kept) is None


def test_a_plain_package_calamine_refuses_is_read_as_submitted(tmp_path, monkeypatch):
    """Whatever calamine makes of the stored package, a failure there is never the answer:
    the file is read again as submitted."""
    path = base_rubric(tmp_path / "a.xlsx")
    monkeypatch.setattr(calamine_reader, "stored_sheets", lambda archive, inflated: b"PK broken")
    data, _cut = read_workbook(path)
    assert [s.name for s in data.sheets] == [n for n, _r, _m in calamine_read(path.read_bytes())]


def two_branches(path: Path) -> Path:
    spec = load_specs().by_id("rubric_2022")
    scores = {i.no: float(i.points) for i in spec.items}
    rubric_workbook(spec, {"第一党支部": scores, "第二党支部": scores}).save(path)
    return path


@pytest.mark.parametrize("more", [0, 1])
def test_what_the_guard_keeps_for_the_reader_is_bounded(tmp_path, monkeypatch, more):
    """Sheets are kept until they reach the bound; the rest calamine inflates itself."""
    path = two_branches(tmp_path / "two.xlsx")
    with zipfile.ZipFile(path) as z:
        first, second = (z.getinfo(p) for p in sorted(sheet_parts(z).values()))
    monkeypatch.setattr(guard, "_KEEP_MOST", first.file_size + more)
    archive, kept = inflated_of(path)
    assert set(kept) == ({first.filename, second.filename} if more else {first.filename})
    repacked = stored_sheets(archive, kept)
    assert repacked is not None
    assert calamine_read(repacked) == calamine_read(path.read_bytes())
