"""Inside Excel: the four buttons and the JICENG_* worksheet functions.

The same plain functions serve every runtime:

* desktop Excel with a local Python: the VBA buttons of `macros/Jiceng.bas` call
  ``RunPython "import addin.excel as x; x.validate_button()"`` (the ``*_button`` functions);
  the worksheet functions are imported as UDFs (``UDF Modules = addin.excel``);
* xlwings Lite and xlwings Server: the ``jiceng_*`` scripts and functions below are registered
  with xlwings' ``@script`` / ``@func`` (the main.py written by `jiceng lite` re-exports them).

Every button reads the open workbook once, runs the same checks as the command line and writes
back in a few bulk calls (`workbook/xlwings_book.py`), then ends with one Chinese sentence in an
alert — also when no known template is found, a sheet is protected or something unexpected
fails (logged with its traceback; the user sees one sentence and, on Lite / Server, the workbook
is left unchanged).

Nothing here starts threads or processes or touches files, so it runs under Pyodide as is.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import date
from functools import lru_cache

import xlwings as xw

from . import worksheet_functions as functions
from .engine import Evaluation, evaluate_workbook
from .kinds import KINDS, or_list
from .sheet_dates import read_as_of
from .spec import SpecSet, load_specs
from .stamp import SENT_SHEET, live_formulas
from .support import weak_notes
from .workbook.model import cell_ref
from .workbook.xlwings_book import (
    NOTES_UNSUPPORTED,
    TOO_MANY_MARKS,
    Marked,
    SheetProtected,
    StepFailed,
    apply_plan,
    clear_marks,
    lifted_protection,
    read_book,
    read_record_sheets,
    step,
)
from .worksheet_functions import guarded
from .writes import FINDINGS_SHEET, OWN_SHEETS, WritePlan, plan_for

log = logging.getLogger(__name__)

TITLE = "基层组织建设"
AS_OF_LABEL = "基准日期"


class _Stop(Exception):
    """Nothing to do: the message says why; the workbook stays as it is."""


@lru_cache(maxsize=1)
def default_specs() -> SpecSet:
    """The bundled template specs (read once per Python session)."""
    return load_specs()


# --- the buttons (plain functions: the CLI, the tests and every runtime call these) -----------


def validate(book, specs: SpecSet | None = None) -> str:
    """校验: mark every problem (colour + note) and list it on the 校验结果 sheet."""

    def work() -> str:
        evaluation, _ = _evaluate(book, specs)
        findings = evaluation.report.findings
        done = f"校验完成：{_counts(evaluation)}"
        marked = _apply(
            book,
            evaluation,
            plan_for([], findings, notes=weak_notes(evaluation)),
            activate=FINDINGS_SHEET if findings else None,
        )
        if marked is None:
            return done + _listed(evaluation)
        where = "，详见“校验结果”工作表" if findings else ""
        return f"{done}{where}{_how_marked(marked)}"

    return _run(book, "校验", work)


def score(book, specs: SpecSet | None = None) -> str:
    """评分: fill subtotals, totals, grades and the summary's grades and counts; mark problems."""

    def work() -> str:
        evaluation, _ = _evaluate(book, specs)
        if not _button_results(evaluation, "score"):
            raise _Stop(f"工作簿中没有{_button_sheets('score')}，未作任何修改")
        sheets = _button_sheets_in(evaluation, "score")
        writes = [w for w in evaluation.writes if w.sheet in sheets]
        plan = plan_for(writes, evaluation.report.findings, notes=weak_notes(evaluation))
        marked = _apply(book, evaluation, plan)
        done = f"评分完成：{_button_text(evaluation, 'score')}；{_counts(evaluation)}"
        done += _weak_text(evaluation)
        return done + (_listed(evaluation) if marked is None else _how_marked(marked))

    return _run(book, "评分", work)


def refresh_tasks(book, specs: SpecSet | None = None, as_of: date | None = None) -> str:
    """刷新任务状态: fill 截止日期 / 状态 / 逾期天数 / 预警 as of `as_of`, else the 基准日期 cell
    of the workbook, else today."""

    def work() -> str:
        evaluation, when = _evaluate(book, specs, as_of)
        if not _button_results(evaluation, "progress"):
            raise _Stop(f"工作簿中没有{_button_sheets('progress')}，未作任何修改")
        sheets = _button_sheets_in(evaluation, "progress")
        writes = [w for w in evaluation.writes if w.sheet in sheets]
        conditional = [rule for rule in evaluation.conditional if rule.sheet in sheets]
        plan = plan_for(writes, evaluation.report.findings, conditional, weak_notes(evaluation))
        marked = _apply(book, evaluation, plan)
        done = _button_text(evaluation, "progress")
        if marked is None:
            return (
                f"任务状态（基准日期 {when.isoformat()}）：{done}；{_counts(evaluation)}"
                + _listed(evaluation)
            )
        return (
            f"任务状态已更新（基准日期 {when.isoformat()}）：{done}；"
            f"{_counts(evaluation)}{_how_marked(marked)}"
        )

    return _run(book, "刷新任务状态", work)


def clear(book) -> str:
    """清除标记: remove the colours, notes and colour rules Jiceng added, and the 校验结果 sheet."""

    def work() -> str:
        with step("清除标记"), _unlocked(book, read_record_sheets(book)):
            cleared = clear_marks(book)
        message = (
            f"已清除 {cleared.cells} 处标记" if cleared.cells else "已清除：没有 Jiceng 添加的标记"
        )
        if cleared.kept_notes:
            message += (
                f"；此版本 Excel 不能删除单元格批注，{cleared.kept_notes} 个单元格上 Jiceng 以前加的"
                "批注仍在，请在支持批注的 Excel 中再点一次“清除标记”"
            )
        return message

    return _run(book, "清除标记", work)


# --- workbooks sent by `jiceng distribute`: protected, computed cells live ---------------------

LISTED = 8  # findings named in the closing message when the workbook cannot be marked


def _apply(book, evaluation: Evaluation, plan: WritePlan, activate: str | None = None):
    """Write the plan; on a distributed workbook (protected, its computed cells formulas) leave
    the formulas alone and lift the protection while writing (desktop Excel). The remote engine
    cannot lift it: nothing is written, None returned, and the message lists the findings."""
    live = live_formulas(evaluation.data)
    if live:
        plan = replace(
            plan,
            writes=[w for w in plan.writes if (w.sheet, cell_ref(w.row, w.col)) not in live],
        )
        if _pending_actions(book) is not None:
            return None
    touched: set[str] = set()
    if live:
        touched = {w.sheet for w in plan.writes} | {m.sheet for m in plan.marks}
        touched |= {rule.sheet for rule in plan.conditional} | read_record_sheets(book)
    with step("写入工作簿"), _unlocked(book, touched):
        return apply_plan(book, plan, activate=activate, data=evaluation.data)


def _unlocked(book, names):
    """Lift protection only where Jiceng wrote it (a distributed workbook) — never a
    protection someone else chose for their own workbook."""
    try:
        sheets = {s.name for s in book.sheets}
    except Exception:
        sheets = set()
    if SENT_SHEET in sheets:
        return lifted_protection(book, names)
    return nullcontext()


def _listed(evaluation: Evaluation) -> str:
    """The first findings by sheet and cell, for a workbook Jiceng could not mark."""
    findings = evaluation.report.findings
    if not findings:
        return "。小计、总分和定级结果由公式即时计算"
    lines = [
        f"{f.sheet or ''}{'!' + f.cell if f.cell else ''} {f.message}" for f in findings[:LISTED]
    ]
    more = f"\n……另有 {len(findings) - LISTED} 条" if len(findings) > LISTED else ""
    return (
        "。此工作簿受保护（由 jiceng distribute 下发），此版本 Excel 中 Jiceng 不能撤销保护，"
        "问题单元格未标色：\n" + "\n".join(lines) + more
    )


# --- desktop: RunPython "import addin.excel as x; x.validate_button()" ------------------------


def validate_button() -> None:
    validate(_calling_book())


def score_button() -> None:
    score(_calling_book())


def refresh_tasks_button() -> None:
    refresh_tasks(_calling_book())


def clear_button() -> None:
    clear(_calling_book())


def _calling_book():
    """The workbook the button belongs to — or, for a button of the Jiceng.xlam add-in, the
    workbook the person is looking at."""
    book = xw.Book.caller()
    if book.name.lower().endswith(".xlam"):
        return book.app.books.active
    return book


# --- the common frame: one message at the end, whatever happens -------------------------------


def _run(book, action: str, work: Callable[[], str]) -> str:
    pending = _pending_actions(book)
    start = len(pending) if pending is not None else 0
    mode = "info"
    try:
        message = work()
    except _Stop as stop:
        message = str(stop)
    except SheetProtected as exc:
        message = f"工作表“{exc.sheet}”受保护，Jiceng 无法写入；请先撤销工作表保护（审阅 → 撤销工作表保护）后再试"
        mode = "critical"
    except Exception as exc:
        cause = exc.cause if isinstance(exc, StepFailed) else exc
        if _looks_protected(cause):
            message = (
                "有工作表受保护，Jiceng 无法写入；请先撤销工作表保护（审阅 → 撤销工作表保护）后再试"
            )
        else:
            log.exception("Jiceng %s failed on %s", action, getattr(book, "name", book))
            where = f"{exc.step}时出错" if isinstance(exc, StepFailed) else "出现意外错误"
            # Lite / Server: the queued actions are dropped below, Excel receives none of them.
            # Desktop Excel has already received whatever was written before the failure.
            outcome = (
                "工作簿未作任何修改"
                if pending is not None
                else "工作簿可能已被改动一部分，如需复原请关闭工作簿且不保存，再重新打开"
            )
            message = f"{action}未能完成：{where}（{type(cause).__name__}）。{outcome}；详细信息已写入日志"
        mode = "critical"
    if mode == "critical" and pending is not None:
        del pending[start:]  # Lite / Server: send none of a half-done change to Excel
    book.app.alert(message, title=TITLE, mode=mode)
    return message


def _how_marked(marked: Marked) -> str:
    """The one sentence about how problem cells were marked, when it is not colour + note."""
    text = ""
    if marked.colour_only == NOTES_UNSUPPORTED:
        text = (
            "。此版本 Excel 不能显示单元格批注：问题单元格只涂了底色，每条说明都在“校验结果”工作表中"
            "（点单元格链接可跳转）"
        )
    elif marked.colour_only == TOO_MANY_MARKS:
        text = f"。问题单元格较多（{marked.cells} 处），只涂底色、不加批注，每条说明都在“校验结果”工作表中"
    if marked.kept_notes:
        text += (
            f"；Jiceng 以前加的 {marked.kept_notes} 条批注此版本 Excel 无法更新或删除，仍留在原处"
        )
    return text


def _pending_actions(book) -> list | None:
    """The remote engine's queued actions (Lite / Server), None on desktop Excel."""
    try:
        data = book.json()
    except Exception:
        return None
    actions = data.get("actions") if isinstance(data, dict) else None
    return actions if isinstance(actions, list) else None


def _looks_protected(exc: Exception) -> bool:
    text = str(exc).lower()
    return "protected" in text or "受保护" in text


# --- evaluation and messages -------------------------------------------------------------------


def _evaluate(book, specs: SpecSet | None, as_of: date | None = None) -> tuple[Evaluation, date]:
    with step("读取工作簿"):
        data = read_book(book)
    when = as_of or _as_of_cell(data) or date.today()
    with step("检查模板"):
        evaluation = evaluate_workbook(
            data, specs or default_specs(), display=book.name, as_of=when
        )
    if not evaluation.found_template:
        labels = or_list([kind.label for kind in KINDS])
        raise _Stop(f"没有找到已知模板（{labels}）的表头，未作任何修改")
    return evaluation, when


def _as_of_cell(data) -> date | None:
    """The date in a 基准日期 cell of the workbook (read as the task list reads it), if any."""
    for sheet in data.sheets:
        if sheet.name in OWN_SHEETS:
            continue
        found = read_as_of(sheet)
        if found is None:
            continue
        if found.day is None:
            raise _Stop(
                f"“{sheet.name}”的基准日期“{found.raw}”无法识别，"
                f"请写成 {date.today().year}-06-15 这样的日期"
            )
        return found.day
    return None


def _weak_text(evaluation: Evaluation) -> str:
    """“；1 个党支部的薄弱环节见“校验结果”工作表” when some sheet is graded below the top."""
    below = [
        r
        for r in evaluation.of_kind("rubric")
        if r.branch.grade is not None and r.branch.grade != r.layout.spec.grading.names[0]
    ]
    if not below:
        return ""
    entity = below[0].layout.spec.entity
    return f"；{len(below)} 个{entity}的薄弱环节见“校验结果”工作表"


def _button_results(evaluation: Evaluation, button: str) -> list:
    """The sheets a button works on: those of the kinds whose cells it writes."""
    return [r for kind in KINDS if kind.button == button for r in evaluation.of_kind(kind.name)]


def _button_sheets_in(evaluation: Evaluation, button: str) -> set[str]:
    return {r.sheet_name for r in _button_results(evaluation, button)}


def _button_sheets(button: str) -> str:
    """“评分表或汇总表”: what a button needs, for the message when a workbook has none."""
    return or_list([kind.sheet_label for kind in KINDS if kind.button == button])


def _button_text(evaluation: Evaluation, button: str) -> str:
    """The button's words about its sheets: those of the first kind present (registry order)."""
    for kind in KINDS:
        results = evaluation.of_kind(kind.name)
        if kind.button == button and results:
            return kind.button_text(results)
    return ""


def _counts(evaluation: Evaluation) -> str:
    severities = Counter(f.severity for f in evaluation.report.findings)
    parts = [
        f"{severities[key]} {unit}"
        for key, unit in (("error", "个错误"), ("warning", "个警告"), ("info", "条提示"))
        if severities[key]
    ]
    return "，".join(parts) if parts else "未发现问题"


# --- worksheet functions (plain: tests and the CLI call these directly) -----------------------
# What each argument may be and how it is read: worksheet_functions.py. None of them raises.


@guarded
def grade(total, spec_id: str | None = None) -> str:
    """=JICENG_GRADE(总分): the grade of a total by the rubric's bands (85 及以上先进 …)."""
    return functions.grade(default_specs(), total, spec_id)


@guarded
def due(deadline, as_of=None, year=None):
    """=JICENG_DUE(时间期限, 基准日期, 年度): the next due date on or after the as-of date."""
    return functions.due(_tasks_spec(), deadline, as_of, year)


@guarded
def status(deadline, progress=None, done_dates=None, as_of=None, year=None) -> str:
    """=JICENG_STATUS(时间期限, 完成情况, 完成日期, 基准日期, 年度): 已完成 / 已逾期 / 即将到期 / …,
    by the same rules as 刷新任务状态."""
    return functions.status(_tasks_spec(), deadline, progress, done_dates, as_of, year)


def _tasks_spec():
    return default_specs().deadline_spec


# --- registration for xlwings Lite and xlwings Server -----------------------------------------


def _registrars():
    """(script, func, arg) of the runtime: xlwings' own on Lite / Server; on desktop the scripts
    stay plain (the VBA buttons call the ``*_button`` functions) and the functions become UDFs."""
    if getattr(xw, "on_server", False) or sys.platform == "emscripten":
        return xw.script, xw.func, xw.arg
    return (lambda **_: lambda f: f), xw.func, xw.arg


_script, _func, _arg = _registrars()


@_script(name="校验")
def jiceng_validate(book: xw.Book):
    """校验：标出所有问题（底色 + 批注），并在“校验结果”工作表中列出。"""
    validate(book)


@_script(name="评分")
def jiceng_score(book: xw.Book):
    """评分：填写小计、总分、定级结果及汇总表的定级与合计。"""
    score(book)


@_script(name="刷新任务状态")
def jiceng_refresh_tasks(book: xw.Book):
    """刷新任务状态：按基准日期（或今天）填写截止日期、状态、逾期天数与预警。"""
    refresh_tasks(book)


@_script(name="清除标记")
def jiceng_clear(book: xw.Book):
    """清除标记：去掉 Jiceng 添加的底色、批注和“校验结果”工作表。"""
    clear(book)


@_func
@_arg("total", doc="总分（0～100）")
def jiceng_grade(total):
    """由总分得出分类定级：85 分及以上先进，65 至 85 分一般，65 分以下后进。"""
    return grade(total)


@_func
@_arg("deadline", doc="时间期限，如“5 月/12 月”“4 月底”“每季度”")
@_arg("as_of", doc="基准日期（默认今天）")
@_arg("year", doc="任务年度，2000～2100 的整数（默认任务清单的年度）")
def jiceng_due(deadline, as_of=None, year=None):
    """时间期限中基准日期当天或之后的下一个截止日期。"""
    return due(deadline, as_of, year)


@_func
@_arg("deadline", doc="时间期限")
@_arg("progress", doc="完成情况：未开始 / 进行中 / 已完成")
@_arg("done_dates", doc="完成日期：一个单元格或一个区域，每个时间节点一个日期")
@_arg("as_of", doc="基准日期（默认今天）")
@_arg("year", doc="任务年度，2000～2100 的整数（默认任务清单的年度）")
def jiceng_status(deadline, progress=None, done_dates=None, as_of=None, year=None):
    """任务状态：已完成、逾期完成、已逾期、即将到期、正常推进或无法判断。"""
    return status(deadline, progress, done_dates, as_of, year)
