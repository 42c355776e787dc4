"""Annotated copies by patching the submitted package instead of rewriting it.

`openpyxl_writer.fill_file` loads the whole workbook into openpyxl and saves a new one: slow,
and everything openpyxl does not model (pictures such as a 盖章 stamp, shapes, text boxes, x14
data validations, VBA, printer settings, custom XML) is lost. Here the copy is the original zip
with only the parts the plan touches rewritten: the sheets written to or marked, styles.xml
(formats appended, never renumbered), the notes' comments and VML parts, workbook.xml, the
relationships and [Content_Types].xml, and the two added sheets. Every other member is copied
byte for byte.

The result equals what `fill_file` writes for the same plan: the same values, fills, notes,
conditional formats, 校验结果 and record sheets. A package the patcher does not understand
(`PatchUnsupported`) is written by `fill_file` instead, and the caller says so in a finding.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..atomic import write_atomically
from ..safe_text import visible
from ..writes import FILL_COLOURS, FINDINGS_SHEET, RECORD_SHEET, WritePlan
from . import own_output
from .cell_xml import EPOCH_1900, EPOCH_1904
from .custom_part import set_custom_properties
from .model import UnreadableWorkbook, WorkbookData, cell_ref
from .notes_patch import SheetNotes
from .own_output import CORE_PART
from .own_sheets import NewSheet, findings_sheet, record_sheet
from .package_patch import (
    CT_STYLES,
    CT_WORKSHEET,
    OFFICE_DOCUMENT,
    SHARED_STRINGS,
    STYLES,
    WORKSHEET,
    Package,
)
from .shared_strings import SharedStrings
from .sheet_patch import SheetPatch
from .styles_patch import Styles
from .xml_edit import (
    WORKBOOK_ORDER,
    PatchUnsupported,
    attr,
    attributes,
    children,
    insertion_point,
    relationship_prefix,
    root,
    splice,
    text,
)

log = logging.getLogger("jiceng")

AUTHOR = "Jiceng"
_SHEET = re.compile(rb"<sheet\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)


class OwnOutput(PatchUnsupported):
    """The file is a copy Jiceng wrote: its marks are undone by the openpyxl writer."""


@dataclass(frozen=True)
class CopyResult:
    patched: bool
    reason: str | None = None  # why the openpyxl writer wrote it instead (None: patched)


def write_copy(
    src: Path | str,
    dst: Path | str,
    plan: WritePlan,
    data: WorkbookData | None = None,
    mark: str = own_output.COPY,
) -> CopyResult:
    """The annotated copy: patched when the package allows, else rewritten by openpyxl.
    `mark`: what the copy is (`own_output`), so check and batch skip it until someone saves it."""
    src, dst = Path(src), Path(dst)
    if src.suffix.lower() == dst.suffix.lower():
        try:
            patch_copy(src, dst, plan, data, mark)
            return CopyResult(True)
        except OwnOutput:
            reason = None
        except PatchUnsupported as exc:
            log.info("patching %s is not possible (%s); openpyxl writes the copy", src, exc.reason)
            reason = exc.reason
        except MemoryError:
            raise
        except Exception as exc:  # a defect of the patcher must not cost the copy
            log.exception("patching %s failed; openpyxl writes the copy", src)
            reason = f"修补时出错：{type(exc).__name__}"
    else:
        reason = None  # .xlsm → .xlsx: the macros are dropped, as fill_file does
    if data is not None and (merged := merged_cells(data)) > OPENPYXL_MERGED:
        raise UnreadableWorkbook(
            f"合并单元格共 {merged:,} 个，超过另存副本的上限 {OPENPYXL_MERGED:,} 个，未写出副本"
            f"（{reason or '需要另存为 .xlsx'}）"
        )
    from .openpyxl_writer import fill_file  # openpyxl is imported only for this fallback

    fill_file(src, dst, plan, data, mark)
    return CopyResult(False, reason)


# openpyxl makes an object for every cell of a merged range (about 290 bytes and 10–30 µs
# each): H30:ZZ14000, within `Limits.max_merged_cells`, took 278 s CPU and 2.8 GB to load. The
# patcher costs nothing per merged cell; the openpyxl fallback stops here (about 600 MB).
OPENPYXL_MERGED = 2_000_000


def merged_cells(data: WorkbookData) -> int:
    """Cells spanned by the merged ranges of all sheets."""
    return sum(
        (m.bottom - m.top + 1) * (m.right - m.left + 1) for s in data.sheets for m in s.merges
    )


def patch_copy(
    src: Path | str,
    dst: Path | str,
    plan: WritePlan,
    data: WorkbookData | None = None,
    mark: str | None = own_output.COPY,
) -> None:
    """Write `plan` onto a copy of `src` at `dst` by patching the package (see the module).
    The copy keeps the original's docProps/core.xml, so its mark (`own_output`) names the
    modified time found there."""
    package = Package(src)
    try:
        _Patch(package, plan, data).apply()
        if mark:
            core = package.read(CORE_PART) if package.exists(CORE_PART) else b""
            modified = own_output.core_modified(core)
            set_custom_properties(package, own_output.mark_properties(mark, modified))
        for name, xml in package.changed.items():
            if name.endswith((".xml", ".rels")):
                _check_well_formed(name, xml)
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(Path(dst), package.save)
    except (KeyError, ValueError, IndexError, UnicodeDecodeError) as exc:
        # Malformed XML the scanner met half-way: never a broken copy.
        raise PatchUnsupported(f"部件格式异常（{type(exc).__name__}）") from exc
    finally:
        package.close()


@dataclass
class _SheetEntry:
    name: str
    part: str | None  # None: not a worksheet (a chart sheet)
    position: int  # 0-based, in workbook order


class _Patch:
    def __init__(self, package: Package, plan: WritePlan, data: WorkbookData | None):
        self.package, self.plan, self.data = package, plan, data
        office = [r for r in package.relationships("") if r.type == OFFICE_DOCUMENT]
        if len(office) != 1 or not office[0].part or not package.exists(office[0].part):
            raise PatchUnsupported("找不到工作簿部件")
        self.book = office[0].part
        self.book_xml = package.read(self.book)
        if _STRICT in self.book_xml:
            raise PatchUnsupported("工作簿为 Strict Open XML 格式")
        rels = package.relationships(self.book)
        by_id = {r.id: r for r in rels}
        self.sheets: dict[str, _SheetEntry] = {}
        for position, match in enumerate(_SHEET.finditer(self.book_xml)):
            a = attributes(match.group(0))
            rid = next((v for k, v in a.items() if k.endswith(":id")), None)
            rel = by_id.get(rid or "")
            part = rel.part if rel and rel.type == WORKSHEET and rel.part else None
            if part is not None and not package.exists(part):
                raise PatchUnsupported(f"工作表部件 {part} 缺失")
            self.sheets[a.get("name", "")] = _SheetEntry(a.get("name", ""), part, position)
        if FINDINGS_SHEET in self.sheets or RECORD_SHEET in self.sheets:
            raise OwnOutput("已是 Jiceng 写出的副本")
        styles = next((r.part for r in rels if r.type == STYLES and r.part), None)
        if styles is None or not package.exists(styles):
            # Allowed, and written by some generators: Excel's defaults, made explicit.
            # (openpyxl reads styles from this one name only)
            styles = "xl/styles.xml"
            if package.exists(styles):
                styles = package.free_name("xl/styles%d.xml")
            package.write(styles, MINIMAL_STYLES)
            package.add_relationship(self.book, STYLES, styles)
            package.add_content_type(styles, CT_STYLES)
        self.styles_part = styles
        self.styles = Styles(package.read(styles))
        strings = next((r.part for r in rels if r.type == SHARED_STRINGS and r.part), None)
        self.strings = SharedStrings(
            package.read(strings) if strings and package.exists(strings) else None
        )
        pr = re.search(rb"<workbookPr\b[^>]*>", self.book_xml)
        date1904 = pr is not None and attributes(pr.group(0)).get("date1904") in ("1", "true")
        self.epoch: date = EPOCH_1904 if date1904 else EPOCH_1900
        self.patches: dict[str, SheetPatch] = {}
        self.notes: dict[str, SheetNotes] = {}

    def sheet(self, name: str) -> SheetPatch | None:
        entry = self.sheets.get(name)
        if entry is None or entry.part is None:
            return None
        if name not in self.patches:
            xml = self.package.read(entry.part)
            self.patches[name] = SheetPatch(xml, self.styles, self.strings, self.epoch)
        return self.patches[name]

    def sheet_notes(self, name: str) -> SheetNotes:
        if name not in self.notes:
            entry = self.sheets[name]
            self.notes[name] = SheetNotes(
                self.package, entry.part, self.patches[name], entry.position + 1
            )
        return self.notes[name]

    def apply(self) -> None:
        overwritten: list[list[Any]] = []
        touched: dict[str, set[int]] = {}
        for w in self.plan.writes:
            placed = self._place(w.sheet, w.row, w.col, touched)
            if placed is None:
                continue
            sheet, r, c = placed
            current = sheet.value(r, c)
            if sheet.has_formula(r, c) or (isinstance(current, str) and current.startswith("=")):
                continue  # the person's formula stays; check already compared its cached value
            sheet.put(r, c, w.value)
            if w.replaces is not None:
                overwritten.append(
                    ["overwrite", w.sheet, cell_ref(r, c), "", "", w.replaces, w.value]
                )
        record = self._marks(touched)
        record += overwritten
        for name, rows in touched.items():
            sheet = self.patches[name]
            sheet.print_ready()
            sheet.fit_rows(sorted(rows))
        record += self._formula_values()
        record += self._conditional()
        for notes in self.notes.values():
            notes.finish(AUTHOR)
        for name, sheet in self.patches.items():
            self.package.write(self.sheets[name].part, sheet.patched())
        names = set(self.sheets)
        added = [
            (
                FINDINGS_SHEET,
                findings_sheet(FINDINGS_SHEET, self.plan, names, self.styles, self.epoch),
                False,
            ),
            (RECORD_SHEET, record_sheet(record, self.styles, self.epoch), True),
        ]
        self._add_sheets(added)
        self.package.write(self.styles_part, self.styles.patched())

    def _place(self, name: str, row: int, col: int, touched: dict[str, set[int]]):
        """The sheet being patched and the cell (the top-left of its merge) a write or a mark
        lands on, its row noted for fitting; None when the copy has no such sheet."""
        sheet = self.sheet(name)
        if sheet is None:
            return None
        touched.setdefault(name, set()).add(row)
        return (sheet, *sheet.anchor(row, col))

    def _marks(self, touched: dict[str, set[int]]) -> list[list[Any]]:
        record: list[list[Any]] = []
        marked: set[tuple[str, str]] = set()
        for mark in self.plan.marks:
            placed = self._place(mark.sheet, mark.row, mark.col, touched)
            if placed is None:
                continue
            sheet, r, c = placed
            ref = cell_ref(r, c)
            notes = self.sheet_notes(mark.sheet)
            if (mark.sheet, ref) in marked:
                # Two marks in one merged area: one record (the original look), both messages.
                notes.set(ref, visible(f"{notes.text(ref)}\n{mark.note}"))
                continue
            marked.add((mark.sheet, ref))
            style = sheet.style(r, c)
            old_note = notes.text(ref)
            record.append(
                ["mark", mark.sheet, ref, self.styles.solid_fill(style), old_note, "", ""]
            )
            sheet.restyle(r, c, self.styles.with_fill(style, FILL_COLOURS[mark.severity]))
            notes.set(ref, visible(f"{old_note}\n\n{mark.note}" if old_note else mark.note))
        return record

    def _formula_values(self) -> list[list[Any]]:
        """As the openpyxl writer's record: each formula cell's cached result. (The patched
        copy keeps the results in the cells too; the record keeps both writers' copies alike.)"""
        if self.data is None:
            return []
        lines = []
        for name, entry in sorted(self.sheets.items(), key=lambda kv: kv[1].position):
            found = self.data.sheet(name)
            if found is None or entry.part is None:
                continue
            sheet = self.sheet(name)
            for r, c in sheet.formula_cells():
                lines.append(["formula", name, cell_ref(r, c), "", "", found.value(r, c), ""])
        return lines

    def _conditional(self) -> list[list[Any]]:
        record: list[list[Any]] = []
        by_sheet: dict[str, list] = {}
        for rule in self.plan.conditional:
            if self.sheet(rule.sheet) is not None:
                by_sheet.setdefault(rule.sheet, []).append(rule)
        for name, rules in by_sheet.items():
            self.patches[name].replace_conditional(rules)
            record += [["conditional", name, r.ref, "", "", "", r.formula] for r in rules]
        return record

    def _add_sheets(self, sheets: list[tuple[str, NewSheet, bool]]) -> None:
        xml = self.book_xml
        top = root(xml)
        if b":" in top.qname:
            raise PatchUnsupported("workbook.xml 使用了带前缀的命名空间")
        kids = children(xml, top)
        first = {kid.name: kid for kid in reversed(kids)}
        if "sheets" not in first:
            raise PatchUnsupported("workbook.xml 没有工作表列表")
        rel_prefix, edits = relationship_prefix(xml, top)
        ids = [int(attributes(m.group(0)).get("sheetId", "0") or 0) for m in _SHEET.finditer(xml)]
        next_id = max(ids, default=0) + 1
        position = len(ids)
        entries, names = [], []
        for name, sheet, hidden in sheets:
            part = self.package.free_name("xl/worksheets/sheet%d.xml")
            self.package.write(part, sheet.xml)
            self.package.add_content_type(part, CT_WORKSHEET)
            rid = self.package.add_relationship(self.book, WORKSHEET, part)
            entry = b"<sheet name=" + attr(name) + b' sheetId="' + str(next_id).encode() + b'"'
            if hidden:
                entry += b' state="hidden"'
            entries.append(entry + b" " + rel_prefix + b":id=" + attr(rid) + b"/>")
            for defined, ref, hide in sheet.defined_names:
                element = b"<definedName name=" + attr(defined) + b' localSheetId="'
                element += str(position).encode() + b'"' + (b' hidden="1"' if hide else b"")
                names.append(element + b">" + text(ref) + b"</definedName>")
            next_id += 1
            position += 1
        sheets_el = first["sheets"]
        close = sheets_el.inner(xml)[1]
        if sheets_el.empty:
            raise PatchUnsupported("workbook.xml 的工作表列表为空")
        edits.append((close, close, b"".join(entries)))
        if names:
            defined = first.get("definedNames")
            if defined is None:
                at = insertion_point(xml, top, kids, "definedNames", WORKBOOK_ORDER)
                edits.append((at, at, b"<definedNames>" + b"".join(names) + b"</definedNames>"))
            elif defined.empty:
                edits.append(
                    (
                        defined.start,
                        defined.end,
                        b"<definedNames>" + b"".join(names) + b"</definedNames>",
                    )
                )
            else:
                end = defined.inner(xml)[1]
                edits.append((end, end, b"".join(names)))
        self.package.write(self.book, splice(xml, edits))


def _check_well_formed(name: str, xml: bytes) -> None:
    """Every part the patcher writes must parse: a raw control character a submission smuggled
    into a sheet, kept around a splice, would make Excel refuse the whole copy."""
    parser = expat.ParserCreate(namespace_separator=" ")  # an unbound prefix fails too
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise PatchUnsupported(f"{name} 不是格式正确的 XML（{exc}）") from exc


__all__ = ["CopyResult", "PatchUnsupported", "UnreadableWorkbook", "patch_copy", "write_copy"]
