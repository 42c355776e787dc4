"""One worksheet part, patched in place: cells written or restyled, rows grown, print settings
completed, conditional formats replaced, a legacy drawing linked. Each change is spliced into
the part's bytes at its schema place (`WORKSHEET_ORDER`); rows and cells nobody touches keep
their bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..writes import ConditionalFill
from .cell_xml import encode
from .model import cell_ref, parse_ref
from .print_layout import (
    DEFAULT_WIDTH,
    LINE_HEIGHT,
    PAGE_FOOTER,
    needs_landscape,
    wrapped_height,
)
from .shared_strings import SharedStrings, item_text
from .styles_patch import Styles
from .xml_edit import (
    WORKSHEET_ORDER,
    Element,
    PatchUnsupported,
    attr,
    attributes,
    children,
    insertion_point,
    relationship_prefix,
    root,
    set_attributes,
    splice,
    text,
    unescape,
)

A4 = "9"
# Children never nested in themselves: found by their end tag, their content not scanned.
_FLAT = frozenset(
    [
        "sheetData",
        "sheetViews",
        "cols",
        "mergeCells",
        "conditionalFormatting",
        "dataValidations",
        "hyperlinks",
        "rowBreaks",
        "colBreaks",
    ]
)
_ROW = re.compile(rb"<row\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_CELL = re.compile(rb"<c[\s/>](?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_FORMULA = re.compile(rb"<f[\s/>]")
_V = re.compile(rb"<v>(.*?)</v>|<v/>", re.S)
_RULE = re.compile(rb"<cfRule\b.*?(?:</cfRule>|/>)", re.S)
_FORMULA_TEXT = re.compile(rb"<formula>(.*?)</formula>", re.S)
_PRIORITY = re.compile(rb"\bpriority=\"(\d+)\"")
_ROW_R = re.compile(rb"<row\b[^>]*?\sr=\"(\d+)\"")
_CELL_R = re.compile(rb"\sr=\"([A-Z]{1,3})\d+\"")
_CELL_S = re.compile(rb"\ss=\"(\d+)\"")
_CELL_T = re.compile(rb"\st=\"(\w+)\"")
_CELL_REF = re.compile(rb"<c\b[^>]*?\sr=\"([A-Z]+)\d+\"")


@dataclass
class _Cell:
    """A cell being rewritten: its start-tag attributes (as read) and new content."""

    attrs: dict[str, str]
    body: bytes

    def xml(self) -> bytes:
        tag = b"<c" + b"".join(b" " + k.encode() + b"=" + attr(v) for k, v in self.attrs.items())
        return tag + (b">" + self.body + b"</c>" if self.body else b"/>")


@dataclass
class _Row:
    element: Element | None  # None: a row the sheet does not have yet
    cells: dict[int, Element] = field(default_factory=dict)  # 0-based column → its element
    attrs: dict[str, str | None] = field(default_factory=dict)  # start-tag changes


class SheetPatch:
    def __init__(self, xml: bytes, styles: Styles, strings: SharedStrings, epoch: date):
        self.xml, self.styles, self.strings, self.epoch = xml, styles, strings, epoch
        self.top = root(xml)
        if b":" in self.top.qname:
            raise PatchUnsupported("工作表使用了带前缀的命名空间")
        self.kids = children(xml, self.top, skip=_FLAT)
        self.first = {}
        for kid in self.kids:
            self.first.setdefault(kid.name, kid)
        if "sheetData" not in self.first:
            raise PatchUnsupported("工作表没有 sheetData")
        data = self.first["sheetData"]
        self.data_span = data.inner(xml)
        if xml.find(b"<!", *self.data_span) >= 0 or xml.find(b"<?", *self.data_span) >= 0:
            raise PatchUnsupported("工作表数据中有注释或 CDATA")
        self._rows: dict[int, int] | None = None  # 1-based row → its start offset
        self._tags: dict[int, dict[str, str]] = {}  # a cell's offset → its attributes
        self._width: float | None = None
        self.rows: dict[int, _Row] = {}
        self.cells: dict[tuple[int, int], _Cell] = {}
        self.edits: list[tuple[int, int, bytes]] = []
        self.inserts: list[tuple[int, int, bytes]] = []  # (offset, schema rank, element)
        self.merges = self._merges()

    # --- reading ---------------------------------------------------------------------------
    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """0-based: the top-left cell of the merged area holding (row, col), else the cell."""
        for top, left, bottom, right in self.merges:
            if top <= row <= bottom and left <= col <= right:
                return top, left
        return row, col

    def has_formula(self, row: int, col: int) -> bool:
        element = self._element(row, col)
        return (
            element is not None
            and not element.empty
            and bool(_FORMULA.search(self.xml, element.tag_end, element.end))
        )

    def style(self, row: int, col: int) -> int:
        cell = self.cells.get((row, col))
        if cell is not None:
            return int(cell.attrs.get("s", 0) or 0)
        element = self._element(row, col)
        if element is None:
            return 0
        found = _CELL_S.search(self.xml, element.start, element.tag_end)
        return int(found.group(1)) if found else 0

    def value(self, row: int, col: int) -> Any:
        """What openpyxl would read there: text, a number, a bool, or None."""
        cell = self.cells.get((row, col))
        if cell is not None:
            return _decode(cell.attrs, cell.body, self.strings)
        element = self._element(row, col)
        if element is None or element.empty:
            return None
        kind = _CELL_T.search(self.xml, element.start, element.tag_end)
        return _decode(
            {"t": kind.group(1).decode()} if kind else {},
            self.xml[element.tag_end : element.end],
            self.strings,
        )

    def formula_cells(self) -> list[tuple[int, int]]:
        """0-based (row, col) of every cell holding a formula, in row and column order."""
        found = set()
        start, end = self.data_span
        for match in _FORMULA.finditer(self.xml, start, end):
            cell = self.xml.rfind(b"<c ", start, match.start())
            tag = _CELL.match(self.xml, cell) if cell >= 0 else None
            if tag is None or "r" not in (a := attributes(tag.group(0))):
                raise PatchUnsupported("公式单元格没有地址")
            found.add(parse_ref(a["r"]))
        return sorted(found)

    # --- writing cells ---------------------------------------------------------------------
    def put(self, row: int, col: int, value: Any) -> None:
        """Write `value` as openpyxl's `put` would (see `cell_xml.encode`)."""
        cell = self._editable(row, col)
        for name in ("t", "vm", "cm"):
            cell.attrs.pop(name, None)
        encoded = encode(value, int(cell.attrs.get("s", 0) or 0), self.styles, self.epoch)
        if encoded.kind:
            cell.attrs["t"] = encoded.kind
        style = self.styles.with_named_font(encoded.style)
        if style:
            cell.attrs["s"] = str(style)
        cell.body = encoded.body
        self._reorder(cell)

    def restyle(self, row: int, col: int, style: int) -> None:
        cell = self._editable(row, col)
        cell.attrs["s"] = str(style)
        self._reorder(cell)

    # --- rows and print ---------------------------------------------------------------------
    def fit_rows(self, rows: list[int]) -> None:
        """Rows (0-based) grow to show their wrapped text (as `sheet_style.fit_row_heights`)."""
        spans = {(t, lft): (r, b > t) for t, lft, b, r in self.merges}
        widths = self._widths()
        for row in rows:
            needed = 0.0
            for col in sorted(self._row_columns(row)):
                if not self.styles.wraps(self.style(row, col)):
                    continue
                value = self.value(row, col)
                if value is None:
                    continue
                last, tall = spans.get((row, col), (col, False))
                if tall:
                    continue
                width = sum(widths.get(c, self._default_width()) for c in range(col, last + 1))
                needed = max(needed, wrapped_height(str(value), width))
            if not needed:
                continue
            current = self._row_attribute(row, "ht")
            if needed > max(float(current or 0), LINE_HEIGHT + 2):
                entry = self._row(row)
                entry.attrs.update(ht=f"{needed:g}", customHeight="1")

    def print_ready(self) -> None:
        """A4, one page wide, an orientation by width, page numbers: only what is unset."""
        setup = self.first.get("pageSetup")
        a = attributes(setup.start_tag(self.xml)) if setup else {}
        changes: dict[str, str] = {}
        if "paperSize" not in a:
            changes["paperSize"] = A4
        if a.get("orientation", "default") == "default":
            changes["orientation"] = "landscape" if needs_landscape(self.width()) else "portrait"
        if not self._fits_to_page() and a.get("scale", "100") == "100":
            self._set_fit_to_page()
            changes.update(fitToWidth="1", fitToHeight="0")
        if setup is None:
            tag = b"<pageSetup" + b"".join(
                b" " + k.encode() + b"=" + attr(v) for k, v in changes.items()
            )
            self._insert("pageSetup", tag + b"/>")
        elif changes:
            self.edits.append(
                (setup.start, setup.tag_end, set_attributes(setup.start_tag(self.xml), changes))
            )
        self._footer()

    def width(self) -> float:
        """The used columns' summed width (column-width units)."""
        widths = self._widths()
        return sum(widths.get(c, self._default_width()) for c in range(self._max_column() + 1))

    # --- conditional formats and drawings ---------------------------------------------------
    def replace_conditional(self, rules: list[ConditionalFill]) -> None:
        """Drop the rules whose formula is one of `rules`' (an earlier run's, the template's),
        then add `rules` after the remaining ones, numbered above every priority in use."""
        formulas = {rule.formula for rule in rules}
        priorities = [0]
        for kid in self.kids:
            if kid.name != "conditionalFormatting":
                continue
            kept = []
            for match in _RULE.finditer(self.xml, kid.tag_end, kid.end):
                found = _FORMULA_TEXT.search(match.group(0))
                if found and unescape(found.group(1)) in formulas:
                    continue
                kept.append(match.group(0))
                priorities += [int(p) for p in _PRIORITY.findall(match.group(0))]
            if len(kept) != len(_RULE.findall(self.xml, kid.tag_end, kid.end)):
                new = kid.start_tag(self.xml) + b"".join(kept) + b"</" + kid.qname + b">"
                self.edits.append((kid.start, kid.end, new if kept else b""))
        ext = self.first.get("extLst")
        if ext is not None:
            priorities += [int(p) for p in _PRIORITY.findall(self.xml, ext.start, ext.end)]
        priority = max(priorities)
        new = []
        for rule in rules:
            priority += 1
            dxf = self.styles.dxf(rule.fill, rule.font)
            new.append(
                b"<conditionalFormatting sqref="
                + attr(rule.ref)
                + b'><cfRule type="expression" dxfId="'
                + str(dxf).encode()
                + b'" priority="'
                + str(priority).encode()
                + b'"><formula>'
                + text(rule.formula)
                + b"</formula></cfRule></conditionalFormatting>"
            )
        if new:
            self._insert("conditionalFormatting", b"".join(new))

    def legacy_drawing(self) -> str | None:
        """The relationship id of the sheet's legacy (VML) drawing, if it has one."""
        kid = self.first.get("legacyDrawing")
        if kid is None:
            return None
        return next(
            (v for k, v in attributes(kid.start_tag(self.xml)).items() if k.endswith(":id")), None
        )

    def link_legacy_drawing(self, rid: str) -> None:
        prefix, declare = relationship_prefix(self.xml, self.top)
        self.edits += declare
        self._insert("legacyDrawing", b"<legacyDrawing " + prefix + b":id=" + attr(rid) + b"/>")

    # --- result ------------------------------------------------------------------------------
    def patched(self) -> bytes:
        # New elements meeting at one place go in schema order, whatever order they came in.
        inserts = sorted(self.inserts, key=lambda i: (i[0], i[1]))
        edits = [(at, at, element) for at, _, element in inserts] + self.edits
        edits += self._row_edits()
        edits += self._dimension_edit()
        return splice(self.xml, edits)

    # --- internals -----------------------------------------------------------------------------
    def _insert(self, name: str, element: bytes) -> None:
        at = insertion_point(self.xml, self.top, self.kids, name, WORKSHEET_ORDER)
        self.inserts.append((at, WORKSHEET_ORDER.index(name), element))

    def _row_index(self) -> dict[int, int]:
        if self._rows is None:
            start, end = self.data_span
            rows = [m.start() for m in _ROW.finditer(self.xml, start, end)]
            numbered = {int(m.group(1)): m.start() for m in _ROW_R.finditer(self.xml, start, end)}
            if len(numbered) != len(rows):
                raise PatchUnsupported("工作表中有未标行号的行")
            self._rows = numbered
        return self._rows

    def _row(self, row: int) -> _Row:
        entry = self.rows.get(row)
        if entry is not None:
            return entry
        start = self._row_index().get(row + 1)
        if start is None:
            entry = _Row(None)
        else:
            tag = _ROW.match(self.xml, start)
            if tag.group(0).endswith(b"/>"):
                element = Element(b"row", start, tag.end(), tag.end(), True)
            else:
                close = self.xml.find(b"</row>", tag.end())
                element = Element(b"row", start, close + 6, tag.end(), False)
            entry = _Row(element, self._parse_cells(element))
        self.rows[row] = entry
        return entry

    def _parse_cells(self, row: Element) -> dict[int, Element]:
        cells: dict[int, Element] = {}
        if row.empty:
            return cells
        pos, end = row.inner(self.xml)
        while True:
            match = _CELL.search(self.xml, pos, end)
            if match is None:
                return cells
            tag = match.group(0)
            ref = _CELL_R.search(tag)
            if ref is None:
                raise PatchUnsupported("工作表中有未标地址的单元格")
            col = _column(ref.group(1))
            if tag.endswith(b"/>"):
                cells[col] = Element(b"c", match.start(), match.end(), match.end(), True)
                pos = match.end()
            else:
                close = self.xml.find(b"</c>", match.end(), end)
                if close < 0:
                    raise PatchUnsupported("单元格未闭合")
                cells[col] = Element(b"c", match.start(), close + 4, match.end(), False)
                pos = close + 4

    def _attributes(self, element: Element) -> dict[str, str]:
        found = self._tags.get(element.start)
        if found is None:
            found = self._tags[element.start] = attributes(element.start_tag(self.xml))
        return found

    def _element(self, row: int, col: int) -> Element | None:
        return self._row(row).cells.get(col)

    def _editable(self, row: int, col: int) -> _Cell:
        cell = self.cells.get((row, col))
        if cell is None:
            element = self._element(row, col)
            if element is None:
                cell = _Cell({"r": cell_ref(row, col)}, b"")
            else:
                a = dict(self._attributes(element))
                body = b"" if element.empty else self.xml[element.tag_end : element.end - 4]
                cell = _Cell(a, body)
            self.cells[(row, col)] = cell
            self._row(row)
        return cell

    @staticmethod
    def _reorder(cell: _Cell) -> None:
        """r first, then s and t, as Excel writes them."""
        order = {"r": 0, "s": 1, "t": 2}
        cell.attrs = dict(sorted(cell.attrs.items(), key=lambda kv: order.get(kv[0], 3)))

    def _row_columns(self, row: int) -> set[int]:
        entry = self._row(row)
        return set(entry.cells) | {c for (r, c) in self.cells if r == row}

    def _row_attribute(self, row: int, name: str) -> str | None:
        entry = self._row(row)
        if name in entry.attrs:
            return entry.attrs[name]
        if entry.element is None:
            return None
        return attributes(entry.element.start_tag(self.xml)).get(name)

    def _row_edits(self) -> list[tuple[int, int, bytes]]:
        edits = []
        new_rows: list[tuple[int, bytes]] = []
        for row, entry in sorted(self.rows.items()):
            mine = {c: cell for (r, c), cell in self.cells.items() if r == row}
            if not mine and not entry.attrs:
                continue
            if entry.element is None:
                tag = set_attributes(b'<row r="' + str(row + 1).encode() + b'">', entry.attrs)
                body = b"".join(mine[c].xml() for c in sorted(mine))
                new_rows.append((row, tag + body + b"</row>"))
                continue
            element = entry.element
            tag = element.start_tag(self.xml)
            changes = dict(entry.attrs)
            if set(mine) - set(entry.cells):
                changes["spans"] = None  # a hint of the row's columns, optional: not kept stale
            if changes:
                tag = set_attributes(tag, changes)
            if not mine:
                edits.append((element.start, element.tag_end, tag))
                continue
            # Rebuild the row's content: every untouched cell's bytes, ours in column order.
            merged: dict[int, bytes] = {
                c: self.xml[e.start : e.end] for c, e in entry.cells.items()
            }
            merged.update({c: cell.xml() for c, cell in mine.items()})
            if tag.endswith(b"/>"):
                tag = tag[:-2].rstrip() + b">"
            content = b"".join(merged[c] for c in sorted(merged))
            first = min(entry.cells.values(), key=lambda e: e.start, default=None)
            last = max(entry.cells.values(), key=lambda e: e.end, default=None)
            if first is None:
                inner_start, inner_end = element.inner(self.xml)
                rebuilt = tag + content + self.xml[inner_start:inner_end] + b"</row>"
            else:
                # Whatever follows the cells inside the row (an extLst) stays after them.
                rebuilt = (
                    tag
                    + self.xml[element.tag_end : first.start]
                    + content
                    + self.xml[last.end : element.end]
                )
            edits.append((element.start, element.end, rebuilt))
        if new_rows:
            edits += self._new_row_edits(new_rows)
        return edits

    def _new_row_edits(self, new_rows: list[tuple[int, bytes]]) -> list[tuple[int, int, bytes]]:
        index = sorted(self._row_index().items())
        data = self.first["sheetData"]
        if data.empty:
            rows = b"".join(xml for _, xml in new_rows)
            return [(data.start, data.end, b"<sheetData>" + rows + b"</sheetData>")]
        edits = []
        for row, xml in new_rows:
            at = next((start for r, start in index if r > row + 1), self.data_span[1])
            edits.append((at, at, xml))
        return edits

    def _dimension_edit(self) -> list[tuple[int, int, bytes]]:
        kid = self.first.get("dimension")
        if kid is None or not self.cells:
            return []
        ref = attributes(kid.start_tag(self.xml)).get("ref", "")
        try:
            first, _, last = ref.partition(":")
            top, left = parse_ref(first)
            bottom, right = parse_ref(last or first)
        except ValueError:
            return []
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        new = (min(top, *rows), min(left, *cols), max(bottom, *rows), max(right, *cols))
        if new == (top, left, bottom, right):
            return []
        new_ref = f"{cell_ref(new[0], new[1])}:{cell_ref(new[2], new[3])}"
        return [(kid.start, kid.tag_end, set_attributes(kid.start_tag(self.xml), {"ref": new_ref}))]

    def _merges(self) -> list[tuple[int, int, int, int]]:
        kid = self.first.get("mergeCells")
        if kid is None:
            return []
        found = []
        for match in re.finditer(
            rb"<mergeCell\b[^>]*?\bref=\"([^\"]+)\"", self.xml[kid.start : kid.end]
        ):
            first, _, last = match.group(1).decode().partition(":")
            try:
                top, left = parse_ref(first)
                bottom, right = parse_ref(last or first)
            except ValueError:
                continue
            found.append((top, left, bottom, right))
        return found

    def _widths(self) -> dict[int, float]:
        widths: dict[int, float] = {}
        kid = self.first.get("cols")
        if kid is None:
            return widths
        for match in re.finditer(rb"<col\b[^>]*>", self.xml[kid.start : kid.end]):
            a = attributes(match.group(0))
            try:
                low, high, width = int(a["min"]), int(a["max"]), float(a["width"])
            except (KeyError, ValueError):
                continue
            for c in range(low - 1, min(high, 16384)):
                widths[c] = width
        return widths

    def _default_width(self) -> float:
        if self._width is None:
            self._width = self._sheet_default_width()
        return self._width

    def _sheet_default_width(self) -> float:
        kid = self.first.get("sheetFormatPr")
        if kid is not None:
            value = attributes(kid.start_tag(self.xml)).get("defaultColWidth")
            try:
                return float(value) if value else DEFAULT_WIDTH
            except ValueError:
                pass
        return DEFAULT_WIDTH

    def _max_column(self) -> int:
        kid = self.first.get("dimension")
        if kid is not None:
            ref = attributes(kid.start_tag(self.xml)).get("ref", "")
            try:
                return parse_ref(ref.rpartition(":")[2] or ref)[1]
            except ValueError:
                pass
        letters = _CELL_REF.findall(self.xml, *self.data_span)
        return max((parse_ref(col.decode() + "1")[1] for col in set(letters)), default=0)

    def _fits_to_page(self) -> bool:
        pr = self.first.get("sheetPr")
        if pr is None:
            return False
        found = re.search(rb"<pageSetUpPr\b[^>]*>", self.xml[pr.start : pr.end])
        if not found:
            return False
        return attributes(found.group(0)).get("fitToPage") in ("1", "true")

    def _set_fit_to_page(self) -> None:
        pr = self.first.get("sheetPr")
        if pr is None:
            self._insert("sheetPr", b'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
            return
        raw = self.xml[pr.start : pr.end]
        found = re.search(rb"<pageSetUpPr\b[^>]*>", raw)
        if found:
            at = pr.start + found.start()
            new = set_attributes(found.group(0), {"fitToPage": "1"})
            self.edits.append((at, pr.start + found.end(), new))
        elif pr.empty:
            tag = pr.start_tag(self.xml)[:-2].rstrip() + b">"
            self.edits.append(
                (pr.start, pr.end, tag + b'<pageSetUpPr fitToPage="1"/></' + pr.qname + b">")
            )
        else:
            # pageSetUpPr is the last child CT_SheetPr allows.
            close = pr.inner(self.xml)[1]
            self.edits.append((close, close, b'<pageSetUpPr fitToPage="1"/>'))

    def _footer(self) -> None:
        footer = b"<oddFooter>" + text("&C" + PAGE_FOOTER) + b"</oddFooter>"
        kid = self.first.get("headerFooter")
        if kid is None:
            self._insert("headerFooter", b"<headerFooter>" + footer + b"</headerFooter>")
            return
        raw = self.xml[kid.start : kid.end]
        odd = re.search(rb"<oddFooter\b[^>]*?(?:/>|>(.*?)</oddFooter>)", raw, re.S)
        if odd and odd.group(1) and _footer_has_text(unescape(odd.group(1))):
            return
        if odd:
            self.edits.append((kid.start + odd.start(), kid.start + odd.end(), footer))
        elif kid.empty:
            tag = kid.start_tag(self.xml)[:-2].rstrip() + b">"
            self.edits.append((kid.start, kid.end, tag + footer + b"</" + kid.qname + b">"))
        else:
            header = re.search(rb"<oddHeader\b[^>]*?(?:/>|>.*?</oddHeader>)", raw, re.S)
            at = kid.start + header.end() if header else kid.tag_end
            self.edits.append((at, at, footer))


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    """b"AB" → 27 (0-based)."""
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        col = _COLUMNS[letters] = col - 1
    return col


def _footer_has_text(code: str) -> bool:
    """Does a header/footer code (`&L…&C…&R…`) print anything?"""
    return bool(re.sub(r"&[LCR]", "", code).strip())


def _decode(a: dict[str, str], body: bytes, strings: SharedStrings) -> Any:
    kind = a.get("t", "n")
    if kind == "inlineStr":
        return item_text(body)
    match = _V.search(body)
    raw = unescape(match.group(1)) if match and match.group(1) is not None else None
    if raw is None:
        return None
    if kind == "s":
        return strings.get(int(raw))
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw in ("1", "true")
    try:
        number = float(raw)
    except ValueError:
        return raw
    return (
        int(number) if number.is_integer() and "." not in raw and "E" not in raw.upper() else number
    )
