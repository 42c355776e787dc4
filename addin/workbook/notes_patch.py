"""Notes (legacy comments) of one sheet, patched: the comments part gains or replaces the notes
Jiceng writes, its VML drawing gains a shape for each new one; both parts are created, with their
relationships and content types, when the sheet has none. The legacy form is the one Excel, WPS
and LibreOffice all show.
"""

from __future__ import annotations

import re

from .model import parse_ref
from .package_patch import (
    COMMENTS,
    CT_COMMENTS,
    CT_VML,
    THREADED_COMMENTS,
    VML_DRAWING,
    Package,
)
from .shared_strings import item_text
from .sheet_patch import SheetPatch
from .xml_edit import PatchUnsupported, attr, attributes, splice, text, unescape

_AUTHOR = re.compile(rb"<author>(.*?)</author>|<author/>", re.S)
_COMMENT = re.compile(rb"<comment\b[^>]*?(?:/>|>.*?</comment>)", re.S)
_TEXT = re.compile(rb"<text\b[^>]*>(.*?)</text>", re.S)
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
VML_HEAD = (
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    b'office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
)
NOTE_SHAPETYPE = (
    b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
NOTE_WIDTH, NOTE_HEIGHT = 320, 120  # pixels, as the openpyxl writer's notes


class SheetNotes:
    def __init__(self, package: Package, sheet_part: str, sheet: SheetPatch, number: int):
        self.package, self.part, self.sheet, self.number = package, sheet_part, sheet, number
        rels = package.relationships(sheet_part)
        self.threaded = any(r.type == THREADED_COMMENTS for r in rels)
        self.comments_part = next(
            (r.part for r in rels if r.type == COMMENTS and r.part and package.exists(r.part)),
            None,
        )
        rid = sheet.legacy_drawing()
        self.vml_part = next((r.part for r in rels if r.id == rid and r.part), None)
        if rid and (self.vml_part is None or not package.exists(self.vml_part)):
            raise PatchUnsupported("工作表的 VML 绘图部件缺失")
        self.xml = package.read(self.comments_part) if self.comments_part else None
        self.existing: dict[str, re.Match[bytes]] = {}
        self.authors: list[str] = []
        if self.xml is not None:
            self.authors = [
                unescape(m.group(1)) if m.group(1) is not None else ""
                for m in _AUTHOR.finditer(self.xml)
            ]
            for match in _COMMENT.finditer(self.xml):
                ref = attributes(match.group(0).split(b">", 1)[0] + b">").get("ref", "")
                self.existing[ref.replace("$", "").upper()] = match
        self.notes: dict[str, str] = {}  # cell → the note Jiceng writes there

    def text(self, ref: str) -> str:
        """The note the cell has now ("" for none)."""
        if ref in self.notes:
            return self.notes[ref]
        match = self.existing.get(ref)
        if match is None:
            return ""
        body = _TEXT.search(match.group(0))
        return item_text(body.group(1)) if body else ""

    def set(self, ref: str, note: str) -> None:
        if self.threaded and ref in self.existing:
            raise PatchUnsupported("工作表中有新式批注（threaded comments）")
        self.notes[ref] = note

    def finish(self, author: str) -> None:
        if not self.notes:
            return
        if self.xml is None:
            self.comments_part = self.package.free_name("xl/comments%d.xml")
            self.xml = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<authors></authors><commentList></commentList></comments>"
            )
            self.package.add_relationship(self.part, COMMENTS, self.comments_part)
            self.package.add_content_type(self.comments_part, CT_COMMENTS)
        self.package.write(self.comments_part, self._comments(author))
        new_cells = [ref for ref in self.notes if ref not in self.existing]
        if new_cells:
            self._shapes(new_cells)

    def _comments(self, author: str) -> bytes:
        xml = self.xml
        if b"<comments" not in xml or b"<commentList" not in xml:
            raise PatchUnsupported("批注部件的格式无法识别")
        edits: list[tuple[int, int, bytes]] = []
        if author in self.authors:
            author_id = self.authors.index(author)
        else:
            author_id = len(self.authors)
            entry = b"<author>" + text(author) + b"</author>"
            close = xml.find(b"</authors>")
            if close >= 0:
                edits.append((close, close, entry))
            else:
                empty = re.search(rb"<authors\s*/>", xml)
                if empty is None:
                    raise PatchUnsupported("批注部件没有作者表")
                edits.append((empty.start(), empty.end(), b"<authors>" + entry + b"</authors>"))
        appended = []
        for ref, note in self.notes.items():
            element = (
                b"<comment ref="
                + attr(ref)
                + b' authorId="'
                + str(author_id).encode()
                + b'"><text><t xml:space="preserve">'
                + text(note)
                + b"</t></text></comment>"
            )
            old = self.existing.get(ref)
            if old is not None:
                edits.append((old.start(), old.end(), element))
            else:
                appended.append(element)
        close = xml.rfind(b"</commentList>")
        if close >= 0:
            edits.append((close, close, b"".join(appended)))
        else:
            empty = re.search(rb"<commentList\s*/>", xml)
            if empty is None:
                raise PatchUnsupported("批注部件没有批注列表")
            edits.append(
                (
                    empty.start(),
                    empty.end(),
                    b"<commentList>" + b"".join(appended) + b"</commentList>",
                )
            )
        return splice(xml, edits)

    def _shapes(self, refs: list[str]) -> None:
        if self.vml_part is None:
            self.vml_part = self.package.free_name("xl/drawings/vmlDrawing%d.vml")
            block = self.number
            vml = (
                VML_HEAD
                + b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="'
                + str(block).encode()
                + b'"/></o:shapelayout>'
                + NOTE_SHAPETYPE
                + b"</xml>"
            )
            rid = self.package.add_relationship(self.part, VML_DRAWING, self.vml_part)
            self.package.add_content_type(None, CT_VML, "vml")
            self.sheet.link_legacy_drawing(rid)
            next_id = block * 1024 + 1
            names = {usual: usual for usual in VML_NAMESPACES}
        else:
            vml, names = _with_namespaces(self.package.read(self.vml_part))
            if b"</xml>" not in vml:
                raise PatchUnsupported("VML 绘图的格式无法识别")
            if b'id="_x0000_t202"' not in vml:
                close = vml.rfind(b"</xml>")
                vml = vml[:close] + _prefixed(NOTE_SHAPETYPE, names) + vml[close:]
            next_id = max((int(n) for n in _SHAPE_ID.findall(vml)), default=1024) + 1
        shapes = []
        for ref in refs:
            row, col = parse_ref(ref)
            shapes.append(_prefixed(_shape(next_id, row, col), names))
            next_id += 1
        close = vml.rfind(b"</xml>")
        self.package.write(self.vml_part, vml[:close] + b"".join(shapes) + vml[close:])


VML_NAMESPACES = {
    b"v": b"urn:schemas-microsoft-com:vml",
    b"o": b"urn:schemas-microsoft-com:office:office",
    b"x": b"urn:schemas-microsoft-com:office:excel",
}


def _with_namespaces(vml: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """The VML and the prefixes it uses for v, o and x (openpyxl writes ns0, ns1, ns2); a
    namespace it never declared is declared on its root element."""
    names: dict[bytes, bytes] = {}
    missing = []
    for usual, uri in VML_NAMESPACES.items():
        found = re.search(rb"xmlns:([\w.-]+)=[\"']" + re.escape(uri) + rb"[\"']", vml)
        if found:
            names[usual] = found.group(1)
        else:
            names[usual] = b"jc" + usual
            missing.append(b" xmlns:jc" + usual + b'="' + uri + b'"')
    if missing:
        start = re.search(rb"<xml\b", vml)
        if start is None:
            raise PatchUnsupported("VML 绘图的格式无法识别")
        vml = vml[: start.end()] + b"".join(missing) + vml[start.end() :]
    return vml, names


def _prefixed(xml: bytes, names: dict[bytes, bytes]) -> bytes:
    """Our VML (written with v:, o:, x:) in the prefixes of the file it goes into."""
    if all(k == v for k, v in names.items()):
        return xml
    return re.sub(rb"(</?|\s)(v|o|x):", lambda m: m.group(1) + names[m.group(2)] + b":", xml)


def _shape(shape_id: int, row: int, col: int) -> bytes:
    anchor = f"{col + 1}, 15, {row}, 10, {col + 4}, 15, {row + 5}, 4"
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" '
        f'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;'
        f'width:{NOTE_WIDTH}px;height:{NOTE_HEIGHT}px;z-index:{shape_id % 1024};visibility:hidden" '
        f'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        f'<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        f'<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
        f'</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
        f"<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
    ).encode()
