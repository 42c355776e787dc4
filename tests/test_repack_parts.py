"""A template's small parts other than sheets (styles, workbook part, relationships) are
inflated whole once, remembered by their packed bytes, and handed to calamine stored like the
sheets: what it reads is the same, only how it is packed changes. Only a part that inflates to
at most `_WHOLE_MOST` bytes, as many as its directory entry says, with the CRC it says."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from corpus import base_rubric
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_repack import calamine_read

from addin.limits import DEFAULT_LIMITS
from addin.workbook import calamine_reader, guard
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.guard import inspect_archive, sheet_parts
from addin.workbook.model import TooLarge, UnreadableWorkbook
from addin.workbook.package import PackageBytes


def _others(blob: bytes) -> tuple[zipfile.ZipFile, dict[str, bytes], dict[str, bytes]]:
    archive = zipfile.ZipFile(PackageBytes(blob))
    kept: dict[str, bytes] = {}
    others: dict[str, bytes] = {}
    inspect_archive(archive, DEFAULT_LIMITS, sheet_parts(archive), kept, others)
    return archive, kept, others


def _package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def test_the_template_parts_reach_calamine_stored_and_read_the_same(tmp_path, monkeypatch):
    path = base_rubric(tmp_path / "a.xlsx")
    used: list[tuple[dict[str, bytes], bytes | None]] = []
    real = calamine_reader.stored_sheets

    def spy(archive, inflated):
        used.append((dict(inflated), real(archive, inflated)))
        return used[-1][1]

    monkeypatch.setattr(calamine_reader, "stored_sheets", spy)
    data, _cut = read_workbook(path)
    inflated, repacked = used[-1]
    assert "xl/styles.xml" in inflated and "xl/workbook.xml" in inflated
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(io.BytesIO(repacked)) as again:
        assert again.testzip() is None
        assert again.getinfo("xl/styles.xml").compress_type == zipfile.ZIP_STORED
        assert {i.filename: again.read(i) for i in again.infolist()} == {
            i.filename: original.read(i) for i in original.infolist()
        }
    read = calamine_read(path.read_bytes())
    assert calamine_read(repacked) == read
    assert [(s.name, s.rows) for s in data.sheets] == [(n, rows) for n, rows, _m in read]


def test_a_part_of_at_most_the_bound_is_kept_one_byte_more_is_not(monkeypatch):
    monkeypatch.setattr(guard, "_WHOLE_MOST", 300)
    at, past = b"<a>" + b"x" * 293 + b"</a>", b"<b>" + b"y" * 294 + b"</b>"
    assert (len(at), len(past)) == (300, 301)
    _archive, _kept, others = _others(_package({"at.xml": at, "past.xml": past}))
    assert others == {"at.xml": at}


def test_a_part_whose_entry_says_another_size_or_crc_is_not_kept():
    data = b"<styleSheet>" + b"<x/>" * 50 + b"</styleSheet>"
    archive = zipfile.ZipFile(PackageBytes(_package({"s.xml": data})))
    info = archive.getinfo("s.xml")
    key = guard._known_key(archive, info)
    assert guard._whole_part(info, key) == data
    for field, wrong in (("CRC", info.CRC ^ 1), ("file_size", info.file_size + 1)):
        other = zipfile.ZipInfo("s.xml")
        other.compress_type, other.CRC, other.file_size = (
            info.compress_type,
            info.CRC,
            info.file_size,
        )
        setattr(other, field, wrong)
        assert guard._whole_part(other, key) is None  # same packed bytes, another entry
    assert guard._whole_part(info, key) == data  # its own entry: kept again


def test_a_stored_or_broken_part_is_not_kept():
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("s.xml", b"<s/>")
    archive = zipfile.ZipFile(PackageBytes(stored.getvalue()))
    info = archive.getinfo("s.xml")
    assert guard._whole_part(info, guard._known_key(archive, info)) is None
    deflated = zipfile.ZipFile(PackageBytes(_package({"s.xml": b"<s>" * 100})))
    info = deflated.getinfo("s.xml")
    method, packed = guard._known_key(deflated, info)
    assert guard._whole_part(info, (method, packed)) is not None
    assert guard._whole_part(info, (method, packed[:-3])) is None  # cut short: no end
    assert guard._whole_part(info, (method, b"\xff" + packed[1:])) is None  # not deflate


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.dictionaries(
        st.sampled_from(["a.xml", "b.xml", "docProps/c.xml", "xl/d.xml"]),
        st.binary(max_size=400) | st.text(max_size=200).map(str.encode),
        max_size=4,
    ),
    level=st.integers(0, 9),
)
def test_what_is_kept_is_what_zipfile_reads(parts, level):
    """The fast way (remembered, inflated once) against zipfile's own reading: every part
    kept reads as zipfile reads it, and a part is kept exactly when it is deflated and small."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    for _ in range(2):  # first seen, then remembered
        archive, _kept, others = _others(out.getvalue())
        assert others == {
            i.filename: archive.read(i)
            for i in archive.infolist()
            if i.file_size <= guard._WHOLE_MOST
        }


def test_a_part_kept_for_one_file_is_still_held_to_the_next_files_limits_and_dtd():
    """What is remembered of a part saves inflating it, never a check: under the next file's
    own tighter limits the same part is refused, and a part with a DTD is refused and not
    kept, before and after its DTD-free twin was."""
    styles = b"<styleSheet>" + b"<x/>" * 5000 + b"</styleSheet>"  # 20 kB, packed small
    blob = _package({"xl/styles.xml": styles})
    assert _others(blob)[2] == {"xl/styles.xml": styles}
    tight = dataclasses.replace(
        DEFAULT_LIMITS, max_member=1000, max_inflated=1000, ratio_floor=100, max_ratio=5
    )
    archive = zipfile.ZipFile(PackageBytes(blob))
    others: dict[str, bytes] = {}
    with pytest.raises(TooLarge):
        inspect_archive(archive, tight, sheet_parts(archive), {}, others)
    assert others == {}
    dtd = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]>' + styles
    for _ in range(2):
        archive = zipfile.ZipFile(PackageBytes(_package({"xl/styles.xml": dtd})))
        with pytest.raises(UnreadableWorkbook, match="DTD"):
            inspect_archive(archive, DEFAULT_LIMITS, sheet_parts(archive), {}, others)
        assert others == {}
