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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.kinds.rubric.template import rubric_workbook
from addin.limits import DEFAULT_LIMITS
from addin.spec import load_specs
from addin.workbook import calamine_reader, guard
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.guard import inspect_archive, sheet_parts
from addin.workbook.package import PackageBytes, local_entry
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


# --- The rewriting, held to the one it replaced (which read each member's local header through
# the zip's file object and packed every header anew), on packages plain and odd.


def _reference(archive: zipfile.ZipFile, inflated: dict[str, bytes]) -> bytes | None:
    local_s, central_s, end_s = (
        struct.Struct(zipfile.structFileHeader),
        struct.Struct(zipfile.structCentralDir),
        struct.Struct(zipfile.structEndArchive),
    )
    infos = archive.infolist()
    if len(infos) >= 0xFFFF or len({i.filename for i in infos}) != len(infos):
        return None
    out, central, offset = [], [], 0
    for info in infos:
        if (
            info.flag_bits & 0x1
            or info.compress_type not in (0, 8)
            or max(info.file_size, info.compress_size, info.header_offset) >= 0xFFFFFFFF
        ):
            return None
        data = inflated.get(info.filename)
        fp = archive.fp
        fp.seek(info.header_offset)
        local = fp.read(30)
        if len(local) < 30 or local[:4] != zipfile.stringFileHeader:
            return None
        fields = local_s.unpack(local)
        name_length, extra_length = fields[10], fields[11]
        name_extra = fp.read(name_length + extra_length)
        packed = fp.read(info.compress_size) if data is None else b""
        name = name_extra[:name_length]
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        if len(name_extra) < name_length + extra_length or name != info.orig_filename.encode(
            encoding
        ):
            return None
        if data is not None:
            method, packed = 0, data
        else:
            method = info.compress_type
            if len(packed) < info.compress_size:
                return None
        flags = info.flag_bits & ~0x08
        size = info.file_size if data is None else len(data)
        out += [
            local_s.pack(
                *fields[:3], flags, method, *fields[5:7], info.CRC, len(packed), size, *fields[10:]
            ),
            name_extra,
            packed,
        ]
        central.append(
            central_s.pack(
                zipfile.stringCentralDir,
                info.create_version,
                info.create_system,
                info.extract_version,
                info.reserved,
                flags,
                method,
                *fields[5:7],
                info.CRC,
                len(packed),
                size,
                name_length,
                len(info.extra),
                0,
                0,
                info.internal_attr,
                info.external_attr,
                offset,
            )
            + name
            + info.extra
        )
        offset += 30 + len(name_extra) + len(packed)
    directory = b"".join(central)
    end = end_s.pack(
        zipfile.stringEndArchive, 0, 0, len(infos), len(infos), len(directory), offset, 0
    )
    return b"".join(out) + directory + end


class _Stream(io.RawIOBase):
    """A file zipfile cannot seek back in: it writes each member's CRC and sizes after the
    data (a data descriptor, flag 0x08), as a streamed download would be."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


_NAMES = ["xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml", "表.xml", "a"]
# Local header fields a writer (or an attacker) may set unlike the directory: offset → format.
_LOCAL_FIELDS = {6: "<H", 8: "<H", 10: "<H", 14: "<I", 18: "<I", 22: "<I", 30: "<B"}


def _package(members, streamed: bool) -> bytes:
    target = _Stream() if streamed else io.BytesIO()
    with zipfile.ZipFile(target, "w") as z:
        for name, data, method in members:
            z.writestr(name, data, method)
    return bytes(target.data) if streamed else target.getvalue()


@st.composite
def _packages(draw):
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True))
    members = [
        (name, draw(st.binary(max_size=300)), draw(st.sampled_from([0, 8]))) for name in names
    ]
    blob = bytearray(_package(members, draw(st.booleans())))
    with zipfile.ZipFile(io.BytesIO(bytes(blob))) as z:
        offsets = [i.header_offset for i in z.infolist()]
    for _ in range(draw(st.integers(0, 3))):  # a local header unlike the directory
        at = draw(st.sampled_from(offsets))
        field, form = draw(st.sampled_from(sorted(_LOCAL_FIELDS.items())))
        value = draw(
            st.integers(0, 0xFF if form == "<B" else 0xFFFF if form == "<H" else 0xFFFFFFFF)
        )
        struct.pack_into(form, blob, at + field, value)
    if draw(st.booleans()):  # bytes before the zip (a self-extractor's stub)
        blob[:0] = draw(st.binary(min_size=1, max_size=40))
    if draw(st.booleans()):  # a directory said to start further on: offsets before the file
        end = len(blob) - 22
        struct.pack_into("<I", blob, end + 16, blob[end + 16] + draw(st.integers(1, 40)))
    kept = {name: draw(st.binary(max_size=400)) for name in names if draw(st.booleans())}
    return bytes(blob), kept


def _outcome(read, *args):
    try:
        return read(*args)
    except ValueError as exc:  # a member's offset before the file's start: seek's own error
        return type(exc)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_packages(), st.booleans())
def test_the_rewriting_is_the_one_it_replaced(package, in_memory):
    """Over the bytes a check read (`PackageBytes`) or any file zipfile opened."""
    blob, kept = package
    try:
        archive = zipfile.ZipFile((PackageBytes if in_memory else io.BytesIO)(blob))
        reference = _outcome(_reference, zipfile.ZipFile(io.BytesIO(blob)), kept)
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    assert _outcome(stored_sheets, archive, kept) == reference


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_packages(), st.booleans())
def test_a_member_is_sliced_from_the_bytes_as_zipfile_reads_it(package, data):
    """`local_entry` over the bytes in memory gives what reading the file gives, for members
    with odd local headers and offsets before the file's start (seek's ValueError) too."""
    blob, _kept = package
    try:
        sliced = zipfile.ZipFile(PackageBytes(blob))
        read = zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    for mine, theirs in zip(sliced.infolist(), read.infolist(), strict=True):
        assert _outcome(local_entry, sliced, mine, data) == _outcome(
            local_entry, read, theirs, data
        )


def test_the_bytes_in_memory_are_never_written():
    package = PackageBytes(b"PK")
    with pytest.raises(io.UnsupportedOperation):
        package.write(b"x")
    assert package.data == b"PK" and package.getvalue() == b"PK" and not package.writable()


def _directory_entry(blob: bytes, name: bytes) -> int:
    at = blob.index(b"PK\x01\x02")
    while blob[at + 46 : at + 46 + struct.unpack_from("<H", blob, at + 28)[0]] != name:
        at = blob.index(b"PK\x01\x02", at + 46)
    return at


@pytest.mark.parametrize("more", [0, 1])
def test_a_member_whose_packed_bytes_run_past_the_file_is_read_as_submitted(more):
    """The directory may claim more packed bytes than the file holds: up to its last byte the
    member is copied, one past it the package is not rewritten."""
    blob = _package([("a.xml", b"<a/>", 0), ("b.xml", b"<b/>" * 50, 8)], streamed=False)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        info = z.getinfo("b.xml")
    data_start = info.header_offset + 30 + len(b"b.xml")
    at = _directory_entry(blob, b"b.xml")
    claimed = len(blob) - data_start + more
    blob = blob[: at + 20] + struct.pack("<I", claimed) + blob[at + 24 :]
    archive = zipfile.ZipFile(io.BytesIO(blob))
    repacked = stored_sheets(archive, {"a.xml": b"<a/>"})
    assert (repacked is None) == bool(more)
    assert repacked == _reference(archive, {"a.xml": b"<a/>"})


@pytest.mark.parametrize("streamed", [False, True])
def test_a_local_header_unlike_the_directory_is_written_as_the_directory_says(streamed):
    """A member the guard did not keep is copied with its header when that header says what the
    directory says; a streamed one's (CRC and sizes after the data) gets the directory's."""
    blob = _package([("a.xml", b"<a/>" * 40, 8), ("b.xml", b"<b/>", 8)], streamed)
    archive = zipfile.ZipFile(io.BytesIO(blob))
    repacked = stored_sheets(archive, {"b.xml": b"<b/>"})
    assert repacked is not None
    info = archive.getinfo("a.xml")
    header = struct.unpack_from(zipfile.structFileHeader, repacked, 0)
    assert header[3] == info.flag_bits & ~0x08 and header[7:10] == (
        info.CRC,
        info.compress_size,
        info.file_size,
    )
    assert (repacked[: 30 + 5 + info.compress_size] == blob[: 30 + 5 + info.compress_size]) == (
        not streamed
    )
    with zipfile.ZipFile(io.BytesIO(repacked)) as again:
        assert again.testzip() is None
        assert again.read("a.xml") == b"<a/>" * 40 and again.read("b.xml") == b"<b/>"


@pytest.mark.parametrize("room", [30, 29])
def test_a_local_header_said_to_start_in_the_last_bytes_is_read_as_submitted(room):
    """A member's offset that leaves 30 bytes for its local header, or 29: no header is there
    (nor room for one), and the package is not rewritten."""
    blob = _package([("a.xml", b"<a/>", 0), ("b.xml", b"<b/>", 0)], streamed=False)
    at = _directory_entry(blob, b"b.xml")
    blob = blob[: at + 42] + struct.pack("<I", len(blob) - room) + blob[at + 46 :]
    archive = zipfile.ZipFile(PackageBytes(blob))
    assert stored_sheets(archive, {"a.xml": b"<a/>"}) is None
    assert _reference(zipfile.ZipFile(io.BytesIO(blob)), {"a.xml": b"<a/>"}) is None
    assert local_entry(archive, archive.getinfo("b.xml")) is None
