"""Annotated copies by patching the package: the same copy the openpyxl writer makes, with every
part the plan does not touch kept byte for byte, valid for openpyxl, calamine and LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import libreoffice_profile
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage
from python_calamine import CalamineWorkbook

from addin import findings as F
from addin.engine import check_path
from addin.support import weak_notes
from addin.workbook import own_output as own_output_kinds
from addin.workbook.custom_part import custom_properties_xml
from addin.workbook.docprops import parse_custom_xml
from addin.workbook.openpyxl_writer import fill_file
from addin.workbook.own_output import own_output
from addin.workbook.patcher import patch_copy, write_copy
from addin.workbook.xml_edit import WORKSHEET_ORDER, PatchUnsupported, children, root
from addin.writes import FINDINGS_SHEET, RECORD_SHEET, CellWrite, ConditionalFill, plan_for
from tests.copy_fidelity import sheets_in_schema_order, snapshot
from tests.corpus import MAKERS

SAMPLES = sorted((Path(__file__).parent.parent / "workbooks" / "samples").glob("*.xlsx"))
# Corpus files that are read, checked and copied (the rest are refused before any copy).
COPIED = [
    "clean",
    "gnumeric_dimension",
    "control_chars",
    "formula_text",
    "formula_file_name",
]


def both_copies(src: Path, folder: Path, specs) -> tuple[Path, Path]:
    evaluation = check_path(src, specs)
    assert evaluation.report.status != "unreadable"
    plan = plan_for(
        evaluation.writes,
        evaluation.report.findings,
        evaluation.conditional,
        weak_notes(evaluation),
    )
    patched, rewritten = folder / f"patched-{src.name}", folder / f"openpyxl-{src.name}"
    patch_copy(src, patched, plan, evaluation.data)
    fill_file(src, rewritten, plan, evaluation.data)
    return patched, rewritten


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.stem)
def test_a_patched_sample_equals_the_openpyxl_copy(src, specs, tmp_path):
    """Cell by cell, 校验结果 with its 薄弱环节 lines and the record sheet included."""
    patched, rewritten = both_copies(src, tmp_path, specs)
    assert snapshot(patched) == snapshot(rewritten)
    assert sheets_in_schema_order(patched)


@pytest.mark.parametrize("name", COPIED)
def test_a_patched_corpus_file_equals_the_openpyxl_copy(name, specs, tmp_path):
    src = MAKERS[name](tmp_path)
    patched, rewritten = both_copies(src, tmp_path, specs)
    assert snapshot(patched) == snapshot(rewritten)


def test_a_copy_that_would_not_be_well_formed_is_not_patched(specs, tmp_path):
    """A raw BEL byte in a sheet: the part the patcher rewrites would not parse in Excel."""
    src = MAKERS["raw_control_chars"](tmp_path)
    evaluation = check_path(src, specs)
    plan = plan_for(evaluation.writes, evaluation.report.findings, evaluation.conditional)
    with pytest.raises(PatchUnsupported, match="不是格式正确的 XML"):
        patch_copy(src, tmp_path / "copy.xlsx", plan, evaluation.data)
    assert not (tmp_path / "copy.xlsx").exists()


def _members(path: Path) -> dict[str, tuple[int, bytes]]:
    """Each member's CRC and its compressed bytes as stored."""
    found = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as raw:
        for info in z.infolist():
            raw.seek(info.header_offset + 26)
            name_len, extra_len = (
                int.from_bytes(raw.read(2), "little"),
                int.from_bytes(raw.read(2), "little"),
            )
            raw.seek(info.header_offset + 30 + name_len + extra_len)
            found[info.filename] = (info.CRC, raw.read(info.compress_size))
    return found


def test_parts_the_plan_does_not_touch_are_copied_byte_for_byte(specs, tmp_path):
    src = SAMPLES[0]
    patched, _ = both_copies(src, tmp_path, specs)
    before, after = _members(src), _members(patched)
    touched = {
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "_rels/.rels",  # relates the own-output mark (docProps/custom.xml)
    }
    touched |= {n for n in before if n.startswith("xl/worksheets/sheet")}
    kept = [n for n in before if n not in touched]
    assert kept and all(after[n] == before[n] for n in kept)  # CRC and the compressed bytes
    assert set(before) <= set(after)


XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _foreign_book(path: Path) -> Path:
    """A workbook with what openpyxl drops or an author adds: a picture-free drawing is hard to
    make here, so the test adds the parts by hand — an x14 data validation list, a VBA project,
    custom XML, printer settings — beside a note, a data validation and a conditional format."""
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "项目"
    ws["B1"] = "得分"
    ws["B2"] = 3
    ws["B3"] = "旧"
    ws["B3"].comment = Comment("原有的批注", "某人")
    ws["C3"] = "不动"
    ws["C3"].comment = Comment("别的批注", "某人")
    ws["B2"].fill = PatternFill("solid", fgColor="00B050")
    dv = DataValidation(type="list", formula1='"甲,乙"')
    ws.add_data_validation(dv)
    dv.add("A5:A9")
    ws.conditional_formatting.add(
        "A2:A4",
        __import__("openpyxl").formatting.rule.FormulaRule(
            formula=['$A2="x"'], fill=PatternFill("solid", fgColor="FF0000")
        ),
    )
    ws.row_dimensions[3].height = 30
    ws.print_area = "A1:D9"
    wb.defined_names["分值"] = DefinedName("分值", attr_text="'表'!$B$2:$B$9")
    stamp = PILImage.new("RGB", (40, 40), "red")  # a 盖章 stamp, as pictures go
    stamp.save(path.with_suffix(".png"))
    ws.add_image(Image(str(path.with_suffix(".png"))), "F2")
    ws["D3"] = "一段很长的文字" * 6
    ws["D3"].alignment = Alignment(wrap_text=True)
    wb.save(path)
    x14 = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        b'<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f>'
        b"</x14:formula1><xm:sqref>E2:E9</xm:sqref></x14:dataValidation></x14:dataValidations>"
        b"</ext></extLst>"
    )
    out = path.with_name("foreign.xlsm")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", x14 + b"</worksheet>")
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b"</Types>",
                ).replace(XLSX_MAIN, XLSM_MAIN)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            z.writestr(info, data)
        z.writestr("xl/vbaProject.bin", bytes(range(256)) * 64)
        z.writestr("customXml/item1.xml", b"<root>\xe7\x9b\x96\xe7\xab\xa0</root>")
    return out


def _top_level(xml: bytes) -> list[str]:
    return [kid.name for kid in children(xml, root(xml), skip=frozenset({"sheetData"}))]


def _in_schema_order(names: list[str]) -> bool:
    ranks = [WORKSHEET_ORDER.index(n) for n in names]
    return ranks == sorted(ranks)


def foreign_plan():
    writes = [
        CellWrite("表", 2, 1, "新值", replaces="旧"),  # B3: over a shared string with a note
        CellWrite("表", 9, 0, date(2022, 5, 31)),  # A10: a new row
        CellWrite("表", 1, 3, "=1+1"),  # D2: formula-like text stays text
    ]
    findings = [
        F.RUBRIC_SCORE_MISSING(sheet="表", cell="B3", no=1, column="得分", fix="请填写"),
        F.RUBRIC_SCORE_MISSING(sheet="表", cell="B2", no=2, column="得分", fix="请填写"),
        F.RUBRIC_SCORE_MISSING(sheet="表", cell="F20", no=3, column="得分", fix="请填写"),
    ]
    rules = [ConditionalFill("表", "A2:A4", '$A2="x"', "FFC7CE", "9C0006")]
    return plan_for(writes, findings, rules)


def test_a_patched_copy_keeps_what_openpyxl_drops_and_equals_its_cells(tmp_path):
    src = _foreign_book(tmp_path / "book.xlsx")
    plan = foreign_plan()
    patched = tmp_path / "patched.xlsm"
    rewritten = tmp_path / "rewritten.xlsm"
    patch_copy(src, patched, plan)
    fill_file(src, rewritten, plan)
    assert snapshot(patched) == snapshot(rewritten)
    before, after = _members(src), _members(patched)
    pictures = [n for n in before if n.startswith(("xl/media/", "xl/drawings/drawing"))]
    assert len(pictures) == 2
    for kept in ("xl/vbaProject.bin", "customXml/item1.xml", *pictures):
        assert after[kept] == before[kept]
    book = load_workbook(patched)
    assert "分值" in book.defined_names and book["表"].print_area == "'表'!$A$1:$D$9"
    with zipfile.ZipFile(patched) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<x14:dataValidation " in sheet and b"Lists!$A$1:$A$3" in sheet
    names = _top_level(sheet)
    assert _in_schema_order(names)
    assert {"legacyDrawing", "conditionalFormatting", "dataValidations", "extLst"} <= set(names)
    ws = load_workbook(patched)["表"]
    assert ws["B3"].comment.text.startswith("原有的批注")  # the person's note comes first
    assert ws["C3"].comment.text == "别的批注"  # a note on a cell not marked is kept as it was
    assert ws["A10"].value == datetime(2022, 5, 31) and ws["A10"].is_date
    assert ws["D2"].value == "=1+1" and ws["D2"].data_type == "s" and ws["D2"].quotePrefix
    record = load_workbook(patched)[RECORD_SHEET]
    assert [c.value for c in record[3]][:4] == ["mark", "表", "B2", "0000B050"]


def test_a_new_condition_is_numbered_above_every_priority_in_use(tmp_path):
    src = _foreign_book(tmp_path / "book.xlsx")
    plan = plan_for([], [], [ConditionalFill("表", "C2:C4", '$C2="y"', "FFC7CE")])
    patch_copy(src, tmp_path / "out.xlsm", plan)
    with zipfile.ZipFile(tmp_path / "out.xlsm") as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    priorities = [int(p) for p in re.findall(rb'priority="(\d+)"', sheet)]
    assert len(priorities) == 2 and len(set(priorities)) == 2
    assert re.search(rb'C2:C4"><cfRule [^>]*priority="2"', sheet)


def test_a_rule_with_the_same_formula_replaces_the_old_one(tmp_path):
    src = _foreign_book(tmp_path / "book.xlsx")
    plan = plan_for([], [], [ConditionalFill("表", "A2:A9", '$A2="x"', "FFEB9C")])
    patch_copy(src, tmp_path / "out.xlsm", plan)
    ws = load_workbook(tmp_path / "out.xlsm")["表"]
    rules = [(str(cf.sqref), r.formula) for cf in ws.conditional_formatting for r in cf.rules]
    assert rules == [("A2:A9", ['$A2="x"'])]


@pytest.mark.parametrize(("height", "grows"), [(None, True), (30, True), (200, False)])
def test_a_marked_row_grows_for_its_wrapped_text_but_never_shrinks(tmp_path, height, grows):
    """D3's text needs about 130 pt; a taller row someone chose stays as it is."""
    src = _foreign_book(tmp_path / "book.xlsx")
    wb = load_workbook(src, keep_vba=True)
    wb["表"].row_dimensions[3].height = height
    wb.save(src)
    patch_copy(src, tmp_path / "out.xlsm", foreign_plan())
    new = load_workbook(tmp_path / "out.xlsm")["表"].row_dimensions[3].height
    assert (new > (height or 0) and new < 200) if grows else new == height


def test_a_1904_workbook_gets_dates_in_its_own_system(tmp_path):
    wb = Workbook()
    wb.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
    wb.active.title = "表"
    wb.active["A1"] = "x"
    wb.save(tmp_path / "mac.xlsx")
    plan = plan_for([CellWrite("表", 1, 0, date(2022, 12, 31))], [])
    patch_copy(tmp_path / "mac.xlsx", tmp_path / "out.xlsx", plan)
    assert load_workbook(tmp_path / "out.xlsx")["表"]["A2"].value == datetime(2022, 12, 31)
    book = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx"))
    assert book.get_sheet_by_name("表").to_python()[1][0] in (
        date(2022, 12, 31),
        datetime(2022, 12, 31),
    )


SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B2" si="0">A1*2</f>'
    '<v>2</v></c><c r="C1" t="inlineStr"><is><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r>'
    '</is></c></row><row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v>'
    "</c></row></sheetData></worksheet>"
).encode()


def test_rich_text_and_shared_formulas_around_a_write(tmp_path):
    """A write over a rich-text cell leaves plain text; a shared formula's cells stay formulas."""
    wb = Workbook()
    wb.active.title = "表"
    wb.save(tmp_path / "src.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "src.xlsx") as zin,
        zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as z,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            z.writestr(info, SHEET_XML if info.filename == "xl/worksheets/sheet1.xml" else data)
    assert str(load_workbook(tmp_path / "odd.xlsx", rich_text=True)["表"]["C1"].value) == "粗体"
    mark = F.RUBRIC_SCORE_MISSING(sheet="表", cell="A2", no=1, column="A", fix="请填写")
    plan = plan_for([CellWrite("表", 0, 2, "新"), CellWrite("表", 1, 1, 99)], [mark])
    patch_copy(tmp_path / "odd.xlsx", tmp_path / "out.xlsx", plan)
    ws = load_workbook(tmp_path / "out.xlsx")["表"]
    assert ws["C1"].value == "新"
    assert "未填写" in ws["A2"].comment.text  # r:id declared on a sheet that had no xmlns:r
    assert ws["B1"].value == "=A1*2" and ws["B2"].data_type == "f"  # never replaced
    values = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name("表")
    assert values.to_python()[1][1] == 4  # the cached result is still there


def test_a_package_the_patcher_does_not_understand_is_rewritten_with_a_finding(
    make_rubric, cli, tmp_path
):
    src = make_rubric()
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(odd, "w") as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<row) r="\d+"', rb"\1", data)  # rows without numbers
            z.writestr(info, data)
    out = tmp_path / "copy.xlsx"
    result = cli("fill", odd, "--out", out)
    assert result.exit_code == 0
    assert F.FILE_COPY_REWRITTEN.code in result.stdout
    assert load_workbook(out)[FINDINGS_SHEET]["A1"].value.startswith("校验结果")
    plain = tmp_path / "plain-copy.xlsx"
    assert F.FILE_COPY_REWRITTEN.code not in cli("fill", src, "--out", plain).stdout


def test_write_copy_says_which_writer_wrote_it(make_rubric, tmp_path):
    src = make_rubric()
    plan = plan_for([], [])
    assert write_copy(src, tmp_path / "a.xlsx", plan).patched
    # Jiceng's own copy: its marks are undone by the openpyxl writer, without a finding.
    again = write_copy(tmp_path / "a.xlsx", tmp_path / "b.xlsx", plan)
    assert not again.patched and again.reason is None


def test_a_copy_carries_the_own_output_mark_until_someone_saves_it(make_rubric, tmp_path):
    """Patched or rewritten, the copy is marked (check and batch skip it); the original's core
    properties are kept, so the mark names the modified time they carry."""
    src = make_rubric()
    plan = plan_for([], [])
    assert write_copy(src, tmp_path / "a.xlsx", plan).patched
    assert own_output(tmp_path / "a.xlsx") == own_output_kinds.COPY
    again = write_copy(tmp_path / "a.xlsx", tmp_path / "b.xlsx", plan, mark=own_output_kinds.FILLED)
    assert not again.patched and own_output(tmp_path / "b.xlsx") == own_output_kinds.FILLED
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert b"custom-properties" in z.read("_rels/.rels")
        assert b"/docProps/custom.xml" in z.read("[Content_Types].xml")
    assert own_output(src) is None


def test_custom_properties_are_added_or_replaced_by_name():
    xml = custom_properties_xml(None, {"a": "1", "b": "2"})
    again = parse_custom_xml(custom_properties_xml(xml, {"b": 3, "c": True}))
    assert again == {"a": "1", "b": 3, "c": True}


def test_every_sample_copy_opens_in_calamine_and_libreoffice(specs, tmp_path):
    soffice = shutil.which("soffice")
    copies = []
    for src in SAMPLES:
        patched, _ = both_copies(src, tmp_path, specs)
        book = CalamineWorkbook.from_path(str(patched))
        assert FINDINGS_SHEET in book.sheet_names
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        copies.append(patched)
    if soffice is None:
        pytest.skip("LibreOffice (soffice) 未安装")
    subprocess.run(
        [
            soffice,
            libreoffice_profile(tmp_path),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, copies),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for patched in copies:
        pdf = tmp_path / "pdf" / (patched.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 10_000


@pytest.mark.parametrize(("scale", "fits"), [(None, True), (100, True), (80, False)])
def test_print_settings_the_submitter_chose_are_kept(tmp_path, scale, fits):
    """Only what is unset is completed: a chosen scale stays (no fit-to-page), a chosen paper
    size, orientation and footer stay."""
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "x"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = scale
    ws.oddFooter.right.text = "自定义页脚"
    wb.save(tmp_path / "src.xlsx")
    plan = plan_for([CellWrite("表", 0, 1, 1)], [])
    patch_copy(tmp_path / "src.xlsx", tmp_path / "out.xlsx", plan)
    ws = load_workbook(tmp_path / "out.xlsx")["表"]
    assert ws.page_setup.paperSize == 8  # A3
    assert ws.page_setup.orientation == "landscape"
    assert ws.oddFooter.right.text == "自定义页脚" and not ws.oddFooter.center.text
    assert (
        bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage) is fits
    )


def test_print_settings_nobody_set_are_completed(tmp_path):
    wb = Workbook()
    wb.active.title = "表"
    wb.active["A1"] = "x"
    wb.save(tmp_path / "src.xlsx")
    patch_copy(
        tmp_path / "src.xlsx", tmp_path / "out.xlsx", plan_for([CellWrite("表", 0, 1, 1)], [])
    )
    ws = load_workbook(tmp_path / "out.xlsx")["表"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"  # A4
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_a_written_cell_names_the_workbooks_font_family(tmp_path):
    """As the openpyxl writer does: a font without a family (printed in a serif fallback by WPS
    and LibreOffice) gets the workbook's; a family someone chose stays; bold stays bold."""
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"].font = Font(bold=True)
    ws["B1"].font = Font(name="宋体", size=14)
    ws["A1"], ws["B1"] = "旧", "旧"
    wb.save(tmp_path / "src.xlsx")
    plan = plan_for([CellWrite("表", 0, 0, "新"), CellWrite("表", 0, 1, "新")], [])
    patch_copy(tmp_path / "src.xlsx", tmp_path / "out.xlsx", plan)
    ws = load_workbook(tmp_path / "out.xlsx")["表"]
    assert (ws["A1"].font.name, ws["A1"].font.bold) == ("Calibri", True)
    assert (ws["B1"].font.name, ws["B1"].font.sz) == ("宋体", 14)


def test_new_elements_meeting_at_one_place_go_in_schema_order(tmp_path):
    """A sheet with nothing between its data and ignoredErrors: the colour rule, the page setup
    and the footer all go there, in CT_Worksheet order (not the order they were made in)."""
    wb = Workbook()
    wb.active.title = "表"
    wb.save(tmp_path / "src.xlsx")
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        b'<ignoredErrors><ignoredError sqref="A1" numberStoredAsText="1"/></ignoredErrors>'
        b"</worksheet>"
    )
    with (
        zipfile.ZipFile(tmp_path / "src.xlsx") as zin,
        zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as z,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            z.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else data)
    mark = F.RUBRIC_SCORE_MISSING(sheet="表", cell="A1", no=1, column="A", fix="请填写")
    rules = [ConditionalFill("表", "A1:A9", '$A1="x"', "FFC7CE")]
    plan = plan_for([CellWrite("表", 1, 0, 2)], [mark], rules)
    patch_copy(tmp_path / "odd.xlsx", tmp_path / "out.xlsx", plan)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        names = _top_level(z.read("xl/worksheets/sheet1.xml"))
    assert names == [
        "sheetPr",
        "sheetData",
        "conditionalFormatting",
        "pageSetup",
        "headerFooter",
        "ignoredErrors",
        "legacyDrawing",
    ]
