"""Byte-level edits of package XML parts: find an element, read or set its attributes, insert a
sibling at its schema place — and leave every other byte as it was.

A parse-and-serialise round trip (ElementTree) renames namespace prefixes and drops unused
declarations, which breaks the `mc:Ignorable="x14ac xr"` lists Excel relies on; the patcher
therefore splices bytes. The scanner understands what SpreadsheetML parts contain: elements,
quoted attributes (which may hold `>`), comments, CDATA and processing instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

# One token: a comment, CDATA, a processing instruction, an end tag or a start/empty tag.
TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>|</[^>]*>"
    rb"|<[A-Za-z_](?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S,
)
NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)")
ATTR = re.compile(rb"([^\s=/<>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")

# The order of a worksheet's children (ECMA-376 CT_Worksheet); Excel refuses any other.
WORKSHEET_ORDER = [
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
]
# CT_Workbook, for the definedNames element.
WORKBOOK_ORDER = [
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
]


class PatchUnsupported(Exception):
    """This package has something the patcher does not edit safely; `reason` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def text(value: str) -> bytes:
    """Element text, escaped."""
    return _escape(value).encode("utf-8")


def attr(value: str) -> bytes:
    """An attribute value with its quotes, escaped (line breaks kept as character references)."""
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}).encode("utf-8")


_ENTITY = re.compile(rb"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_NAMED = {b"amp": "&", b"lt": "<", b"gt": ">", b"quot": '"', b"apos": "'"}


def unescape(raw: bytes) -> str:
    if b"&" not in raw:
        return raw.decode("utf-8")
    return _unescape(raw)


def _unescape(raw: bytes) -> str:
    def one(match: re.Match[bytes]) -> str:
        name = match.group(1)
        if name.startswith(b"#x"):
            return chr(int(name[2:], 16))
        if name.startswith(b"#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    parts, last = [], 0
    for match in _ENTITY.finditer(raw):
        parts.append(raw[last : match.start()].decode("utf-8"))
        parts.append(one(match))
        last = match.end()
    parts.append(raw[last:].decode("utf-8"))
    return "".join(parts)


def attributes(tag: bytes) -> dict[str, str]:
    """The attributes of one start tag (`<c r="A1" s="3">`), unescaped; names as written."""
    head = NAME.match(tag)
    body = tag[head.end() :] if head else tag
    return {
        m.group(1).decode(): unescape(m.group(2) if m.group(2) is not None else m.group(3))
        for m in ATTR.finditer(body)
    }


def set_attributes(tag: bytes, changes: dict[str, str | None]) -> bytes:
    """The start tag with attributes set (appended when new, replaced in place when present)
    or removed (value None); every other byte of the tag is kept."""
    for name, value in changes.items():
        pattern = re.compile(
            rb"(\s)" + re.escape(name.encode()) + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*')"
        )
        if value is None:
            tag = pattern.sub(b"", tag, count=1)
            continue
        new = name.encode() + b"=" + attr(value)
        tag, count = pattern.subn(lambda m, new=new: m.group(1) + new, tag, count=1)
        if not count:
            end = len(tag) - (2 if tag.endswith(b"/>") else 1)
            tag = tag[:end].rstrip() + b" " + new + tag[end:]
    return tag


def local(qname: bytes) -> str:
    return qname.rsplit(b":", 1)[-1].decode()


@dataclass(frozen=True)
class Element:
    """One element found in a part: its qualified name and byte span [start, end)."""

    qname: bytes
    start: int
    end: int
    tag_end: int  # end of its start tag
    empty: bool  # written as <x/>

    @property
    def name(self) -> str:
        return local(self.qname)

    def start_tag(self, xml: bytes) -> bytes:
        return xml[self.start : self.tag_end]

    def inner(self, xml: bytes) -> tuple[int, int]:
        """The span of its content (empty at the end of the start tag for <x/>)."""
        if self.empty:
            return self.tag_end, self.tag_end
        return self.tag_end, self.end - len(self.qname) - 3


def root(xml: bytes) -> Element:
    """The document element."""
    pos = 0
    while True:
        match = TOKEN.search(xml, pos)
        if match is None:
            raise PatchUnsupported("XML 部件没有根元素")
        token = match.group(0)
        if token[1:2] not in (b"?", b"!", b"/"):
            qname = NAME.match(token).group(1)
            close = xml.rfind(b"</" + qname)
            if token.endswith(b"/>") or close < 0:
                raise PatchUnsupported("XML 部件的根元素为空")
            return Element(qname, match.start(), len(xml.rstrip()), match.end(), False)
        pos = match.end()


def children(xml: bytes, parent: Element, skip: frozenset[str] = frozenset()) -> list[Element]:
    """The child elements of `parent`. Children named in `skip` are jumped over by their end
    tag without being scanned (a sheet's rows never nest another sheetData)."""
    found: list[Element] = []
    pos, end = parent.inner(xml)
    depth, opened = 0, None
    while True:
        match = TOKEN.search(xml, pos, end)
        if match is None:
            break
        token, pos = match.group(0), match.end()
        if token.startswith((b"<!", b"<?")):
            continue
        if token.startswith(b"</"):
            depth -= 1
            if depth == 0 and opened is not None:
                found.append(Element(opened[0], opened[1], pos, opened[2], False))
                opened = None
            continue
        qname = NAME.match(token).group(1)
        if token.endswith(b"/>"):
            if depth == 0:
                found.append(Element(qname, match.start(), pos, pos, True))
            continue
        if depth == 0:
            if local(qname) in skip:
                close = xml.find(b"</" + qname + b">", pos, end)
                if close < 0:
                    raise PatchUnsupported(f"元素 {local(qname)} 没有结束标记")
                stop = close + len(qname) + 3
                found.append(Element(qname, match.start(), stop, pos, False))
                pos = stop
                continue
            opened = (qname, match.start(), pos)
        depth += 1
    if depth != 0:
        raise PatchUnsupported("XML 元素未正确闭合")
    return found


def insertion_point(
    xml: bytes, parent: Element, kids: list[Element], name: str, order: list[str]
) -> int:
    """Where a new child called `name` goes: before the first child the schema puts after it.
    An element the order does not name (an extension such as xr:revisionPtr) keeps to the known
    element before it."""
    rank = order.index(name)
    previous = -1
    for kid in kids:
        kid_rank = _rank(xml, kid, order)
        if kid_rank is None:
            kid_rank = previous
        if kid_rank > rank:
            return kid.start
        previous = kid_rank
    return parent.inner(xml)[1]


def _rank(xml: bytes, kid: Element, order: list[str]) -> int | None:
    if kid.name in order:
        return order.index(kid.name)
    if kid.name == "AlternateContent":
        # mc:AlternateContent wraps a known child (oleObjects, controls): rank it as that one.
        for match in NAME.finditer(xml, kid.tag_end, kid.end):
            if local(match.group(1)) in order:
                return order.index(local(match.group(1)))
    return None


RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def relationship_prefix(xml: bytes, top: Element) -> tuple[bytes, list[tuple[int, int, bytes]]]:
    """The prefix the part binds to the relationships namespace (for r:id attributes), and the
    edit that declares it as `r` on the root element when the part binds none."""
    tag = top.start_tag(xml)
    for name, value in attributes(tag).items():
        if name.startswith("xmlns:") and value == RELATIONSHIPS_NS:
            return name[6:].encode(), []
    return b"r", [(top.start, top.tag_end, set_attributes(tag, {"xmlns:r": RELATIONSHIPS_NS}))]


def prefix_of(qname: bytes) -> bytes:
    """`b"x:"` for `x:worksheet`, `b""` for an unprefixed name."""
    return qname[: qname.rfind(b":") + 1] if b":" in qname else b""


def splice(xml: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (start, end, replacement) edits given on the original offsets; insertions at one
    offset keep the order they were given in."""
    out, last = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < last:
            raise PatchUnsupported("内部错误：重叠的 XML 修改")
        out.append(xml[last:start])
        out.append(new)
        last = end
    out.append(xml[last:])
    return b"".join(out)
