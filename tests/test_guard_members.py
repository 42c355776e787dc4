"""The guard's per-member decisions, made in one pass over the directory: a recurring part
is known by its packed bytes compared where they stand in the package (the directory entry
only finds what to compare with: a hostile file can give any CRC), and the packed bytes are
read as `package.local_entry` reads them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import replace
from types import SimpleNamespace

import pytest
from corpus import _with_doctype, base_rubric
from hypothesis import given, settings
from hypothesis import strategies as st
from test_guard_scan import _sheet, floors, pieces, rows

from addin.limits import DEFAULT_LIMITS
from addin.workbook import guard
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.guard import inspect_archive
from addin.workbook.model import UnreadableWorkbook
from addin.workbook.package import PackageBytes, data_start, local_entry

PART = "xl/extra.xml"


def _text(size: int, seed: bytes) -> bytes:
    body = (seed * (size // len(seed) + 1))[: size - 15]
    return b"<extra>" + body + b"</extra>"


def _package(tmp_path, name: str, part: bytes, crc: int | None = None) -> bytes:
    """The rubric template with `part` stored (not deflated) as PART; `crc`: the CRC its
    directory entry and local header claim instead of its own."""
    base = base_rubric(tmp_path / f"base-{name}.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(PART, part, zipfile.ZIP_STORED)
    data = out.getvalue()
    if crc is not None:
        own = struct.pack("<I", zlib.crc32(part))
        assert data.count(own) == 2  # the local header's and the directory's
        data = data.replace(own, struct.pack("<I", crc))
    (tmp_path / f"{name}.xlsx").write_bytes(data)
    return data


def _inspect(data: bytes) -> None:
    with zipfile.ZipFile(PackageBytes(data)) as archive:
        inspect_archive(archive, DEFAULT_LIMITS)


def _entry(data: bytes) -> tuple[int, int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(PART)
        return info.compress_type, info.compress_size, info.CRC


# 500 bytes: only its head is read (`_CLEAN_HEADS`); 2,000: inflated whole (`_KNOWN`).
@pytest.mark.parametrize("size", [500, 2_000])
def test_a_part_like_a_remembered_one_in_all_but_its_bytes_is_inspected(tmp_path, size):
    clean = _text(size, b"abcdefghij")
    _inspect(_package(tmp_path, "clean", clean))  # remembered
    hostile = _with_doctype(_text(size - 19, b"klmnopqrst"), b"<!DOCTYPE extra []>")
    assert len(hostile) == len(clean) and b"<!DOCTYPE" not in clean
    data = _package(tmp_path, "hostile", hostile, crc=zlib.crc32(clean))
    assert _entry(data) == _entry(_package(tmp_path, "again", clean))  # the same entry
    with pytest.raises(UnreadableWorkbook, match=f"文件部件 {PART} 含有文档类型声明"):
        _inspect(data)
    with pytest.raises(UnreadableWorkbook, match=f"文件部件 {PART} 含有文档类型声明"):
        read_workbook(tmp_path / "hostile.xlsx")


@pytest.mark.parametrize("size", [500, 2_000])
def test_a_part_equal_to_a_remembered_one_is_known_where_it_stands(tmp_path, size):
    data = _package(tmp_path, "clean", _text(size, b"abcdefghij"))
    _inspect(data)
    with zipfile.ZipFile(PackageBytes(data)) as archive:
        info = archive.getinfo(PART)
        found = guard._known_key(archive, info, archive.fp.data)
        fresh = guard._known_key(archive, info)
    assert found == fresh and found is not fresh  # the remembered key, not a new one
    assert found in (guard._KNOWN if size > 1_000 else guard._CLEAN_HEADS)
    _inspect(data)
    read_workbook(tmp_path / "clean.xlsx")


@pytest.mark.parametrize("shorter", [False, True])
def test_remembered_bytes_one_short_of_the_directory_entry_are_not_the_part(tmp_path, shorter):
    """(As a part remembered from a package that ended inside it would be.)"""
    data = _package(tmp_path, "clean", _text(2_000, b"abcdefghij"))
    with zipfile.ZipFile(PackageBytes(data)) as archive:
        info = archive.getinfo(PART)
        packed = guard._packed(archive, info)
        remembered = (info.compress_type, packed[: len(packed) - shorter])
        guard._remember(guard._KNOWN, remembered, (len(packed),), info)
        found = guard._known_key(archive, info, archive.fp.data)
    assert found == (info.compress_type, packed)
    assert (found is remembered) is not shorter


@given(
    before=st.binary(max_size=40),
    header=st.binary(min_size=0, max_size=34),
    signed=st.booleans(),
    after=st.binary(max_size=80),
    at=st.integers(-3, 60),
    packed=st.integers(0, 90),
)
def test_packed_bytes_are_read_as_local_entry_reads_them(before, header, signed, after, at, packed):
    if signed:
        header = zipfile.stringFileHeader + header[4:]
    blob = before + header + after
    info = zipfile.ZipInfo(PART)
    info.header_offset, info.compress_size = at, packed
    sliced = SimpleNamespace(fp=PackageBytes(blob))  # the reader's package
    read = SimpleNamespace(fp=io.BytesIO(blob))  # any other file: seek and read
    old = _outcome(lambda: local_entry(read, info))
    new = _outcome(lambda: guard._packed(sliced, info))
    if isinstance(old, tuple):
        assert new == old[2]
        assert blob[data_start(blob, at) :].startswith(new)
    elif old is None:
        assert type(new) is zipfile.BadZipFile
        assert data_start(blob, at) is None
    else:
        assert type(new) is type(old)
    assert new == _outcome(lambda: guard._packed(read, info)) or not isinstance(new, bytes)


def _outcome(read):
    try:
        return read()
    except (ValueError, zipfile.BadZipFile) as exc:
        return exc


@given(
    most=st.integers(0, 1 << 63),
    member=st.integers(-5, 1 << 40),
    floor=st.integers(-5, 1 << 40),
)
def test_the_limits_of_one_member_as_one_figure(most, member, floor):
    limits = replace(DEFAULT_LIMITS, max_member=member, ratio_floor=floor)
    old = most <= limits.max_member and most < limits.ratio_floor
    assert (most <= guard._member_most(limits)) is old


class _FlushedScan(guard._ExtentScan):
    """The scan with the flush it had before: whatever was kept, looked at again."""

    def extent(self):
        self.feed(b"<")
        return guard.Extent(self.rows, self.cols, self._row_cell, self._col_cell)


_ENDS = st.sampled_from(
    [b"", b"</worksheet>", b"</x:worksheet>", b'</x r="XFD1048576">', b'<c r="XFD1048576">']
    + [b'<c r="A2000000">', b"</c", b"</c><c", b"<", b'</a><c r="ZZ9">', b"<x:c>", b"<row>"]
)


@settings(max_examples=100)
@given(
    xml=st.builds(_sheet, rows) | pieces,
    end=st.lists(_ENDS, max_size=3),
    chunk=st.sampled_from([7, 64, 1 << 20]),
    at=floors,
)
def test_a_scan_ends_with_the_extent_its_full_flush_finds(xml, end, chunk, at):
    """A sheet ending in a closing tag is not looked at again; one ending in anything else
    (a cell, a tag cut short) is, to the same extent as before."""
    xml += b"".join(end)
    found = []
    for scan in (guard._ExtentScan(*at), _FlushedScan(*at)):
        for i in range(0, len(xml), chunk):
            scan.feed(xml[i : i + chunk])
        found.append(scan.extent())
    assert found[0] == found[1]


@pytest.mark.parametrize(
    ("rest", "closing"),
    [(b"", True), (b"</worksheet>", True), (b'</c r="A9">', True), (b"</c><c", False)]
    + [(b'<c r="A9">', False), (b"<", False), (b"<x:c>", False), (b"</", True)],
    ids=repr,
)
def test_what_a_scan_kept_is_one_closing_tag_or_not(rest, closing):
    assert guard._closing_only(rest) is closing
