"""`jiceng distribute`: one pre-filled, protected, stamped workbook per 党总支, and the round
trip 名单 → 下发 → filled (openpyxl, LibreOffice) → 收件箱 → batch --roster."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.distribute import Options, Unit, file_name, sheet_name, unit_workbook
from addin.engine import check_path
from addin.kinds.summary.form import unit_title
from addin.spec import load_specs
from addin.stamp import FORM_VERSION, SENT_SHEET, read_stamp
from addin.workbook.docprops import custom_xml, parse_custom_xml, read_properties
from tests.distribute_helpers import fill_rubric, inputs, item_scores, recalculate

SPECS = Path(__file__).parent / "specs"
ROSTER = {
    "机电工程学院党总支": ["机电第一党支部", "机电第二党支部"],
    "经济管理学院党总支": ["经管教工党支部", "经管学生党支部", "经管退休党支部"],
    "信息工程学院党总支": [
        "信息教工第一党支部",
        "信息教工第二党支部",
        "信息学生党支部[2022级]",
        "信息学生党支部/2023级",
        "信息工程学院计算机网络技术专业学生第一党支部（含研究生）",
    ],
}


def _roster_csv(folder: Path) -> Path:
    path = folder / "名单.csv"
    lines = ["党总支,党支部"] + [f"{u},{b}" for u, bs in ROSTER.items() for b in bs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture
def sent(tmp_path: Path, cli) -> Path:
    out = tmp_path / "下发"
    result = cli(
        "distribute", "--roster", _roster_csv(tmp_path), "--out", out, "--deadline", "2022-04-30"
    )
    assert result.exit_code == 0, result.output
    assert "共 3 个党总支" in result.output
    return out


# --- names --------------------------------------------------------------------------------------


def test_sheet_names_follow_excel_rules() -> None:
    assert sheet_name("学生党支部[2022级]/研", []) == "学生党支部_2022级__研"
    assert sheet_name("a:b*c?d\\e", []) == "a_b_c_d_e"
    long = "一" * 40
    assert sheet_name(long, []) == "一" * 31
    assert sheet_name(long, ["一" * 31]) == "一" * 28 + "(2)"
    assert sheet_name(long, ["一" * 31, "一" * 28 + "(2)"]) == "一" * 28 + "(3)"
    assert sheet_name("Branch", ["branch"]) == "Branch(2)"  # Excel ignores case
    assert sheet_name("'引号'", []) == "引号"
    assert sheet_name("History", []) == "History_"
    assert sheet_name("   ", []) == "Sheet"
    assert len(sheet_name("一" * 31, [])) == 31  # exactly at the limit: kept whole


def test_unit_title_replaces_the_placeholder() -> None:
    title = "×××（党总支）党支部分类定级汇总表"
    assert unit_title(title, "机电学院党总支") == "机电学院党总支党支部分类定级汇总表"
    assert unit_title(title, "机电学院") == "机电学院（党总支）党支部分类定级汇总表"
    assert unit_title("党支部评定汇总表", "机电学院党总支") == "机电学院党总支党支部评定汇总表"


def test_file_names_never_overwrite(tmp_path: Path) -> None:
    from addin.distribute import distribute

    specs = load_specs()
    units = [Unit("机电/学院", ("一支部",)), Unit("机电_学院", ("二支部",))]
    written = distribute(units, specs, tmp_path, Options(), roster="r")
    assert [p.name for p in written] == ["机电_学院.xlsx", "机电_学院(2).xlsx"]
    assert file_name("a<b>") == "a_b_.xlsx"


# --- the workbook ----------------------------------------------------------------------------------


def test_each_unit_gets_its_own_prefilled_protected_workbook(sent: Path) -> None:
    for unit, branches in ROSTER.items():
        wb = openpyxl.load_workbook(sent / f"{unit}.xlsx")
        names = wb.sheetnames
        assert names[:2] == ["填写说明", "汇总表"]
        assert names[-2:] == ["任务清单", SENT_SHEET]
        assert wb[SENT_SHEET].sheet_state == "veryHidden"
        assert wb.security.lockStructure
        summary = wb["汇总表"]
        assert summary["C3"].value == unit
        assert summary["A2"].value == f"{unit}党支部分类定级汇总表"
        assert all("×××" not in str(c.value) for row in summary.iter_rows() for c in row)
        rows = list(summary.iter_rows(min_row=7, max_row=6 + len(branches), values_only=True))
        assert [(r[0], r[1]) for r in rows] == list(enumerate(branches, start=1))
        assert summary.cell(7 + len(branches), 1).value == "合计"
        rubric_sheets = names[2:-2]
        assert len(rubric_sheets) == len(branches)
        for title, branch in zip(rubric_sheets, branches, strict=True):
            ws = wb[title]
            assert ws["B3"].value == branch
            assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
        guide = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
        assert "2022年4月30日" in guide and "党委组织部" in guide and "淡黄色" in guide
        for ws in wb.worksheets:
            assert ws.protection.sheet, ws.title
            assert ws.protection.password is None  # no password unless asked


def test_only_validated_inputs_are_unlocked(sent: Path) -> None:
    wb = openpyxl.load_workbook(sent / "经济管理学院党总支.xlsx")
    for ws in wb.worksheets:
        rules = {}
        for rule in ws.data_validations.dataValidation:
            for area in rule.sqref.ranges:
                for row in ws[area.coord] if ":" in area.coord else ((ws[area.coord],),):
                    for cell in row:
                        rules[cell.coordinate] = rule
        for ref in inputs(ws):
            rule = rules.get(ref)
            assert rule is not None, (ws.title, ref)
            assert rule.showInputMessage and rule.prompt, (ws.title, ref)
            assert rule.type is None or (rule.showErrorMessage and rule.error), (ws.title, ref)
    rubric = wb["经管教工党支部"]
    assert inputs(rubric) == [f"D{r}" for r in range(5, 23)]
    assert str(rubric["D23"].value).startswith("=IF(")  # 总分 and 定级结果 are live
    assert rubric["D5"].value is None and rubric["C5"].protection.locked
    limits = {c: r for r in rubric.data_validations.dataValidation for c in str(r.sqref).split()}
    assert (limits["D5"].formula1, limits["D5"].formula2) == ("0", "5")
    assert (limits["D21"].formula1, limits["D21"].formula2) == ("0", "10")
    summary = wb["汇总表"]
    assert inputs(summary) == ["C4", "C5", "E7", "E8", "E9"]
    assert summary["C7"].value == "='经管教工党支部'!D23"


def test_password_protects_sheets_and_structure(tmp_path: Path) -> None:
    specs = load_specs()
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), specs, Options(password="x1"), "r")
    assert all(ws.protection.password for ws in wb.worksheets)
    assert wb.security.workbookPassword


@pytest.mark.parametrize(
    "files",
    [
        ["rubric_four_grades.toml"],
        ["rubric_three_raters.toml"],
        ["wudaitou_2011_members.toml"],
        ["stages_2012_college.toml"],
        ["zuiqiang_2020_rubric.toml", "zuiqiang_2020_summary.toml"],
    ],
)
def test_every_scheme_distributes_and_checks_blank(files: list[str], tmp_path: Path) -> None:
    specs = load_specs([SPECS / f for f in files])
    wb = unit_workbook(Unit("机电学院党总支", ("一支部", "二支部")), specs, Options(), "r")
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    evaluation = check_path(path, specs)
    assert evaluation.found_template
    assert evaluation.report.stamp.unit == "机电学院党总支"
    codes = {f.code for f in evaluation.report.findings}
    assert not {c for c in codes if c.startswith(("stamp.", "file."))}, codes
    for ws in wb.worksheets:
        assert ws.protection.sheet
        if ws.title not in ("填写说明", SENT_SHEET):
            assert inputs(ws), ws.title


# --- the round trip ------------------------------------------------------------------------------


def _fill_unit(path: Path, target: Path, total: Decimal) -> None:
    specs = load_specs()
    (rubric,) = specs.of_kind("rubric")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[2:]:
        if ws["B3"].value and ws.title not in ("任务清单", SENT_SHEET):
            fill_rubric(ws, rubric, item_scores(rubric, total))
    wb["汇总表"]["C4"] = "张三 党总支书记"
    wb["汇总表"]["C5"] = "13812345678"
    wb.save(target)


def test_round_trip_through_the_batch(sent: Path, tmp_path: Path, cli) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    filled = tmp_path / "filled"
    filled.mkdir()
    # 机电: filled with openpyxl, never opened in a spreadsheet (formulas without values).
    _fill_unit(sent / "机电工程学院党总支.xlsx", inbox / "机电工程学院党总支.xlsx", Decimal(90))
    # 经管 and 信息: filled, then saved by LibreOffice (values cached as Excel caches them);
    # 信息's file renamed by its secretary.
    _fill_unit(sent / "经济管理学院党总支.xlsx", filled / "经济管理学院党总支.xlsx", Decimal(70))
    _fill_unit(sent / "信息工程学院党总支.xlsx", filled / "最终版.xlsx", Decimal(60))
    for path in recalculate(sorted(filled.glob("*.xlsx")), tmp_path / "lo"):
        shutil.copy(path, inbox / path.name)

    out = tmp_path / "out"
    result = cli("batch", inbox, "--out", out, "--roster", sent.parent / "名单.csv")
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    roster = report["batch"]["roster"]
    assert roster["missing_units"] == [] and roster["unknown_units"] == []
    assert roster["missing_branches"] == [] and roster["unknown_branches"] == []
    assert roster["suggestions"] == []
    expected = {
        "机电工程学院党总支": "先进",
        "经济管理学院党总支": "一般",
        "信息工程学院党总支": "后进",
    }
    by_unit = {f["stamp"]["unit"]: f for f in report["files"]}
    assert set(by_unit) == set(ROSTER)
    assert Path(by_unit["信息工程学院党总支"]["path"]).name == "最终版.xlsx"
    for unit, file in by_unit.items():
        assert [b["name"] for b in file["branches"]] == ROSTER[unit]
        assert {b["grade"] for b in file["branches"]} == {expected[unit]}
        codes = {f["code"] for f in file["findings"]}
        assert not {c for c in codes if c.startswith(("stamp.", "rubric.", "summary."))} - {
            "summary.score_from_rubric"  # 机电: formulas never calculated, scores taken
        }, file["findings"]


def test_tampered_copy_is_caught(sent: Path, tmp_path: Path) -> None:
    specs = load_specs()
    wb = openpyxl.load_workbook(sent / "机电工程学院党总支.xlsx")
    ws = wb["机电第一党支部"]
    ws.protection.sheet = False  # what 撤销工作表保护 does
    ws["C5"] = 6  # 分值 raised: the rubric's own check names it
    ws["A5"] = "领导班子\n25分"  # a label only the stamp knows
    wb["汇总表"]["C3"] = "经济管理学院党总支"  # the unit typed over
    (rubric,) = specs.of_kind("rubric")
    fill_rubric(ws, rubric, item_scores(rubric, Decimal(80)))
    path = tmp_path / "改过.xlsx"
    wb.save(path)
    findings = check_path(path, specs).report.findings
    where = {(f.code, f.sheet, f.cell) for f in findings}
    assert ("rubric.template_modified", "机电第一党支部", "C5") in where
    assert ("stamp.cell_edited", "机电第一党支部", "A5") in where
    assert ("stamp.cell_edited", "汇总表", "C3") in where
    assert not [f for f in findings if f.code == "stamp.cell_edited" and f.cell == "C5"]
    assert "stamp.cells_edited_more" not in {f.code for f in findings}  # a few: each named
    edited = next(f for f in findings if f.code == "stamp.cell_edited" and f.cell == "C3")
    assert "机电工程学院党总支" in edited.message and edited.severity == "error"


def test_another_units_file_under_this_name_is_a_finding(sent: Path, tmp_path: Path, cli) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(sent / "机电工程学院党总支.xlsx", inbox / "经济管理学院党总支.xlsx")
    out = tmp_path / "out"
    cli("batch", inbox, "--out", out, "--roster", sent.parent / "名单.csv")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (file,) = report["files"]
    mismatch = [f for f in file["findings"] if f["code"] == "stamp.unit_mismatch"]
    assert len(mismatch) == 1 and "机电工程学院党总支" in mismatch[0]["message"]
    assert "经济管理学院党总支" in report["batch"]["roster"]["missing_units"]


def test_other_specs_form_and_edited_record_are_findings(tmp_path: Path) -> None:
    specs = load_specs()
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), specs, Options(), "r")
    path = tmp_path / "a.xlsx"
    wb.save(path)
    four = load_specs([SPECS / "rubric_four_grades.toml"])
    assert "stamp.other_specs" in {f.code for f in check_path(path, four).report.findings}
    wb[SENT_SHEET]["C2"] = "改过"
    wb.save(path)
    codes = [f.code for f in check_path(path, specs).report.findings]
    assert "stamp.record_edited" in codes and "stamp.other_specs" not in codes
    stamp = read_stamp(path)
    assert stamp.form == FORM_VERSION and stamp.unit == "机电学院党总支"


# --- document properties -------------------------------------------------------------------------


def _package(part: bytes | None, name: str = "docProps/custom.xml") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if part is not None:
            archive.writestr(name, part)
    buffer.seek(0)
    return buffer


def test_properties_round_trip_through_the_part() -> None:
    props = {"jiceng.unit": '机电<&>"学院', "n": 3, "r": 0.5, "ok": True}
    assert read_properties(_package(custom_xml(props))) == props
    assert parse_custom_xml(custom_xml({})) == {}


@pytest.mark.parametrize(
    "part",
    [
        None,
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Properties/>',
        b"<Properties>" + b" " * (300 * 1024) + b"</Properties>",
    ],
    ids=["no part", "not xml", "entities", "too large"],
)
def test_hostile_property_parts_read_as_none(part: bytes | None) -> None:
    assert read_properties(_package(part)) == {}


def test_unreadable_files_have_no_properties(tmp_path: Path) -> None:
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    assert read_properties(broken) == {}
    assert read_properties(tmp_path / "missing.xlsx") == {}
    assert read_stamp(broken) is None


def test_a_unit_without_branches_is_named_not_sent(tmp_path: Path, cli) -> None:
    roster = tmp_path / "名单.csv"
    roster.write_text("党总支,党支部\n机电学院党总支,一支部\n空党总支,\n", encoding="utf-8")
    result = cli("distribute", "--roster", roster, "--out", tmp_path / "下发")
    assert result.exit_code == 1
    assert "未生成：空党总支" in result.output
    assert [p.name for p in (tmp_path / "下发").iterdir()] == ["机电学院党总支.xlsx"]


def test_year_goes_into_the_titles(tmp_path: Path) -> None:
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), load_specs(), Options(year=2023), "r")
    assert wb["任务清单"]["A2"].value == "基层组织建设年 2023 年任务清单"
    assert wb["一支部"]["A2"].value == "2023年党支部分类定级评分参考标准"
    assert wb["汇总表"]["A2"].value == "2023年机电学院党总支党支部分类定级汇总表"
    same = unit_workbook(Unit("机电学院党总支", ("一支部",)), load_specs(), Options(year=2022), "r")
    assert same["任务清单"]["A2"].value == "基层组织建设年 2022 年任务清单"


def test_a_hostile_stamp_reads_as_another_form() -> None:
    from addin.stamp import stamp_of

    assert stamp_of({"jiceng.unit": "  "}) is None
    assert stamp_of({"jiceng.form": 1}) is None
    stamp = stamp_of({"jiceng.unit": "机电", "jiceng.form": "x", "jiceng.sent": "9" * 9000})
    assert stamp.form == 0 and len(stamp.sent) == 500
    assert stamp_of({"jiceng.unit": "机电", "jiceng.form": 1.0}).form == 1


def test_names_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    specs = load_specs()
    unit = Unit('=HYPERLINK("http://x","点我")', ("=1+1", "+2"))
    wb = unit_workbook(unit, specs, Options(), "r")
    path = tmp_path / "f.xlsx"
    wb.save(path)
    book = openpyxl.load_workbook(path)
    formulas = [
        (ws.title, c.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas and all(not str(book[s][c].value).startswith("=HYPERLINK") for s, c in formulas)
    sheets = [ws for ws in book.worksheets if ws["B3"].value == "=1+1"]
    assert len(sheets) == 1 and sheets[0]["B3"].data_type == "s"
    assert book["汇总表"]["C3"].data_type == "s"
    evaluation = check_path(path, specs)
    assert [b.name for b in evaluation.report.branches] == ["=1+1", "+2"]
    assert not [f for f in evaluation.report.findings if f.code.startswith("stamp.")]


def test_a_row_inserted_is_reported_within_bounds(sent: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(sent / "机电工程学院党总支.xlsx")
    ws = wb["机电第一党支部"]
    ws.protection.sheet = False
    ws.insert_rows(6)  # every row below moves: dozens of locked cells differ
    path = tmp_path / "插行.xlsx"
    wb.save(path)
    findings = check_path(path, load_specs()).report.findings
    on_sheet = [f for f in findings if f.sheet == "机电第一党支部"]
    edited = [f for f in on_sheet if f.code == "stamp.cell_edited"]
    more = [f for f in on_sheet if f.code == "stamp.cells_edited_more"]
    assert len(edited) <= 20 and len(more) == 1
    assert "未逐一列出" in more[0].message


def test_the_specs_decimals_bound_what_can_be_typed() -> None:
    specs = load_specs([SPECS / "rubric_four_grades.toml"])
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), specs, Options(), "r")
    ws = wb["一支部"]
    rules = {str(r.sqref): r for r in ws.data_validations.dataValidation}
    assert sorted(rules) == sorted(inputs(ws))  # one rule per score cell: it is relative
    rule = rules["D5"]
    assert rule.type == "custom"
    assert rule.formula1 == "AND(ISNUMBER(D5),D5>=0,D5<=20,ROUND(D5,2)=D5)"
    assert "最多 2 位小数" in rule.prompt and "最多 2 位小数" in rule.error
    assert rules["D7"].formula1 == "AND(ISNUMBER(D7),D7>=0,D7<=30,ROUND(D7,2)=D7)"


@pytest.mark.parametrize(
    "inner",
    [
        "<vt:r8>inf</vt:r8>",
        "<vt:r8>-inf</vt:r8>",
        "<vt:r8>nan</vt:r8>",
        "<vt:r8>1e300</vt:r8>",
        "<vt:r8>1.5</vt:r8>",
        "<vt:lpwstr>" + "9" * 4000 + "</vt:lpwstr>",
        "<vt:i8>" + "9" * 4000 + "</vt:i8>",
        "<vt:i4>-1</vt:i4>",
        "<vt:bool>true</vt:bool>",
    ],
)
def test_a_form_version_of_the_wrong_type_or_size_reads_as_another_form(inner: str) -> None:
    """The stamp's form number edited by hand (文件 → 属性 → 自定义) to infinity, a number of
    4,000 digits, a decimal or yes/no: the file is still checked, as another form (0), and
    the finding's message stays short."""
    from addin import findings as F
    from addin.stamp import stamp_of

    part = custom_xml({"jiceng.unit": "机电学院党总支"}).replace(
        b"</Properties>",
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" name="jiceng.form">'
        + inner.encode()
        + b"</property></Properties>",
    )
    stamp = stamp_of(parse_custom_xml(part))
    assert stamp is not None and stamp.unit == "机电学院党总支"
    assert stamp.form == 0
    message = F.STAMP_OTHER_FORM(sent="x", form=stamp.form, version="v", current=1).message
    assert len(message) < 100


@pytest.mark.parametrize("value", [1, 1.0, "1", " 1 "])
def test_the_form_version_written_or_read_back_as_text_is_this_form(value) -> None:
    from addin.stamp import stamp_of

    assert stamp_of({"jiceng.unit": "机电", "jiceng.form": value}).form == FORM_VERSION


def test_the_largest_form_version_read_is_bounded() -> None:
    from addin.stamp import MAX_FORM, form_number

    assert MAX_FORM == 999_999
    assert form_number(MAX_FORM) == form_number(str(MAX_FORM)) == MAX_FORM
    assert form_number(MAX_FORM + 1) == form_number(str(MAX_FORM + 1)) == 0
    assert form_number(0) == form_number("0") == 0


def test_a_long_unit_name_wraps_in_the_summary_instead_of_running_off_the_page() -> None:
    """填报单位 of a 34-character 党总支 is wider than the merged field (C:E): it wraps, and its
    row is as tall as its lines; a short name keeps the one-line row."""
    from addin.workbook.sheet_style import LINE_HEIGHT

    long_unit = "马克思主义学院暨思想政治理论课教学研究部与公共基础教学部联合党总支"
    wb = unit_workbook(Unit(long_unit, ("一支部",)), load_specs(), Options(), "r")
    field = wb["汇总表"]["C3"]
    assert field.value == long_unit and field.alignment.wrap_text
    assert wb["汇总表"].row_dimensions[3].height >= 2 * LINE_HEIGHT
    short = unit_workbook(Unit("机电学院党总支", ("一支部",)), load_specs(), Options(), "r")
    assert short["汇总表"].row_dimensions[3].height in (None, 0) or (
        short["汇总表"].row_dimensions[3].height < 2 * LINE_HEIGHT
    )


def test_a_branch_named_like_the_record_sheet_leaves_the_record_its_name(tmp_path: Path) -> None:
    """A 党支部 called “JICENG_SENT” (Excel compares names ignoring case) gets another sheet
    name: the record keeps “jiceng_sent”, so the untouched workbook has no stamp finding."""
    assert sheet_name("JICENG_SENT", []) == "JICENG_SENT_"
    assert sheet_name("jiceng_sent1", []) == "jiceng_sent1"
    wb = unit_workbook(Unit("甲党总支", ("JICENG_SENT", "一支部")), load_specs(), Options(), "r")
    assert SENT_SHEET in wb.sheetnames and "JICENG_SENT_" in wb.sheetnames
    path = tmp_path / "甲党总支.xlsx"
    wb.save(path)
    codes = {f.code for f in check_path(path, load_specs()).report.findings}
    assert not {c for c in codes if c.startswith("stamp.")}, codes


def test_very_long_unit_names_give_file_names_the_file_system_takes(tmp_path: Path) -> None:
    """100 Chinese characters are 300 bytes, past the 255 bytes of a file name (ext4, APFS):
    the name is cut at whole characters to 200 bytes; two units alike in all that is kept
    still get “(2)” — written, not refused, and no endless search for a free name."""
    from addin.distribute import MAX_NAME_BYTES, distribute

    assert MAX_NAME_BYTES == 200
    assert file_name("党" * 66 + "ab") == "党" * 66 + "ab.xlsx"  # 200 bytes: kept whole
    assert file_name("党" * 66 + "abc") == "党" * 66 + "ab.xlsx"  # 201: one byte cut
    assert file_name("党" * 67) == "党" * 66 + ".xlsx"  # 201 bytes: a whole character cut
    units = [Unit("党" * 100, ("一支部",)), Unit("党" * 125 + "甲", ("一支部",))]
    written = distribute(units, load_specs(), tmp_path, Options(), roster="r")
    assert [p.name for p in written] == ["党" * 66 + ".xlsx", "党" * 65 + "(2).xlsx"]
    assert all(p.exists() for p in written)
    assert file_name("a" * 120) == file_name("a" * 121) == "a" * 120 + ".xlsx"
    assert file_name("a" * 130, 2) == "a" * 117 + "(2).xlsx"
    assert file_name("a" * 118 + " .b") == "a" * 118 + ".xlsx"


@pytest.mark.parametrize("password", ["密码", "pässword", "tab\there", "x" * 256, ""])
def test_a_password_excel_could_not_check_is_refused_before_anything_is_written(
    password: str, tmp_path: Path, cli
) -> None:
    """The protection's password is stored as Excel's 16-bit legacy hash, which Excel computes
    from the password in the computer's code page: a Chinese or accented password would
    protect sheets that nobody can unprotect. Only printable ASCII, 1 to 255 characters."""
    out = tmp_path / "下发"
    result = cli(
        "distribute", "--roster", _roster_csv(tmp_path), "--out", out, "--password", password
    )
    assert result.exit_code == 2, result.output
    assert "--password" in result.output and not out.exists()


@pytest.mark.parametrize("password", ["x", "Secret-2022!", " ~", "x" * 255])
def test_printable_ascii_passwords_are_taken(password: str) -> None:
    from addin.distribute import password_problem

    assert password_problem(password) is None


def test_a_stamp_whose_unit_was_edited_no_longer_matches_its_record(tmp_path: Path) -> None:
    """The unit comes from the stamp first, so the stamp's unit is sealed into the record's
    hash: jiceng.unit changed under 文件 → 属性 → 自定义 (to pass one unit's workbook off as
    another's) is stamp.record_edited; the same unit written with other spaces is not."""
    from addin.workbook.docprops import set_properties

    specs = load_specs()
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), specs, Options(), "r")
    for unit, edited in (
        ("机电学院党总支", False),
        (" 机电学院 党总支", False),
        ("经管学院党总支", True),
    ):
        set_properties(wb, {"jiceng.unit": unit})
        path = tmp_path / "a.xlsx"
        wb.save(path)
        codes = {f.code for f in check_path(path, specs).report.findings}
        assert ("stamp.record_edited" in codes) is edited, (unit, codes)


def test_a_title_of_two_lines_gets_a_row_of_two_lines() -> None:
    """The summary's title with a 34-character 党总支 wraps to two lines at 16 pt: its row is
    tall enough for both (the second line ran into 填报单位); a short unit keeps 30 pt."""
    long_unit = "马克思主义学院暨思想政治理论课教学研究部与公共基础教学部联合党总支"
    wb = unit_workbook(Unit(long_unit, ("一支部",)), load_specs(), Options(), "r")
    assert wb["汇总表"].row_dimensions[2].height >= 44
    short = unit_workbook(Unit("机电学院党总支", ("一支部",)), load_specs(), Options(), "r")
    assert short["汇总表"].row_dimensions[2].height == 30
