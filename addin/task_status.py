"""The status of one task: milestones + 完成情况 + 完成日期 + the as-of date → status.

Pure standard library (no workbook library), like `deadline.py`. The rules (issue 4):

* milestones come from 时间期限 (plus the period ends of a cadence such as 每月);
* completion dates are matched to milestones in order (earliest date ↔ earliest milestone);
* a milestone passed (as-of later than it) with no date → ``overdue``, days counted from it;
* every milestone has a date and 完成情况 is 已完成 → ``done``, or ``done_late`` when a date
  came after its milestone;
* the next milestone without a date within the due-soon window → ``due_soon``;
* otherwise ``on_track``; with no milestone at all (unreadable 时间期限) → ``unknown``
  unless marked 已完成: Jiceng never guesses a date.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .deadline import milestones_of as milestones_of  # one implementation, shared with `due`

STATUS_LABEL: dict[str, str] = {
    "done": "已完成",
    "done_late": "逾期完成",
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "on_track": "正常推进",
    "unknown": "无法判断",
}

# Excel's day 0 (serial dates; 1900 leap-year bug included, as every spreadsheet does).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 2_958_465)  # 1954-10-03 … 9999-12-31: smaller numbers are not dates


# --- 完成情况 -----------------------------------------------------------------------------------


def read_progress(raw: object, not_started: str, in_progress: str, done: str) -> str | None:
    """'done' / 'in_progress' / 'not_started', '' for a blank cell, None for anything else."""
    text = _fold(raw)
    if not text:
        return ""
    words = {
        _fold(done): "done",
        "完成": "done",
        _fold(in_progress): "in_progress",
        "正在进行": "in_progress",
        _fold(not_started): "not_started",
        "尚未开始": "not_started",
    }
    return words.get(text.rstrip("。.√✓"))


# --- 完成日期 -----------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[;；、,，\r\n]+")
_FULL = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]?")


@dataclass(frozen=True)
class DateProblem:
    text: str  # what was written, for the finding
    reason: str  # "unreadable" | "before_year" | "after_as_of"


def read_done_dates(raw: object, year: int, as_of: date) -> tuple[list[date], list[DateProblem]]:
    """The completion dates of a cell, sorted, and what was wrong with the others.

    A date cell, an Excel serial number, or text with one date per milestone separated by
    ；、; , or line breaks: 2022-05-20, 2022/5/20, 2022.5.20, 2022年5月20日, 5月20日 (the
    task year). Dates before the year starts or after as-of are problems, not dates.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return [], []
    candidates: list[tuple[str, date | None]] = []
    if isinstance(raw, datetime | date):
        day = raw.date() if isinstance(raw, datetime) else raw
        candidates.append((day.isoformat(), day))
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        candidates.append((_number_text(raw), _from_serial(raw)))
    else:
        for piece in _SEPARATORS.split(unicodedata.normalize("NFKC", str(raw))):
            if piece.strip():
                candidates += _read_piece(piece.strip(), year)
    dates: list[date] = []
    problems: list[DateProblem] = []
    for text, day in candidates:
        if day is None:
            problems.append(DateProblem(text, "unreadable"))
        elif day < date(year, 1, 1):
            problems.append(DateProblem(text, "before_year"))
        elif day > as_of:
            problems.append(DateProblem(text, "after_as_of"))
        else:
            dates.append(day)
    return sorted(dates), problems


def date_problem(problem: DateProblem, year: int, as_of: date) -> str:
    """Why a 完成日期 was not counted, in the words of the findings."""
    return {
        "unreadable": f"无法识别为日期（应写作 {date_examples(year)}）",
        "before_year": f"早于{year}年，不计入；应填{year}年内的实际完成日期",
        "after_as_of": f"晚于检查日期{as_of.isoformat()}，不计入；应填已完成的日期（不晚于检查日期）",
    }[problem.reason]


def date_examples(year: int) -> str:
    """How a 完成日期 may be written, with dates of the year in question (not always 2022)."""
    return f"{year}-05-20、{year}/5/20、{year}.5.20 或 5月20日"


def read_date(raw: object) -> date | None:
    """One full date, e.g. a 基准日期 cell: a date cell, an Excel serial number, or text such as
    2022-07-26, 2022/7/26, 2022.7.26 or 2022年7月26日 (a date without its year is not one)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return _from_serial(raw)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    text = text.removesuffix("T00:00:00").removesuffix("00:00:00").rstrip("。.")
    match = _FULL.fullmatch(text)
    return _date(int(match[1]), int(match[2]), int(match[3])) if match else None


def _read_piece(piece: str, year: int) -> list[tuple[str, date | None]]:
    """One separated piece: a date (spaces inside allowed), or several separated by spaces."""
    whole = _one_date(re.sub(r"\s+", "", piece), year)
    if whole is not None:
        return [(piece, whole)]
    parts = piece.split()
    if len(parts) > 1:
        read = [(p, _one_date(p, year)) for p in parts]
        if all(day is not None for _, day in read):
            return read
    return [(piece, None)]


def _one_date(text: str, year: int) -> date | None:
    text = text.rstrip("。.")
    match = _FULL.fullmatch(text)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]))
    match = _MONTH_DAY.fullmatch(text)
    if match:
        return _date(year, int(match[1]), int(match[2]))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_serial(value: float) -> date | None:
    if not math.isfinite(value) or not _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(value))


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fold(raw: object) -> str:
    if raw is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    status: str  # a key of STATUS_LABEL
    next_due: date | None = None  # the first milestone without a date (may be past: overdue)
    days: int = 0  # overdue: days since the missed milestone; done_late: most days late
    missed: date | None = None  # overdue: that milestone; done_late: the one finished latest
    days_left: int | None = None  # days from as-of to next_due (negative when overdue)


def assess(
    milestones: list[date],
    dates: list[date],
    done: bool,
    as_of: date,
    due_soon_days: int,
) -> Assessment:
    """Apply the status rules to one task (dates sorted, already validated)."""
    if not milestones:
        return Assessment("done" if done else "unknown")
    met = list(zip(milestones, dates, strict=False))
    unmet = milestones[len(met) :]
    if unmet:
        next_due = unmet[0]
        left = (next_due - as_of).days
        if left < 0:
            return Assessment("overdue", next_due, -left, next_due, left)
        status = "due_soon" if left <= due_soon_days else "on_track"
        return Assessment(status, next_due, days_left=left)
    if not done:
        return Assessment("on_track")  # every milestone dated, but not marked 已完成 yet
    late = [(d - m).days for m, d in met]
    worst = max(range(len(late)), key=late.__getitem__)
    if late[worst] > 0:
        return Assessment("done_late", days=late[worst], missed=met[worst][0])
    return Assessment("done")


def cn_date(day: date, year: int | None = None) -> str:
    """5月31日 within `year`, else 2023年5月31日."""
    if year is not None and day.year == year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def warning_text(a: Assessment, year: int) -> str | None:
    """The short Chinese text of the 预警 column (None: nothing to say)."""
    if a.status == "overdue":
        return f"已逾期{a.days}天：{cn_date(a.missed, year)}的节点未完成"
    if a.status == "due_soon":
        when = "今天到期" if a.days_left == 0 else f"还有{a.days_left}天到期"
        return f"{when}（{cn_date(a.next_due, year)}）"
    if a.status == "done_late":
        return f"逾期{a.days}天完成（{cn_date(a.missed, year)}的节点）"
    if a.status == "unknown":
        return "时间期限无法识别，无法推算截止日期"
    if a.status == "on_track" and a.next_due is None:
        return "各节点均已填写完成日期，请将完成情况改为“已完成”"
    return None
