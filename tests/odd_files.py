"""Workbooks of the odd shapes other programs write, made from a generated submission: an
.xlsb whose sheet names a missing relationship (calamine panics), an .xls whose workbook
stream is named in another case, a package whose main part is not xl/workbook.xml, encrypted
and XOR-obfuscated files, an Excel 2-4 file."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from pathlib import Path

MAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _record(kind: int, data: bytes = b"") -> bytes:
    """One BIFF12 record: its type and size as 7-bit variable-length numbers, then the data."""
    out = bytearray()
    for value in (kind, len(data)):
        while True:
            low, value = value & 0x7F, value >> 7
            out.append(low | (0x80 if value else 0))
            if not value:
                break
    return bytes(out) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_with_missing_relationship(path: Path) -> Path:
    """A workbook.bin whose one sheet (BrtBundleSh) names rId9, which no relationship has:
    calamine looks it up with `map[key]` and panics (the shape of POI's Simple.xlsb)."""
    return _xlsb_package(path, "rId9", {})


def _xlsb_package(path: Path, sheet_rid: str, parts: dict[str, bytes]) -> Path:
    """An .xlsb package: content types, the package's relationship to xl/workbook.bin, a
    workbook.bin naming one sheet by `sheet_rid`, and `parts` (name → bytes) besides."""
    sheet = _record(0x9C, struct.pack("<II", 0, 1) + _wide(sheet_rid) + _wide("Sheet1"))
    book = _record(0x83) + _record(0x8F) + sheet + _record(0x90) + _record(0x84)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.bin" ContentType="application/'
            'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{MAIN_REL}" '
            'Target="xl/workbook.bin"/></Relationships>',
        )
        archive.writestr("xl/workbook.bin", book)
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def rename_stream(xls: Path, path: Path, old: str, new: str) -> Path:
    """The .xls with one directory entry renamed (name and its length, in place)."""
    data = bytearray(xls.read_bytes())
    at = data.index(old.encode("utf-16-le") + b"\x00\x00")
    raw = new.encode("utf-16-le")
    data[at : at + 64] = raw.ljust(64, b"\x00")
    data[at + 64 : at + 66] = struct.pack("<H", len(raw) + 2)
    path.write_bytes(bytes(data))
    return path


def move_main_part(xlsx: Path, path: Path, main: str = "book/main.xml") -> Path:
    """The package with its workbook part moved from xl/workbook.xml to `main`; `_rels/.rels`,
    the content types and the workbook's own relationships follow (as ECMA-376 allows)."""
    folder, base = posixpath.split(main)
    up = "../" * (folder.count("/") + 1) if folder else ""
    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data, name = zin.read(info), info.filename
            if name == "xl/workbook.xml":
                name = main
            elif name == "xl/_rels/workbook.xml.rels":
                name = posixpath.join(folder, "_rels", base + ".rels")
                data = re.sub(rb'Target="(?!/)', b'Target="' + up.encode() + b"xl/", data)
            elif name == "_rels/.rels":
                data = data.replace(b"xl/workbook.xml", main.encode())
            elif name == "[Content_Types].xml":
                data = data.replace(b"/xl/workbook.xml", b"/" + main.encode())
            zout.writestr(name, data)
    return path


def encrypt(xlsx: Path, path: Path, password: str) -> Path:
    """The .xlsx encrypted (ECMA-376 agile) with `password`, as Excel does."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with xlsx.open("rb") as handle:
        OOXMLFile(handle).encrypt(password, out)
    path.write_bytes(out.getvalue())
    return path


def excel4(path: Path) -> Path:
    """The first records of an Excel 4.0 worksheet (BIFF4, no compound file around it)."""
    bof = struct.pack("<HHHHH", 0x0409, 6, 0x0000, 0x0010, 0x0000)
    path.write_bytes(bof + struct.pack("<HH", 0x000A, 0))
    return path


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (MS-CFB version 3) holding `streams`, each padded to 4 KB so
    that none lives in the mini stream: header, one FAT sector, the directory, the data."""
    sector, end, free = 512, 0xFFFFFFFE, 0xFFFFFFFF
    sizes = [max(4096, len(content)) for content in streams.values()]
    data = [
        c.ljust(-(-size // sector) * sector, b"\x00")
        for c, size in zip(streams.values(), sizes, strict=True)
    ]
    entries = [_dir_entry("Root Entry", 5, end, 0, child=1 if streams else free)]
    directory_sectors = (len(streams) + 1 + 3) // 4
    next_free = 1 + directory_sectors  # sector 0 is the FAT
    for i, (name, content, size) in enumerate(zip(streams, data, sizes, strict=True)):
        right = i + 2 if i + 1 < len(streams) else free
        entries.append(_dir_entry(name, 2, next_free, size, right=right))
        next_free += len(content) // sector
    assert next_free <= sector // 4, "a test file of at most 127 sectors (64 KB)"
    fat = [0xFFFFFFFD]  # the FAT's own sector
    fat += [*range(2, 1 + directory_sectors), end]
    for content in data:
        count = len(content) // sector
        start = len(fat)
        fat += [*range(start + 1, start + count), end]
    fat += [free] * (sector // 4 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0, 0)
    header[0x4C:] = struct.pack("<109I", 0, *[free] * 108)
    body = b"".join(entries).ljust(directory_sectors * sector, b"\x00")
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + body + b"".join(data)


def _dir_entry(name: str, kind: int, start: int, size: int, right=0xFFFFFFFF, child=0xFFFFFFFF):
    raw = name.encode("utf-16-le")
    entry = bytearray(128)
    entry[: len(raw)] = raw
    struct.pack_into("<HBB", entry, 0x40, len(raw) + 2, kind, 1)
    struct.pack_into("<III", entry, 0x44, 0xFFFFFFFF, right, child)
    struct.pack_into("<II", entry, 0x74, start, size)
    return bytes(entry)


def xlsb(path: Path, cells: list[tuple[int, int, float]]) -> Path:
    """A real .xlsb of one sheet holding `cells` (0-based row, column, number), the records
    calamine needs and no more: workbook.bin naming the sheet, the sheet's dimension, rows and
    BrtCellReal records."""
    last_row = max(r for r, _c, _v in cells)
    last_col = max(c for _r, c, _v in cells)
    body = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, last_row, 0, last_col))
    body += _record(0x91)
    for row in sorted({r for r, _c, _v in cells}):
        body += _record(0x00, struct.pack("<IHBBB", row, 0, 0, 0, 0) + b"\x00" * 8)
        for _r, col, value in sorted(c for c in cells if c[0] == row):
            body += _record(0x05, struct.pack("<IId", col, 0, value))
    body += _record(0x92) + _record(0x82)
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.bin"/></Relationships>'
    )
    parts = {"xl/_rels/workbook.bin.rels": rels.encode(), "xl/worksheets/sheet1.bin": body}
    return _xlsb_package(path, "rId1", parts)


def set_dimensions(xls: Path, path: Path, rows: int, cols: int) -> Path:
    """The .xls with its first sheet's DIMENSIONS record declaring rows × cols from A1 (a
    tiny file asking for a huge range, the shape of POI's 51535.xls)."""
    data = bytearray(xls.read_bytes())
    at = data.index(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes (BIFF8)
    struct.pack_into("<IIHH", data, at + 4, 0, rows, 0, cols)
    path.write_bytes(bytes(data))
    return path


def ods_with_cell(ods: Path, path: Path, row: int, col: int) -> Path:
    """The .ods with a number at (row, col), 1-based, written with repeat attributes as
    LibreOffice writes far cells: one repeated empty row and one repeated empty cell."""
    cell = (
        f'<table:table-row table:number-rows-repeated="{row - 1}"><table:table-cell/>'
        f"</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="
        f'"{col - 1}"/><table:table-cell office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    ).encode()
    with zipfile.ZipFile(ods) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":
                at = data.index(b"<table:table ")
                table = '<table:table table:name="远处">'.encode() + cell + b"</table:table>"
                data = data[:at] + table + data[at:]
            zout.writestr(info, data)
    return path


def move_first_text_cell(xls: Path, path: Path, row: int, col: int) -> Path:
    """The .xls with its first sheet's first text cell (LabelSst) moved to (row, col), 0-based:
    calamine then builds the range from A1 to there, however empty."""
    data = bytearray(xls.read_bytes())
    at = data.index(b"\x00\x02\x0e\x00")  # the first sheet's DIMENSIONS; its cells follow
    while struct.unpack_from("<H", data, at)[0] != 0x00FD:
        at += 4 + struct.unpack_from("<H", data, at + 2)[0]
    struct.pack_into("<HH", data, at + 4, row, col)
    path.write_bytes(bytes(data))
    return path


def windows_paths(xlsx: Path, path: Path, lower: bool = False) -> Path:
    """The package with its member names stored with backslashes ("xl\\workbook.xml"), as
    some Windows tools write them (calamine's issue_530.xlsx), and with `lower` in lower case
    too ("[content_types].xml", POI's 49609.xlsx)."""
    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename.replace("/", "\\")
            zout.writestr(name.lower() if lower else name, zin.read(info))
    return path


def xor_obfuscated(xls: Path, path: Path, password: str) -> Path:
    """The .xls obfuscated as Excel does with XOR (MS-OFFCRYPTO method 1): a FilePass record
    after the globals' BOF (the sheets' offsets moved past it) and every record's body XORed,
    except those the format keeps plain, the inverse of msoffcrypto-tool's decryption."""
    import olefile
    from msoffcrypto.method.xor_obfuscation import DocumentXOR

    ole = olefile.OleFileIO(str(xls))
    stream = ole.openstream("Workbook").read()
    others = {n[-1]: ole.openstream(n).read() for n in ole.listdir() if n[-1] != "Workbook"}
    bof_size = struct.unpack_from("<H", stream, 2)[0]
    key = DocumentXOR.create_xor_key_method1(password)
    verifier = _xor_verifier(password)
    filepass = struct.pack("<HHHHH", 0x002F, 6, 0, key, verifier)
    plain = stream[: 4 + bof_size] + filepass + stream[4 + bof_size :]
    records, offset = [], 0
    while offset + 4 <= len(plain):
        kind, size = struct.unpack_from("<HH", plain, offset)
        body = bytearray(plain[offset + 4 : offset + 4 + size])
        if kind == 0x0085:  # BoundSheet8: lbPlyPos moves by the FilePass, and stays plain
            struct.pack_into("<I", body, 0, struct.unpack_from("<I", body)[0] + len(filepass))
        records.append((offset, kind, size, body))
        offset += 4 + size
    xor = DocumentXOR.create_xor_array_method1(password)
    out = bytearray()
    for start, kind, size, body in records:
        out += struct.pack("<HH", kind, size)
        keep = 4 if kind == 0x0085 else (size if kind in _XOR_PLAIN else 0)
        out += body[:keep]
        # The array index starts at the run's end (msoffcrypto adds 4 more after BoundSheet8's
        # plain lbPlyPos), as the decryption reads it.
        first = start + 4 + size + (4 if kind == 0x0085 else 0)
        for i, byte in enumerate(body[keep:]):
            rotated = ((byte << 5) | (byte >> 3)) & 0xFF  # rol 5, undone by ror 5
            out.append(rotated ^ xor[(first + i) % 16])
    path.write_bytes(compound_file({"Workbook": bytes(out), **others}))
    return path


# Records MS-XLS keeps unobfuscated: BOF, FilePass, UsrExcl, FileLock, InterfaceHdr, RRDInfo,
# RRDHead.
_XOR_PLAIN = {0x0809, 0x002F, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138}


def _xor_verifier(password: str) -> int:
    """The 16-bit password verifier of MS-OFFCRYPTO 2.3.7.1 (what FilePass stores)."""
    verifier = 0
    for byte in reversed([len(password), *password.encode("latin-1")]):
        verifier = (((verifier >> 14) & 0x01) | ((verifier << 1) & 0x7FFF)) ^ byte
    return verifier ^ 0xCE4B
