"""Look inside a zip-based workbook before any parser does, and refuse what no submission is.

Every member is inflated by streaming (the sizes in the zip directory are not trusted) and
counted; worksheets are scanned for the last row and column that hold content (a `<c>` with a
value or formula — styled empty cells and `<dimension>` are ignored, since Gnumeric and others
claim A1:XFD1048576 for small sheets); every XML part is checked for a DTD, which Office
Open XML never contains and which is how entity bombs and external entities get in.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from ..limits import MIB, Limits
from .extents import BinSheetScan, OdsScan, split_at_tag
from .merge_limits import MergeTally, ref_area
from .model import TooLarge, UnreadableWorkbook, column_letter
from .package import (
    MAX_CACHED,
    PackageBytes,
    attribute,
    data_start,
    local_entry,
    main_part,
    read_member,
    relationships,
)

_CHUNK = 1 * MIB
_HEAD = 4096  # a DTD stands in the prolog, before the root element: most parts' first bytes
# Deflate's densest code: a 258-byte match in two bits, so at most 1032 bytes out per byte in.
_DEFLATE_MOST, _DEFLATE_MATCH = 1032, 258
# Inflated worksheet parts kept for the reader (`keep`), all together: past it, calamine
# inflates the rest itself rather than the worker holding them twice.
_KEEP_MOST = 64 * MIB
_HEAD_CELLS = 64 * 1024  # bytes of a sheet looked at for cells without a reference
# A part's prolog (`_prolog_dtd`): a UTF-8 BOM, then the XML declaration, comments,
# processing instructions and white space, in any order; past it, "<!" is a DTD (or no XML).
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r\n]+|<\?.*?\?>|<!--.*?-->)*", re.S)
# First bytes of a part in UTF-32 or UTF-16 (with a byte order mark, or "<" as XML starts) →
# its codec: the prolog is looked at decoded (b"<\0!\0" is a DTD to a parser, not to `_PROLOG`).
_WIDE = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_WIDE_FIRST = frozenset((b"\x00", b"\xfe", b"\xff"))
_NOT_ROOT = frozenset((b"?", b"!", b"\x00", b""))  # after a first "<": no root element (yet)
# Attributes may be quoted either way and hold ">" inside quotes; prefixes may hold "." and "-".
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
_PREFIX = rb"(?:[\w.-]+:)?"
_TAG = re.compile(rb"<" + _PREFIX + rb"(row|c)\b(" + _ATTRS + rb")(/?)>")
_R_ATTR = re.compile(rb"\br=([\"'])\$?([A-Za-z]*)\$?([0-9]*)\1")
_WORKSHEET_PART = re.compile(r"(?:.*/)?worksheets/[^/]+\.xml", re.I)
_BINARY_SHEET_PART = re.compile(r"(?:.*/)?worksheets/[^/]+\.bin", re.I)
# A <row> or <c> start tag without an r attribute: its place follows from the one before.
_WITHOUT_REF = re.compile(rb"<" + _PREFIX + rb"(?:row|c)(?:\s(?:(?!\br=)[^>])*)?/?>")
# Cheaper, and between them find a tag wherever `_WITHOUT_REF` would: an unprefixed one whose
# first attribute is not " r=" (most writers put it first), or one with a prefix (looked for
# only at the colons of the chunk: `_maybe_prefixed`).
_MAYBE_WITHOUT_REF = re.compile(rb"<(?:c|row)(?! r=)[\s/>]")
_MAYBE_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")
_COLONS_LOOKED = 2  # colons looked at one by one before the search takes the rest
_MERGE_CELL = re.compile(
    rb"<" + _PREFIX + rb"mergeCell\b" + _ATTRS + rb"\bref=([\"'])([^\"']*)\1" + _ATTRS + rb"/?>"
)


@dataclass(frozen=True)
class Extent:
    """The last row and column (1-based) holding content in one worksheet part."""

    rows: int = 0
    cols: int = 0
    row_cell: str = ""  # the first cell found on the last row, to name in the message
    col_cell: str = ""  # the first cell found in the last column


def inspect_archive(
    source: Path | BinaryIO | zipfile.ZipFile,
    limits: Limits,
    parts: dict[str, str] | None = None,
    keep: dict[str, bytes] | None = None,
    others: dict[str, bytes] | None = None,
) -> None:
    """Raise TooLarge (or UnreadableWorkbook for a DTD) when the zip is beyond `limits`.
    `source`: a path, an open file or the package already open; `parts`: its `sheet_parts`
    when the caller has them; `keep`: gets the worksheet parts inflated whole (member name →
    bytes), for the reader not to inflate them again (`repack`); `others`: gets the small
    parts other than sheets that were seen before (a template's styles, workbook part,
    relationships), inflated whole once and kept (`_whole_part`), for the same reason."""
    try:
        if isinstance(source, zipfile.ZipFile):
            _inspect(source, limits, parts, keep, others)
        else:
            with zipfile.ZipFile(source) as archive:
                _inspect(archive, limits, parts, keep, others)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise UnreadableWorkbook(
            "文件已损坏（压缩包结构不完整），请重新保存或重新下载后提交"
        ) from exc
    except NotImplementedError as exc:  # an unusual compression method
        raise UnreadableWorkbook(f"文件使用了不支持的压缩方式（{exc}）") from exc


def _inspect(
    archive: zipfile.ZipFile,
    limits: Limits,
    parts: dict[str, str] | None,
    keep: dict[str, bytes] | None = None,
    others: dict[str, bytes] | None = None,
) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise TooLarge(f"压缩包中有 {len(infos)} 个部件，超过上限 {limits.max_members} 个，未读取")
    sheets = {part: name for name, part in (parts or sheet_parts(archive)).items()}
    mosts = [_most(info) for info in infos]  # (once per member)
    # Deflate packs at most 1032 bytes into one: when even that cannot pass the total, a member
    # that cannot pass the limits of one member needs only its head inflated (for a DTD).
    bounded = sum(mosts) <= limits.max_inflated
    within = _member_most(limits)
    blob = archive.fp.data if isinstance(archive.fp, PackageBytes) else None
    total = cells = kept = 0
    merges = MergeTally(limits)
    for info, most in zip(infos, mosts, strict=True):
        scan = _scan_for(info.filename, sheets, limits, merges)
        if scan is None:
            # A part other than a sheet: its bytes as packed, when they were seen before
            # (the template's theme, styles, relationships recur in every submission).
            key = _known_key(archive, info, blob)
            if bounded and most <= within:
                if key is None or key not in _CLEAN_HEADS:
                    _check_part(archive, info)
                    _remember(_CLEAN_HEADS, key, True, info)
                if others is not None and key is not None and kept < _KEEP_MOST:
                    whole = _whole_part(info, key)
                    if whole is not None:
                        others[info.filename] = whole
                        kept += len(whole)
                continue
            if key is not None and (sizes := _KNOWN.get(key)) is not None:
                total = _replay(info, sizes, limits, total)
                continue
            size, area = _inspect_member(archive, info, scan, limits, total, key)
        else:
            keeping = keep is not None and isinstance(scan, _XmlSheetScan) and kept < _KEEP_MOST
            size, area = _inspect_member(
                archive, info, scan, limits, total, kept=keep if keeping else None
            )
            kept += size if keeping and info.filename in keep else 0
        total, cells = total + size, cells + area
        if cells > limits.max_cells:
            raise TooLarge(
                f"各工作表内容区域共有 {cells:,} 个单元格（至部件 {info.filename}），"
                f"超过上限 {limits.max_cells:,} 个，未读取"
            )


def _most(info: zipfile.ZipInfo) -> int:
    """The most bytes this member can inflate to, whatever its directory entry claims; a
    method other than stored or deflated has no such bound."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return 1 << 62
    return _DEFLATE_MOST * info.compress_size + _DEFLATE_MATCH


def _member_most(limits: Limits) -> int:
    """No inflating of a member whose `_most` is at most this can pass the size or ratio
    limits of one member (most <= max_member and most < ratio_floor, in whole bytes)."""
    return min(limits.max_member, limits.ratio_floor - 1)


def _scan_for(name: str, sheets: dict[str, str], limits: Limits, merges: MergeTally):
    """What finds the extent of the sheets in this member, if it holds any: a worksheet part
    of an .xlsx (mapped by the workbook, or by its path) or .xlsb, or an .ods's content.xml."""
    sheet = sheets.get(name)
    path = name.replace("\\", "/")  # a Windows path, as some writers store it
    if sheet is None and "orksheets/" not in path.lower() and path != "content.xml":
        return None  # neither pattern below can match: the common case, kept cheap
    if sheet is None and _WORKSHEET_PART.fullmatch(path):
        sheet = name
    if sheet is not None:
        return _XmlSheetScan(f"工作表“{sheet}”（{name}）", limits, merges)
    if _BINARY_SHEET_PART.fullmatch(path):
        return BinSheetScan(f"工作表（{name}）")
    if path == "content.xml":
        return OdsScan()
    return None


def _inspect_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    scan,
    limits: Limits,
    before: int,
    key: tuple[int, bytes] | None = None,
    kept: dict[str, bytes] | None = None,
) -> tuple[int, int]:
    """Inflate one member by streaming; return its real size and the cells of the ranges of
    the sheets in it (rows × columns up to the last holding content). `key`: the member's
    packed bytes, to remember the sizes of its chunks by once it passed (`_KNOWN`); `kept`:
    gets the member's bytes when they were inflated in one chunk."""
    name = info.filename
    size = 0
    sizes = []
    prolog: _Prolog | None = None
    looking = True  # at the prolog: until past it (most parts: within the first chunk)
    chunks = _chunks(archive, info)
    for chunk in chunks:
        if looking:
            found = _prolog_dtd(chunk) if prolog is None else prolog.feed(chunk)
            if found:
                _refuse_dtd(name)
            if found is None and prolog is None:
                prolog = _Prolog(chunk)
            looking = found is None
        size += len(chunk)
        sizes.append(size)
        _check_size(name, size, info.compress_size, before + size, limits)
        if scan is not None:
            scan.feed(chunk)
    if scan is None:
        _remember(_KNOWN, key, tuple(sizes), info)
    area = 0
    if kept is not None and isinstance(chunks, list) and len(chunks) == 1:
        kept[name] = chunks[0]  # (kept when the extents below pass: a refusal raises)
    for where, rows, cols, row_cell, col_cell in scan.extents() if scan is not None else ():
        if rows > limits.max_rows:
            raise TooLarge(
                f"{where}的内容延伸到第 {rows} 行（{row_cell}），超过上限 "
                f"{limits.max_rows} 行，未读取；如是误填，请删除该处内容后重新提交"
            )
        if cols > limits.max_cols:
            raise TooLarge(
                f"{where}的内容延伸到第 {cols} 列（{col_cell}），超过上限 "
                f"{limits.max_cols} 列，未读取；如是误填，请删除该处内容后重新提交"
            )
        area += rows * cols
    return size, area


# Parts other than sheets that passed, by their bytes as packed (method, bytes): the same
# packed bytes inflate to the same part, so it need not be inflated again. `_CLEAN_HEADS`: a
# small part's head held no DTD; `_KNOWN`: a part had no DTD and inflated in chunks ending at
# these sizes (checked again against the limits of each call, as if inflated: `_replay`).
_CLEAN_HEADS: dict[tuple[int, bytes], bool] = {}
_KNOWN: dict[tuple[int, bytes], tuple[int, ...]] = {}
_KNOWN_MAX = 256
# (method, packed size, CRC) as the directory says → the key of a part remembered with them.
_ENTRIES: dict[tuple[int, int, int], tuple[int, bytes]] = {}


def _known_key(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, blob: bytes | None = None
) -> tuple[int, bytes] | None:
    """The member's method and packed bytes, when small enough to remember it by; None for
    an encrypted member or an unusual method (read through zipfile, never remembered).
    `blob`: the package's bytes (`PackageBytes.data`), where a member whose packed bytes equal
    those of a part remembered under the same directory entry (method, packed size, CRC) gets
    that part's key, its bytes compared where they stand (neither copied nor hashed). The
    entry only finds the part to compare with: equal bytes are what make it the same part."""
    method = info.compress_type
    if (
        info.flag_bits & 0x1
        or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or info.compress_size > MAX_CACHED
    ):
        return None
    if blob is not None:
        key = _ENTRIES.get((method, info.compress_size, info.CRC))
        if key is not None and len(key[1]) == info.compress_size:
            start = data_start(blob, info.header_offset)
            if start is not None and blob.startswith(key[1], start):
                return key
    return method, _packed(archive, info)


# Small parts other than sheets, inflated whole, by their key: (bytes, CRC). Kept for the
# reader (`others`) only when they agree with the member's directory entry (size and CRC).
_WHOLE: dict[tuple[int, bytes], tuple[bytes, int]] = {}
_WHOLE_MOST = 64 * 1024  # bytes inflated of one such part; a larger one calamine inflates
_WHOLE_MAX = 64  # parts remembered


def _whole_part(info: zipfile.ZipInfo, key: tuple[int, bytes]) -> bytes | None:
    """The deflated member with these packed bytes (`key`), inflated whole, when it inflates
    to at most `_WHOLE_MOST` bytes, exactly as many as its directory entry says, with the CRC
    it says; else None (a stored member is handed over as it is). Inflated once per key."""
    method, packed = key
    if method != zipfile.ZIP_DEFLATED or info.file_size > _WHOLE_MOST:
        return None
    found = _WHOLE.get(key)
    if found is None:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(packed, _WHOLE_MOST + 1)
        except zlib.error:
            return None
        if not inflater.eof or len(data) > _WHOLE_MOST:
            return None
        if len(_WHOLE) >= _WHOLE_MAX:
            _WHOLE.clear()
        found = _WHOLE[key] = (data, zlib.crc32(data))
    data, crc = found
    return data if len(data) == info.file_size and crc == info.CRC else None


def _remember(cache: dict, key: tuple[int, bytes] | None, value, info: zipfile.ZipInfo) -> None:
    if key is None:
        return
    if len(cache) >= _KNOWN_MAX:
        cache.clear()
    cache[key] = value
    if len(_ENTRIES) >= _KNOWN_MAX:
        _ENTRIES.clear()
    _ENTRIES[key[0], info.compress_size, info.CRC] = key


def _replay(info: zipfile.ZipInfo, sizes: tuple[int, ...], limits: Limits, before: int) -> int:
    """The size checks of a known member, at each chunk as when it was inflated; the total
    after it."""
    for size in sizes:
        _check_size(info.filename, size, info.compress_size, before + size, limits)
    return before + (sizes[-1] if sizes else 0)


@lru_cache(maxsize=64)
def _merged(ranges: bytes) -> tuple[int, int]:
    """(ranges, cells) of the `<mergeCell>`s in this piece of a sheet; cached, as the
    submissions of one template carry the same."""
    count = area = 0
    for m in _MERGE_CELL.finditer(ranges):
        if (cells := ref_area(m.group(2))) is not None:
            count, area = count + 1, area + cells
    return count, area


def _maybe_prefixed(data: bytes, cut: int) -> bool:
    """`_MAYBE_PREFIXED.search(data, 0, cut)`, cheaper where colons are few (a match starts at
    one): the first `_COLONS_LOOKED` are found by `find` and looked at where they stand."""
    at = data.find(b":", 0, cut)
    for _ in range(_COLONS_LOOKED):
        if at < 0:
            return False
        if _MAYBE_PREFIXED.match(data, at, cut):
            return True
        at = data.find(b":", at + 1, cut)
    return at >= 0 and _MAYBE_PREFIXED.search(data, at, cut) is not None


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a small member whose prolog holds a DTD: its first `_HEAD` bytes inflated, and
    the rest only while the prolog goes on past them (comments, white space: rare)."""
    head = b""
    for chunk in _inflate(archive, info, _HEAD):
        head += chunk
        if len(head) >= _HEAD:
            break
    found = _prolog_dtd(head)
    if found is None and len(head) >= _HEAD:
        prolog = _Prolog()
        for chunk in _inflate(archive, info):
            found = prolog.feed(chunk)
            if found is not None:
                break
    if found:
        _refuse_dtd(info.filename)


def _refuse_dtd(name: str) -> None:
    raise UnreadableWorkbook(
        f"文件部件 {name} 含有文档类型声明（DTD），正常的 Excel 文件不会有，"
        "可能是恶意构造的文件，未读取"
    )


def _prolog_dtd(data: bytes) -> bool | None:
    """Whether the prolog these first bytes of a part start (before its root element) holds
    a DTD — or anything else "<!" opens other than a comment, which no part has there; None
    when `data` ends before the prolog does (a part that ends there holds none). Bytes that
    are no XML end it at once (no "<" first): a parser refuses them, and reads no DTD."""
    if data[:1] == b"<" and data[1:2] not in _NOT_ROOT:
        return False  # the root element first (most parts: no XML declaration)
    if (data[1:2] == b"\x00" or data[:1] in _WIDE_FIRST) and _codec(data) is not None:
        return _Prolog().feed(data)  # UTF-16 or UTF-32 (rare): looked at decoded
    return _plain_prolog_dtd(data)


def _codec(first: bytes) -> str | None:
    """The codec of a part starting with these bytes, when UTF-16 or UTF-32 (`_WIDE`)."""
    return next((codec for start, codec in _WIDE if first.startswith(start)), None)


def _plain_prolog_dtd(data: bytes) -> bool | None:
    """`_prolog_dtd` of bytes in UTF-8 (or any encoding where "<", "!", "?", "-" are ASCII)."""
    end = _PROLOG.match(data).end()
    if end == len(data):
        return None
    if data[end] != 60:  # "<": text, or bytes that are no XML
        return False
    after = data[end + 1 : end + 4]
    if after[:1] == b"!":
        # "<!--" not closed in `data`: a comment going on past it (or a "<!" cut short).
        return None if b"!--".startswith(after) else True
    return None if after[:1] in (b"?", b"") else False


class _Prolog:
    """`_prolog_dtd` over a part's bytes fed in order, holding a few bytes between them: a
    comment or processing instruction longer than `_HEAD` is skipped as it streams past.
    A part in UTF-16 or UTF-32 is decoded first."""

    def __init__(self, first: bytes = b"") -> None:
        self._rest = b""
        self._close = b""  # "-->" or "?>" while inside a comment or processing instruction
        self._decoder = None
        self._started = False
        if first:
            self.feed(first)

    def feed(self, chunk: bytes) -> bool | None:
        if not self._started:
            self._rest += chunk
            if len(self._rest) < 4:
                return None
            chunk, self._rest, self._started = self._rest, b"", True
            codec = _codec(chunk)
            if codec is not None:
                self._decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        if self._decoder is not None:
            chunk = self._decoder.decode(chunk).encode("utf-8", "replace")
        data = self._rest + chunk
        if self._close:
            at = data.find(self._close)
            if at < 0:
                self._rest = data[1 - len(self._close) :]
                return None
            data, self._close = data[at + len(self._close) :], b""
        found = _plain_prolog_dtd(data)
        if found is None:
            tail = data[_PROLOG.match(data).end() :]
            if tail.startswith(b"<!--"):
                self._close, self._rest = b"-->", tail[4:][-2:]
            elif tail.startswith(b"<?"):
                self._close, self._rest = b"?>", tail[2:][-1:]
            else:
                self._rest = tail  # (a few bytes: "<", "<!-")
        return found


class _XmlSheetScan:
    """`_ExtentScan` with the sheet's label, in the shape of the other formats' scans; and
    its merged ranges, counted in `merges` as they stream past."""

    def __init__(self, label: str, limits: Limits, merges: MergeTally):
        self.label = label
        self.merges = merges
        self._rest = b""
        self.scan = _ExtentScan(*_floors_of(limits))

    def feed(self, chunk: bytes) -> None:
        self.scan.feed(chunk)
        self._count_merges(chunk)

    def _count_merges(self, chunk: bytes) -> None:
        # `<mergeCells>` follows the cells: most chunks hold no "mergeCell" at all, and then
        # only the tag left open at their end is kept (as `split_at_tag` would, uncopied).
        at = chunk.find(b"mergeCell")
        if at < 0 and b"mergeCell" not in self._rest + chunk[:16]:
            cut = chunk.rfind(b"<")
            if cut < 0:
                self._rest = self._rest + chunk if len(self._rest) < _CHUNK else b""
            else:
                self._rest = chunk[cut:] if len(chunk) - cut < _CHUNK else b""
            return
        kept = len(self._rest)
        data, cut, self._rest = split_at_tag(self._rest, chunk)
        # The first "mergeCell" of `data`: one starting in what was kept, else the chunk's.
        first = data.find(b"mergeCell", 0, kept + 8) if kept else -1
        if first < 0:
            first = kept + at if at >= 0 else data.find(b"mergeCell")
        start = max(0, data.rfind(b"<", 0, first))  # skip the cells
        ranges = data[start:cut]
        count, area = (_merged if len(ranges) <= MAX_CACHED else _merged.__wrapped__)(ranges)
        if self.merges.fits(count, area):
            self.merges.count += count
            self.merges.area += area
            return
        for m in _MERGE_CELL.finditer(ranges):  # one by one, to name the range past the limit
            if (cells := ref_area(m.group(2))) is not None:
                self.merges.add(self.label, m.group(2), cells)

    def extents(self) -> list[tuple[str, int, int, str, str]]:
        self._count_merges(b"<")  # flush what is left
        extent = self.scan.extent()
        return [(self.label, extent.rows, extent.cols, extent.row_cell, extent.col_cell)]


# The limits last asked about and their floors: one check asks for each of its sheets, and
# hashing the limits (for `_floors`'s cache) costs more than the floors themselves.
_LAST_FLOORS: tuple[Limits | None, tuple[int, int]] = (None, (1, 1))


def _floors_of(limits: Limits) -> tuple[int, int]:
    """`_floors(limits)`, the same limits object as last time answered without hashing it."""
    global _LAST_FLOORS
    last, floors = _LAST_FLOORS
    if limits is not last:
        floors = _floors(limits)
        _LAST_FLOORS = (limits, floors)
    return floors


@lru_cache(maxsize=16)
def _floors(limits: Limits) -> tuple[int, int]:
    """Past max_cells a sheet reaches beyond max_cells / max_cols rows or max_cells /
    max_rows columns: cells nearer than both cannot make it too large."""
    return (
        min(limits.max_rows, limits.max_cells // max(1, limits.max_cols)),
        min(limits.max_cols, limits.max_cells // max(1, limits.max_rows)),
    )


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterable[bytes]:
    """`_inflate`'s chunks: as a list when a deflated member inflates in one call (a part of
    a template: most members), with no generator to drive; else `_inflate` itself."""
    if info.flag_bits & 0x1 or info.compress_type != zipfile.ZIP_DEFLATED:
        return _inflate(archive, info)
    inflater = zlib.decompressobj(-15)
    chunk = inflater.decompress(_packed(archive, info), _CHUNK)
    if inflater.unconsumed_tail:
        return _inflate(archive, info)  # more than one chunk: streamed from the start
    return [c for c in (chunk, inflater.flush()) if c]


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, most: int = _CHUNK
) -> Iterator[bytes]:
    """The member's bytes, inflated chunk by chunk. The common case (stored or deflated, not
    encrypted) goes straight to zlib: zipfile's reader costs more per member than the
    inflating itself, and an inbox of small files is all small members."""
    method, encrypted = info.compress_type, info.flag_bits & 0x1
    if encrypted or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with archive.open(info) as stream:
            while chunk := stream.read(most):
                yield chunk
        return
    raw = _packed(archive, info)
    if method == zipfile.ZIP_STORED:
        for start in range(0, len(raw), most):
            yield raw[start : start + most]
        return
    inflater = zlib.decompressobj(-15)
    while raw:
        chunk = inflater.decompress(raw, most)
        raw = inflater.unconsumed_tail
        if chunk:
            yield chunk
        elif not raw:
            break
    if rest := inflater.flush():
        yield rest


def _packed(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes as stored in the zip (after its local header)."""
    fp = archive.fp
    if isinstance(fp, PackageBytes) and info.header_offset >= 0:  # `local_entry`'s, one slice
        start = data_start(fp.data, info.header_offset)
        if start is None:
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        return fp.data[start : start + info.compress_size]
    entry = local_entry(archive, info)
    if entry is None:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    return entry[2]


def _check_size(name: str, size: int, packed: int, total: int, limits: Limits) -> None:
    if size > limits.max_member:
        raise TooLarge(f"文件部件 {name} 解压后超过 {_size(limits.max_member)}（上限），未读取")
    if total > limits.max_inflated:
        raise TooLarge(
            f"文件解压后超过 {_size(limits.max_inflated)}（上限，超出于部件 {name}），未读取"
        )
    if size >= limits.ratio_floor and size > limits.max_ratio * max(packed, 1):
        raise TooLarge(
            f"文件部件 {name} 的压缩比超过 {limits.max_ratio}:1（{max(packed, 1)} 字节解压后"
            f"已达 {size} 字节），疑似压缩炸弹，未读取"
        )


def _size(count: int) -> str:
    return f"{count / MIB:g} MB" if count >= MIB else f"{count} 字节"


class _ExtentScan:
    """Streaming scan of a worksheet's XML for the last row/column of cells with content.

    A `<c …/>` (self-closing) has no value: styling only. Fast path: cells carry their
    reference (`r="XFD1048576"`, as every common writer does), so one regular-expression pass
    picks out only the cells whose reference is long enough to pass a limit — `floor_rows` /
    `floor_cols` (from the limits) — and only those are looked at. Should a sheet have a row
    or cell without a reference (the format allows it: it follows the previous one), every
    tag is counted from there on.
    """

    def __init__(self, floor_rows: int = 1, floor_cols: int = 1) -> None:
        self._candidates, self._long_ref, self._far_dq = _floor_patterns(floor_rows, floor_cols)
        self._every = False
        self._looked = 0
        self._rest = b""
        self._row = 0
        self._col = 0
        self.rows = 0
        self.cols = 0
        self._row_cell = self._col_cell = ""

    def feed(self, chunk: bytes) -> None:
        data, cut, self._rest = split_at_tag(self._rest, chunk)
        if not self._every and self._looked < _HEAD_CELLS:
            # Writers give every cell its reference or none: the first cells tell which. (A
            # file mixing both is still bounded by the size limits and the worker's caps.)
            self._every = bool(
                (_MAYBE_WITHOUT_REF.search(data, 0, cut) or _maybe_prefixed(data, cut))
                and _WITHOUT_REF.search(data, 0, cut)
            )
            self._looked += cut
        if not self._every and not self._maybe_far(data, cut):
            return  # no cell reaches far enough to pass a limit
        tags = _TAG if self._every else self._candidates
        for m in tags.finditer(data, 0, cut):
            self._tag(m.group(0))

    def _maybe_far(self, data: bytes, cut: int) -> bool:
        """Whether `data[:cut]` may hold a reference far enough to pass a limit: `_far_dq`
        (double quotes only, a longer literal start: cheaper) when the chunk has no "'" at
        all, else `_long_ref`. Either finds every chunk `_candidates` could match in."""
        if data.find(b"'", 0, cut) >= 0:
            return self._long_ref.search(data, 0, cut) is not None
        return self._far_dq.search(data, 0, cut) is not None

    def _tag(self, tag: bytes) -> None:
        head = _TAG.match(tag)
        kind, attrs, closed = head.group(1), head.group(2), head.group(3)
        ref = _R_ATTR.search(attrs)
        letters, digits = (ref.group(2), ref.group(3)) if ref else (b"", b"")
        if kind == b"row":
            self._row = int(digits) if digits else self._row + 1
            self._col = 0
            return
        if letters:
            self._col = _column_number(letters)
            if digits:
                self._row = int(digits)
        else:
            self._col += 1
        if closed:
            return  # styled, empty
        if self._row > self.rows:
            self.rows = self._row
            self._row_cell = f"{column_letter(self._col - 1)}{self._row}"
        if self._col > self.cols:
            self.cols = self._col
            self._col_cell = f"{column_letter(self._col - 1)}{self._row}"

    def extent(self) -> Extent:
        if not _closing_only(self._rest):
            self.feed(b"<")  # flush what is left
        return Extent(self.rows, self.cols, self._row_cell, self._col_cell)


def _closing_only(rest: bytes) -> bool:
    """Whether what a scan kept is one closing tag (as "</worksheet>" ends a sheet) or nothing:
    then its flush would find no tag, as every tag looked for starts with "<" and a name (a
    prefix holds no "/")."""
    return not rest or (rest.startswith(b"</") and rest.find(b"<", 1) < 0)


@lru_cache(maxsize=16)
def _floor_patterns(
    floor_rows: int, floor_cols: int
) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """`_far_patterns` for references reaching `floor_rows` or `floor_cols`."""
    return _far_patterns(len(column_letter(max(1, floor_cols) - 1)), len(str(max(1, floor_rows))))


@lru_cache(maxsize=16)
def _far_patterns(
    letters: int, digits: int
) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """A `<c>` whose reference has at least `letters` letters or `digits` digits; such a
    reference wherever it stands: a cheap look that finds every chunk the first could find
    anything in (and a few more); and the same for references in double quotes, cheaper
    still (its literal start is longer, and it stops at the first digit that makes the
    reference far: a letter or "$", then `letters` - 1 or more of those and a digit, or fewer
    and `digits` digits). Compiled once per limits, not once per sheet."""
    far = rb"\$?(?:[A-Za-z]{%d,}\$?[0-9]+|[A-Za-z]+\$?[0-9]{%d,})" % (letters, digits)
    candidates = re.compile(
        rb"<" + _PREFIX + rb"c\b" + _ATTRS + rb"\br=([\"'])" + far + rb"\1" + _ATTRS + rb"/?>"
    )
    if letters <= 1:
        far_dq = rb'r="[$A-Za-z]+[0-9]'
    else:
        rest = letters - 1
        # (No "{0,0}" for two letters: an empty repeat still costs sre a step at each "r=".)
        fewer = rb"[$A-Za-z]{0,%d}" % (rest - 1) if rest > 1 else b""
        far_dq = rb'r="[$A-Za-z](?:[$A-Za-z]{%d,}[0-9]|%s[0-9]{%d})' % (rest, fewer, digits)
    return candidates, re.compile(rb"r=[\"']" + far + rb"[\"']"), re.compile(far_dq)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet name, from workbook.xml and its relationships."""
    return {part: name for name, part in sheet_parts(archive).items()}


def sheet_parts(archive: zipfile.ZipFile, main: str | None = None) -> dict[str, str]:
    """Sheet name → its worksheet part (e.g. "xl/worksheets/sheet1.xml"), found from the
    package's main part wherever `_rels/.rels` puts it (`main`, when the caller knows it)."""
    main = main or main_part(archive)
    if main is None:
        return {}
    try:
        workbook = read_member(archive, main, 4 * MIB)
    except KeyError:
        return {}
    rel_target = {rid: target for rid, _kind, target in relationships(archive, main)}
    parts = {}
    listed = _listed if len(workbook) <= MAX_CACHED else _listed.__wrapped__
    for name, rid in listed(workbook):
        target = rel_target.get(rid) if name is not None and rid else None
        if target:
            parts[name] = target
    return parts


_SHEET = re.compile(rb"<" + _PREFIX + rb"sheet\b(" + _ATTRS + rb")/?>")


@lru_cache(maxsize=64)
def _listed(workbook: bytes) -> tuple[tuple[str | None, str | None], ...]:
    """(name, relationship id) of each `<sheet>` of a workbook part; cached, as the
    submissions of one template carry the same part."""
    return tuple(
        (attribute(m.group(1), b"name"), attribute(m.group(1), b"id"))
        for m in _SHEET.finditer(workbook)
    )
