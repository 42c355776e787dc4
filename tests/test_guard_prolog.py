"""A DTD can stand only in a part's prolog — before its root element, after the XML
declaration, comments, processing instructions and white space — and there it is refused
however long the prolog (not only within the first bytes looked at first, `guard._HEAD`),
and in UTF-16 or UTF-32 as in UTF-8. Past the prolog "<!DOCTYPE" is text (in a comment, a
string): no parser reads a DTD there, and the part is not refused for it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from addin.limits import DEFAULT_LIMITS
from addin.workbook import guard
from addin.workbook.model import UnreadableWorkbook

DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>"
DTD = b"<!DOCTYPE x [<!ENTITY a 'b'>]>"
SHEET = b"<worksheet><sheetData/></worksheet>"


def _package(tmp_path: Path, part: bytes, where: str) -> Path:
    """A package with `part` as its content types (a small part: its head inflated alone)
    or as its sheet (inflated whole, in chunks)."""
    path = tmp_path / f"{where}.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", part if where == "types" else b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", part if where == "sheet" else SHEET)
    return path


def _refused(tmp_path: Path, part: bytes, where: str) -> bool:
    guard._CLEAN_HEADS.clear()
    guard._KNOWN.clear()
    try:
        guard.inspect_archive(_package(tmp_path, part, where), DEFAULT_LIMITS)
    except UnreadableWorkbook as exc:
        assert "文档类型声明" in str(exc)
        return True
    return False


def _padded(at: int, filler: str, dtd: bytes = DTD) -> bytes:
    """A part whose prolog is the declaration and `filler` up to byte `at`, then `dtd`."""
    pad = at - len(DECLARATION)
    if filler == "comment":
        body = b"<!--" + b"x" * (pad - 7) + b"-->"
    elif filler == "pi":
        body = b"<?pad " + b"x" * (pad - 8) + b"?>"
    else:
        body = b" \r\n\t" * (pad // 4) + b" " * (pad % 4)
    part = DECLARATION + body
    assert len(part) == at
    return part + dtd + SHEET


WHERE = pytest.mark.parametrize("where", ["types", "sheet"])


@WHERE
@pytest.mark.parametrize("filler", ["comment", "pi", "space"])
@pytest.mark.parametrize("at", [4000, 4095, 4096, 4097, 200_000])
def test_a_dtd_after_a_long_prolog_is_refused(tmp_path, where, filler, at):
    """The DTD starting just within, at the edge of and past the first 4 KiB, or far past
    them; the same part without it is read."""
    assert _refused(tmp_path, _padded(at, filler), where)
    assert not _refused(tmp_path, _padded(at, filler, dtd=b""), where)


@WHERE
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_dtd_in_utf16_or_utf32_is_refused(tmp_path, where, codec):
    """ "<!DOCTYPE" in UTF-16 is b"<\\0!\\0D\\0…": a parser decodes it and reads the DTD."""
    text = "<?xml version='1.0' encoding='UTF-16'?>"
    assert _refused(tmp_path, (text + DTD.decode() + "<a/>").encode(codec), where)
    assert not _refused(tmp_path, (text + "<!-- 注释 --><a/>").encode(codec), where)
    long = text + "<!--" + "长" * 5000 + "-->"
    assert _refused(tmp_path, (long + DTD.decode() + "<a/>").encode(codec), where)
    assert not _refused(tmp_path, (long + "<a/>").encode(codec), where)


@WHERE
def test_doctype_as_text_past_the_prolog_is_not_refused(tmp_path, where):
    """Decided: "<!DOCTYPE" inside the root element (in a comment, in a cell's text) is no
    DTD — no parser reads one there — so the part is read, not refused as before."""
    for inside in (b"<!-- <!DOCTYPE x [] -->", b"<![CDATA[<!DOCTYPE x>]]>", b"&lt;!DOCTYPE"):
        part = DECLARATION + b"<worksheet>" + inside + b"<sheetData/></worksheet>"
        assert not _refused(tmp_path, part, where)
    # A comment in the prolog that holds the text is a comment too; one after it is a DTD.
    assert not _refused(tmp_path, DECLARATION + b"<!-- <!DOCTYPE x> -->" + SHEET, where)
    assert _refused(tmp_path, DECLARATION + b"<!-- -->" + DTD + SHEET, where)


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"\x89PNG\r\n\x1a\n<!DOCTYPE x>", False),  # no XML: a parser reads no DTD in it
        (b"\xff\xd8\xff\xe0<!DOCTYPE x>", False),  # (JPEG: not UTF-16 for its 0xff)
        (b"\xef\xbb\xbf<!doctype x><a/>", True),
        (b"<?xml?><!", None),  # cut short: more bytes tell
        (b"<?xml?><!-", None),
        (b"<?xml?><!-- open", None),
        (b"<?xml?><?pi open", None),
        (b"<?xml?>  ", None),
        (b"<?xml?><!x", True),
        (b"<?xml?><a", False),
    ],
    ids=["png", "jpeg", "bom", "bang", "dash", "comment", "pi", "space", "other", "root"],
)
def test_the_prolog_is_looked_at_as_a_parser_reads_it(data, found):
    assert guard._prolog_dtd(data) is found


def test_a_long_prolog_streams_through_a_few_bytes(tmp_path):
    """A prolog of megabytes fed in small pieces: what is held between them stays small."""
    prolog = guard._Prolog()
    assert prolog.feed(DECLARATION + b"<!--") is None
    for _ in range(1000):
        assert prolog.feed(b"-" + b"x" * 1000) is None
        assert len(prolog._rest) <= 3
    assert prolog.feed(b"-") is None
    assert prolog.feed(b"->" + DTD) is True
