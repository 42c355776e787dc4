"""A small part read from a package (`package.read_member`) is remembered with everything that
decides the read; one with the same directory entry is known again only when its local
header, name, extra field and packed bytes equal the remembered ones where they stand."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from addin.workbook import package
from addin.workbook.package import PackageBytes, read_member

PART = "xl/workbook.xml"
SAME = b"<workbook>" + b"a" * 200 + b"</workbook>"


def _package(part: bytes, crc: int | None = None, method: int = zipfile.ZIP_STORED) -> bytes:
    """A package holding `part` (with a fixed date, as two submissions of a template could);
    `crc`: the CRC its local header and directory claim instead of its own."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(zipfile.ZipInfo(PART, (2024, 5, 1, 8, 0, 0)), part, method)
    data = out.getvalue()
    if crc is not None:
        own = struct.pack("<I", zlib.crc32(part))
        assert data.count(own) == 2
        data = data.replace(own, struct.pack("<I", crc))
    return data


def _read(data: bytes) -> bytes:
    with zipfile.ZipFile(PackageBytes(data)) as archive:
        return read_member(archive, PART, 1 << 20)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_part_read_again_with_the_same_bytes_is_the_remembered_read(method):
    first = _read(_package(SAME, method=method))
    assert first == SAME
    assert _read(_package(SAME, method=method)) is first


def test_a_part_with_the_same_entry_but_other_bytes_is_read_again():
    _read(_package(SAME))  # remembered
    other = SAME.replace(b"a" * 10, b"b" * 10)
    forged = _package(other, crc=zlib.crc32(SAME))
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert zlib.crc32(SAME) == archive.getinfo(PART).CRC
    # Read as zipfile reads it: the CRC it claims does not match its bytes.
    with pytest.raises(zipfile.BadZipFile, match="CRC"):
        _read(forged)
    assert _read(_package(other)) == other  # and under its own CRC, its own bytes


def test_the_entries_are_forgotten_with_the_reads(monkeypatch):
    monkeypatch.setattr(package, "_READ_MAX", 1)
    _read(_package(SAME))
    _read(_package(SAME + b" "))
    assert len(package._READ) == len(package._READ_ENTRIES) == 1
