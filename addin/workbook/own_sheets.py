"""Jiceng's own sheets in a patched copy — 校验结果 and the hidden record `_jiceng` — written as
worksheet parts from the plan, looking as `openpyxl_writer` draws them: the summary line, the
coloured header, one wrapped row per finding with a link to its cell, the header frozen and
printed on every page, A4 one page wide with the sheet's name and page numbers in the footer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..writes import (
    FINDINGS_FIRST_ROW,
    FINDINGS_HEADER,
    FINDINGS_HEADER_FILL,
    FINDINGS_WIDTHS,
    LEVEL_FILL,
    RECORD_HEADER,
    WritePlan,
)
from .cell_xml import encode
from .model import cell_ref, column_letter, is_ref
from .print_layout import LINE_HEIGHT, PAGE_FOOTER, needs_landscape, wrapped_height
from .styles_patch import Font, Styles
from .xml_edit import attr, text

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LINK_COLOUR = "0563C1"
CODE_FONT = Font(size=8, colour="595959")


@dataclass
class NewSheet:
    """A worksheet part to add, and the workbook-level names it needs (print titles, filter)."""

    xml: bytes
    defined_names: list[tuple[str, str, bool]] = field(default_factory=list)  # name, ref, hidden


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def findings_sheet(
    name: str, plan: WritePlan, sheet_names: set[str], styles: Styles, epoch: date
) -> NewSheet:
    rows = plan.findings_rows()
    last_col = len(FINDINGS_HEADER) - 1
    header_row = FINDINGS_FIRST_ROW - 1  # 1-based
    last_row = header_row + len(rows)
    title = styles.cell_format(font=Font(bold=True, size=12))
    head = styles.cell_format(
        font=Font(bold=True),
        fill=FINDINGS_HEADER_FILL,
        alignment={"horizontal": "center", "vertical": "center"},
    )
    wrap = {"vertical": "top", "wrapText": "1"}
    body = styles.cell_format(alignment=wrap)
    code = styles.cell_format(font=CODE_FONT, alignment=wrap)
    link = styles.cell_format(font=Font(colour=LINK_COLOUR, underline=True), alignment=wrap)
    out: list[bytes] = [_row(1, [(0, _cell(0, 0, plan.findings_summary(), title, styles, epoch))])]
    out.append(
        _row(
            header_row,
            [
                (c, _cell(header_row - 1, c, v, head, styles, epoch))
                for c, v in enumerate(FINDINGS_HEADER)
            ],
        )
    )
    links: list[bytes] = []
    for i, values in enumerate(rows):
        r = header_row + i  # 0-based row of this finding
        cells = []
        height = 0.0
        for c, value in enumerate(values):
            style = body
            if c == 1 and LEVEL_FILL.get(value):
                style = styles.cell_format(fill=LEVEL_FILL[value], alignment=wrap)
            if c == last_col:
                style = code
            cells.append((c, _cell(r, c, value, style, styles, epoch)))
            if value is not None:
                height = max(height, wrapped_height(str(value), FINDINGS_WIDTHS[c]))
        sheet, ref = values[3], values[4]
        if sheet in sheet_names and ref and is_ref(ref):
            cells[4] = (4, _cell(r, 4, values[4], link, styles, epoch))
            links.append(
                b"<hyperlink ref="
                + attr(cell_ref(r, 4))
                + b" location="
                + attr(f"{quoted(sheet)}!{ref}")
                + b" display="
                + attr(str(ref))
                + b"/>"
            )
        ht = height if height > LINE_HEIGHT + 2 else None
        out.append(_row(r + 1, cells, ht))
    # Lines under the table (each branch's 薄弱环节): wrapped, outside the filter.
    for i, values in enumerate(plan.note_rows()):
        r = last_row + i  # 0-based
        cells = [(c, _cell(r, c, v, body, styles, epoch)) for c, v in enumerate(values)]
        height = max(
            (wrapped_height(str(v), FINDINGS_WIDTHS[c]) for c, v in enumerate(values) if v),
            default=0.0,
        )
        out.append(_row(r + 1, cells, height if height > LINE_HEIGHT + 2 else None))
    end_row = last_row + len(plan.note_rows())
    last = column_letter(last_col)
    filter_ref = f"A{header_row}:{last}{last_row}"
    width = sum(FINDINGS_WIDTHS)
    orientation = "landscape" if needs_landscape(width) else "portrait"
    xml = b"".join(
        [
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="',
            MAIN_NS,
            b'" xmlns:r="',
            REL_NS,
            b'"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            b"<dimension ref=" + attr(f"A1:{last}{end_row}") + b"/>",
            b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="',
            str(header_row).encode(),
            b'" topLeftCell="',
            f"A{FINDINGS_FIRST_ROW}".encode(),
            b'" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="',
            f"A{FINDINGS_FIRST_ROW}".encode(),
            b'" sqref="',
            f"A{FINDINGS_FIRST_ROW}".encode(),
            b'"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>',
            b"".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'.encode()
                for i, w in enumerate(FINDINGS_WIDTHS, start=1)
            ),
            b"</cols><sheetData>",
            b"".join(out),
            b"</sheetData><autoFilter ref=" + attr(filter_ref) + b"/>",
            b"<hyperlinks>" + b"".join(links) + b"</hyperlinks>" if links else b"",
            b'<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.3" '
            b'footer="0.3"/><pageSetup paperSize="9" orientation="',
            orientation.encode(),
            b'" fitToWidth="1" fitToHeight="0"/><headerFooter><oddFooter>',
            text("&L&A&C" + PAGE_FOOTER),
            b"</oddFooter></headerFooter></worksheet>",
        ]
    )
    sheet_ref = quoted(name)
    names = [
        ("_xlnm._FilterDatabase", f"{sheet_ref}!$A${header_row}:${last}${last_row}", True),
        ("_xlnm.Print_Titles", f"{sheet_ref}!${header_row}:${header_row}", False),
    ]
    return NewSheet(xml, names)


def record_sheet(record: list[list[Any]], styles: Styles, epoch: date) -> NewSheet:
    out = []
    for r, values in enumerate([RECORD_HEADER, *record]):
        out.append(
            _row(r + 1, [(c, _cell(r, c, v, 0, styles, epoch)) for c, v in enumerate(values)])
        )
    return NewSheet(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        + MAIN_NS
        + b'"><sheetData>'
        + b"".join(out)
        + b"</sheetData></worksheet>"
    )


def _cell(row: int, col: int, value: Any, style: int, styles: Styles, epoch: date) -> bytes:
    encoded = encode(value, style, styles, epoch)
    tag = b"<c r=" + attr(cell_ref(row, col))
    if encoded.style:
        tag += b' s="' + str(encoded.style).encode() + b'"'
    if encoded.kind:
        tag += b' t="' + encoded.kind.encode() + b'"'
    return tag + (b">" + encoded.body + b"</c>" if encoded.body else b"/>")


def _row(number: int, cells: list[tuple[int, bytes]], height: float | None = None) -> bytes:
    tag = b'<row r="' + str(number).encode() + b'"'
    if height:
        tag += b' ht="' + f"{height:g}".encode() + b'" customHeight="1"'
    return tag + b">" + b"".join(cell for _, cell in cells) + b"</row>"
