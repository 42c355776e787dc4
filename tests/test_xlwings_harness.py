"""The xlwings harness: real .xlsx -> Office.js payload -> remote engine -> actions ->
replayed .xlsx, plus @script / @func calls through xlwings' server helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

# tests/ is not a package: pytest puts tests/ itself on sys.path
from xlwings_harness import (
    ReplayError,
    UnsupportedActionError,
    book_from_xlsx,
    call_function,
    count_actions,
    ensure_remote_engine,
    excel_input,
    function_call_payload,
    payload_from_xlsx,
    replay_actions,
    run_script,
)

xw = ensure_remote_engine()
from xlwings import server  # noqa: E402

RUBRIC = "党支部评分"
SUMMARY = "汇总表"
FILL_DATE = dt.date(2022, 4, 30)

# What the rubric sheet holds, as the remote engine reads it back (A1:D7).
EXPECTED = [
    ["党支部分类定级评分表", None, None, None],  # A1:D1 is merged
    ["项目", "具体内容", "分值", "得分"],
    ["领导班子", "班子团结", 5, 4.5],
    ["党员队伍", "发展党员", 5, 5],
    ["群众反映", "群众满意度", 10, 8],
    [None, None, None, None],
    ["填表日期", dt.datetime(2022, 4, 30), None, None],
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def rubric_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RUBRIC
    ws["A1"] = "党支部分类定级评分表"
    ws.merge_cells("A1:D1")
    ws.append(["项目", "具体内容", "分值", "得分"])
    ws.append(["领导班子", "班子团结", 5, 4.5])
    ws.append(["党员队伍", "发展党员", 5, 5.0])  # a float that is a whole number
    ws.append(["群众反映", "群众满意度", 10, 8])
    ws["A7"] = "填表日期"
    ws["B7"] = FILL_DATE
    ws["D3"].comment = Comment("原始批注", "组织部")
    summary = wb.create_sheet(SUMMARY)
    summary["A1"] = "合计"
    summary["B1"] = "=SUM(1,2)"  # openpyxl writes no cached result
    path = tmp_path / "评分.xlsx"
    wb.save(path)
    return path


# --- payload ------------------------------------------------------------------------


def test_payload_has_the_office_js_shape(rubric_xlsx: Path) -> None:
    payload = payload_from_xlsx(rubric_xlsx)

    assert payload["client"] == "Office.js"
    assert payload["version"] == xw.__version__
    assert payload["book"] == {
        "name": "评分.xlsx",
        "active_sheet_index": 0,
        "selection": "A1",
        "calculation": "Automatic",
    }
    assert payload["names"] == []
    rubric, summary = payload["sheets"]
    assert [rubric["name"], summary["name"]] == [RUBRIC, SUMMARY]
    assert rubric["used_range_address"] == "A1:D7"
    assert rubric["visibility"] == "Visible"
    assert rubric["notes"] == [{"address": "D3"}]
    for key in ("pictures", "shapes", "charts", "tables", "pivot_tables"):
        assert rubric[key] == []
    values = rubric["values"]
    assert values[0] == ["党支部分类定级评分表", "", "", ""]  # merged cells: ""
    assert values[3] == ["党员队伍", "发展党员", 5, 5]  # 5.0 travels as JSON 5
    assert type(values[3][3]) is int
    assert values[2][3] == 4.5
    assert values[6][:2] == ["填表日期", "2022-04-30T00:00:00.000Z"]  # Date.toISOString()
    # A formula without a cached result (files written by openpyxl) reads as empty.
    assert summary["values"] == [["合计", ""]]


def test_payload_include_sends_structure_only_for_other_sheets(rubric_xlsx: Path) -> None:
    payload = payload_from_xlsx(rubric_xlsx, include=[RUBRIC])
    assert payload["sheets"][1]["values"] == [[]]
    assert payload["sheets"][0]["values"][1] == ["项目", "具体内容", "分值", "得分"]


def test_remote_book_reads_back_what_was_written(rubric_xlsx: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    sheet = book.sheets[RUBRIC]

    assert book.name == "评分.xlsx"
    assert [s.name for s in book.sheets] == [RUBRIC, SUMMARY]
    assert book.sheets.active.name == RUBRIC
    assert sheet.used_range.address == "$A$1:$D$7"
    assert sheet.used_range.value == EXPECTED
    assert sheet["A1:D7"].value == EXPECTED
    assert sheet["C3"].value == 5 and type(sheet["C3"].value) is int
    assert sheet["B7"].value == dt.datetime(2022, 4, 30)  # dates read as datetime
    assert sheet["B7"].options(dates=dt.date).value == FILL_DATE
    assert sheet["A2"].expand().address == "$A$2:$D$5"
    assert sheet["D3"].note is not None and sheet["D4"].note is None
    assert sheet.visible is True
    assert book.sheets[SUMMARY]["B1"].value is None


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s["A1"].color,
        lambda s: s["A1"].merge_area,
        lambda s: s["A1"].merge_cells,
        lambda s: s["A1"].number_format,
        lambda s: s["A1"].font.bold,
        lambda s: s["A1"].formula,
        lambda s: s["A1"].hyperlink,
        lambda s: s["A1"].current_region,
        lambda s: s["A1"].column_width,
        lambda s: s["D3"].note.text,
        lambda s: s.book.app.status_bar,
        lambda s: s.book.app.screen_updating,
    ],
    ids=[
        "color",
        "merge_area",
        "merge_cells",
        "number_format",
        "font.bold",
        "formula",
        "hyperlink",
        "current_region",
        "column_width",
        "note.text",
        "app.status_bar",
        "app.screen_updating",
    ],
)
def test_remote_engine_cannot_read_formats(rubric_xlsx: Path, read) -> None:
    sheet = book_from_xlsx(rubric_xlsx).sheets[RUBRIC]
    # xlwings says why: synchronous reads of formats don't exist on the remote engine.
    with pytest.raises(
        NotImplementedError,
        match=r"synchronously isn't supported on this engine|(not supported|can't be read) on this engine",
    ):
        read(sheet)


# --- writes and replay ---------------------------------------------------------------


def test_writes_are_replayed_into_a_copy(rubric_xlsx: Path, tmp_path: Path) -> None:
    before = sha256(rubric_xlsx)
    book = book_from_xlsx(rubric_xlsx)
    sheet = book.sheets[RUBRIC]

    sheet["B3:C4"].value = [["班子团结有力", 5], ["发展党员规范", 5]]
    sheet["D4"].value = 6
    sheet["D4"].color = "#FF0000"
    sheet["D5"].color = (255, 255, 0)
    sheet["D4"].add_note("得分 6 超过分值 5")
    sheet["D3"].note.text = "已复核"
    sheet["C5"].number_format = "0.00"
    sheet["D5"].font.bold = True
    sheet["D5"].font.color = "#0000FF"
    findings = book.sheets.add("校验结果", after=book.sheets[-1])
    findings["A1"].value = [["工作表", "单元格", "问题"], [RUBRIC, "D4", "得分超过分值"]]
    findings["D2"].add_hyperlink(f"#'{RUBRIC}'!D4", "定位", "跳到 D4")
    book.app.alert("发现 1 个问题", "校验")

    actions = book.json()["actions"]
    assert count_actions(actions) == {
        "setValues": 3,
        "setRangeColor": 2,
        "addNote": 1,
        "setNoteText": 1,
        "setNumberFormat": 1,
        "setFontProperty": 2,
        "addSheet": 1,
        "addHyperlink": 1,
        "alert": 1,
    }
    first = actions[0]
    assert first == {
        "func": "setValues",
        "args": [None],
        "values": [["班子团结有力", 5], ["发展党员规范", 5]],
        "sheet_position": 0,
        "start_row": 2,
        "start_column": 1,
        "row_count": 2,
        "column_count": 2,
    }
    by_func = {a["func"]: a for a in actions}  # last action of each kind
    assert by_func["addNote"]["args"] == ["$D$4", "得分 6 超过分值 5"]
    assert by_func["setNoteText"]["args"] == ["$D$3", "已复核"]
    assert by_func["addSheet"]["args"] == [2, "校验结果"]
    assert by_func["addSheet"]["sheet_position"] is None
    assert [a["args"] for a in actions if a["func"] == "setFontProperty"] == [
        ["bold", True],
        ["color", "#0000FF"],
    ]
    assert by_func["alert"]["args"] == ["发现 1 个问题", "校验", "ok", "", ""]
    assert [a["args"][0] for a in actions if a["func"] == "setRangeColor"] == [
        "#FF0000",
        "#ffff00",  # RGB tuples arrive as lower-case hex
    ]

    out = tmp_path / "评分_校验.xlsx"
    report = replay_actions(book, rubric_xlsx, out)

    assert sha256(rubric_xlsx) == before  # the original is never touched
    assert report.applied["setValues"] == 3
    assert report.alerts == [
        {"prompt": "发现 1 个问题", "title": "校验", "buttons": "ok", "mode": "", "callback": ""}
    ]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [RUBRIC, SUMMARY, "校验结果"]
    ws = wb[RUBRIC]
    assert [[c.value for c in row] for row in ws["B3:D4"]] == [
        ["班子团结有力", 5, 4.5],
        ["发展党员规范", 5, 6],
    ]
    assert ws["D4"].fill.fill_type == "solid"
    assert ws["D4"].fill.fgColor.rgb == "FFFF0000"
    assert ws["D5"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["D3"].fill.fill_type is None
    assert ws["D4"].comment.text == "得分 6 超过分值 5"
    assert ws["D3"].comment.text == "已复核"
    assert ws["C5"].number_format == "0.00"
    assert ws["D5"].font.b is True and ws["D5"].font.color.rgb == "FF0000FF"
    assert [r.coord for r in ws.merged_cells.ranges] == ["A1:D1"]  # structure survives
    result = wb["校验结果"]
    assert result["A2"].value == RUBRIC and result["C2"].value == "得分超过分值"
    assert result["D2"].value == "定位"
    assert result["D2"].hyperlink.location == f"'{RUBRIC}'!D4"
    assert result["D2"].hyperlink.tooltip == "跳到 D4"

    # The replayed file is a valid input again: the next button click sees the result.
    again = book_from_xlsx(out)
    assert again.sheets[RUBRIC]["B3:D4"].value == [
        ["班子团结有力", 5, 4.5],
        ["发展党员规范", 5, 6],
    ]
    assert again.sheets[RUBRIC]["D4"].note is not None
    assert again.sheets["校验结果"]["A1:C1"].value == ["工作表", "单元格", "问题"]


def test_sheet_structure_actions(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    summary = book.sheets[SUMMARY]
    summary.name = "汇总"
    temp = book.sheets.add("临时")  # appended at the end and made active locally
    assert book.sheets.active.name == "临时"
    temp["A1"].value = "x"
    temp.delete()
    summary.visible = False
    book.sheets[RUBRIC]["A2:D2"].clear_formats()
    book.sheets[RUBRIC]["A7:B7"].clear_contents()
    book.sheets[RUBRIC]["D3"].note.delete()

    assert [a["func"] for a in book.json()["actions"]] == [
        "setSheetName",
        "addSheet",
        "setValues",
        "sheetDelete",
        "setSheetVisibility",
        "rangeClearFormats",
        "rangeClearContents",
        "deleteNote",
    ]
    out = tmp_path / "out.xlsx"
    replay_actions(book.json(), rubric_xlsx, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [RUBRIC, "汇总"]
    assert wb["汇总"].sheet_state == "hidden"
    assert wb[RUBRIC]["A7"].value is None and wb[RUBRIC]["B7"].value is None
    assert wb[RUBRIC]["D3"].comment is None


def test_formatting_names_tables_and_sheet_order(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    sheet = book.sheets[RUBRIC]
    sheet["A2:D5"].borders.line_style = "continuous"
    sheet["A2:D2"].borders["edge_bottom"].weight = "thick"
    sheet["A2:D2"].horizontal_alignment = "center"
    sheet["B3"].wrap_text = True
    sheet["C3:D4"].set_colors([["#FF0000", ...], [None, "#00FF00"]])
    sheet["E3"].data_validation.set_list(["先进", "一般", "后进"])
    sheet["E4"].formula = "=SUM(C3:D3)"
    sheet["E4:E5"].formula = "=SUM(C3:D3)"  # one formula, references adjusted
    sheet["A6"].rows.hidden = True
    sheet["F1"].columns.hidden = True
    book.names.add("总分", f"='{RUBRIC}'!$D$3:$D$5")
    summary = book.sheets[SUMMARY]
    summary["A1:B2"].value = [["党支部", "得分"], ["第一党支部", 17.5]]
    summary.tables.add(source=summary["A1:B2"], name="汇总")
    book.sheets[SUMMARY].move(before=sheet)
    book.sheets[SUMMARY].copy(after=sheet)
    book.sheets[RUBRIC].activate()
    sheet.freeze_panes.freeze_at("2:2")

    replay_actions(book, rubric_xlsx, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == [SUMMARY, RUBRIC, f"{SUMMARY} (2)"]
    assert wb.active.title == RUBRIC
    ws = wb[RUBRIC]
    assert ws["A2"].border.bottom.style == "thick"
    assert ws["A3"].border.bottom.style == "thin" and ws["D5"].border.right.style == "thin"
    assert ws["B2"].alignment.horizontal == "center" and ws["B3"].alignment.wrap_text
    assert ws["C3"].fill.fgColor.rgb == "FFFF0000" and ws["D4"].fill.fgColor.rgb == "FF00FF00"
    assert ws["D3"].fill.fill_type is None  # "keep" (...) left it alone
    [validation] = ws.data_validations.dataValidation
    assert validation.formula1 == '"先进,一般,后进"' and str(validation.sqref) == "E3"
    assert [ws["E4"].value, ws["E5"].value] == ["=SUM(C3:D3)", "=SUM(C4:D4)"]
    assert ws.row_dimensions[6].hidden and ws.column_dimensions["F"].hidden
    assert wb.defined_names["总分"].attr_text == f"'{RUBRIC}'!$D$3:$D$5"
    assert list(wb[SUMMARY].tables) == ["汇总"]
    assert ws.freeze_panes == "A3"


def test_replay_interprets_written_text_like_excel(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    sheet = book.sheets[SUMMARY]
    sheet["A3:F3"].value = [
        [dt.date(2022, 6, 30), "001", "'001", "372922199001011234", "85%", "4 月底"]
    ]
    sheet["A4"].value = dt.datetime(2022, 6, 30, 9, 30)
    # The engine sends dates as text; Excel (and the replay) parses them back.
    assert book.json()["actions"][0]["values"][0][0] == "2022-06-30"
    assert book.json()["actions"][1]["values"] == [["2022-06-30 09:30:00"]]

    out = tmp_path / "out.xlsx"
    replay_actions(book, rubric_xlsx, out)
    ws = openpyxl.load_workbook(out)[SUMMARY]
    assert ws["A3"].value == dt.datetime(2022, 6, 30)
    assert ws["A3"].is_date and ws["A4"].value == dt.datetime(2022, 6, 30, 9, 30)
    assert ws["B3"].value == 1  # "001" becomes a number in Excel
    assert ws["C3"].value == "001"  # the apostrophe keeps it text
    assert ws["D3"].value == pytest.approx(3.72922199001011e17)  # an ID loses digits
    assert ws["E3"].value == pytest.approx(0.85)
    assert ws["F3"].value == "4 月底"

    literal = tmp_path / "literal.xlsx"
    replay_actions(book, rubric_xlsx, literal, excel_coercion=False)
    assert openpyxl.load_workbook(literal)[SUMMARY]["B3"].value == "001"
    assert excel_input("TRUE") is True and excel_input("=SUM(A1:A2)") == "=SUM(A1:A2)"
    assert excel_input("001", number_format="@") == "001"


def test_writing_into_a_merged_area_is_an_error(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    book.sheets[RUBRIC]["B1"].value = "写到合并单元格里"
    with pytest.raises(ReplayError, match="merged"):
        replay_actions(book, rubric_xlsx, tmp_path / "out.xlsx")


def test_unknown_actions_raise_with_their_name(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    book.sheets[RUBRIC]["A1:D5"].to_png(str(tmp_path / "rubric.png"))
    with pytest.raises(UnsupportedActionError, match="rangeToPng") as info:
        replay_actions(book, rubric_xlsx, tmp_path / "out.xlsx")
    assert info.value.func == "rangeToPng"


def test_layout_only_actions_are_recorded_not_applied(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    book.app.screen_updating = False
    book.sheets[RUBRIC].autofit()
    book.app.calculate()
    book.sheets[RUBRIC].freeze_panes.freeze_at("2:2")
    report = replay_actions(book, rubric_xlsx, tmp_path / "out.xlsx")
    assert [a["func"] for a in report.ignored] == [
        "setScreenUpdating",
        "setSheetAutofit",
        "setSheetAutofit",
        "calculate",
    ]
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")[RUBRIC].freeze_panes == "A3"


# --- @script and @func through xlwings' server helpers --------------------------------


def make_addin_module() -> types.ModuleType:
    """A tiny stand-in for the project's xlwings module."""
    module = types.ModuleType("jiceng_fake_addin")

    @server.script
    def validate(book: xw.Book, max_points: int = 5):
        sheet = book.sheets[RUBRIC]
        rows = sheet["A3:D5"].value
        bad = []
        for offset, (_, _, points, score) in enumerate(rows):
            limit = min(points, max_points) if points == 5 else points
            if score is not None and score > limit:
                cell = sheet.range((3 + offset, 4))
                cell.color = "#FF0000"
                text = f"得分 {score} 超过分值 {limit}"
                if cell.note is None:  # add_note() raises on a cell that has one
                    cell.add_note(text)
                else:
                    cell.note.text = text
                bad.append([RUBRIC, cell.address.replace("$", ""), "得分超过分值"])
        findings = book.sheets.add("校验结果", after=book.sheets[-1])
        findings["A1"].value = [["工作表", "单元格", "问题"], *bad]

    @server.script(include=[RUBRIC])
    async def score(book: xw.Book, deadline: dt.date):
        sheet = book.sheets[RUBRIC]
        total = sum(row[3] for row in sheet["A3:D5"].value)
        sheet["E2:E3"].value = [["总分"], [total]]
        sheet["F2:F3"].value = [["截止"], [deadline]]

    @server.func
    def grade(score: float) -> str:
        """分类定级：85 分及以上先进，65 至 85 分一般，65 分以下后进。"""
        if score >= 85:
            return "先进"
        return "一般" if score >= 65 else "后进"

    @server.func
    @server.arg("scores", ndim=2)
    def subtotal(scores) -> float:
        return sum(v for row in scores for v in row if isinstance(v, int | float))

    @server.func
    def due(year: int, month: int) -> dt.date:
        return dt.date(year, month, 1)

    @server.func
    def weekday(day: dt.date) -> int:
        return day.isoweekday()

    module.validate = validate
    module.score = score
    module.grade = grade
    module.subtotal = subtotal
    module.due = due
    module.weekday = weekday
    return module


def test_script_via_custom_scripts_call(rubric_xlsx: Path, tmp_path: Path) -> None:
    module = make_addin_module()
    book = book_from_xlsx(rubric_xlsx)
    # Exactly what xlwings Server's /custom-scripts-call route and xlwings Lite do:
    import asyncio

    result = asyncio.run(
        server.custom_scripts_call(module, "validate", typehint_to_value={xw.Book: book})
    )
    assert result is book
    assert count_actions(book) == {"addSheet": 1, "setValues": 1}  # no findings

    # Same through the harness shortcut, with a script argument and a replay.
    book, report = run_script(module, "validate", rubric_xlsx, tmp_path / "out.xlsx", args=[4])
    expected = {
        "setRangeColor": 2,
        "setNoteText": 1,
        "addNote": 1,
        "addSheet": 1,
        "setValues": 1,
    }
    assert count_actions(book) == expected
    assert report.applied == expected
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert ws[RUBRIC]["D3"].fill.fgColor.rgb == "FFFF0000"
    assert ws[RUBRIC]["D3"].comment.text == "得分 4.5 超过分值 4"
    assert ws[RUBRIC]["D4"].comment.text == "得分 5 超过分值 4"
    assert [[c.value for c in row] for row in ws["校验结果"]["A1:C3"]] == [
        ["工作表", "单元格", "问题"],
        [RUBRIC, "D3", "得分超过分值"],
        [RUBRIC, "D4", "得分超过分值"],
    ]


def test_async_script_with_include_and_date_argument(rubric_xlsx: Path, tmp_path: Path) -> None:
    module = make_addin_module()
    assert module.score.__xlscript__["include"] == [RUBRIC]
    # Script arguments arrive as JSON: a date-hinted parameter gets an ISO string that
    # custom_scripts_call turns into a date.
    book, _ = run_script(module, "score", rubric_xlsx, tmp_path / "out.xlsx", args=["2022-12-31"])
    assert book.sheets[SUMMARY].impl.api["values"] == [[]]  # not loaded (include)
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")[RUBRIC]
    assert ws["E3"].value == 17.5
    assert ws["F3"].value == dt.datetime(2022, 12, 31)


def test_decorated_script_is_async_and_takes_current_user_first(rubric_xlsx: Path) -> None:
    module = make_addin_module()
    book = book_from_xlsx(rubric_xlsx)
    import asyncio

    # @script wraps the function: calling it directly needs (current_user, book, ...)
    # and an event loop. Keep plain functions for the CLI and wrap them for Excel.
    assert asyncio.run(module.validate(None, book, 4)) is book


def test_functions_via_custom_functions_call() -> None:
    module = make_addin_module()
    import asyncio

    data = {
        "client": "Office.js",
        "func_name": "grade",
        "args": [[[85]]],  # one 2D matrix per parameter
        "caller_address": "[评分.xlsx]党支部评分!E3",
        "session_id": None,
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d",
        "version": xw.__version__,
        "runtime": "1.4",
    }
    assert asyncio.run(server.custom_functions_call(data, module)) == [["先进"]]
    assert data == function_call_payload("grade", 85, caller_address="党支部评分!E3") | {
        "caller_address": "[评分.xlsx]党支部评分!E3"
    }

    assert call_function(module, "grade", 84.99) == [["一般"]]
    assert call_function(module, "grade", 64.9) == [["后进"]]
    assert call_function(module, "subtotal", [[5, 4.5], [None, "x"]]) == [[9.5]]
    assert call_function(module, "due", 2022, 4) == [
        [{"type": "FormattedNumber", "basicValue": 44652.0, "numberFormat": "yyyy/m/d"}]
    ]
    assert call_function(module, "due", 2022, 4, runtime="1.3") == [[44652.0]]
    # Date cells arrive as serial numbers; a dt.date hint converts them.
    assert call_function(module, "weekday", dt.date(2022, 4, 30)) == [[6]]
    meta = server.custom_functions_meta(module)
    assert {f["name"] for f in meta["functions"]} == {"GRADE", "SUBTOTAL", "DUE", "WEEKDAY"}


# --- process-level pitfalls -----------------------------------------------------------


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("XLWINGS_LICENSE_KEY", "XLWINGS_ON_SERVER")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).parent,
        check=False,
    )


def test_license_key_set_after_import_is_fixed_by_the_harness() -> None:
    done = _run(
        """
        import os
        import xlwings as xw
        assert "remote" not in [e.name for e in xw.engines]
        os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
        try:
            xw.Book(json={"client": "Office.js", "version": xw.__version__})
        except Exception as e:
            print(type(e).__name__)
        from xlwings_harness import ensure_remote_engine
        ensure_remote_engine()
        assert "remote" in [e.name for e in xw.engines]
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["LicenseError", "ok"]


def test_xw_script_and_func_are_no_ops_on_linux_unless_on_server() -> None:
    code = """
        import xlwings as xw
        @xw.script
        def s(book: xw.Book): ...
        @xw.func
        def f(x): ...
        print(hasattr(s, "__xlscript__"), hasattr(f, "__xlfunc__"))
        """
    plain = _run(code, XLWINGS_LICENSE_KEY="noncommercial")
    on_server = _run(code, XLWINGS_LICENSE_KEY="noncommercial", XLWINGS_ON_SERVER="true")
    assert plain.stdout.split() == ["False", "False"], plain.stderr
    assert on_server.stdout.split() == ["True", "True"], on_server.stderr


def test_conditional_formats_are_replayed(rubric_xlsx: Path, tmp_path: Path) -> None:
    book = book_from_xlsx(rubric_xlsx)
    sheet = book.sheets[RUBRIC]
    sheet["D3:D5"].conditional_formats.add_custom("=$D3<5", fill_color="#FFC7CE")
    sheet["C3:D5"].conditional_formats.add_custom("=$D3>=5", font_color="#006100")
    assert count_actions(book) == {"addConditionalFormat": 2}
    replay_actions(book, rubric_xlsx, tmp_path / "added.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "added.xlsx")[RUBRIC]
    found = [
        (str(cf.sqref), rule.formula, rule.priority)
        for cf in ws.conditional_formatting
        for rule in cf.rules
    ]
    assert sorted(found, key=lambda f: f[2]) == [("C3:D5", ["$D3>=5"], 1), ("D3:D5", ["$D3<5"], 2)]

    again = book_from_xlsx(tmp_path / "added.xlsx")
    again.sheets[RUBRIC]["D3:D5"].conditional_formats.clear()
    replay_actions(again, tmp_path / "added.xlsx", tmp_path / "cleared.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "cleared.xlsx")[RUBRIC]
    left = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    assert left == {"C3 C4 C5": [["$D3>=5"]]}  # the rule keeps the cells outside D3:D5
