"""styles.xml, patched: new fonts, fills, number formats, cell formats (xf) and differential
formats (dxf) are appended after the existing ones, so every style index a cell already uses
keeps its meaning. A cell's new format is a copy of its old one with one thing changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .xml_edit import (
    Element,
    PatchUnsupported,
    attr,
    attributes,
    children,
    insertion_point,
    root,
    set_attributes,
    splice,
)

STYLESHEET_ORDER = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
]
# Built-in number formats that show a date or time (ECMA-376 18.8.30, and the CJK ones).
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_DATE_CODE = re.compile(r"[dmyhs]", re.I)
_NOT_CODE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_FIRST_CUSTOM_FORMAT = 164
_FONT_NAME = re.compile(rb"<(?:\w+:)?name\b")
_WRAP = re.compile(rb"<alignment\b[^>]*\bwrapText=\"(1|true)\"")


def rgb(colour: str) -> str:
    """RRGGBB → ARGB as openpyxl writes it ("00" alpha, which Excel ignores), so a patched copy
    and one written by openpyxl carry the same colour strings."""
    return "00" + colour.upper()


@dataclass(frozen=True)
class Font:
    bold: bool = False
    size: float | None = None  # None: the workbook's default size
    colour: str | None = None  # RRGGBB
    underline: bool = False


class Styles:
    def __init__(self, xml: bytes):
        self.xml = xml
        self.top = root(xml)
        if b":" in self.top.qname:
            raise PatchUnsupported("styles.xml 使用了带前缀的命名空间")
        self.kids = {kid.name: kid for kid in children(xml, self.top)}
        self.items = {
            name: children(xml, kid) for name, kid in self.kids.items() if name in STYLESHEET_ORDER
        }
        self.added: dict[str, list[bytes]] = {}
        self._cache: dict[tuple, int] = {}
        self.formats = self._number_formats()

    # --- reading ---------------------------------------------------------------------------
    def count(self, collection: str) -> int:
        return len(self.items.get(collection, [])) + len(self.added.get(collection, []))

    def xf(self, index: int) -> bytes:
        """The cell format `index` as written (its own bytes, or one this run added)."""
        existing = self.items.get("cellXfs", [])
        if index < len(existing):
            item = existing[index]
            return self.xml[item.start : item.end]
        added = self.added.get("cellXfs", [])
        if index - len(existing) < len(added):
            return added[index - len(existing)]
        return b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'

    def xf_attributes(self, index: int) -> dict[str, str]:
        return attributes(self.xf(index).split(b">", 1)[0] + b">")

    def solid_fill(self, index: int) -> str:
        """The ARGB of the cell's solid fill ("" when none, or a theme/indexed colour)."""
        fill_id = _int(self.xf_attributes(index).get("fillId"))
        fills = self.items.get("fills", [])
        if fill_id >= len(fills):
            return ""
        raw = self.xml[fills[fill_id].start : fills[fill_id].end]
        if b'patternType="solid"' not in raw:
            return ""
        match = re.search(rb"<fgColor\b[^>]*\brgb=\"([0-9A-Fa-f]{6,8})\"", raw)
        return match.group(1).decode() if match else ""

    def wraps(self, index: int) -> bool:
        key = ("wraps", index)
        if key not in self._cache:
            self._cache[key] = bool(_WRAP.search(self.xf(index)))
        return bool(self._cache[key])

    def is_date(self, index: int) -> bool:
        fmt = _int(self.xf_attributes(index).get("numFmtId"))
        if fmt in BUILTIN_DATE_FORMATS:
            return True
        code = self.formats.get(fmt)
        return bool(code and _DATE_CODE.search(_NOT_CODE.sub("", code)))

    def default_font(self) -> tuple[str | None, str | None]:
        """(name, size) of font 0, the workbook's default."""
        fonts = self.items.get("fonts", [])
        if not fonts:
            return None, None
        raw = self.xml[fonts[0].start : fonts[0].end]
        name = re.search(rb"<name\b[^>]*\bval=\"([^\"]*)\"", raw)
        size = re.search(rb"<sz\b[^>]*\bval=\"([^\"]*)\"", raw)
        return (
            name.group(1).decode() if name else None,
            size.group(1).decode() if size else None,
        )

    # --- adding ----------------------------------------------------------------------------
    def with_fill(self, index: int, colour: str) -> int:
        """The format of cell-format `index` with a solid `colour` background."""
        key = ("fill", index, colour)
        if key not in self._cache:
            fill = self.fill(colour)
            self._cache[key] = self._derived(index, {"fillId": str(fill), "applyFill": "1"})
        return self._cache[key]

    def with_named_font(self, index: int) -> int:
        """The format of cell-format `index` with a font that names its family: a font without
        a name prints in a serif fallback in WPS and LibreOffice (as `openpyxl_writer` does,
        the workbook's own family, its default font's)."""
        key = ("named", index)
        if key not in self._cache:
            font_id = _int(self.xf_attributes(index).get("fontId"))
            raw = self._font(font_id)
            if raw is None or _FONT_NAME.search(raw):
                self._cache[key] = index
            else:
                family = self.default_font()[0] or "Calibri"
                name = b"<name val=" + attr(family) + b"/>"
                if raw.rstrip().endswith(b"/>"):
                    named = raw.rstrip()[:-2].rstrip() + b">" + name + b"</font>"
                else:
                    named = raw[: raw.rfind(b"</")] + name + raw[raw.rfind(b"</") :]
                font = self._append("fonts", named)
                self._cache[key] = self._derived(index, {"fontId": str(font), "applyFont": "1"})
        return self._cache[key]

    def _font(self, font_id: int) -> bytes | None:
        fonts = self.items.get("fonts", [])
        if font_id < len(fonts):
            return self.xml[fonts[font_id].start : fonts[font_id].end]
        added = self.added.get("fonts", [])
        if font_id - len(fonts) < len(added):
            return added[font_id - len(fonts)]
        return None

    def with_quote_prefix(self, index: int) -> int:
        key = ("quote", index)
        if key not in self._cache:
            self._cache[key] = self._derived(index, {"quotePrefix": "1"})
        return self._cache[key]

    def with_number_format(self, index: int, code: str) -> int:
        key = ("format", index, code)
        if key not in self._cache:
            fmt = self.number_format(code)
            self._cache[key] = self._derived(
                index, {"numFmtId": str(fmt), "applyNumberFormat": "1"}
            )
        return self._cache[key]

    def fill(self, colour: str) -> int:
        key = ("solid", colour)
        if key not in self._cache:
            self._cache[key] = self._append(
                "fills",
                b'<fill><patternFill patternType="solid"><fgColor rgb='
                + attr(rgb(colour))
                + b'/><bgColor indexed="64"/></patternFill></fill>',
            )
        return self._cache[key]

    def font(self, font: Font) -> int:
        key = ("font", font)
        if key not in self._cache:
            name, size = self.default_font()
            parts = [b"<font>"]
            if font.bold:
                parts.append(b"<b/>")
            if font.underline:
                parts.append(b"<u/>")
            size_text = str(font.size) if font.size is not None else size
            if size_text:
                parts.append(b"<sz val=" + attr(size_text) + b"/>")
            if font.colour:
                parts.append(b"<color rgb=" + attr(rgb(font.colour)) + b"/>")
            if name:
                parts.append(b"<name val=" + attr(name) + b"/>")
            parts.append(b"</font>")
            self._cache[key] = self._append("fonts", b"".join(parts))
        return self._cache[key]

    def number_format(self, code: str) -> int:
        for fmt, existing in self.formats.items():
            if existing == code:
                return fmt
        fmt = max([_FIRST_CUSTOM_FORMAT - 1, *self.formats]) + 1
        self.formats[fmt] = code
        self._append(
            "numFmts", b"<numFmt numFmtId=" + attr(str(fmt)) + b" formatCode=" + attr(code) + b"/>"
        )
        return fmt

    def cell_format(
        self,
        font: Font | None = None,
        fill: str | None = None,
        alignment: dict[str, str] | None = None,
    ) -> int:
        """A new cell format for Jiceng's own sheets (on the default border and number format)."""
        key = ("xf", font, fill, tuple(sorted((alignment or {}).items())))
        if key not in self._cache:
            a = {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}
            if font is not None:
                a.update(fontId=str(self.font(font)), applyFont="1")
            if fill is not None:
                a.update(fillId=str(self.fill(fill)), applyFill="1")
            tag = b"<xf" + b"".join(b" " + k.encode() + b"=" + attr(v) for k, v in a.items())
            if alignment:
                tag += b' applyAlignment="1"><alignment'
                tag += b"".join(b" " + k.encode() + b"=" + attr(v) for k, v in alignment.items())
                tag += b"/></xf>"
            else:
                tag += b"/>"
            self._cache[key] = self._append("cellXfs", tag)
        return self._cache[key]

    def dxf(self, fill: str, font_colour: str | None) -> int:
        key = ("dxf", fill, font_colour)
        if key not in self._cache:
            font = (
                b"<font><color rgb=" + attr(rgb(font_colour)) + b"/></font>" if font_colour else b""
            )
            colour = attr(rgb(fill))
            self._cache[key] = self._append(
                "dxfs",
                b"<dxf>"
                + font
                + b'<fill><patternFill patternType="solid"><fgColor rgb='
                + colour
                + b"/><bgColor rgb="
                + colour
                + b"/></patternFill></fill></dxf>",
            )
        return self._cache[key]

    def _derived(self, index: int, changes: dict[str, str]) -> int:
        old = self.xf(index)
        head, sep, rest = old.partition(b">")
        tag = head + sep
        if tag.endswith(b"/>"):
            new = set_attributes(tag, changes)
        else:
            new = set_attributes(tag, changes) + rest
        return self._append("cellXfs", new)

    def _append(self, collection: str, item: bytes) -> int:
        index = self.count(collection)
        self.added.setdefault(collection, []).append(item)
        return index

    # --- writing ---------------------------------------------------------------------------
    def patched(self) -> bytes:
        edits: list[tuple[int, int, bytes]] = []
        kids = list(self.kids.values())
        for collection in STYLESHEET_ORDER:
            new = self.added.get(collection)
            if not new:
                continue
            total = str(self.count(collection)).encode()
            kid = self.kids.get(collection)
            if kid is None:
                at = insertion_point(self.xml, self.top, kids, collection, STYLESHEET_ORDER)
                element = b"<" + collection.encode() + b' count="' + total + b'">'
                element += b"".join(new) + b"</" + collection.encode() + b">"
                edits.append((at, at, element))
                continue
            tag = set_attributes(kid.start_tag(self.xml), {"count": total.decode()})
            if kid.empty:
                tag = tag[:-2].rstrip() + b">" + b"".join(new) + b"</" + kid.qname + b">"
                edits.append((kid.start, kid.end, tag))
            else:
                edits.append((kid.start, kid.tag_end, tag))
                close = kid.inner(self.xml)[1]
                edits.append((close, close, b"".join(new)))
        return splice(self.xml, edits)

    def _number_formats(self) -> dict[int, str]:
        formats = {}
        for item in self.items.get("numFmts", []):
            a = attributes(item.start_tag(self.xml))
            if a.get("numFmtId", "").isdigit():
                formats[int(a["numFmtId"])] = a.get("formatCode", "")
        return formats


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


__all__ = ["Element", "Font", "Styles", "rgb"]
