"""The JICENG_* worksheet functions as plain Python: whatever Excel passes in, a value or one
Chinese sentence out — never an exception (through xlwings Server that would be an HTTP 500,
in the cell a bare #VALUE!).

What Excel passes (through xlwings' custom-functions runtime): one cell arrives as its value
(number, text, TRUE/FALSE, None when blank or omitted), a range as a list (of rows) of values,
dates as serial numbers. So every argument is read here by what it is meant to be:

* one cell (总分, 时间期限, 完成情况, 基准日期, 年度): a range of several filled cells is refused in
  words, a range with one filled cell is that cell;
* a list (完成日期, one per milestone): every filled cell of the range, each a date, a serial
  number or date text;
* numbers and dates never TRUE/FALSE: Excel's logical values are refused by their Excel names;
* 年度: an integer from 2000 to 2100.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from .cells import is_blank, plain, read_number
from .deadline import next_due, parse_deadline
from .kinds.tasks.spec import TasksSpec
from .spec import SpecSet
from .task_status import STATUS_LABEL, assess, milestones_of, read_date, read_done_dates
from .task_status import read_progress as read_progress_word

log = logging.getLogger(__name__)

FIRST_YEAR, LAST_YEAR = 2000, 2100


class ArgumentError(Exception):
    """An argument Excel passed cannot be used; the message is what the cell shows."""


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function's result, the sentence of an `ArgumentError`, or — for anything else — a
    Chinese sentence naming the function, with the traceback in the log."""

    @wraps(function)
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ArgumentError as problem:
            return str(problem)
        except Exception as exc:
            log.exception("JICENG %s failed on %r %r", function.__name__, args, kwargs)
            return f"计算出错（{type(exc).__name__}），请检查参数"

    return call


# --- reading the arguments ---------------------------------------------------------------------


def cells(value: Any) -> list[Any]:
    """Every filled cell of a value or range (a list of rows, or of values), row by row."""
    if isinstance(value, list | tuple):
        return [cell for item in value for cell in cells(item)]
    return [] if is_blank(value) else [value]


def one_cell(value: Any, label: str) -> Any:
    """The value of an argument that is one cell; None when blank."""
    filled = cells(value)
    if len(filled) > 1:
        raise ArgumentError(f"{label}只能是一个单元格，所选区域中有 {len(filled)} 个单元格有内容")
    value = filled[0] if filled else None
    if isinstance(value, bool):
        raise ArgumentError(f"{label}不能是逻辑值 {excel_word(value)}")
    return value


def excel_word(value: Any) -> str:
    """A value as Excel shows it: TRUE / FALSE, 85 not 85.0."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_year(value: Any, default: int) -> int:
    raw = one_cell(value, "年度")
    if raw is None:
        return default
    number = read_number(raw)
    if not number.ok or number.value != number.value.to_integral_value():
        raise ArgumentError(f"年度应为整数，如 2022，不是“{excel_word(raw)}”")
    year = int(number.value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ArgumentError(f"年度应在 {FIRST_YEAR}～{LAST_YEAR} 之间，不是 {year}")
    return year


def read_as_of(value: Any) -> date:
    """基准日期: a date, a serial number or date text; today when blank."""
    raw = one_cell(value, "基准日期")
    if raw is None:
        return date.today()
    day = read_date(raw)
    if day is None:
        raise ArgumentError(f"基准日期“{excel_word(raw)}”无法识别")
    return day


def read_done_days(value: Any, year: int, as_of: date) -> list[date]:
    """完成日期: every filled cell of the range, each with one or more dates."""
    days: list[date] = []
    for cell in cells(value):
        if isinstance(cell, bool):
            raise ArgumentError(f"完成日期不能是逻辑值 {excel_word(cell)}")
        found, _ = read_done_dates(cell, year, as_of)
        days += found
    return sorted(days)


# --- the functions -----------------------------------------------------------------------------


def grade(specs: SpecSet, total: Any, spec_id: str | None = None) -> str:
    """=JICENG_GRADE(总分): the grade of a total by the rubric's bands (85 及以上先进 …)."""
    raw = one_cell(total, "总分")
    if raw is None:
        return ""
    rubric = specs.by_id(spec_id) if spec_id else specs.of_kind("rubric")[0]
    number = read_number(raw)
    if not number.ok:
        return f"“{excel_word(raw)}”不是分数"
    if number.value < 0 or number.value > rubric.total_points:
        return f"分数应在 0～{plain(rubric.total_points)} 之间"
    return rubric.grading.grade(number.value)


def due(spec: TasksSpec, deadline: Any, as_of: Any = None, year: Any = None) -> date | str:
    """=JICENG_DUE(时间期限, 基准日期, 年度): the next due date on or after the as-of date."""
    text = one_cell(deadline, "时间期限")
    if text is None:
        return ""
    when = read_as_of(as_of)
    parsed = parse_deadline(
        excel_word(text), read_year(year, spec.year), fixed_days=spec.fixed_days
    )
    if not parsed.milestones and parsed.cadence is None:
        if parsed.events and not parsed.unparsed:
            return f"时间期限以“{parsed.events[0].name}”为准，无法推算日期"
        return f"时间期限“{excel_word(text)}”无法识别"
    day = next_due(parsed, when, spec.cadence_from_month, from_year=spec.year)
    return day if day is not None else "已无后续时间节点"


def status(
    spec: TasksSpec,
    deadline: Any,
    progress: Any = None,
    done_dates: Any = None,
    as_of: Any = None,
    year: Any = None,
) -> str:
    """=JICENG_STATUS(时间期限, 完成情况, 完成日期, 基准日期, 年度): 已完成 / 已逾期 / 即将到期 / …,
    by the same rules as 刷新任务状态."""
    text = one_cell(deadline, "时间期限")
    when = read_as_of(as_of)
    task_year = read_year(year, spec.year)
    parsed = parse_deadline(
        "" if text is None else excel_word(text), task_year, fixed_days=spec.fixed_days
    )
    words = spec.progress
    progress_key = read_progress_word(
        one_cell(progress, "完成情况"), words.not_started, words.in_progress, words.done
    )
    if progress_key is None:
        return f"完成情况应为{words.not_started} / {words.in_progress} / {words.done}"
    days = read_done_days(done_dates, task_year, when)
    milestones = milestones_of(parsed, spec.cadence_from_month, from_year=spec.year)
    verdict = assess(milestones, days, progress_key == "done", when, spec.due_soon_days)
    return STATUS_LABEL[verdict.status]
