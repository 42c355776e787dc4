"""The guard's sheet scan: its cheap looks (which chunks the exact patterns need to run on)
find every chunk the looks they replaced found, so the extent of a sheet is what it was."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import inspect_at_limit
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.limits import DEFAULT_LIMITS
from addin.workbook import guard
from addin.workbook.guard import _ExtentScan, _far_patterns, _maybe_prefixed, split_at_tag
from addin.workbook.model import UnreadableWorkbook

# The looks the scan used before, kept here to compare with: one tag-start search for a
# tag without a reference, one colon search for a prefixed tag, and the far reference in
# either kind of quotes.
_OLD_MAYBE_WITHOUT_REF = re.compile(rb"<(?:row|c)(?:/?>|\s(?!r=))")
_OLD_MAYBE_PREFIXED = re.compile(rb":(?:row|c)[\s/>]")


class _OldExtentScan(_ExtentScan):
    """The scan as it decided before: the same exact patterns, the old cheap looks."""

    def feed(self, chunk: bytes) -> None:
        data, cut, self._rest = split_at_tag(self._rest, chunk)
        if not self._every and self._looked < guard._HEAD_CELLS:
            self._every = bool(
                (
                    _OLD_MAYBE_WITHOUT_REF.search(data, 0, cut)
                    or _OLD_MAYBE_PREFIXED.search(data, 0, cut)
                )
                and guard._WITHOUT_REF.search(data, 0, cut)
            )
            self._looked += cut
        if not self._every and not self._long_ref.search(data, 0, cut):
            return
        tags = guard._TAG if self._every else self._candidates
        for m in tags.finditer(data, 0, cut):
            self._tag(m.group(0))


# Pieces of sheet XML, joined at random: tags with and without prefixes and references, both
# quotes, "$", whitespace of every kind, attributes that end in "r=" (operator=), colons
# and apostrophes in text, and stray characters next to tag names.
_PIECES = [
    b"<c",
    b"<row",
    b"<x:c",
    b"<x-y.z:row",
    b"<c-x",
    b"<cols",
    b"<col",
    b' r="',
    b" r='",
    b'r="',
    b'\tr="',
    b'  r="',
    b'x.r="',
    b'xr="',
    b'"',
    b"'",
    b">",
    b"/>",
    b"</c>",
    b"</row>",
    b"<v>1</v>",
    b"<f>SUM($A$1:B2)</f>",
    b"A",
    b"Z",
    b"AA",
    b"xfd",
    b"$",
    b"1",
    b"9",
    b"99",
    b"999",
    b"1000",
    b"4000",
    b"99999",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\x0b",
    b"\x0c",
    b":",
    b"-",
    b".",
    b"=",
    b' s="1"',
    b' t="inlineStr"',
    b' operator="between"',
    b" t='str'",
    b"<is><t>a:b it's</t></is>",
    b'<mergeCell ref="A1:B2"/>',
    b"\xe4\xb8\xad",
]
pieces = st.lists(st.sampled_from(_PIECES), max_size=60).map(b"".join)


def _cell(ref: bytes, quote: bytes, prefix: bytes, first: bool, empty: bool, space: bytes):
    attrs = [b"r=%s%s%s" % (quote, ref, quote)] if ref else []
    attrs.insert(0 if first else len(attrs), b's="1"')
    head = b"<%sc%s%s" % (prefix, space, space.join(attrs))
    return head + (b"/>" if empty else b"><%sv>1</%sv></%sc>" % (prefix, prefix, prefix))


refs = st.tuples(
    st.sampled_from([b"", b"$"]),
    st.sampled_from([b"", b"A", b"Z", b"AA", b"AN", b"xfd", b"b"]),
    st.sampled_from([b"", b"$"]),
    st.integers(1, 1_100_000),
).map(lambda t: b"%s%s%s%d" % (t[0], t[1], t[2] if t[1] else b"", t[3]) if t[1] else b"")
cells = st.builds(
    _cell,
    refs,
    st.sampled_from([b'"', b"'"]),
    st.sampled_from([b"", b"x:", b"x-y.z:"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([b" ", b"\t", b"\n", b"  "]),
)
rows = st.lists(
    st.tuples(st.sampled_from([b"", b' r="%d"', b" r='%d'", b' spans="1:3"']), st.lists(cells)),
    max_size=8,
)


def _sheet(rows_) -> bytes:
    body = b""
    for n, (attr, cells_) in enumerate(rows_, 1):
        body += b"<row%s>" % (attr % n if b"%d" in attr else attr) + b"".join(cells_) + b"</row>"
    return (
        b'<worksheet xmlns="http://main" xmlns:x="http://main"><sheetData>'
        + body
        + b'</sheetData><dataValidations><dataValidation operator="between" sqref="A1:B2"/>'
        b"</dataValidations></worksheet>"
    )


def _extent(scan_type, xml: bytes, chunk: int, floors: tuple[int, int]):
    scan = scan_type(*floors)
    for i in range(0, len(xml), chunk):
        scan.feed(xml[i : i + chunk])
    return scan.extent()


floors = st.sampled_from([(1, 1), (100, 26), (4000, 40), (100_000, 1000), (999, 27)])


@settings(max_examples=100)
@given(xml=st.builds(_sheet, rows) | pieces, chunk=st.sampled_from([7, 64, 1 << 20]), at=floors)
def test_the_scan_finds_the_extent_the_old_looks_found(xml, chunk, at):
    """Sheets of cells with and without references, prefixed, in either quotes, with "$",
    and random runs of such pieces: the same extent (rows, columns, cells named) as the scan
    with the looks it had before, in any chunking."""
    assert _extent(_ExtentScan, xml, chunk, at) == _extent(_OldExtentScan, xml, chunk, at)


@settings(max_examples=100)
@given(xml=pieces | st.builds(_sheet, rows), at=floors)
def test_the_cheap_looks_find_every_chunk_the_exact_patterns_match_in(xml, at):
    cut = len(xml)
    if guard._WITHOUT_REF.search(xml, 0, cut):
        assert guard._MAYBE_WITHOUT_REF.search(xml, 0, cut) or _maybe_prefixed(xml, cut)
    scan = _ExtentScan(*at)
    if scan._candidates.search(xml, 0, cut) or scan._long_ref.search(xml, 0, cut):
        assert scan._maybe_far(xml, cut)
    # The colons looked at one by one, then searched from: exactly the search from the start.
    assert _maybe_prefixed(xml, cut) == bool(_OLD_MAYBE_PREFIXED.search(xml, 0, cut))


@pytest.mark.parametrize(
    ("ref", "far"),
    [
        (b'"Z999"', False),  # one letter, three digits: nearer than both floors
        (b'"A1000"', True),  # four digits
        (b'"A$1000"', True),
        (b'"$A$1000"', True),
        (b'"AA1"', True),  # two letters
        (b'"$AA$1"', True),
        (b'"aa1"', True),
        (b"'Z999'", False),
        (b"'A1000'", True),
        (b"'AA1'", True),
    ],
    ids=repr,
)
def test_a_reference_is_far_from_its_letters_or_digits_in_either_quotes(ref, far):
    """Floors of 4,000 rows and 40 columns (the default limits'): a reference of two
    letters or four digits may pass a limit and is looked at, a nearer one is not."""
    xml = b'<sheetData><row r="1"><c r=%s><v>1</v></c></row></sheetData>' % ref
    xml += b'<dataValidation operator="between"/><x>it is</x>'
    scan = _ExtentScan(4000, 40)
    assert scan._maybe_far(xml, len(xml)) is far
    scan.feed(xml)
    extent = scan.extent()
    assert (extent.rows > 0) is far


@pytest.mark.parametrize("letters", [1, 2, 3])
@pytest.mark.parametrize("digits", [1, 4, 7])
def test_the_double_quoted_look_finds_the_far_references_of_any_floors(letters, digits):
    """Each number of letters and digits on both sides of the floors: the look for double
    quotes finds a reference wherever the look for either quotes does, and no nearer one
    written without "$" (the common kind; with "$" the exact look decides)."""
    _candidates, long_ref, far_dq = _far_patterns(letters, digits)
    for n_letters in range(1, letters + 2):
        for n_digits in range(1, digits + 2):
            for dollars in ((b"", b""), (b"$", b""), (b"", b"$"), (b"$", b"$")):
                ref = dollars[0] + b"B" * n_letters + dollars[1] + b"7" * n_digits
                xml = b'<c r="%s">' % ref
                far = n_letters >= letters or n_digits >= digits
                assert bool(long_ref.search(xml)) is far
                if far:
                    assert far_dq.search(xml)
                elif letters > 1 and b"$" not in ref:  # (one letter: every one is far)
                    assert not far_dq.search(xml), ref


def _zip(path: Path, sheet: bytes, other: bytes = b"<Types/>") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", other)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.mark.parametrize("colons", [0, 1, 2, 3, 9])
@pytest.mark.parametrize(("prefixed_rows", "refused"), [(2, False), (3, True)])
def test_prefixed_rows_without_references_are_counted_after_any_number_of_colons(
    tmp_path, colons, prefixed_rows, refused
):
    """Rows written `<x:row>` without a reference follow the row before: found whether few
    colons (looked at one by one) or many (searched) stand before them."""
    text = b"a:" * colons
    sheet = (
        b'<worksheet xmlns="main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        + text
        + b"</t></is></c></row>"
        + b"<x:row><x:c><x:v>1</x:v></x:c></x:row>" * prefixed_rows
        + b"</sheetData></worksheet>"
    )
    path = _zip(tmp_path / "prefixed.xlsx", sheet)
    limits = replace(DEFAULT_LIMITS, max_rows=3)
    inspect_at_limit(path, limits, refused, "第 4 行（A4），超过上限 3 行")


@pytest.mark.parametrize(
    ("head", "refused"),
    [
        (b"<?xml version='1.0'?><Types/>", False),  # no "!" at all
        (b"<?xml version='1.0'?><!-- made by hand! --><Types/>", False),  # "!", no DTD
        (b"<?xml version='1.0'?><!DOCTYPE x><Types/>", True),
        (b"<?xml version='1.0'?><!-- ! --><!doctype x><Types/>", True),
    ],
    ids=["no-bang", "comment", "dtd", "comment-then-dtd"],
)
def test_a_dtd_is_refused_and_a_comment_is_not(tmp_path, head, refused):
    path = _zip(tmp_path / "dtd.xlsx", b"<worksheet/>", other=head)
    if refused:
        with pytest.raises(UnreadableWorkbook, match="文档类型声明"):
            guard.inspect_archive(path, DEFAULT_LIMITS)
    else:
        guard.inspect_archive(path, DEFAULT_LIMITS)
