"""Where an Open XML package keeps its workbook: the part its `_rels/.rels` names as the
officeDocument (ECMA-376 Part 2), usually but not always `xl/workbook.xml`, and the parts that
part's own relationships point to.

Relationship files are read with regular expressions over at most `MAX_RELS` bytes (no DTD
can expand here: the guard refuses a part with one before any of this runs on a path).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from functools import lru_cache

MAX_RELS = 4 << 20
MAX_CACHED = 64 << 10  # parts up to this size are parsed once per content (`_parsed`)
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
_PREFIX = rb"(?:[\w.-]+:)?"
_RELATIONSHIP = re.compile(rb"<" + _PREFIX + rb"Relationship\b(" + _ATTRS + rb")/?>")
_OVERRIDE = re.compile(rb"<" + _PREFIX + rb"Override\b(" + _ATTRS + rb")/?>")
_OFFICE_DOCUMENT = "/officeDocument"
DEFAULT_MAIN = "xl/workbook.xml"


def attribute(attrs: bytes, name: bytes) -> str | None:
    m = _attribute_pattern(name).search(attrs)
    if m is None:
        return None
    text = m.group(2).decode(errors="replace")
    return unescape(text) if "&" in text else text


@lru_cache(maxsize=64)
def _attribute_pattern(name: bytes) -> re.Pattern[bytes]:
    # Compiled once per name: every part's relationships are read this way, on every file.
    return re.compile(rb"(?:\b[\w.-]+:|\b)" + name + rb"=([\"'])(.*?)\1", re.S)


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each member's name as the package means it → as stored. Part names compare without
    regard to ASCII case (ECMA-376 Part 2), and some writers store Windows paths
    ("xl\\workbook.xml"), which calamine reads as "xl/workbook.xml". (Shared between packages
    with the same names, as a template's submissions are: not to be changed by the caller.)"""
    names = tuple(archive.namelist())
    if len(names) > _MEMBERS_CACHED:
        return _members.__wrapped__(names)
    return _members(names)


_MEMBERS_CACHED = 256


@lru_cache(maxsize=64)
def _members(names: tuple[str, ...]) -> dict[str, str]:
    return {_key(name): name for name in names}


def read_member(archive: zipfile.ZipFile, name: str, most: int) -> bytes:
    """`archive.open(name).read(most)`, with its errors. A small member is remembered by all
    that decides what that read gives (its directory entry, local header and packed bytes):
    the parts of a template recur byte for byte in every submission, and zipfile's reader
    costs more per member than the reading."""
    info = archive.getinfo(name)
    key = _read_key(archive, info, most)
    found = _READ.get(key) if key is not None else None
    if found is None:
        with archive.open(info) as member:
            found = member.read(most)
        if key is not None:
            if len(_READ) >= _READ_MAX:
                _READ.clear()
                _READ_ENTRIES.clear()
            _READ[key] = found
            _READ_ENTRIES[key[:-1]] = key
    return found


_READ: dict[tuple, bytes] = {}
_READ_MAX = 256


def _read_key(archive: zipfile.ZipFile, info: zipfile.ZipInfo, most: int) -> tuple | None:
    if info.compress_size > MAX_CACHED or info.file_size > MAX_CACHED:
        return None
    entry = (
        info.filename,
        info.flag_bits,
        info.compress_type,
        info.CRC,
        info.file_size,
        info.compress_size,
        most,
    )
    fp = archive.fp
    if isinstance(fp, PackageBytes) and info.header_offset >= 0:
        # A member read before under the same entry: its local header, name, extra field and
        # packed bytes compared where they stand in the package, neither copied nor hashed.
        known = _READ_ENTRIES.get(entry)
        if known is not None and fp.data.startswith(known[-1], info.header_offset):
            return known
    found = local_entry(archive, info)
    if found is None:
        return None
    local, name_extra, packed = found
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    if len(name_extra) < name_length + extra_length or len(packed) < info.compress_size:
        return None
    return (*entry, local + name_extra + packed)


# The entry (all of a key but the bytes) → the key last remembered with it (`read_member`).
_READ_ENTRIES: dict[tuple, tuple] = {}


class PackageBytes(io.BytesIO):
    """A package read into memory, as a file to open it with `zipfile`; `data` holds its
    bytes as they are (writing is refused: they never change)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.data = data

    def writable(self) -> bool:
        return False

    def write(self, b) -> int:
        raise io.UnsupportedOperation("read-only package")

    def writelines(self, lines) -> None:
        raise io.UnsupportedOperation("read-only package")

    def truncate(self, size=None) -> int:
        raise io.UnsupportedOperation("read-only package")


def local_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bool = True
) -> tuple[bytes, bytes, bytes] | None:
    """A member as the zip holds it: its local header (30 bytes), the name and extra field
    after it, and (`data`) its packed bytes — as many as the file has of them, up to
    `compress_size`. None when no local header starts at the member's offset."""
    fp = archive.fp
    if fp is None:
        return None
    at = info.header_offset
    if isinstance(fp, PackageBytes) and at >= 0:  # sliced from the bytes, not read
        blob = fp.data
        end = data_start(blob, at)
        if end is None:
            return None
        packed = blob[end : end + info.compress_size] if data else b""
        return blob[at : at + 30], blob[at + 30 : end], packed
    fp.seek(at)
    local = fp.read(30)
    if len(local) < 30 or local[:4] != zipfile.stringFileHeader:
        return None
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    name_extra = fp.read(name_length + extra_length)
    return local, name_extra, fp.read(info.compress_size) if data else b""


_NAME_EXTRA = struct.Struct("<HH")


def data_start(blob: bytes, at: int) -> int | None:
    """Where the packed bytes of the member whose local header is at `at` start in the
    package's bytes; None when no local header starts there (as `local_entry` reads it)."""
    if at < 0 or at + 30 > len(blob) or not blob.startswith(zipfile.stringFileHeader, at):
        return None
    name_length, extra_length = _NAME_EXTRA.unpack_from(blob, at + 26)
    return at + 30 + name_length + extra_length


def _key(name: str) -> str:
    return name.replace("\\", "/").lower()


def _read(archive: zipfile.ZipFile, name: str, names: dict[str, str] | None = None) -> bytes | None:
    names = members(archive) if names is None else names
    try:
        return read_member(archive, names.get(_key(name), name), MAX_RELS)
    except KeyError:
        return None


def relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, target part) of each relationship of `part` ("" for the package itself),
    targets resolved against the part's folder; a target that exists is named as stored."""
    names = members(archive)
    folder, base = posixpath.split(part.replace("\\", "/"))
    rels = _read(archive, posixpath.join(folder, "_rels", base + ".rels"), names)
    if rels is None:
        return []
    parse = _parsed if len(rels) <= MAX_CACHED else _parsed.__wrapped__
    return [(rid, kind, names.get(key, full)) for rid, kind, full, key in parse(rels, folder)]


@lru_cache(maxsize=256)
def _parsed(rels: bytes, folder: str) -> tuple[tuple[str, str, str, str], ...]:
    """(Id, Type, target part, its key) of each internal relationship in a .rels part. Cached:
    the submissions of one template carry the same relationship parts byte for byte."""
    found = []
    for m in _RELATIONSHIP.finditer(rels):
        rid, kind = attribute(m.group(1), b"Id") or "", attribute(m.group(1), b"Type") or ""
        target = attribute(m.group(1), b"Target")
        if target is None or attribute(m.group(1), b"TargetMode") == "External":
            continue
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        full = posixpath.normpath(full)
        found.append((rid, kind, full, _key(full)))
    return tuple(found)


def main_part(archive: zipfile.ZipFile) -> str | None:
    """The package's main document part (its name as stored), as its `_rels/.rels` says, if
    it exists."""
    names = members(archive)
    for _rid, kind, target in relationships(archive, ""):
        if kind.endswith(_OFFICE_DOCUMENT) and _key(target) in names:
            return names[_key(target)]
    return names.get(DEFAULT_MAIN)


def content_type(archive: zipfile.ZipFile, part: str) -> str:
    """The part's content type from `[Content_Types].xml` ("" if it has no override)."""
    types = _read(archive, "[Content_Types].xml") or b""
    parse = _overrides if len(types) <= MAX_CACHED else _overrides.__wrapped__
    return parse(types).get(_key(part), "")


@lru_cache(maxsize=64)
def _overrides(types: bytes) -> dict[str, str]:
    """Part key → content type of each Override, the first for a part (cached as `_parsed`)."""
    found: dict[str, str] = {}
    for m in _OVERRIDE.finditer(types):
        key = _key((attribute(m.group(1), b"PartName") or "").lstrip("/"))
        if key not in found:
            found[key] = attribute(m.group(1), b"ContentType") or ""
    return found


def has_macros(path) -> bool:
    """Whether the package holds a VBA project (an .xlsm's macros)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
