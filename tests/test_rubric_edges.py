"""Rubric edge cases from real submissions: other total labels, exact grades, formulas and
merged cells kept by fill, numbering styles, readable messages, odd sheet names, .xlsm."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import codes, only, round_trip, rubric_file, scores_with_losses, soffice_convert
from openpyxl import load_workbook

from addin import findings as F
from addin.engine import check_path
from addin.spec import load_specs
from addin.writes import (
    FINDINGS_FIRST_ROW,
    FINDINGS_SHEET,
    RECORD_SHEET,
    CellWrite,
    Mark,
    WritePlan,
)

SHEET = "第一党支部"


def ninety(spec) -> dict[int, float]:
    return scores_with_losses(spec, {18: 10})


# --- 1. the total row under another name --------------------------------------------------------


@pytest.mark.parametrize("label", ["合计", "总计", "总 分", "合 计（100分）"])
def test_total_row_named_otherwise_is_the_total_row(make_rubric, specs, spec, cli, tmp_path, label):
    def edit(wb):
        ws = wb[SHEET]
        ws["A23"] = label
        ws["D23"] = 50
        ws["D24"] = "后进"

    src = make_rubric({SHEET: ninety(spec)}, edit=edit)
    report = check_path(src, specs).report
    assert "rubric.unknown_row" not in codes(report)
    assert only(report, "rubric.total_mismatch").cell == "D23"
    grade = only(report, "rubric.grade_mismatch")
    assert grade.cell == "D24" and "先进" in grade.message
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out, "--strict").exit_code == 1
    ws = load_workbook(out)[SHEET]
    assert (ws["A23"].value, ws["D23"].value, ws["D24"].value) == (label, 90, "先进")


# --- 2. grades come from the exact total ----------------------------------------------------------


@pytest.mark.parametrize(
    ("item1", "losses", "total", "grade"),
    [
        (4.995, {18: 10, 17: 5}, 84.995, "一般"),
        (4.996, {13: 5, 14: 5, 15: 5, 17: 10, 18: 10}, 64.996, "后进"),
        (5, {18: 10, 17: 5}, 85, "先进"),
    ],
)
def test_grade_is_computed_on_the_exact_total(
    make_rubric, specs, spec, item1, losses, total, grade
):
    scores = {**scores_with_losses(spec, losses), 1: item1}
    report = check_path(make_rubric({SHEET: scores}), specs).report
    assert report.findings == []
    (branch,) = report.branches
    assert (branch.total, branch.grade) == (total, grade)


def test_total_typed_rounded_to_cents_is_accepted_but_its_grade_is_not(make_rubric, specs, spec):
    def edit(wb):
        wb[SHEET]["D23"] = 85  # 84.995 as shown with two decimals
        wb[SHEET]["D24"] = "先进"

    scores = {**scores_with_losses(spec, {18: 10}), 1: 4.995, 17: 5}
    report = check_path(make_rubric({SHEET: scores}, edit=edit), specs).report
    assert codes(report) == ["rubric.grade_mismatch"]
    assert "一般" in report.findings[0].message


# --- 3. fill keeps the person's formulas -------------------------------------------------------------


@round_trip("小计公式.xlsx")  # saved again by LibreOffice with the run's other round trips
def subtotal_formulas(folder: Path) -> None:
    """Items 8 and 18 short, subtotals, total and grade as formulas: E9's leaves out item 8."""

    def edit(wb):
        ws = wb[SHEET]
        ws["E5"] = "=SUM(D5:D8)"
        ws["E9"] = "=SUM(D9:D11)"  # wrong: leaves out item 8
        ws["D23"] = "=SUM(D5:D22)"
        ws["D24"] = '=IF(D23>=85,"先进",IF(D23>=65,"一般","后进"))'

    spec = load_specs().by_id("rubric_2022")
    branches = {SHEET: scores_with_losses(spec, {8: 1, 18: 10})}
    rubric_file(folder / "小计公式.xlsx", spec, branches, edit)


def test_fill_keeps_formulas_in_computed_cells(lo_books, specs, cli, tmp_path):
    # Calc stores each formula's value
    src = soffice_convert(lo_books.source("小计公式.xlsx"), tmp_path / "lo")
    report = check_path(src, specs).report
    assert [(f.code, f.cell) for f in report.findings] == [("rubric.subtotal_mismatch", "E9")]
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out, "--strict").exit_code == 1
    wb = load_workbook(out)
    ws = wb[SHEET]
    assert ws["E5"].value == "=SUM(D5:D8)"
    assert ws["E9"].value == "=SUM(D9:D11)"  # wrong, but marked, never replaced by a constant
    assert "rubric.subtotal_mismatch" in ws["E9"].comment.text
    assert ws["D23"].value == "=SUM(D5:D22)"
    assert ws["D24"].value.startswith("=IF(")
    assert ws["E13"].value == 20  # a blank subtotal is still filled
    overwrites = [r for r in wb[RECORD_SHEET].iter_rows(values_only=True) if r[0] == "overwrite"]
    assert overwrites == []


# --- 4. merged result cells ------------------------------------------------------------------------


def test_total_shown_across_merged_cells_is_checked_and_filled(
    make_rubric, specs, spec, cli, tmp_path
):
    def edit(wb):
        ws = wb[SHEET]
        ws.unmerge_cells("A23:C23")
        ws.merge_cells("A23:B23")
        ws["C23"] = 80
        ws.merge_cells("C23:D23")

    src = make_rubric({SHEET: ninety(spec)}, edit=edit)
    report = check_path(src, specs).report
    mismatch = only(report, "rubric.total_mismatch")
    assert (mismatch.cell, mismatch.value) == ("C23", 80)
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out, "--strict").exit_code == 1
    ws = load_workbook(out)[SHEET]
    assert ws["C23"].value == 90 and "80" in ws["C23"].comment.text
    assert ws["D24"].value == "先进"


def test_grade_label_merged_over_the_value_column(make_rubric, specs, spec, cli, tmp_path):
    def edit(wb):
        ws = wb[SHEET]
        ws.unmerge_cells("A24:C24")
        ws.merge_cells("A24:D24")  # 定级结果 now covers D24, where the grade would go

    src = make_rubric({SHEET: ninety(spec)}, edit=edit)
    assert check_path(src, specs).report.findings == []
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out).exit_code == 0
    ws = load_workbook(out)[SHEET]
    assert ws["A24"].value == "定级结果"  # the label is not overwritten
    assert ws["E24"].value == "先进"
    # The grade typed right of the merged label is read and checked there.
    wb = load_workbook(out)
    wb[SHEET]["E24"] = "后进"
    wb.save(tmp_path / "typed.xlsx")
    grade = only(check_path(tmp_path / "typed.xlsx", specs).report, "rubric.grade_mismatch")
    assert grade.cell == "E24"


def test_writes_and_marks_inside_a_merged_area_go_to_its_top_left_cell(make_rubric, tmp_path):
    from addin.workbook.openpyxl_writer import fill_file

    def edit(wb):
        wb[SHEET].merge_cells("D23:E23")

    src = make_rubric(edit=edit)
    plan = WritePlan(
        writes=[CellWrite(SHEET, 22, 4, 100)],  # E23, inside D23:E23
        marks=[Mark(SHEET, 22, 4, "error", "总分有误"), Mark(SHEET, 5, 0, "warning", "类别")],
    )
    out = tmp_path / "filled.xlsx"
    fill_file(src, out, plan)
    ws = load_workbook(out)[SHEET]
    assert ws["D23"].value == 100
    assert ws["D23"].comment.text == "总分有误"
    assert ws["A5"].comment.text == "类别"  # A6 is inside the category's A5:A8


# --- 5. one score cell merged over several items ------------------------------------------------


def test_score_cell_merged_over_items_is_one_clear_error(make_rubric, specs, spec):
    def edit(wb):
        wb[SHEET].merge_cells("D5:D8")

    report = check_path(make_rubric({SHEET: ninety(spec)}, edit=edit), specs).report
    assert codes(report) == ["rubric.score_merged"]
    finding = report.findings[0]
    assert (finding.cell, finding.severity) == ("D5", "error")
    assert finding.message == "第2～4项的“得分”单元格与第1项合并，请每项分别填写"
    (branch,) = report.branches
    assert branch.total is None and branch.grade is None
    assert branch.categories["领导班子"] is None and branch.categories["党员队伍"] == 20


def test_score_cell_merged_with_its_points_is_one_clear_error(make_rubric, specs, spec):
    """分值 and 得分 merged as C21:D21 show the points (10); the score hidden under it in D21
    is not used as if someone had typed it."""

    def edit(wb):
        wb[SHEET].merge_cells("C21:D21")

    report = check_path(make_rubric({SHEET: ninety(spec)}, edit=edit), specs).report
    assert codes(report) == ["rubric.score_merged_across"]
    finding = report.findings[0]
    assert (finding.cell, finding.severity) == ("C21", "error")
    assert finding.message == (
        "第17项的“得分”单元格与“分值”合并为 C21:D21，看不出得分，请取消合并后填写得分"
    )
    (branch,) = report.branches
    assert branch.total is None and branch.categories["群众反映"] is None


def test_score_cell_merged_over_the_next_column_is_read(make_rubric, specs, spec):
    """D21:E21 (得分 over 小计) shows the score itself: nothing is hidden."""

    def edit(wb):
        ws = wb[SHEET]
        assert (ws["D4"].value, ws["E4"].value) == ("得分", "小计")
        ws.merge_cells("D21:E21")

    report = check_path(make_rubric({SHEET: ninety(spec)}, edit=edit), specs).report
    assert codes(report) == []
    assert report.branches[0].total == 90


# --- 6. numbering styles -------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["（1）", "(1)", "第1项 ", "第1项：", "①", "⑴", "1)", ""])
def test_item_numbering_styles_are_not_edits(make_rubric, specs, spec, number):
    def edit(wb):
        wb[SHEET]["B5"] = f"{number}{spec.items[0].text}"
        wb[SHEET]["B8"] = f"第4项 {spec.items[3].text}"
        wb[SHEET]["B9"] = f"⑤{spec.items[4].text}"

    report = check_path(make_rubric(edit=edit), specs).report
    assert report.findings == []
    assert report.branches[0].total == 100


def test_a_number_of_another_item_is_still_an_edit(make_rubric, specs, spec):
    def edit(wb):
        wb[SHEET]["B5"] = f"（2）{spec.items[0].text}"

    report = check_path(make_rubric(edit=edit), specs).report
    # The number wins: row 5 is read as item 2 with another item's text, so item 2 appears
    # twice and item 1 is missing; each is said once, at its cell.
    assert codes(report) == [
        "rubric.template_modified",
        "rubric.item_duplicate",
        "rubric.item_missing",
    ]
    assert only(report, "rubric.template_modified").cell == "B5"
    assert only(report, "rubric.item_duplicate").cell == "B6"
    assert "缺少第1项" in only(report, "rubric.item_missing").message


# --- 7. values in messages as a person reads them -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [(True, "TRUE"), (False, "FALSE"), (datetime(2022, 5, 1), "2022-05-01")],
)
def test_message_shows_cell_values_not_python_reprs(make_rubric, specs, typed, shown):
    report = check_path(make_rubric(edit=lambda wb: wb[SHEET].__setitem__("D9", typed)), specs)
    finding = only(report.report, "rubric.score_not_number")
    assert finding.message.endswith(f"不是数字：{shown}，应填 0～5 之间的数")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "TRUE"),
        (date(2022, 5, 1), "2022-05-01"),
        (datetime(2022, 5, 1, 8, 30), "2022-05-01 08:30"),
        (time(8, 30), "08:30"),
        (timedelta(days=3), "3天"),
        (timedelta(hours=36, minutes=5), "36:05"),
        (12.0, "12"),
        ("短文本", "短文本"),
        ("长" * 100, "长" * 59 + "…"),
    ],
)
def test_show_renders_values_for_people(value, shown):
    assert F._show(value) == shown


# --- 8. sheet names with an apostrophe ---------------------------------------------------------------


def test_findings_link_to_a_sheet_named_with_an_apostrophe(make_rubric, spec, cli, tmp_path):
    name = "王's 支部"
    src = make_rubric({name: {**scores_with_losses(spec), 1: 6}})
    out = tmp_path / "filled.xlsx"
    assert cli("fill", src, "--out", out, "--strict").exit_code == 1
    link = load_workbook(out)[FINDINGS_SHEET][f"E{FINDINGS_FIRST_ROW}"].hyperlink
    assert (link.location or link.target).lstrip("#") == "'王''s 支部'!D5"


# --- 9. macros and the copy's file type ----------------------------------------------------------------


def as_xlsm(src: Path, dst: Path) -> Path:
    """`src` turned into a macro-enabled workbook with a (dummy) VBA project, as Excel has it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b"</Types>",
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 dummy VBA project")
    return dst


def package(path: Path) -> tuple[str, bool]:
    """The workbook part's content type and whether a VBA project is inside."""
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
        main = re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"', types).group(1)
        return main, "xl/vbaProject.bin" in z.namelist()


XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def test_fill_of_an_xlsm_keeps_its_macros_only_in_an_xlsm(make_rubric, cli, tmp_path):
    src = as_xlsm(make_rubric(), tmp_path / "带宏.xlsm")
    assert package(src) == (XLSM_MAIN, True)
    assert cli("fill", src, "--out", tmp_path / "copy.xlsm").exit_code == 0
    assert package(tmp_path / "copy.xlsm") == (XLSM_MAIN, True)
    # An .xlsx copy would drop the macros without a word: refused, the way out named.
    result = cli("fill", src, "--out", tmp_path / "copy.xlsx")
    assert result.exit_code == 2 and not (tmp_path / "copy.xlsx").exists()
    assert "含有宏" in result.stderr and "copy.xlsm" in result.stderr


def test_fill_of_an_xlsm_without_a_vba_project_may_be_an_xlsx(make_rubric, cli, tmp_path):
    src = tmp_path / "无宏.xlsm"
    src.write_bytes(make_rubric().read_bytes())  # a macro-enabled name, no VBA project inside
    assert cli("fill", src, "--out", tmp_path / "copy.xlsx").exit_code == 0
    assert package(tmp_path / "copy.xlsx") == (XLSX_MAIN, False)
    assert load_workbook(tmp_path / "copy.xlsx")[SHEET]["D23"].value == 100


def test_fill_refuses_an_xlsm_copy_of_a_workbook_without_macros(make_rubric, cli, tmp_path):
    out = tmp_path / "copy.xlsm"
    result = cli("fill", make_rubric(), "--out", out)
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr and "宏" in result.stderr
    assert not out.exists()
