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

from .package import local_entry

_LOCAL = struct.Struct(zipfile.structFileHeader)
_CENTRAL = struct.Struct(zipfile.structCentralDir)
_END = struct.Struct(zipfile.structEndArchive)
_PLAIN = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_DESCRIPTOR = 0x08  # sizes and CRC after the data: the directory's are written instead


def stored_sheets(archive: zipfile.ZipFile, inflated: dict[str, bytes]) -> bytes | None:
    """The package with the members in `inflated` (name → bytes) stored as those bytes, or
    None when the package is not plain enough to rewrite without changing what it says."""
    infos = archive.infolist()
    if len(infos) >= 0xFFFF or len({i.filename for i in infos}) != len(infos):
        return None
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info in infos:
        if (
            info.flag_bits & 0x1
            or info.compress_type not in _PLAIN
            or max(info.file_size, info.compress_size, info.header_offset) >= 0xFFFFFFFF
        ):
            return None
        data = inflated.get(info.filename)
        entry = local_entry(archive, info, data=data is None)
        if entry is None:
            return None
        local, name_extra, packed = entry
        fields = _LOCAL.unpack(local)
        name_length, extra_length = fields[10], fields[11]
        name = name_extra[:name_length]
        if len(name_extra) < name_length + extra_length or name != _encoded(info):
            return None
        if data is not None:
            method, packed = zipfile.ZIP_STORED, data
        else:
            method = info.compress_type
            if len(packed) < info.compress_size:
                return None
        flags = info.flag_bits & ~_DESCRIPTOR
        out.append(
            _LOCAL.pack(
                zipfile.stringFileHeader,
                fields[1],  # version needed
                fields[2],
                flags,
                method,
                fields[5],  # time, date
                fields[6],
                info.CRC,
                len(packed),
                info.file_size if data is None else len(data),
                name_length,
                extra_length,
            )
        )
        out.append(name_extra)
        out.append(packed)
        central.append(
            _CENTRAL.pack(
                zipfile.stringCentralDir,
                info.create_version,
                info.create_system,
                info.extract_version,
                info.reserved,
                flags,
                method,
                fields[5],
                fields[6],
                info.CRC,
                len(packed),
                info.file_size if data is None else len(data),
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
        offset += _LOCAL.size + len(name_extra) + len(packed)
    directory = b"".join(central)
    end = _END.pack(
        zipfile.stringEndArchive, 0, 0, len(infos), len(infos), len(directory), offset, 0
    )
    return b"".join(out) + directory + end


def _encoded(info: zipfile.ZipInfo) -> bytes:
    """The member's name as its directory entry stores it."""
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
