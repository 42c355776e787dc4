"""Zip archives in an inbox, read in place: nothing is extracted into the inbox.

A 党总支 often sends `第一党总支材料.zip` holding its workbook and a scanned PDF. `list_archive`
reads the zip's directory and says what is inside — the members to look at, one level of nested
zips (inflated into a work folder, never the inbox), and a finding for every member it refuses;
`read_member` inflates one member, in the worker that checks it, within the limits of
`addin/limits.py` (the same as for the parts of a workbook). Both run in worker processes
(`isolation`), so a hostile zip costs at most its worker.

A zip made on Chinese Windows stores GBK names without the UTF-8 flag; `member_name` reads the
flag, then Info-ZIP's Unicode path field, then GBK/GB18030, then cp437 (what the zip format
says). Refused, each with a finding on its archive: paths that climb out (`../`, absolute, a
drive letter), encrypted members, members whose declared size passes a limit, a zip inside a
zip inside a zip.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from . import findings as F
from .findings import Finding
from .limits import MIB, Limits
from .safe_text import visible_name
from .workbook.guard import _check_size, _inflate
from .workbook.model import TooLarge, UnreadableWorkbook

ZIP_SUFFIXES = {".zip"}
# Archive formats without a free pure-Python reader: a finding asking for a zip.
OTHER_ARCHIVES = {".rar": "RAR", ".7z": "7z", ".tar": "tar", ".gz": "gzip", ".tgz": "gzip"}
# What operating systems add to folders and zips by themselves: never a submission.
SYSTEM_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
SYSTEM_FOLDERS = {"__macosx"}
_UNICODE_PATH_FIELD = 0x7075  # Info-ZIP: version, CRC-32 of the header name, UTF-8 name
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_CJK_TEXT = re.compile(r"[\x20-\x7e\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*")


@dataclass(frozen=True)
class Member:
    """A file inside an archive (or inside a zip inside it), to be checked or listed."""

    source: Path  # the zip holding it: the archive, or a nested zip inflated to the work folder
    index: int  # its place in `source`'s directory (names need not be unique or decodable)
    name: str  # its path from the outer archive, "/"-separated: "子文件夹/文件.xlsx"
    modified: datetime


@dataclass
class Listing:
    members: list[Member] = field(default_factory=list)
    # archive (by its path from the outer archive; "" the archive itself) → its findings
    problems: dict[str, list[Finding]] = field(default_factory=dict)


def is_system_file(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (
        parts[-1].lower() in SYSTEM_NAMES
        or any(p.lower() in SYSTEM_FOLDERS for p in parts)
        or parts[-1].startswith("._")  # macOS resource forks beside every file
    )


@dataclass
class _Walk:
    limits: Limits
    work: Path  # where nested zips are inflated
    read: frozenset[str]  # suffixes of the members that will be read (workbooks)
    listing: Listing = field(default_factory=Listing)
    budget: int = 0  # bytes of the total (`max_inflated`) not yet promised to a member


def list_archive(path: Path, limits: Limits, work: Path, read: frozenset[str]) -> Listing:
    """What the zip at `path` holds, nested zips one level deep (inflated into `work`).
    Members with a suffix in `read` will be inflated later: their declared sizes must fit the
    limits (a member, the ratio, all of them together) — `read_member` holds them to it."""
    walk = _Walk(limits, work, read, budget=limits.max_inflated)
    _list(path, "", walk)
    return walk.listing


def _list(path: Path, prefix: str, walk: _Walk) -> None:
    limits, listing = walk.limits, walk.listing
    problems = listing.problems.setdefault(prefix.rstrip("/"), [])
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_members:
                reason = f"压缩包中有 {len(infos)} 个文件，超过上限 {limits.max_members} 个"
                problems.append(F.ARCHIVE_TOO_LARGE(reason=reason))
                return
            for index, info in enumerate(infos):
                _member(archive, index, info, prefix, walk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        problems.append(F.ARCHIVE_UNREADABLE(reason=_why_corrupt(exc)))


def _member(archive: zipfile.ZipFile, index: int, info, prefix: str, walk: _Walk) -> None:
    limits, listing = walk.limits, walk.listing
    name = member_name(info).replace("\\", "/")
    if name.endswith("/") or is_system_file(name):
        return  # a folder entry, or what an operating system adds
    problems = listing.problems[prefix.rstrip("/")]
    shown = visible_name(name)
    unsafe = unsafe_reason(name)
    if unsafe:
        problems.append(F.ARCHIVE_UNSAFE_MEMBER(member=shown, why=unsafe))
        return
    if info.flag_bits & _ENCRYPTED_FLAG:
        problems.append(F.ARCHIVE_ENCRYPTED(member=shown))
        return
    suffix = PurePosixPath(name).suffix.lower()
    nested = suffix in ZIP_SUFFIXES
    if nested and prefix:  # a zip inside a zip inside the archive
        problems.append(F.ARCHIVE_TOO_DEEP(member=shown))
        return
    if nested or suffix in walk.read:
        too_large = declared_too_large(info, shown, limits, walk.budget)
        if too_large:
            problems.append(F.ARCHIVE_TOO_LARGE(reason=too_large))
            return
        walk.budget -= info.file_size
    source = Path(archive.filename or "")
    if not nested:
        listing.members.append(Member(source, index, prefix + shown, _modified(info)))
        return
    fd, name_on_disk = tempfile.mkstemp(prefix="nested-", suffix=".zip", dir=walk.work)
    os.close(fd)
    try:
        _inflate_to(archive, info, Path(name_on_disk), limits)
    except TooLarge as exc:
        problems.append(F.ARCHIVE_TOO_LARGE(reason=exc.reason))
        return
    except UnreadableWorkbook as exc:
        problems.append(F.ARCHIVE_UNREADABLE(reason=f"{shown}：{exc.reason}"))
        return
    _list(Path(name_on_disk), prefix + shown + "/", walk)


def declared_too_large(info: zipfile.ZipInfo, shown: str, limits: Limits, left: int) -> str | None:
    """Why a member's declared size is refused before any byte is inflated, or None."""
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > limits.max_member:
        return f"{shown} 解压后 {size / MIB:.1f} MB，超过单个文件上限 {limits.max_member // MIB} MB"
    if size >= limits.ratio_floor and size > limits.max_ratio * packed:
        return (
            f"{shown} 的压缩比超过 {limits.max_ratio}:1（{packed} 字节解压后为 {size} 字节），"
            "疑似压缩炸弹"
        )
    if size > left:
        return (
            f"解压后总大小超过上限 {limits.max_inflated // MIB} MB（超出于 {shown}），该文件未读取"
        )
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker typed it: the UTF-8 flag, else Info-ZIP's Unicode path
    field, else the raw bytes as UTF-8 when they read as Chinese text, else GBK/GB18030 (zips
    made on Chinese Windows), else cp437 (what the format says)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the bytes as cp437
    unicode_path = _unicode_path(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    try:
        text = raw.decode("utf-8")
        if _CJK_TEXT.fullmatch(text):
            return text
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return info.orig_filename


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    at = 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if tag == _UNICODE_PATH_FIELD and len(body) > 5 and body[0] == 1:
            if struct.unpack_from("<I", body, 1)[0] != zlib.crc32(raw):
                return None  # the name was changed by a tool that did not update the field
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None


def unsafe_reason(name: str) -> str | None:
    """Why a member's path may not be used as a path (zip-slip), or None."""
    if name.startswith("/"):
        return "绝对路径"
    if re.match(r"[A-Za-z]:", name):
        return "带盘符"
    if ".." in name.split("/"):
        return "含有 ../，指向压缩包之外"
    if not name.strip("/ ."):
        return "没有文件名"
    return None


def _modified(info: zipfile.ZipInfo) -> datetime:
    try:
        return datetime(*info.date_time)
    except (TypeError, ValueError):
        return datetime.min


def _why_corrupt(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return f"无法读取（{exc.strerror or exc}）"
    return "压缩包已损坏或不是 zip 文件，请重新压缩或重新下载后提交"


def _inflate_to(archive, info, target: Path, limits: Limits) -> None:
    with target.open("wb") as handle:
        for chunk in _bounded(archive, info, limits):
            handle.write(chunk)


def _bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """The member's bytes by streaming, within the workbook limits (per member, ratio) and never
    past its declared size (so the declared sizes that `list_archive` added up bound the
    total)."""
    name = visible_name(member_name(info))
    size = 0
    try:
        for chunk in _inflate(archive, info):
            size += len(chunk)
            _check_size(name, size, info.compress_size, size, limits)
            if size > info.file_size:
                raise UnreadableWorkbook("解压后的大小与压缩包目录中记载的不符，文件已损坏")
            yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableWorkbook("压缩包中的该文件已损坏，请重新压缩后提交") from exc
    except NotImplementedError as exc:
        raise UnreadableWorkbook(f"压缩包使用了不支持的压缩方式（{exc}）") from exc


def read_member(source: Path, index: int, limits: Limits) -> bytes:
    """Member `index` of the zip at `source`, inflated within `limits` (in a worker)."""
    try:
        archive = _opened(source)
        info = archive.infolist()[index]
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise UnreadableWorkbook("文件设置了密码，无法读取；请取消密码后重新提交")
        too_large = declared_too_large(info, "该文件", limits, limits.max_inflated)
        if too_large:
            raise TooLarge(too_large)
        return b"".join(_bounded(archive, info, limits))
    except (zipfile.BadZipFile, OSError, IndexError) as exc:
        raise UnreadableWorkbook("无法从压缩包中读出该文件，压缩包可能已损坏") from exc


# The zip the last `read_member` opened, by what identifies its bytes. A worker reads the
# members of one zip one after another: its directory is parsed once, not once per member
# (10,000 members took 10,000 parses of 10,000 entries). Workers end with their run.
_last: tuple[tuple, zipfile.ZipFile] | None = None
_TAIL = 64 * 1024  # the end of a zip: its directory (or the last part of it) and its end record


def _opened(source: Path) -> zipfile.ZipFile:
    global _last
    key = _identity(source)
    if _last is not None and _last[0] == key:
        return _last[1]
    if _last is not None and _last[0][0] == key[0]:
        _last[1].close()  # ours; one a parent opened is left to the parent
    _last = None
    archive = zipfile.ZipFile(source)
    _last = (key, archive)
    return archive


def _identity(source: Path) -> tuple:
    """The process, the zip's path, size, times and the CRC of its tail: a zip rewritten in
    place within the file system's clock tick still differs in the directory at its end, and
    a forked worker never reads through a zip its parent opened (they would share the file's
    offset)."""
    with source.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        handle.seek(max(0, stat.st_size - _TAIL))
        tail = zlib.crc32(handle.read(_TAIL))
    return (
        os.getpid(),
        str(source),
        stat.st_ino,
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
        tail,
    )
