"""Hostile workbooks, made on the fly in a temp folder (nothing downloaded, nothing committed).

Each maker writes one file into `folder` and returns its path. They start from a real rubric
submission written by the product's own template writer and then change its zip members the way
a broken, odd or malicious file would: far cells, lying dimensions, decompression bombs, DTDs,
control characters, formula-like text. `make_corpus` writes them all.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs

SHEET = "xl/worksheets/sheet1.xml"
BRANCH = "第一党支部"
MIB = 1 << 20


def base_rubric(path: Path, branch: str = BRANCH) -> Path:
    """A clean, fully scored 2022 rubric for one branch (total 100, 先进). Written once per
    branch and process, then copied: most makers start from it."""
    if branch not in _BASES:
        spec = load_specs().by_id("rubric_2022")
        wb = rubric_workbook(spec, {branch: {i.no: float(i.points) for i in spec.items}})
        written = io.BytesIO()
        wb.save(written)
        _BASES[branch] = written.getvalue()
    path.write_bytes(_BASES[branch])
    return path


_BASES: dict[str, bytes] = {}


def rewrite(src: Path, dst: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy a zip, passing the named members through `edits` (a new name adds a member)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            edit = edits.get(item.filename)
            zout.writestr(item.filename, edit(data) if edit else data)
        for name, edit in edits.items():
            if name not in zin.namelist():
                zout.writestr(name, edit(b""))
    return dst


def _from_base(folder: Path, name: str, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    base = base_rubric(folder / f".base-{name}.xlsx")
    try:
        return rewrite(base, folder / name, edits)
    finally:
        base.unlink()


def _append_row(xml: bytes, row: bytes) -> bytes:
    return xml.replace(b"</sheetData>", row + b"</sheetData>")


def _set_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """Replace cell `ref` (which must exist) by the given <c> element."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    assert pattern.search(xml), f"{ref} not in sheet"
    return pattern.sub(lambda _m: cell, xml, count=1)


def _text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


# --- size and shape ---------------------------------------------------------------------------
def far_corner_cell(folder: Path) -> Path:
    """One value at XFD1048576: a dense reader would allocate 1,048,576 × 16,384 cells."""
    row = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    return _from_base(folder, "far_corner.xlsx", {SHEET: lambda x: _append_row(x, row)})


def huge_dimension(folder: Path) -> Path:
    """What Gnumeric writes: <dimension> to XFD1048576 and a styled, empty far cell."""

    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return _append_row(xml, b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')

    return _from_base(folder, "gnumeric_dimension.xlsx", {SHEET: edit})


def far_row_cell(folder: Path) -> Path:
    """One value at A1048576 (someone pressed Ctrl+↓ and typed)."""
    row = b'<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row>'
    return _from_base(folder, "far_row.xlsx", {SHEET: lambda x: _append_row(x, row)})


def many_rows(folder: Path, rows: int = 200_000) -> Path:
    """200,000 real rows of content under the table."""
    start = 100
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="n"><v>%d</v></c><c r="B%d" t="n"><v>1</v></c></row>'
        % (r, r, r, r)
        for r in range(start, start + rows)
    )
    return _from_base(folder, "rows_200k.xlsx", {SHEET: lambda x: _append_row(x, body)})


def whitespace_bomb(folder: Path, inflated: int = 1024 * MIB) -> Path:
    """A sheet whose XML inflates to ~1 GB of spaces (about 1 MB on disk)."""
    base = base_rubric(folder / ".base-bomb.xlsx")
    path = folder / "whitespace_bomb.xlsx"
    try:
        with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename != SHEET:
                    z.writestr(item.filename, data)
                    continue
                head, tail = data.split(b"<sheetData>", 1)
                with z.open(SHEET, "w", force_zip64=True) as out:
                    if hasattr(out, "_compressor"):  # zipfile's writer: deflate piece by piece
                        out._compressor = _PieceByPiece()
                    out.write(head + b"<sheetData>")
                    chunk = b" " * MIB
                    for _ in range(inflated // MIB):
                        out.write(chunk)
                    out.write(tail)
    finally:
        base.unlink()
    return path


class _PieceByPiece:
    """A deflate compressor for zipfile that ends each written piece with a full flush (byte
    aligned, no reference back into an earlier piece), so the thousand identical megabytes of
    the bomb compress to the same bytes each time: computed once, not a gigabyte deflated."""

    def __init__(self) -> None:
        self._done: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if data not in self._done:
            deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
            self._done[data] = deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)
        return self._done[data]

    def flush(self) -> bytes:
        return zlib.compressobj(6, zlib.DEFLATED, -15).flush()  # the final, empty block


# --- XML attacks ------------------------------------------------------------------------------
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_doctype(xml: bytes, doctype: bytes) -> bytes:
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + doctype + xml[end:]
    return doctype + xml


def _doctype_in_sheet(doctype: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        xml = _set_cell(xml, "B3", b'<c r="B3" t="inlineStr"><is><t>' + entity + b"</t></is></c>")
        return _with_doctype(xml, doctype)

    return edit


def billion_laughs_sheet(folder: Path) -> Path:
    edit = _doctype_in_sheet(LAUGHS, b"&lol9;")
    return _from_base(folder, "laughs_sheet.xlsx", {SHEET: edit})


def xxe_sheet(folder: Path) -> Path:
    return _from_base(folder, "xxe_sheet.xlsx", {SHEET: _doctype_in_sheet(XXE, b"&xxe;")})


def _shared_strings(doctype: bytes, entity: bytes) -> dict[str, Callable[[bytes], bytes]]:
    """Move B3 into a new sharedStrings part that carries the DTD."""
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + doctype
        + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"'
        + b' uniqueCount="1"><si><t>'
        + entity
        + b"</t></si></sst>"
    )
    rel = (
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        b'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    return {
        SHEET: lambda x: _set_cell(x, "B3", b'<c r="B3" t="s"><v>0</v></c>'),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", rel),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", override),
        "xl/sharedStrings.xml": lambda _x: sst,
    }


def billion_laughs_shared_strings(folder: Path) -> Path:
    return _from_base(folder, "laughs_sst.xlsx", _shared_strings(LAUGHS, b"&lol9;"))


def xxe_shared_strings(folder: Path) -> Path:
    return _from_base(folder, "xxe_sst.xlsx", _shared_strings(XXE, b"&xxe;"))


def _core(doctype: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"<dc:creator>[^<]*</dc:creator>", b"", xml)
        xml = xml.replace(
            b"</cp:coreProperties>", b"<dc:creator>" + entity + b"</dc:creator></cp:coreProperties>"
        )
        return _with_doctype(xml, doctype)

    return edit


def billion_laughs_core(folder: Path) -> Path:
    return _from_base(folder, "laughs_core.xlsx", {"docProps/core.xml": _core(LAUGHS, b"&lol9;")})


def xxe_core(folder: Path) -> Path:
    return _from_base(folder, "xxe_core.xlsx", {"docProps/core.xml": _core(XXE, b"&xxe;")})


# --- hostile text -----------------------------------------------------------------------------
def control_characters(folder: Path) -> Path:
    """Control characters the way Excel stores them (`_x0007_`): BEL in the branch name, in a
    score's text and in a cached formula result; an ESC sequence that would recolour a
    terminal."""

    def edit(xml: bytes) -> bytes:
        xml = _set_cell(xml, "B3", _text_cell("B3", "第一_x0007_党支部_x001B_[31m"))
        xml = _set_cell(xml, "D5", _text_cell("D5", "5_x0007_"))
        formula = b'<c r="D6" t="str"><f>"4"&amp;CHAR(7)</f><v>4_x0007_</v></c>'
        return _set_cell(xml, "D6", formula)

    return _from_base(folder, "control_chars.xlsx", {SHEET: edit})


def raw_control_characters(folder: Path) -> Path:
    """A raw BEL byte in the XML: not well-formed, yet some readers take it."""

    def edit(xml: bytes) -> bytes:
        return _set_cell(xml, "B3", _text_cell("B3", "第一\x07党支部"))

    return _from_base(folder, "raw_control_chars.xlsx", {SHEET: edit})


FORMULA_TEXTS = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "  =1+1",
    "＝1+1",
]


def formula_like_text(folder: Path, name: str = "formula_text.xlsx") -> Path:
    """Formula-like *text* (stored as strings, not formulas) as the branch name and in scores."""

    def edit(xml: bytes) -> bytes:
        xml = _set_cell(xml, "B3", _text_cell("B3", _xml(FORMULA_TEXTS[0])))
        for i, text in enumerate(FORMULA_TEXTS[1:], start=5):
            xml = _set_cell(xml, f"D{i}", _text_cell(f"D{i}", _xml(text)))
        return xml

    return _from_base(folder, name, {SHEET: edit})


def formula_file_name(folder: Path) -> Path:
    """A clean submission whose file name is formula-like."""
    return base_rubric(folder / '=HYPERLINK("http---evil","x").xlsx')


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


# --- not a workbook, or a locked one ----------------------------------------------------------
def encrypted(folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = base_rubric(folder / ".base-locked.xlsx")
    path = folder / "encrypted.xlsx"
    try:
        with plain.open("rb") as src, path.open("wb") as dst:
            OOXMLFile(src).encrypt("123456", dst)
    finally:
        plain.unlink()
    return path


def legacy_xls(folder: Path) -> Path:
    """A real Excel 97-2003 file (LibreOffice converts the base rubric)."""
    import subprocess

    base = base_rubric(folder / "legacy.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder.resolve() / '.lo-profile'}",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(folder),
            str(base),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    base.unlink()
    shutil.rmtree(folder / ".lo-profile", ignore_errors=True)
    return folder / "legacy.xls"


def docx_renamed(folder: Path) -> Path:
    path = folder / "word_renamed.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return path


def empty(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def truncated(folder: Path) -> Path:
    base = base_rubric(folder / ".base-truncated.xlsx")
    path = folder / "truncated.xlsx"
    path.write_bytes(base.read_bytes()[:3000])
    base.unlink()
    return path


def clean(folder: Path) -> Path:
    return base_rubric(folder / "clean.xlsx")


MAKERS: dict[str, Callable[[Path], Path]] = {
    "clean": clean,
    "far_corner": far_corner_cell,
    "gnumeric_dimension": huge_dimension,
    "far_row": far_row_cell,
    "rows_200k": many_rows,
    "whitespace_bomb": whitespace_bomb,
    "laughs_sheet": billion_laughs_sheet,
    "laughs_sst": billion_laughs_shared_strings,
    "laughs_core": billion_laughs_core,
    "xxe_sheet": xxe_sheet,
    "xxe_sst": xxe_shared_strings,
    "xxe_core": xxe_core,
    "control_chars": control_characters,
    "raw_control_chars": raw_control_characters,
    "formula_text": formula_like_text,
    "formula_file_name": formula_file_name,
    "encrypted": encrypted,
    "legacy_xls": legacy_xls,
    "docx_renamed": docx_renamed,
    "empty": empty,
    "truncated": truncated,
}


def make_corpus(folder: Path, only: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, maker in MAKERS.items():
        if only is None or name in only:
            if name == "legacy_xls" and shutil.which("soffice") is None:
                continue
            made[name] = maker(folder)
    return made
