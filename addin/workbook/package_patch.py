"""An OPC package (.xlsx/.xlsm) opened for patching (see `patcher`): parts read on demand,
changed or added parts written new, every other member copied byte for byte (its compressed
bytes as they are). (`package` is where a package keeps its workbook, for the readers.)

Relationships and content types are edited by appending, never renumbering: an existing
`rId7` or `Override` keeps its bytes.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .xml_edit import PatchUnsupported, attr, attributes, unescape

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = REL_NS + "/"
OFFICE_DOCUMENT = REL + "officeDocument"
WORKSHEET = REL + "worksheet"
COMMENTS = REL + "comments"
VML_DRAWING = REL + "vmlDrawing"
STYLES = REL + "styles"
SHARED_STRINGS = REL + "sharedStrings"
THREADED_COMMENTS = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_CT_ENTRY = re.compile(rb"<(?:\w+:)?(Default|Override)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_DATA_DESCRIPTOR = 0x08


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # as written
    external: bool
    part: str | None  # the zip member it points to (None when external)


class Package:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise PatchUnsupported(f"无法作为 zip 打开（{exc}）") from exc
        self.infos = {info.filename: info for info in self.zip.infolist()}
        self._folded = {name.lower(): name for name in self.infos}
        self.changed: dict[str, bytes] = {}
        for info in self.infos.values():
            if info.flag_bits & 0x01:
                raise PatchUnsupported("压缩包成员已加密")

    def close(self) -> None:
        self.zip.close()

    def member(self, name: str) -> str | None:
        """The zip member for a part name (part names compare without case, as OPC says)."""
        if name in self.changed or name in self.infos:
            return name
        return self._folded.get(name.lower())

    def exists(self, name: str) -> bool:
        return self.member(name) is not None

    def read(self, name: str) -> bytes:
        member = self.member(name)
        if member is None:
            raise PatchUnsupported(f"缺少部件 {name}")
        if member in self.changed:
            return self.changed[member]
        return self.zip.read(member)

    def write(self, name: str, data: bytes) -> None:
        self.changed[self.member(name) or name] = data

    def free_name(self, pattern: str) -> str:
        """The first `pattern % n` (n = 1, 2, …) no member has."""
        n = 1
        while self.exists(pattern % n):
            n += 1
        return pattern % n

    # --- relationships -------------------------------------------------------------------------
    @staticmethod
    def rels_name(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of `part` ("" for the package's own)."""
        name = self.rels_name(part)
        if not self.exists(name):
            return []
        found = []
        folder = posixpath.dirname(part)
        for match in _RELATIONSHIP.finditer(self.read(name)):
            a = attributes(match.group(0))
            target = a.get("Target", "")
            external = a.get("TargetMode") == "External"
            found.append(
                Relationship(
                    a.get("Id", ""),
                    a.get("Type", ""),
                    target,
                    external,
                    None if external else resolve(folder, target),
                )
            )
        return found

    def add_relationship(self, part: str, type_: str, target_part: str) -> str:
        """Relate `part` to `target_part` (a relative target); returns the new, unused Id."""
        name = self.rels_name(part)
        taken = {r.id for r in self.relationships(part)}
        n = len(taken) + 1
        while f"rId{n}" in taken:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(part) or ".")
        entry = (
            b"<Relationship Id="
            + attr(rid)
            + b" Type="
            + attr(type_)
            + b" Target="
            + attr(target)
            + b"/>"
        )
        if self.exists(name):
            xml = self.read(name)
            close = xml.rfind(b"</")
            if close < 0 or not xml[close:].startswith((b"</Relationships", b"</")):
                raise PatchUnsupported(f"{name} 不是有效的关系部件")
            if b"<Relationships" not in xml:
                raise PatchUnsupported(f"{name} 使用了带前缀的命名空间")
            self.write(name, xml[:close] + entry + xml[close:])
        else:
            self.write(
                name,
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                b'relationships">' + entry + b"</Relationships>",
            )
        return rid

    def remove_relationship(self, part: str, rid: str) -> None:
        name = self.rels_name(part)
        xml = self.read(name)
        for match in _RELATIONSHIP.finditer(xml):
            if attributes(match.group(0)).get("Id") == rid:
                self.write(name, xml[: match.start()] + xml[match.end() :])
                return

    # --- content types -------------------------------------------------------------------------
    def content_type(self, part: str) -> str | None:
        xml = self.read("[Content_Types].xml")
        default = None
        ext = part.rsplit(".", 1)[-1].lower()
        for match in _CT_ENTRY.finditer(xml):
            a = attributes(match.group(0))
            if (
                match.group(1) == b"Override"
                and a.get("PartName", "").lower() == ("/" + part).lower()
            ):
                return a.get("ContentType")
            if match.group(1) == b"Default" and a.get("Extension", "").lower() == ext:
                default = a.get("ContentType")
        return default

    def add_content_type(self, part: str | None, content_type: str, extension: str = "") -> None:
        """An Override for `part`, or (part None) a Default for `extension` if none exists."""
        xml = self.read("[Content_Types].xml")
        if part is None:
            for match in _CT_ENTRY.finditer(xml):
                a = attributes(match.group(0))
                if match.group(1) == b"Default" and a.get("Extension", "").lower() == extension:
                    return
            entry = b"<Default Extension=" + attr(extension) + b" ContentType="
        else:
            entry = b"<Override PartName=" + attr("/" + part) + b" ContentType="
        entry += attr(content_type) + b"/>"
        close = xml.rfind(b"</Types>")
        if close < 0:
            raise PatchUnsupported("[Content_Types].xml 的格式无法识别")
        self.write("[Content_Types].xml", xml[:close] + entry + xml[close:])

    # --- writing -------------------------------------------------------------------------------
    def save(self, dst: Path) -> None:
        """Write the package to `dst`: unchanged members raw, changed and new ones deflated."""
        with (
            open(self.path, "rb") as src,
            # Level 1: the parts written are small; speed matters more than a few bytes.
            zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
        ):
            for name, info in self.infos.items():
                if name in self.changed:
                    out.writestr(_fresh_info(info), self.changed[name])
                else:
                    _copy_raw(src, out, info)
            for name, data in self.changed.items():
                if name not in self.infos:
                    out.writestr(_fresh_info(zipfile.ZipInfo(name)), data)


def resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name."""
    target = unescape(target.encode()) if "&" in target else target
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _fresh_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = zipfile.ZIP_DEFLATED
    fresh.external_attr = info.external_attr
    return fresh


def _copy_raw(src, out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes unchanged (no inflate, no deflate)."""
    src.seek(info.header_offset)
    header = src.read(30)
    if header[:4] != b"PK\x03\x04":
        raise PatchUnsupported(f"压缩包成员 {info.filename} 的本地文件头损坏")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    src.seek(info.header_offset + 30 + name_len + extra_len)
    raw = src.read(info.compress_size)
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = info.compress_type
    copy.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR
    copy.CRC, copy.compress_size, copy.file_size = info.CRC, info.compress_size, info.file_size
    copy.external_attr, copy.create_system = info.external_attr, info.create_system
    copy.extract_version = info.extract_version
    copy.header_offset = out.fp.tell()
    out._writecheck(copy)  # noqa: SLF001 — the one way to add a member without recompressing
    out._didModify = True  # noqa: SLF001
    out.fp.write(copy.FileHeader(None))
    out.fp.write(raw)
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out.start_dir = out.fp.tell()
