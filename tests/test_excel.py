"""Inside Excel: the buttons and JICENG_* functions of addin/excel.py, run the way xlwings Lite
and xlwings Server run them (remote engine on Linux), replayed onto real .xlsx files and
compared with what `jiceng fill` writes for the same file."""

from __future__ import annotations

import os

# Before the first `import xlwings` of the process: the remote engine needs the licence key,
# and `xw.script` / `xw.func` register only on a "server" (see the `excel` fixture otherwise).
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

import datetime as dt  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402
from conftest import scores_with_losses  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402
from tasks_helpers import cell as task_cell  # noqa: E402
from tasks_helpers import make_tasks  # noqa: E402
from xlwings_harness import (  # noqa: E402
    as_on_server,
    book_from_xlsx,
    call_function,
    count_actions,
    ensure_remote_engine,
    merged_cells_unstyled,
    payload_from_xlsx,
    replay_actions,
    run_script,
)

xw = ensure_remote_engine()
from xlwings import server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIRST, SECOND = "第一党支部", "第二党支部"


@pytest.fixture(scope="module")
def excel():
    """addin.excel with its scripts and functions registered as on xlwings Lite / Server."""
    import addin.excel as module

    # xlwings may have been imported (by another test module) before XLWINGS_ON_SERVER was set.
    module = as_on_server(module)
    assert hasattr(module.jiceng_validate, "__xlscript__")
    return module


# --- what a person sees in a workbook ---------------------------------------------------------

_LINK = re.compile(r'^=HYPERLINK\("#(.*)","(.*)"\)$')


def shown(cell) -> tuple:
    """A cell as a person sees it: (value, link target); HYPERLINK formulas count as links."""
    value = cell.value
    if isinstance(value, str) and _LINK.match(value):
        target, text = _LINK.match(value).groups()
        return text, target.replace('""', '"')
    if cell.hyperlink is not None:
        link = cell.hyperlink
        return value, link.location or (link.target or "").removeprefix("#")
    return value, None


def colour(cell) -> str | None:
    if cell.fill is None or cell.fill.fill_type != "solid":
        return None
    rgb = cell.fill.fgColor.rgb
    return rgb[-6:].upper() if isinstance(rgb, str) else "theme"


def rules(ws) -> set[tuple]:
    found = set()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            fill = rule.dxf.fill.bgColor.rgb[-6:] if rule.dxf and rule.dxf.fill else None
            font = (
                rule.dxf.font.color.rgb[-6:]
                if rule.dxf and rule.dxf.font and rule.dxf.font.color
                else None
            )
            found.add((str(cf.sqref), tuple(rule.formula), fill, font))
    return found


def visible(path: Path) -> dict:
    """Every sheet's name and state, cell values (links resolved), fill colours, notes and
    colour rules; the hidden record sheet without its 原底色 column (see `record`)."""
    with merged_cells_unstyled():  # no borders are compared: read the book faster
        wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                note = c.comment.text if c.comment is not None else None
                look = (shown(c), colour(c), note)
                if look != ((None, None), None, None):
                    cells[c.coordinate] = look
        if ws.title == "_jiceng":
            cells = {k: v for k, v in cells.items() if not k.startswith("D")}
        out[ws.title] = (ws.sheet_state, cells, rules(ws))
    return out


def record(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["_jiceng"]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def fill_copy(cli, src: Path, out: Path, *extra: str) -> Path:
    result = cli("fill", src, "--out", out, *extra)
    assert out.exists(), result.stdout
    return out


def alerts(report) -> list[str]:
    return [a["prompt"] for a in report.alerts]


@pytest.fixture
def bad_rubric(make_rubric, spec):
    """Two branches: item 3 over its points on the first; the second typed a wrong total."""
    first = scores_with_losses(spec, {5: 0.5})
    first[3] = 6

    def edit(wb):
        wb[SECOND]["D23"] = 99  # the real total is 95
        wb[SECOND]["D24"] = "一般"  # and 95 is 先进

    return make_rubric(
        {FIRST: first, SECOND: scores_with_losses(spec, {1: 2, 18: 3})}, edit=edit, name="提交.xlsx"
    )


# --- reading a live book ----------------------------------------------------------------------


def test_read_book_sees_what_the_file_reader_sees(excel, bad_rubric, tmp_path, specs):
    from addin.workbook.calamine_reader import read_workbook
    from addin.workbook.xlwings_book import read_book

    tasks = make_tasks(tmp_path, specs.by_id("tasks_2022"), {2: {"完成情况": "已完成"}})
    for path in (bad_rubric, tasks):
        live = read_book(book_from_xlsx(path))
        (file, _) = read_workbook(path)
        assert [s.name for s in live.sheets] == [s.name for s in file.sheets]
        for a, b in zip(live.sheets, file.sheets, strict=True):
            assert a.rows == [row[: len(a.rows[0])] for row in b.rows[: len(a.rows)]]
            assert a.merges == []  # not readable on the remote engine


def test_checks_give_the_same_answer_without_merge_information(bad_rubric, tmp_path, make_rubric):
    """Live books carry no merged ranges; the checks must not need them."""
    from addin.engine import evaluate_workbook
    from addin.spec import load_specs
    from addin.workbook.calamine_reader import read_workbook
    from addin.workbook.xlwings_book import read_book

    raters = load_specs([Path(__file__).parent / "specs" / "rubric_three_raters.toml"])
    spec = raters.of_kind("rubric")[0]
    typed = {i.no: {r.label: float(i.points) for r in spec.raters} for i in spec.items}
    weighted = make_rubric({"综合": typed}, rubric=spec, name="raters.xlsx")
    from summary_helpers import submission

    # Its own folder: the summary has bad_rubric's file name and would replace it.
    (tmp_path / "summary").mkdir()
    summary = submission(
        tmp_path / "summary", [(FIRST, 90, "一般")], rubrics={FIRST: 90}, counts={}
    )
    expected = {  # what both readings must find, not only agree on
        bad_rubric: [
            ("rubric.score_out_of_range", FIRST, "D7"),
            ("rubric.total_mismatch", SECOND, "D23"),
            ("rubric.grade_mismatch", SECOND, "D24"),
        ],
        weighted: [],
        summary: [("summary.grade_mismatch", "汇总表", "D7")],
    }
    for path, specs in ((bad_rubric, None), (weighted, raters), (summary, None)):
        specs = specs or load_specs()
        live = evaluate_workbook(read_book(book_from_xlsx(path)), specs)
        file = evaluate_workbook(read_workbook(path)[0], specs)
        assert live.writes == file.writes
        assert live.report.findings == file.report.findings
        assert [(f.code, f.sheet, f.cell) for f in file.report.findings] == expected[path]


# --- the buttons, against `jiceng fill` -------------------------------------------------------


def test_score_button_writes_what_jiceng_fill_writes(excel, bad_rubric, tmp_path, cli):
    expected = fill_copy(cli, bad_rubric, tmp_path / "fill.xlsx")
    book, report = run_script(excel, "jiceng_score", bad_rubric, tmp_path / "excel.xlsx")

    assert visible(tmp_path / "excel.xlsx") == visible(expected)
    ws = openpyxl.load_workbook(tmp_path / "excel.xlsx")[FIRST]
    assert (
        ws["D7"].comment.text
        == "第3项得分6超过分值5，应填 0～5 之间的数（rubric.score_out_of_range）"
    )
    assert colour(ws["D7"]) == "FFC7CE"
    assert ws["E9"].value == 19.5  # the 党员队伍 subtotal
    assert alerts(report) == ["评分完成：2 个党支部（先进 1），1 个因得分有误未能定级；3 个错误"]
    # The record differs from fill's only where fill could read a colour the live book can't.
    for mine, theirs in zip(record(tmp_path / "excel.xlsx"), record(expected), strict=True):
        assert mine[:3] + mine[4:] == theirs[:3] + theirs[4:]
        assert mine[3] in (None, theirs[3])


def test_score_button_lists_the_weak_areas_of_a_branch_below_the_top(
    excel, make_rubric, spec, tmp_path, cli
):
    """Seed 004's 薄弱环节: under the findings on 校验结果, like `jiceng fill` writes them."""
    weak = scores_with_losses(spec, {17: 10, 18: 2, 1: 3, 5: 0.5})  # 84.5, 群众反映 8/20
    src = make_rubric({FIRST: weak, SECOND: scores_with_losses(spec, {})}, name="提交.xlsx")
    expected = fill_copy(cli, src, tmp_path / "fill.xlsx")
    book, report = run_script(excel, "jiceng_score", src, tmp_path / "excel.xlsx")

    assert visible(tmp_path / "excel.xlsx")["校验结果"] == visible(expected)["校验结果"]
    ws = openpyxl.load_workbook(tmp_path / "excel.xlsx")["校验结果"]
    notes = [(r[2], r[3]) for r in ws.iter_rows(values_only=True) if r[1] == "薄弱环节"]
    assert notes == [
        (
            f"{FIRST}：最薄弱环节：群众反映 8/20 分（得分率 40%，差 12 分）；"
            "失分最多：第17项 0/10（失 10 分）、第18项 8/10（失 2 分）",
            FIRST,
        )
    ]
    (message,) = alerts(report)
    assert (
        message
        == "评分完成：2 个党支部（一般 1，先进 1）；未发现问题；1 个党支部的薄弱环节见“校验结果”工作表"
    )


def test_validate_marks_and_lists_but_changes_no_value(excel, bad_rubric, tmp_path, cli):
    expected = visible(fill_copy(cli, bad_rubric, tmp_path / "fill.xlsx"))
    book, report = run_script(excel, "jiceng_validate", bad_rubric, tmp_path / "excel.xlsx")
    got = visible(tmp_path / "excel.xlsx")
    original = visible(bad_rubric)

    assert list(got) == [FIRST, SECOND, "校验结果", "_jiceng"]
    assert got["校验结果"] == expected["校验结果"]
    for name in (FIRST, SECOND):
        values = {k: v[0] for k, v in got[name][1].items()}
        assert values == {k: v[0] for k, v in original[name][1].items()}
        marks = {k: v[1:] for k, v in got[name][1].items() if v[2]}
        assert marks == {k: v[1:] for k, v in expected[name][1].items() if v[2]}
    wb = openpyxl.load_workbook(tmp_path / "excel.xlsx")
    assert wb.active.title == "校验结果"  # the findings are what the person wants to see
    assert wb["校验结果"]["E3"].value == '=HYPERLINK("#\'第一党支部\'!D7","D7")'
    assert alerts(report) == ["校验完成：3 个错误，详见“校验结果”工作表"]


def test_score_button_fills_the_summary_like_jiceng_fill(excel, tmp_path, cli):
    """附件2: the branches' scores and grades and the 合计 counts, cross-checked with the
    rubric sheets of the same submission."""
    from summary_helpers import submission

    src = submission(
        tmp_path,
        [(FIRST, 90, ""), (SECOND, 70, "先进"), ("第三党支部", "", "")],
        rubrics={FIRST: 90, SECOND: 70},
        counts={},
    )
    expected = fill_copy(cli, src, tmp_path / "fill.xlsx")
    book, report = run_script(excel, "jiceng_score", src, tmp_path / "excel.xlsx")
    assert visible(tmp_path / "excel.xlsx") == visible(expected)
    (message,) = alerts(report)
    assert message.startswith("评分完成：2 个党支部（先进 1，一般 1）；")


def test_buttons_are_idempotent_and_take_over_a_fill_copy(excel, bad_rubric, tmp_path, cli):
    once = tmp_path / "once.xlsx"
    run_script(excel, "jiceng_score", bad_rubric, once)
    book, _ = run_script(excel, "jiceng_score", once, tmp_path / "twice.xlsx")
    assert visible(tmp_path / "twice.xlsx") == visible(once)
    actions = count_actions(book)
    assert actions["addNote"] == 0 and actions["setNoteText"] == 3 and actions["addSheet"] == 0

    # A copy written by `jiceng fill`, opened in Excel and scored there again.
    copy = fill_copy(cli, bad_rubric, tmp_path / "fill.xlsx")
    run_script(excel, "jiceng_score", copy, tmp_path / "again.xlsx")
    assert visible(tmp_path / "again.xlsx") == visible(copy)
    assert record(tmp_path / "again.xlsx") == record(copy)  # fill's known colours are kept


def test_the_person_typed_value_survives_rescoring(excel, bad_rubric, tmp_path):
    once = tmp_path / "once.xlsx"
    run_script(excel, "jiceng_score", bad_rubric, once)
    run_script(excel, "jiceng_score", once, tmp_path / "twice.xlsx")
    rows = record(tmp_path / "twice.xlsx")
    assert ("overwrite", SECOND, "D23", None, None, 99, 95) in rows
    assert ("overwrite", SECOND, "D24", None, None, "一般", "先进") in rows


# --- 清除标记 ------------------------------------------------------------------------------------


def test_clear_removes_exactly_jicengs_marks(excel, make_rubric, spec, tmp_path):
    scores = scores_with_losses(spec)
    scores[3] = 6
    scores[4] = 7

    def edit(wb):
        ws = wb[FIRST]
        ws["D7"].comment = Comment("已与支部书记核实", "组织部")  # a person's note on a bad cell
        ws["B3"].comment = Comment("请于4月30日前报送", "组织部")
        ws["B5"].fill = PatternFill("solid", fgColor="FFFF00")  # a person's own colour

    src = make_rubric({FIRST: scores}, edit=edit)
    marked = tmp_path / "marked.xlsx"
    run_script(excel, "jiceng_validate", src, marked)
    wb = openpyxl.load_workbook(marked)[FIRST]
    assert colour(wb["D7"]) == colour(wb["D8"]) == "FFC7CE"
    assert wb["D7"].comment.text == "已与支部书记核实"  # kept, not overwritten
    assert wb["D8"].comment.text.endswith("（rubric.score_out_of_range）")

    book, report = run_script(excel, "jiceng_clear", marked, tmp_path / "cleared.xlsx")
    assert visible(tmp_path / "cleared.xlsx") == visible(src)
    assert alerts(report) == ["已清除 2 处标记"]

    # Nothing left to clear: only the message goes to Excel.
    book, report = run_script(excel, "jiceng_clear", src, tmp_path / "nothing.xlsx")
    assert count_actions(book) == {"alert": 1}
    assert alerts(report) == ["已清除：没有 Jiceng 添加的标记"]


def test_clear_restores_the_colours_a_fill_copy_recorded(excel, bad_rubric, tmp_path, cli):
    copy = fill_copy(cli, bad_rubric, tmp_path / "fill.xlsx")
    grey = openpyxl.load_workbook(bad_rubric)[SECOND]["D23"]
    assert colour(grey) == "F2F2F2"  # a computed cell of the template, marked by fill
    run_script(excel, "jiceng_clear", copy, tmp_path / "cleared.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "cleared.xlsx")
    assert colour(wb[SECOND]["D23"]) == "F2F2F2" and wb[SECOND]["D23"].comment is None
    assert wb.sheetnames == [FIRST, SECOND, "_jiceng"]  # the typed originals stay on record
    assert {r[0] for r in record(tmp_path / "cleared.xlsx")[1:]} == {"overwrite"}


def test_fill_clears_marks_a_live_book_made(excel, make_rubric, spec, tmp_path, cli):
    scores = scores_with_losses(spec)
    scores[3] = 6
    src = make_rubric(
        {FIRST: scores},
        edit=lambda wb: setattr(wb[FIRST]["D7"], "comment", Comment("原批注", "人")),
    )
    run_script(excel, "jiceng_validate", src, tmp_path / "marked.xlsx")
    refilled = fill_copy(cli, tmp_path / "marked.xlsx", tmp_path / "refilled.xlsx")
    direct = fill_copy(cli, src, tmp_path / "direct.xlsx")
    assert visible(refilled) == visible(direct)  # the person's note is still theirs


# --- 刷新任务状态 -------------------------------------------------------------------------------


def test_refresh_tasks_uses_the_as_of_cell(excel, specs, tmp_path, cli):
    filled = {
        1: {"完成情况": "进行中", "完成日期": "2022-05-20"},
        2: {"完成情况": "已完成", "完成日期": "2022-04-28"},
        5: {"完成情况": "进行中"},
    }

    def edit(ws):
        ws["N1"], ws["O1"] = "基准日期", dt.date(2022, 6, 29)

    src = make_tasks(tmp_path, specs.by_id("tasks_2022"), filled, edit=edit)
    expected = fill_copy(cli, src, tmp_path / "fill.xlsx", "--as-of", "2022-06-29")
    book, report = run_script(excel, "jiceng_refresh_tasks", src, tmp_path / "excel.xlsx")

    assert visible(tmp_path / "excel.xlsx") == visible(expected)
    ws = openpyxl.load_workbook(tmp_path / "excel.xlsx")["任务清单"]
    assert ws[task_cell(5, "状态")].value == "即将到期"  # 6 月/12 月, due 2022-06-30
    assert ws[task_cell(2, "状态")].value == "已完成"
    assert ("I4:L14", ('$J4="已逾期"',), "FFC7CE", "9C0006") in rules(ws)
    (message,) = alerts(report)
    assert message.startswith("任务状态已更新（基准日期 2022-06-29）：")
    assert "即将到期 1 项" in message

    # Run again: the colour rules are replaced, not stacked.
    run_script(excel, "jiceng_refresh_tasks", tmp_path / "excel.xlsx", tmp_path / "again.xlsx")
    assert visible(tmp_path / "again.xlsx") == visible(expected)
    run_script(excel, "jiceng_clear", tmp_path / "again.xlsx", tmp_path / "cleared.xlsx")
    assert rules(openpyxl.load_workbook(tmp_path / "cleared.xlsx")["任务清单"]) == set()


def test_refresh_tasks_explains_an_unreadable_as_of_cell(excel, specs, tmp_path):
    def edit(ws):
        ws["N1"], ws["O1"] = "基准日期", "六月底"

    src = make_tasks(tmp_path, specs.by_id("tasks_2022"), edit=edit)
    book, report = run_script(excel, "jiceng_refresh_tasks", src, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}
    example = f"{dt.date.today().year}-06-15"  # the format shown in this year's dates
    assert alerts(report) == [f"“任务清单”的基准日期“六月底”无法识别，请写成 {example} 这样的日期"]


# --- messages ----------------------------------------------------------------------------------


def test_no_known_template_changes_nothing(excel, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["王芳", "029-88886601"])
    src = tmp_path / "通讯录.xlsx"
    wb.save(src)
    for name in ("jiceng_validate", "jiceng_score", "jiceng_refresh_tasks"):
        book, report = run_script(excel, name, src, tmp_path / "out.xlsx")
        assert count_actions(book) == {"alert": 1}
        assert alerts(report) == [
            "没有找到已知模板（评分标准、汇总表、任务清单或推进表）的表头，未作任何修改"
        ]


def test_a_button_on_the_wrong_template_says_so(excel, bad_rubric, tmp_path):
    book, report = run_script(excel, "jiceng_refresh_tasks", bad_rubric, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}
    assert alerts(report) == ["工作簿中没有任务清单（附件3）或推进表，未作任何修改"]


def test_unexpected_failure_is_one_sentence_and_sends_nothing(
    excel, bad_rubric, tmp_path, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(excel, "apply_plan", broken)
    with caplog.at_level(logging.ERROR, logger="addin.excel"):
        book, report = run_script(excel, "jiceng_score", bad_rubric, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}  # no half-done change reaches Excel
    assert report.alerts[0]["prompt"] == (
        "评分未能完成：写入工作簿时出错（RuntimeError）。工作簿未作任何修改；详细信息已写入日志"
    )
    assert report.alerts[0]["mode"] == "critical"
    assert "Traceback" not in report.alerts[0]["prompt"]
    assert "boom" in caplog.text and "Traceback" in caplog.text


def test_a_protected_sheet_is_named(excel, bad_rubric, tmp_path, monkeypatch):
    from addin.workbook import xlwings_book

    monkeypatch.setattr(xlwings_book, "_protected", lambda sheet: sheet.name == SECOND)
    book, report = run_script(excel, "jiceng_score", bad_rubric, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}
    assert alerts(report) == [
        f"工作表“{SECOND}”受保护，Jiceng 无法写入；请先撤销工作表保护（审阅 → 撤销工作表保护）后再试"
    ]


def test_desktop_buttons_use_the_calling_book(excel, bad_rubric, monkeypatch):
    book = book_from_xlsx(bad_rubric)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    excel.validate_button()
    assert count_actions(book)["addSheet"] == 2
    assert book.json()["actions"][-1]["func"] == "alert"


def test_add_in_buttons_work_on_the_workbook_in_front(excel, bad_rubric, monkeypatch):
    """A button of Jiceng.xlam is called from the add-in; the work is on the active workbook."""
    book = book_from_xlsx(bad_rubric)

    class AddIn:
        name = "Jiceng.xlam"
        app = book.app

    monkeypatch.setattr(xw.Book, "caller", staticmethod(AddIn))
    assert book.app.books.active == book
    excel.score_button()
    assert count_actions(book)["setValues"] == 3 + 2  # computed blocks, 校验结果, record


# --- the action budget -------------------------------------------------------------------------


def _actions(excel, name: str, src: Path, out: Path | None = None) -> int:
    """The actions one click sends; replayed onto `out` only where a later click needs the
    result (the counts are the actions themselves)."""
    book, _ = run_script(excel, name, src, out)
    return sum(count_actions(book).values())


@pytest.mark.parametrize(("n", "k"), [(1, 3), (3, 3), (8, 2), (8, 3)])
def test_action_budget(excel, make_rubric, spec, tmp_path, n, k):
    """What one click sends to Excel, on a submission with n branch sheets and k marked cells
    on each (M = n·k marked cells in all).

    Fixed: the 校验结果 sheet (add or clear, one write of the whole table, bold header, one
    colour call shading the header and the levels, link colour, autofit), the record (add, one write, hide), showing the right sheet and the
    message. Per branch sheet: one call per block of computed cells, one colour call when it
    has marks. Notes: one call per marked cell (xlwings has no bulk call for notes), and only
    while M ≤ NOTE_LIMIT (20); above it marks are colours only and the messages are on the
    校验结果 sheet. Nothing grows with the rows.

    N = 8, M = 24: 校验 19, 评分 27, 评分 again 24, 清除标记 11 (with a note per cell they were
    42, 50, 47 and 35).
    """
    from addin.workbook.xlwings_book import NOTE_LIMIT

    names = [f"第{i + 1}党支部" for i in range(n)]
    clean = make_rubric(dict.fromkeys(names, scores_with_losses(spec, {5: 0.5})), name="c.xlsx")
    bad = scores_with_losses(spec)
    for item, score in [(3, 6), (7, 9), (11, -1)][:k]:
        bad[item] = score  # k marked cells; k categories left unscored
    marked = make_rubric(dict.fromkeys(names, bad), name="m.xlsx")
    m = n * k
    notes = m if m <= NOTE_LIMIT else 0

    counts = {
        "校验 clean": _actions(excel, "jiceng_validate", clean),
        "校验 marked": _actions(excel, "jiceng_validate", marked),
        "评分 clean": _actions(excel, "jiceng_score", clean),
        "评分 marked": _actions(excel, "jiceng_score", marked, tmp_path / "s2.xlsx"),
        "评分 again": _actions(excel, "jiceng_score", tmp_path / "s2.xlsx"),
        "清除标记": _actions(excel, "jiceng_clear", tmp_path / "s2.xlsx"),
    }
    assert counts == {
        "校验 clean": 10,
        "校验 marked": 11 + n + notes,  # a colour call per sheet
        "评分 clean": 10 + 2 * n,  # 2 blocks per sheet
        "评分 marked": 11 + 2 * n + notes,  # 1 block (the subtotals left) + colours
        "评分 again": 8
        + 2 * n
        + notes,  # sheets exist: clear instead of add, no hiding, no switching
        "清除标记": 3 + n + notes,  # colours (+ notes); delete 校验结果, rewrite record, message
    }
    if (n, k) == (8, 3):
        assert counts == {
            "校验 clean": 10,
            "校验 marked": 19,
            "评分 clean": 26,
            "评分 marked": 27,
            "评分 again": 24,
            "清除标记": 11,
        }
    # The budget of one click: 11 + 2 per sheet + at most NOTE_LIMIT notes.
    assert max(counts.values()) <= 11 + 2 * n + NOTE_LIMIT


def test_notes_stop_above_the_limit(excel, make_rubric, spec, tmp_path, monkeypatch):
    """NOTE_LIMIT marked cells still get notes; one more and every mark is a colour only, said
    once in the closing message."""
    from addin.workbook import xlwings_book

    monkeypatch.setattr(xlwings_book, "NOTE_LIMIT", 2)
    bad = scores_with_losses(spec)
    bad[3] = 6
    bad[7] = 9
    two = make_rubric({FIRST: bad}, name="two.xlsx")
    bad[11] = -1
    three = make_rubric({FIRST: bad}, name="three.xlsx")

    book, report = run_script(excel, "jiceng_validate", two, tmp_path / "two-out.xlsx")
    assert count_actions(book)["addNote"] == 2
    assert "较多" not in alerts(report)[0]

    book, report = run_script(excel, "jiceng_validate", three, tmp_path / "three-out.xlsx")
    assert "addNote" not in count_actions(book)
    ws = openpyxl.load_workbook(tmp_path / "three-out.xlsx")[FIRST]
    assert [colour(ws[ref]) for ref in ("D7", "D11", "D15")] == ["FFC7CE"] * 3
    assert all(ws[ref].comment is None for ref in ("D7", "D11", "D15"))
    assert alerts(report) == [
        "校验完成：3 个错误，详见“校验结果”工作表。问题单元格较多（3 处），只涂底色、不加批注，"
        "每条说明都在“校验结果”工作表中"
    ]

    # Marked with notes, then too many: Jiceng's notes go (the cells keep their colours).
    wb = openpyxl.load_workbook(tmp_path / "two-out.xlsx")
    wb[FIRST]["D15"] = -1
    wb.save(tmp_path / "two-more.xlsx")
    book, _ = run_script(excel, "jiceng_validate", tmp_path / "two-more.xlsx", tmp_path / "x.xlsx")
    assert count_actions(book)["deleteNote"] == 2
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")[FIRST]
    assert all(ws[ref].comment is None for ref in ("D7", "D11", "D15"))
    run_script(excel, "jiceng_clear", tmp_path / "x.xlsx", tmp_path / "cleared.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "cleared.xlsx")[FIRST]
    assert all(colour(ws[ref]) is None for ref in ("D7", "D11", "D15"))


def test_findings_sheet_costs_the_same_whatever_the_number_of_findings(
    excel, make_rubric, spec, tmp_path
):
    few = scores_with_losses(spec)
    few[3] = 6
    many = {**few, **dict.fromkeys(range(1, 17), 9)}  # 16 of 18 items over their points
    counts = []
    for name, scores in (("few.xlsx", few), ("many.xlsx", many)):
        book, _ = run_script(excel, "jiceng_validate", make_rubric({FIRST: scores}, name=name))
        counts.append(count_actions(book))
    assert counts[1]["addNote"] - counts[0]["addNote"] == 15  # one note per marked cell
    assert counts[1] - Counter({"addNote": 15}) == counts[0]  # and nothing else grows


# --- custom functions ----------------------------------------------------------------------------


def test_grade_function(excel):
    assert call_function(excel, "jiceng_grade", 85) == [["先进"]]
    assert call_function(excel, "jiceng_grade", 84.99) == [["一般"]]
    assert call_function(excel, "jiceng_grade", 65) == [["一般"]]
    assert call_function(excel, "jiceng_grade", "64.5分") == [["后进"]]
    assert call_function(excel, "jiceng_grade", [[None]]) == [[""]]
    assert call_function(excel, "jiceng_grade", "优秀") == [["“优秀”不是分数"]]
    assert call_function(excel, "jiceng_grade", 101) == [["分数应在 0～100 之间"]]


def test_due_function(excel):
    serial = (dt.date(2022, 12, 31) - dt.date(1899, 12, 30)).days
    date_cell = {"type": "FormattedNumber", "basicValue": float(serial), "numberFormat": "yyyy/m/d"}
    assert call_function(excel, "jiceng_due", "5 月/12 月", "2022-06-15") == [[date_cell]]
    assert call_function(excel, "jiceng_due", "5 月/12 月", dt.date(2022, 6, 15)) == [[date_cell]]
    june = {**date_cell, "basicValue": float(serial - 184)}
    assert call_function(excel, "jiceng_due", "6 月/12 月", "2022年6月15日") == [[june]]
    assert call_function(excel, "jiceng_due", "4 月底", "2022-06-15") == [["已无后续时间节点"]]
    assert call_function(excel, "jiceng_due", "待定", "2022-06-15") == [["时间期限“待定”无法识别"]]
    assert call_function(excel, "jiceng_due", "4 月底", "下周") == [["基准日期“下周”无法识别"]]


def test_status_function(excel):
    def status(*args):
        return call_function(excel, "jiceng_status", *args)[0][0]

    assert status("4 月底", "进行中", None, "2022-06-15") == "已逾期"
    assert status("6 月/12 月", "进行中", None, "2022-06-25") == "即将到期"
    assert status("5 月/12 月", "进行中", "2022-05-20", "2022-06-15") == "正常推进"
    assert status("4 月底", "已完成", dt.date(2022, 4, 28), "2022-06-15") == "已完成"
    assert status("4 月底", "已完成", "2022-05-03", "2022-06-15") == "逾期完成"
    assert status("待定", "未开始", None, "2022-06-15") == "无法判断"
    assert status("4 月底", "差不多", None, "2022-06-15") == "完成情况应为未开始 / 进行中 / 已完成"


def test_functions_and_scripts_are_registered(excel):
    functions = server.custom_functions_meta(excel)["functions"]
    assert {f["name"] for f in functions} == {"JICENG_GRADE", "JICENG_DUE", "JICENG_STATUS"}
    due = next(f for f in functions if f["name"] == "JICENG_DUE")
    assert [p["name"] for p in due["parameters"]] == ["deadline", "as_of", "year"]
    assert [p.get("optional", False) for p in due["parameters"]] == [False, True, True]
    scripts = {s["function_name"]: s["name"] for s in server.custom_scripts_meta(excel)}
    assert scripts == {
        "jiceng_validate": "校验",
        "jiceng_score": "评分",
        "jiceng_refresh_tasks": "刷新任务状态",
        "jiceng_clear": "清除标记",
    }


# --- the Lite path: `jiceng lite` writes main.py with the package inside ----------------------

# A Python like Pyodide's: no threads or processes, none of the command line's native packages,
# and files written only into its in-memory file system (here: TMPDIR) — or nowhere at all.
_PYODIDE_LIKE = """
import asyncio, builtins, importlib, json, os, subprocess, sys, tempfile, threading

def refuse(*args, **kwargs):
    raise RuntimeError("not available under Pyodide")

subprocess.Popen = refuse
threading.Thread.start = refuse
os.fork = refuse
memfs = os.path.realpath(tempfile.gettempdir()) + os.sep if {memfs_writable} else None
_open = builtins.open
def memfs_only_open(file, mode="r", *args, **kwargs):
    writes = any(flag in mode for flag in "wax+")
    if writes and not (memfs and os.path.realpath(file).startswith(memfs)):
        refuse()
    return _open(file, mode, *args, **kwargs)
builtins.open = memfs_only_open
for name in ("openpyxl", "python_calamine", "typer", "rich", "pandas", "numpy"):
    sys.modules[name] = None  # not in requirements.txt, cannot be installed in Pyodide

sys.path[:0] = {paths!r}
import xlwings as xw
from xlwings import server
for name in {modules!r}:
    main = importlib.import_module(name)  # main.py as pasted into xlwings Lite

request = json.loads(sys.stdin.read())
result = {{"scripts": {{}}, "functions": []}}
for name, payload in request["scripts"]:
    book = xw.Book(json=payload)
    asyncio.run(server.custom_scripts_call(main, name, typehint_to_value={{xw.Book: book}}))
    result["scripts"][name] = book.json()["actions"]
for data in request["functions"]:
    result["functions"].append(asyncio.run(server.custom_functions_call(data, main)))
result["meta"] = sorted(f["name"] for f in server.custom_functions_meta(main)["functions"])
result["addin"] = sys.modules["addin"].__file__
result["loaded"] = sorted(m for m in sys.modules if m == "addin" or m.startswith("addin."))
print(json.dumps(result, ensure_ascii=False, default=str))
"""

_LITE_FUNCTIONS = [
    ("jiceng_grade", 85),
    ("jiceng_grade", 84.5),
    ("jiceng_due", "5 月/12 月", "2022-06-15"),
    ("jiceng_status", "5 月/12 月", "进行中", [["2022-05-20"], [None]], "2022-06-15"),
]


def run_lite(
    bundle: Path, tmp_path: Path, scripts=(), functions=(), memfs_writable=True, modules=("main",)
) -> dict:
    from xlwings_harness import function_call_payload

    memfs = tmp_path / "pyodide-memfs"
    memfs.mkdir(exist_ok=True)
    code = _PYODIDE_LIKE.format(
        paths=[str(bundle)], modules=list(modules), memfs_writable=memfs_writable
    )
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "XLWINGS_ON_SERVER": "true"}
    env["TMPDIR"] = str(memfs)
    env.pop("PYTHONPATH", None)  # the repository's addin must not be importable
    request = {
        "scripts": [[name, payload_from_xlsx(path)] for name, path in scripts],
        "functions": [function_call_payload(*call) for call in functions],
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        input=json.dumps(request, ensure_ascii=False),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def lite_bundle(tmp_path_factory) -> Path:
    """`jiceng lite`'s folder, written once for the tests here that only read it."""
    from typer.testing import CliRunner

    from addin.cli import app

    out = tmp_path_factory.mktemp("lite-bundle") / "lite"
    result = CliRunner().invoke(app, ["lite", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["main.py", "requirements.txt"]
    return out


def test_lite_bundle_buttons_and_functions_match_the_installed_package(
    excel, lite_bundle, bad_rubric, tmp_path, specs
):
    """main.py from `jiceng lite`, alone on the path of a Pyodide-like Python: the four buttons
    leave the same workbooks and the three functions give the same answers as addin.excel."""
    tasks = make_tasks(tmp_path, specs.by_id("tasks_2022"), {2: {"完成情况": "已完成"}})
    scripts = [
        ("jiceng_validate", bad_rubric),
        ("jiceng_score", bad_rubric),
        ("jiceng_refresh_tasks", tasks),
        ("jiceng_clear", bad_rubric),
    ]
    result = run_lite(lite_bundle, tmp_path, scripts, _LITE_FUNCTIONS)
    memfs = (tmp_path / "pyodide-memfs").resolve()
    assert Path(result["addin"]).resolve().is_relative_to(memfs)  # not the repository's copy
    assert result["meta"] == ["JICENG_DUE", "JICENG_GRADE", "JICENG_STATUS"]
    for name, path in scripts:
        replay_actions(result["scripts"][name], path, tmp_path / f"lite-{name}.xlsx")
        run_script(excel, name, path, tmp_path / f"py-{name}.xlsx")
        assert visible(tmp_path / f"lite-{name}.xlsx") == visible(tmp_path / f"py-{name}.xlsx")
    assert any(result["scripts"]["jiceng_score"])  # the comparison saw real work
    expected = [call_function(excel, *call) for call in _LITE_FUNCTIONS]
    assert result["functions"] == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    assert result["functions"][:2] == [[["先进"]], [["一般"]]]

    from addin.lite_bundle import modules

    # Everything the buttons imported was in the bundle (read from import statements).
    assert set(result["loaded"]) <= set(modules())


def test_lite_bundle_unpacks_once_and_replaces_an_older_bundle(lite_bundle, tmp_path):
    from addin.lite_bundle import main_py, package_files

    bundle = tmp_path / "lite"  # an own copy: an older bundle is added beside main.py below
    shutil.copytree(lite_bundle, bundle, ignore=shutil.ignore_patterns("__pycache__"))
    first = run_lite(bundle, tmp_path)
    # Run again (xlwings Lite re-runs main.py): the unpacked copy is reused, nothing is written.
    again = run_lite(bundle, tmp_path, memfs_writable=False)
    assert again["addin"] == first["addin"]
    # An older bundle imported earlier in the same Python gives way to the new one.
    files = package_files()
    files["addin/__init__.py"] += "\nOLDER = True\n"
    (bundle / "older.py").write_text(main_py(files), encoding="utf-8")
    both = run_lite(bundle, tmp_path, modules=("older", "main"))
    assert both["addin"] == first["addin"]
    assert both["meta"] == first["meta"]


def test_lite_requirements_are_pip_lines_without_a_wheel_address(lite_bundle):
    from packaging.requirements import Requirement

    text = (lite_bundle / "requirements.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    requirements = [Requirement(line) for line in lines]
    assert [(r.name, str(r.specifier), r.url) for r in requirements] == [
        ("xlwings", f"=={xw.__version__}", None),  # the version these tests ran against
        ("pydantic", "", None),  # Pyodide's own build: never pinned
    ]
    # The copy in the repository is exactly what the command writes.
    assert (ROOT / "macros/lite/requirements.txt").read_text(encoding="utf-8") == text


def test_lite_bundle_holds_only_what_pyodide_can_import(lite_bundle):
    from addin.lite_bundle import modules, package_files

    names = modules()
    assert {"addin", "addin.excel", "addin.workbook.xlwings_book", "addin.report"} <= set(names)
    assert not {
        "addin.cli",
        "addin.batch",
        "addin.isolation",
        "addin.workbook.openpyxl_writer",
    } & set(names)
    files = package_files()
    assert {"addin/schemas/rubric_2022.toml", "addin/workbook/__init__.py"} <= set(files)
    main = (lite_bundle / "main.py").read_text(encoding="utf-8")
    compile(main, "main.py", "exec")
    # pasted by hand into xlwings Lite's editor: about 150 KB with four kinds; far more means
    # something that does not belong in the Lite path was pulled in
    assert len(main) < 200_000


def test_lite_bundle_leaves_out_what_needs_openpyxl_or_calamine():
    """The kinds' blank templates and the calamine reader are imported inside functions the
    Lite path never calls; they need packages Lite does not have, so main.py does without them
    (tests/test_lite_pyodide.py checks that Pyodide imports every module main.py carries)."""
    from addin.lite_bundle import importable_in_lite, modules

    names = set(modules())
    left_out = {f"addin.kinds.{kind}.template" for kind in ("rubric", "summary", "tasks", "stages")}
    left_out |= {
        f"addin.workbook.{m}" for m in ("calamine_reader", "guard", "sniff", "sheet_style")
    }
    assert not left_out & names
    assert {"addin.kinds.rubric", "addin.engine", "addin.kind"} <= names
    assert not importable_in_lite("addin.kinds.rubric.template")  # openpyxl at its top
    assert not importable_in_lite("addin.workbook.calamine_reader")  # python_calamine
    assert importable_in_lite("addin.kind")  # openpyxl only under `if TYPE_CHECKING:`
    assert importable_in_lite("addin.engine")  # calamine only inside a function


def test_lite_command_reports_an_unwritable_folder(cli, tmp_path):
    occupied = tmp_path / "main.py"
    occupied.write_text("not a folder", encoding="utf-8")
    result = cli("lite", "--out", occupied)
    assert result.exit_code == 2
    assert "无法写入" in result.output and str(occupied) in result.output


def test_jiceng_wheel_is_pure_python(tmp_path):
    """The desktop path installs jiceng from a wheel: one file for Windows, macOS and Linux."""
    import shutil
    from zipfile import ZipFile

    from hatchling.builders.wheel import WheelBuilder

    source = tmp_path / "src"  # what the wheel is built from (never a venv or out/ in the tree)
    for part in ("addin", "schemas"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("*.pyc"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    builder = WheelBuilder(str(source))
    wheel = Path(next(builder.build(directory=str(tmp_path / "dist"), versions=["standard"])))
    assert wheel.name.endswith("-py3-none-any.whl")
    with ZipFile(wheel) as whl:
        names = set(whl.namelist())
        tag = whl.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    assert "Root-Is-Purelib: true" in tag and "Tag: py3-none-any" in tag
    assert {"addin/excel.py", "addin/schemas/rubric_2022.toml"} <= names
    assert not any(n.endswith((".so", ".pyd", ".dylib")) for n in names)


# --- macros/ for desktop Excel ---------------------------------------------------------------


def test_vba_module_calls_existing_entry_points(excel):
    bas = (ROOT / "macros/Jiceng.bas").read_bytes()
    assert bas.isascii() and b"\r\n" in bas and b"\n" not in bas.replace(b"\r\n", b"")
    text = bas.decode()
    assert text.startswith('Attribute VB_Name = "Jiceng"')
    calls = re.findall(r'RunPython "import addin\.excel as x; x\.(\w+)\(\)"', text)
    assert calls == ["validate_button", "score_button", "refresh_tasks_button", "clear_button"]
    assert all(callable(getattr(excel, name)) for name in calls)


def test_ribbon_has_the_four_buttons_and_their_callbacks_exist():
    from xml.etree import ElementTree

    ns = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
    root = ElementTree.parse(ROOT / "macros/customUI.xml").getroot()
    (tab,) = root.findall(".//ui:tab", ns)
    assert tab.get("label") == "基层组织建设"
    buttons = [(b.get("label"), b.get("onAction")) for b in tab.findall(".//ui:button", ns)]
    assert [label for label, _ in buttons] == ["校验", "评分", "刷新任务状态", "清除标记"]
    bas = (ROOT / "macros/Jiceng.bas").read_text()
    for _, callback in buttons:
        assert f"Public Sub {callback}(control As IRibbonControl)" in bas


def test_add_ribbon_puts_the_tab_into_a_workbook(tmp_path):
    import zipfile

    spec = importlib.util.spec_from_file_location("add_ribbon", ROOT / "macros/add_ribbon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    book = tmp_path / "Jiceng.xlsx"
    openpyxl.Workbook().save(book)
    module.add_ribbon(book)
    module.add_ribbon(book)  # again: replaced, not doubled
    with zipfile.ZipFile(book) as z:
        rels = z.read("_rels/.rels").decode()
        assert z.read("customUI/customUI14.xml") == (ROOT / "macros/customUI.xml").read_bytes()
    assert rels.count("ui/extensibility") == 1 and 'Target="customUI/customUI14.xml"' in rels
    assert openpyxl.load_workbook(book).sheetnames == ["Sheet"]  # still a valid workbook


def test_xlwings_conf_imports_the_functions(excel):
    import csv

    with open(ROOT / "macros/xlwings.conf", newline="", encoding="ascii") as handle:
        conf = dict(csv.reader(handle))
    assert conf["UDF MODULES"] == "addin.excel"
    assert importlib.import_module(conf["UDF MODULES"]) is excel


# --- `jiceng desktop`: xlwings' own ribbon add-in, one per button ---------------------------------


def test_desktop_addins_are_xlwings_ribbon_addin_with_only_the_ribbon_changed(cli, tmp_path):
    from xml.etree import ElementTree
    from zipfile import ZipFile

    from addin.desktop_bundle import CALLBACK, RIBBON_PART, xlwings_addin

    out = tmp_path / "desktop"
    result = cli("desktop", "--out", out)
    assert result.exit_code == 0, result.stdout
    names = ["jiceng_validate", "jiceng_score", "jiceng_refresh_tasks", "jiceng_clear"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.xlam" for n in names] + [f"{n}.py" for n in names]
    )
    ns = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
    labels, tabs = [], set()
    with ZipFile(xlwings_addin()) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    for name in names:
        with ZipFile(out / f"{name}.xlam") as addin_file:
            copied = {i.filename: addin_file.read(i) for i in addin_file.infolist()}
        assert copied.keys() == parts.keys()
        # The VBA project and every other part are xlwings' own, byte for byte.
        assert {k: v for k, v in copied.items() if k != RIBBON_PART} == {
            k: v for k, v in parts.items() if k != RIBBON_PART
        }
        ribbon = ElementTree.fromstring(copied[RIBBON_PART])
        tab = ribbon.find(".//ui:tab", ns)
        tabs.add((tab.get("idQ"), tab.get("label")))
        (button,) = ribbon.findall(".//ui:button", ns)
        assert button.get("onAction") == CALLBACK  # the Sub that runs <file name>.main()
        labels.append(button.get("label"))
    assert labels == ["校验", "评分", "刷新任务状态", "清除标记"]
    assert tabs == {("j:jiceng", "基层组织建设")}  # one tab shared by the four add-ins


def test_desktop_addin_module_runs_its_button(cli, excel, bad_rubric, tmp_path, monkeypatch):
    """What xlwings' VBA runs for the 评分 add-in (`import jiceng_score; jiceng_score.main()`,
    with the add-in's folder on sys.path) scores the workbook like the 评分 script."""
    out = tmp_path / "desktop"
    assert cli("desktop", "--out", out).exit_code == 0
    monkeypatch.syspath_prepend(str(out))
    module = importlib.import_module("jiceng_score")
    book = book_from_xlsx(bad_rubric)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    module.main()
    replay_actions(book.json()["actions"], bad_rubric, tmp_path / "desktop.xlsx")
    run_script(excel, "jiceng_score", bad_rubric, tmp_path / "script.xlsx")
    assert visible(tmp_path / "desktop.xlsx") == visible(tmp_path / "script.xlsx")
    assert visible(tmp_path / "desktop.xlsx") != visible(bad_rubric)
