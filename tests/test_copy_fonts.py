"""One font family — the workbook's own — for everything Jiceng writes in a copy: a font that
names no family prints in a serif fallback in WPS and LibreOffice."""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

from addin.writes import FINDINGS_SHEET


def test_every_cell_jiceng_writes_in_a_copy_names_the_workbook_font(make_rubric, cli, tmp_path):
    def edit(wb):
        # The workbook's own default font, a new object: font 0 is openpyxl's shared DEFAULT_FONT,
        # and renaming it in place renamed every later Workbook() of this test process.
        default = copy(wb._fonts[0])
        default.name = "宋体"
        wb._fonts = IndexedList([default, *list(wb._fonts)[1:]])
        ws = wb.active
        ws["D7"] = 9  # out of range: a mark, a finding row with a link and a code
        ws["E9"] = 1  # a wrong subtotal, rewritten by fill
        ws["E9"].font = Font(bold=True)  # typed in a font that names no family

    out = tmp_path / "copy.xlsx"
    assert cli("fill", make_rubric(edit=edit), "--out", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.active["E9"].font.name == "宋体" and wb.active["E9"].font.bold
    findings = wb[FINDINGS_SHEET]
    written = [c for row in findings.iter_rows() for c in row if c.value is not None]
    assert written and {c.font.name for c in written} == {"宋体"}
    assert any(c.hyperlink for c in written)  # the link to the cell: same family, blue


def test_setting_a_workbooks_font_leaves_every_later_workbook_in_calibri(
    make_rubric, cli, tmp_path
):
    """The edit above must not leak: openpyxl's DEFAULT_FONT stays Calibri for the next test."""
    test_every_cell_jiceng_writes_in_a_copy_names_the_workbook_font(make_rubric, cli, tmp_path)
    assert Workbook()._fonts[0].name == "Calibri"
