"""What a copy shows and what it holds: shared by tests/test_patcher.py and
benchmarks/bench_copies.py (the fidelity counts over a foreign corpus)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from addin.workbook.xml_edit import WORKSHEET_ORDER, children, root


def _fill(cell):
    fill = cell.fill
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None


def _dxf_fill(dxf):
    return dxf.fill.fgColor.rgb if dxf is not None and dxf.fill is not None else None


def _value(value):
    """Values as a person compares them: an array formula by its text and range; a number to
    12 significant digits (openpyxl writes some floats a digit short)."""
    if isinstance(value, ArrayFormula):
        return ("array", value.ref, value.text)
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def snapshot(path: Path) -> dict:
    """What a person sees in a copy: values (and whether text is quote-prefixed, a number shown
    as a date), fills, notes, conditional formats, links, sheets, their state and print titles."""
    wb = load_workbook(path)
    shot = {}
    for ws in wb.worksheets:
        cells = {}
        # The cells that exist: iter_rows() would visit every cell of a far dimension.
        for c in ws._cells.values():
            if c.value is None and c.comment is None and _fill(c) is None:
                continue
            link = c.hyperlink
            target = None
            if link is not None:
                target = link.target or f"#{link.location}"
            cells[c.coordinate] = (
                _value(c.value),
                _fill(c),
                c.comment.text if c.comment else None,
                c.quotePrefix,
                c.is_date,
                target,
            )
        rules = sorted(
            (str(cf.sqref), rule.type, rule.formula, _dxf_fill(rule.dxf))
            for cf in ws.conditional_formatting
            for rule in cf.rules
        )
        shot[ws.title] = (
            ws.sheet_state,
            cells,
            rules,
            sorted(map(str, ws.merged_cells.ranges)),
            ws.print_title_rows,
            ws.freeze_panes,
            ws.auto_filter.ref,
        )
    return shot


# Things a copy must not lose, counted in the package (prefix-agnostic patterns).
FEATURES = {
    "drawings": (re.compile(r"xl/drawings/drawing\d+\.xml$"), None),
    "shapes": (re.compile(r"xl/drawings/drawing\d+\.xml$"), re.compile(rb"<(?:\w+:)?sp[\s>]")),
    "pictures": (re.compile(r"xl/drawings/drawing\d+\.xml$"), re.compile(rb"<(?:\w+:)?pic[\s>]")),
    "media": (re.compile(r"xl/media/"), None),
    "charts": (re.compile(r"xl/charts/chart\d+\.xml$"), None),
    "validations": (
        re.compile(r"xl/worksheets/[^/]+\.xml$"),
        re.compile(rb"<(?:\w+:)?dataValidation[\s>]"),
    ),
    "conditional": (
        re.compile(r"xl/worksheets/[^/]+\.xml$"),
        re.compile(rb"<(?:\w+:)?cfRule[\s>]"),
    ),
    "defined_names": (re.compile(r"xl/workbook\.xml$"), re.compile(rb"<(?:\w+:)?definedName[\s>]")),
    "vba": (re.compile(r"xl/vbaProject\.bin$"), None),
    "tables": (re.compile(r"xl/tables/[^/]+\.xml$"), None),
    "comments": (
        re.compile(r"xl/comments[^/]*\.xml$|xl/comments/"),
        re.compile(rb"<(?:\w+:)?comment[\s>]"),
    ),
    "hyperlinks": (
        re.compile(r"xl/worksheets/[^/]+\.xml$"),
        re.compile(rb"<(?:\w+:)?hyperlink[\s>]"),
    ),
}


def features(path: Path) -> dict[str, int]:
    """How many of each feature the package holds (a copy adds notes, links and names)."""
    counts = dict.fromkeys(FEATURES, 0)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            for feature, (member, pattern) in FEATURES.items():
                if not member.search(name):
                    continue
                counts[feature] += 1 if pattern is None else len(pattern.findall(z.read(name)))
    return counts


def lost(original: dict[str, int], copy: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The features the copy has fewer of than the original."""
    return {k: (original[k], copy[k]) for k in original if copy[k] < original[k]}


def sheets_in_schema_order(path: Path) -> bool:
    """Are the children of every worksheet in the order CT_Worksheet prescribes (what Excel
    checks, and openpyxl and LibreOffice do not)?"""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not re.match(r"xl/worksheets/[^/]+\.xml$", name):
                continue
            xml = z.read(name)
            kids = children(xml, root(xml), skip=frozenset({"sheetData"}))
            ranks = [WORKSHEET_ORDER.index(k.name) for k in kids if k.name in WORKSHEET_ORDER]
            if ranks != sorted(ranks):
                return False
    return True
