"""Every button on every Excel people have: with cell notes (ExcelApi 1.18) and without
(Excel 2016/2019, older Excel for Mac: the Office.js client sends ``notes_supported: false``),
on a clean rubric, a rubric with problems and a task list — run through the payload the client
sends, replayed onto the file and compared with what `jiceng fill` writes."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import openpyxl
import pytest
import test_excel
from conftest import rubric_file, scores_with_losses
from tasks_helpers import make_tasks
from test_excel import FIRST, SECOND, alerts, visible
from typer.testing import CliRunner
from xlwings_harness import count_actions, run_script

from addin.cli import app

excel = test_excel.excel  # the fixture: addin.excel registered as on xlwings Lite / Server

AS_OF = "2022-06-29"
OWN = ("校验结果", "_jiceng")
NOTE_ACTIONS = {"addNote", "setNoteText", "deleteNote"}
BUTTONS = ("jiceng_validate", "jiceng_score", "jiceng_refresh_tasks", "jiceng_clear")
NO_NOTES = "此版本 Excel 不能显示单元格批注"


@pytest.fixture(scope="module")
def books(spec, specs, tmp_path_factory):
    """The three kinds of book: a clean rubric, a rubric with problems, a task list with one
    unreadable 完成情况 (a marked cell) and its 基准日期 cell — made once for the module with
    what a person sees in each and in its `jiceng fill` copy (each test works on a copy)."""
    folder = tmp_path_factory.mktemp("notes-books")

    def wrong_total(wb):
        wb[SECOND]["D23"] = 99  # the real total is 95
        wb[SECOND]["D24"] = "一般"

    marked = scores_with_losses(spec, {5: 0.5})
    marked[3] = 6

    def as_of(ws):
        ws["N1"], ws["O1"] = "基准日期", dt.date(2022, 6, 29)

    filled = {
        1: {"完成情况": "进行中", "完成日期": "2022-05-20"},
        2: {"完成情况": "已完成", "完成日期": "2022-04-28"},
        3: {"完成情况": "差不多"},
    }
    made = {
        "clean": rubric_file(
            folder / "clean.xlsx", spec, {FIRST: scores_with_losses(spec, {5: 0.5})}
        ),
        "marked": rubric_file(
            folder / "marked.xlsx",
            spec,
            {FIRST: marked, SECOND: scores_with_losses(spec, {1: 2, 18: 3})},
            edit=wrong_total,
        ),
        "tasks": make_tasks(folder, specs.by_id("tasks_2022"), filled, edit=as_of),
    }
    runner = CliRunner()
    looks = {}
    for kind, path in made.items():
        out = folder / f"{kind}-fill.xlsx"
        result = runner.invoke(app, ["fill", str(path), "--out", str(out), "--as-of", AS_OF])
        assert out.exists(), result.stdout
        looks[kind] = {"original": visible(path), "fill": visible(out)}
    return made, looks


@pytest.fixture
def sources(books, tmp_path):
    """Each test's own copy of the three books (a test never works on the shared ones)."""
    made, _ = books
    return {kind: Path(shutil.copy(path, tmp_path / path.name)) for kind, path in made.items()}


@pytest.fixture
def looks(books):
    """What a person sees in each book as made and in its `jiceng fill` copy."""
    return books[1]


def part(look: dict, what: int) -> dict:
    """One part of `visible` on the people's sheets: 0 value, 1 colour, 2 note."""
    return {
        name: {ref: cell[what] for ref, cell in cells.items() if cell[what] is not None}
        for name, (_, cells, _) in look.items()
        if name not in OWN
    }


def colour_rules(look: dict) -> dict:
    return {name: found for name, (_, _, found) in look.items() if name not in OWN}


def expected_changes(button: str, kind: str) -> bool:
    """Whether the button has work on this kind of book (else one sentence, nothing sent)."""
    if button == "jiceng_score":
        return kind != "tasks"
    if button == "jiceng_refresh_tasks":
        return kind == "tasks"
    return True


@pytest.mark.parametrize("notes", [True, False], ids=["notes", "no-notes"])
@pytest.mark.parametrize("kind", ["clean", "marked", "tasks"])
@pytest.mark.parametrize("button", BUTTONS)
def test_every_button_with_and_without_notes(
    excel, sources, looks, tmp_path, caplog, button, kind, notes
):
    src = sources[kind]
    fill, original = looks[kind]["fill"], looks[kind]["original"]
    out = tmp_path / "excel.xlsx"
    if button == "jiceng_clear":
        # Clear what 校验 marked in the same Excel: the book is as it was before.
        run_script(
            excel, "jiceng_validate", src, tmp_path / "validated.xlsx", notes_supported=notes
        )
        book, report = run_script(
            excel, button, tmp_path / "validated.xlsx", out, notes_supported=notes
        )
        got = visible(out)
        assert list(got) == list(original)
        assert part(got, 0) == part(original, 0) and part(got, 2) == part(original, 2)
        marked = part(visible(tmp_path / "validated.xlsx"), 1)
        for name, colours in part(original, 1).items():
            changed = {ref for ref in colours if got[name][1].get(ref, (0, None))[1] is None}
            # A live book cannot read a fill: a marked cell's own colour is not restored.
            assert changed <= set(marked[name]), name
            assert set(part(got, 1)[name]) <= set(colours), name  # no colour left behind
        (message,) = alerts(report)
        assert message.startswith("已清除") and NO_NOTES not in message
        return

    with caplog.at_level(logging.ERROR, logger="addin.excel"):
        book, report = run_script(excel, button, src, out, notes_supported=notes)
    assert not caplog.records, caplog.text  # no unexpected error behind the sentence
    (alert,) = report.alerts
    assert alert["mode"] == "info"
    actions = count_actions(book)
    if not expected_changes(button, kind):
        assert actions == {"alert": 1}
        assert "未作任何修改" in alert["prompt"]
        return
    got = visible(out)
    assert got["校验结果"] == fill["校验结果"]  # every message, with its link, in both Excels
    assert part(got, 1) == part(fill, 1)  # the same cells coloured as `jiceng fill` colours
    if button == "jiceng_validate":
        assert part(got, 0) == part(original, 0)  # 校验 changes no value
        assert colour_rules(got) == colour_rules(original)
    else:
        assert part(got, 0) == part(fill, 0)
        assert colour_rules(got) == colour_rules(fill)
    has_marks = kind != "clean"
    if notes:
        assert part(got, 2) == part(fill, 2)
        assert NO_NOTES not in alert["prompt"]
    else:
        assert part(got, 2) == part(original, 2)  # no note added
        assert not NOTE_ACTIONS & set(actions)
        # Said once, and only when there was something to mark.
        assert alert["prompt"].count(NO_NOTES) == (1 if has_marks else 0)
    kinds = {row[0] for row in openpyxl.load_workbook(out)["_jiceng"].iter_rows(values_only=True)}
    if has_marks:
        assert ("mark" if notes else "fill") in kinds


def test_a_note_of_an_earlier_run_stays_on_record_in_an_excel_without_notes(
    excel, sources, tmp_path, cli
):
    """Marked in an Excel with notes, fixed and re-checked in one without: the cell loses its
    colour, its stale note cannot be removed there, so it stays on record; 清除标记 in an Excel
    with notes (or `jiceng fill`) removes it later."""
    src = sources["marked"]
    run_script(excel, "jiceng_validate", src, tmp_path / "noted.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "noted.xlsx")
    wb[FIRST]["D7"] = 5  # item 3 fixed
    wb.save(tmp_path / "fixed.xlsx")

    book, report = run_script(
        excel,
        "jiceng_validate",
        tmp_path / "fixed.xlsx",
        tmp_path / "old.xlsx",
        notes_supported=False,
    )
    ws = openpyxl.load_workbook(tmp_path / "old.xlsx")[FIRST]
    assert ws["D7"].fill.fill_type is None  # no longer coloured
    assert ws["D7"].comment is not None  # the note this Excel cannot delete
    (message,) = alerts(report)
    assert "批注此版本 Excel 无法更新或删除" in message

    book, report = run_script(
        excel,
        "jiceng_clear",
        tmp_path / "old.xlsx",
        tmp_path / "old-clear.xlsx",
        notes_supported=False,
    )
    (message,) = alerts(report)
    assert "请在支持批注的 Excel 中再点一次“清除标记”" in message
    assert openpyxl.load_workbook(tmp_path / "old-clear.xlsx")[FIRST]["D7"].comment is not None

    run_script(excel, "jiceng_clear", tmp_path / "old-clear.xlsx", tmp_path / "clean.xlsx")
    cleaned = openpyxl.load_workbook(tmp_path / "clean.xlsx")
    assert cleaned[FIRST]["D7"].comment is None
    assert cleaned.sheetnames == openpyxl.load_workbook(src).sheetnames


@pytest.mark.parametrize(
    ("target", "step"),
    [
        ("read_book", "读取工作簿"),
        ("evaluate_workbook", "检查模板"),
        ("xlwings_book._set_colours", "标记问题单元格"),
        ("xlwings_book._put_note", "标记问题单元格"),
        ("xlwings_book._findings_sheet", "写入“校验结果”工作表"),
        ("xlwings_book._record_sheet", "写入标记记录（隐藏的 _jiceng 工作表）"),
    ],
)
def test_a_failure_names_its_step_and_sends_nothing(
    excel, sources, tmp_path, monkeypatch, caplog, target, step
):
    """Whatever fails inside a button: one Chinese sentence naming the step, logged with its
    traceback, and none of the half-done change reaches Excel."""
    from addin.workbook import xlwings_book

    def broken(*args, **kwargs):
        raise NotImplementedError("Notes require ExcelApi 1.18")

    owner, _, name = target.rpartition(".")
    monkeypatch.setattr(xlwings_book if owner else excel, name, broken)
    once = tmp_path / "once.xlsx"
    run_script(excel, "jiceng_validate", sources["marked"], once)  # notes to update: _put_note
    with caplog.at_level(logging.ERROR, logger="addin.excel"):
        book, report = run_script(excel, "jiceng_score", once, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}
    (alert,) = report.alerts
    assert alert["prompt"] == (
        f"评分未能完成：{step}时出错（NotImplementedError）。工作簿未作任何修改；详细信息已写入日志"
    )
    assert alert["mode"] == "critical"
    assert "ExcelApi 1.18" in caplog.text and "Traceback" in caplog.text
