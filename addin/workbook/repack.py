"""The package handed to calamine with its worksheets stored already inflated.

The guard inflates every worksheet part to inspect it (`guard.inspect_archive`, `keep`);
calamine would inflate each again. A plain package — every member deflated or stored, not
encrypted, no zip64, no name twice, each local header naming its member as the directory
does — is rewritten in memory with those parts stored (method 0) and every other member's
packed bytes copied as they were; anything else is handed over as submitted (None here).
Only how the bytes are packed changes: the names, CRCs and contents calamine reads do not.
"""

from __future__ import annotations

import struct
import zipfile

from .package import PackageBytes

_LOCAL = struct.Struct(zipfile.structFileHeader)
_CENTRAL = struct.Struct(zipfile.structCentralDir)
_END = struct.Struct(zipfile.structEndArchive)
_PLAIN = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_DESCRIPTOR = 0x08  # sizes and CRC after the data: the directory's are written instead
_ZIP64 = 0xFFFFFFFF  # a size or offset this large is zip64's


def stored_sheets(archive: zipfile.ZipFile, inflated: dict[str, bytes]) -> bytes | None:
    """The package with the members in `inflated` (name → bytes) stored as those bytes, or
    None when the package is not plain enough to rewrite without changing what it says.

    Every member gets a local header with the directory's flags (less the data descriptor),
    method, CRC and sizes, its own version, time and date, name and extra field; one whose
    header already says all that is copied as it is, header and packed bytes in one piece."""
    infos = archive.infolist()
    if len(infos) >= 0xFFFF or len({i.filename for i in infos}) != len(infos):
        return None
    blob = _whole(archive)
    if blob is None:
        return None
    size, view = len(blob), memoryview(blob)
    out: list[bytes | memoryview] = []
    central: list[bytes] = []
    offset = 0
    for info in infos:
        flags, method, at = info.flag_bits, info.compress_type, info.header_offset
        if (
            flags & 0x1
            or method not in _PLAIN
            or max(info.file_size, info.compress_size, at) >= _ZIP64
        ):
            return None
        if at < 0:  # before the file's start (a directory said to begin past its place)
            raise ValueError(f"negative seek value {at}")  # as reading the file there does
        if at > size - _LOCAL.size:
            return None
        local = _LOCAL.unpack_from(blob, at)
        if local[0] != zipfile.stringFileHeader:
            return None
        name_length = local[10]
        start = at + _LOCAL.size
        end = start + name_length + local[11]  # the name and extra field
        name = blob[start : start + name_length]
        if end > size or name != _encoded(info):
            return None
        flags &= ~_DESCRIPTOR
        data = inflated.get(info.filename)
        if data is None:
            packed_size, file_size = info.compress_size, info.file_size
            stop = end + packed_size
            if stop > size:
                return None  # fewer packed bytes than the directory says
            if (
                local[3] == info.flag_bits == flags
                and local[4] == method
                and local[7] == info.CRC
                and local[8] == packed_size
                and local[9] == file_size
            ):
                out.append(view[at:stop])
            else:
                out.append(_header(local, flags, method, info.CRC, packed_size, file_size))
                out.append(view[start:stop])
        else:
            method, packed_size, file_size = zipfile.ZIP_STORED, len(data), len(data)
            out.append(_header(local, flags, method, info.CRC, packed_size, file_size))
            out.append(view[start:end])
            out.append(data)
        central.append(
            _CENTRAL.pack(
                zipfile.stringCentralDir,
                info.create_version,
                info.create_system,
                info.extract_version,
                info.reserved,
                flags,
                method,
                local[5],  # time, date
                local[6],
                info.CRC,
                packed_size,
                file_size,
                name_length,
                len(info.extra),
                0,  # no comment
                0,  # disk
                info.internal_attr,
                info.external_attr,
                offset,
            )
            + name
            + info.extra
        )
        offset += end - at + packed_size
    directory = sum(map(len, central))
    out += central
    out.append(
        _END.pack(zipfile.stringEndArchive, 0, 0, len(infos), len(infos), directory, offset, 0)
    )
    return b"".join(out)


def _header(local: tuple, flags: int, method: int, crc: int, packed: int, size: int) -> bytes:
    """A local header: the version, time, date and name and extra lengths of `local` (the
    member's own), the rest as given."""
    return _LOCAL.pack(
        zipfile.stringFileHeader,
        local[1],  # version needed
        local[2],
        flags,
        method,
        local[5],  # time, date
        local[6],
        crc,
        packed,
        size,
        local[10],  # name and extra field lengths
        local[11],
    )


def _whole(archive: zipfile.ZipFile) -> bytes | None:
    """The bytes the archive was opened over: a package read into memory's as they are,
    else read; None when it is closed."""
    fp = archive.fp
    if fp is None:
        return None
    if isinstance(fp, PackageBytes):
        return fp.data
    fp.seek(0)
    return fp.read()


def _encoded(info: zipfile.ZipInfo) -> bytes:
    """The member's name as its directory entry stores it (ASCII alike in both encodings)."""
    name = info.orig_filename
    if name.isascii():
        return name.encode("ascii")
    return name.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
