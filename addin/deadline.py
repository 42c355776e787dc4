"""Read Chinese office deadline wordings (时间期限) into dates.

Pure standard library, no I/O: safe to import under Pyodide (xlwings Lite).

``parse_deadline(text, year)`` understands, for the given year:

* month alone / end of month: ``5月``, ``5月份``, ``4月底``, ``4月末`` -> last day of the month;
* a day: ``5月10日``, ``5月10号`` -> that day;
* ten-day parts: ``上旬`` -> 10th, ``中旬`` -> 20th, ``下旬`` -> last day;
  ``上中旬`` (1st..20th) and ``中下旬`` (11th..last day) are ranges;
* the year: ``全年``/``全年度``/``年度``/``年内`` -> 12-31 (the only forms ``cadence_hint`` applies
  to); ``年底``/``年末``/``年终`` -> 12-31; ``年中`` -> 06-30; ``上半年`` -> 06-30;
  ``下半年`` -> 12-31;
* quarters: ``一季度``, ``第二季度``, ``二季度末``, ``Q2`` -> the quarter's last day;
* fixed days: ``七一``, ``五四``, ``国庆``... (``DEFAULT_FIXED_DAYS`` plus ``fixed_days``),
  in any quotes (``“七一”前``);
* a day without 日: ``12月10前`` -> 12-10 (only after a month: a bare ``10`` is no day);
* a year prefix overrides ``year``: ``2023年3月``, ``2022年底``, ``二〇二二年5月``; a year alone
  is its last day (``到2021年`` -> 2021-12-31); relative years count from the year in force:
  ``次年``/``翌年``/``第二年``/``来年``/``明年``/``下一年`` (+1), ``今年``/``本年``/``当年``;
  numeric dates ``2022-05-31``, ``2022/5/31``, ``2022.5.31`` and year.month ``2022.5``,
  ``2022/5``, ``2022-05`` (the month's last day) are read as well;
* ranges ``A—B`` (``—``, ``–``, ``-``, ``~``, ``至``, ``到``...): ``3月上旬—4月中旬``, ``5月-6月``,
  ``5-6月`` and ``2020-2023年`` (the left number borrows the right unit), ``5月10日至20日`` (the
  right side inherits year and month), ``12月至次年1月`` and ``2021.9—2022.1`` (across the year
  end only when the right side names its year); the start is the first day of the left
  expression and is kept (``Milestone.start``);
* lists ``A/B``, ``A、B``, ``A，B``, ``A；B``, ``A和B``, ``A及B``, ``A以及B``, ``A与B``, line breaks;
* cadences: ``每月``, ``每季度``/``每个季度``, ``每半年``, ``每年`` (also ``每月底``, ``每季度一次``,
  ``每月召开一次``); their periods are those of every year in ``Deadline.years``: the parse year,
  a year written before the cadence (``2023年每季度``), or every year of ``plan_years``;
* ``每年`` + a date (``每年年底前``, ``每年“七一”前``, ``每年12月至次年1月``): that date in every year
  of ``plan_years`` (default: the parse year) as plain milestones;
* events instead of dates (``十八大召开前``, ``党代会期间``, ``2010年6月至2012年中共十八大召开前``):
  no date is guessed; they are reported in ``Deadline.events`` with the event's name (and the
  range start when there is one), and count as read (``ok``);
* affixes that do not change the date: prefixes ``截至``/``截止``/``至``/``到``/``于``/``不晚于``,
  ``从``/``自``/``在`` and qualifiers ``原则上``/``一般``/``最迟``/``力争``/``应``/``要``/``须``...
  (any number of them), suffixes ``前``/``之前``/``以前``/``前夕``/``为止``/``止``/``截止`` and the
  approximate ``前后``/``期间``/``左右`` (``“七一”前后`` and ``“七一”期间`` are 07-01: the day the
  wording is relative to), optionally then ``完成``/``结束``;
* Chinese numerals (``十二月``, ``三十一日``, ``两``), full-width characters, any spaces (NFKC);
  notes in parentheses/brackets (``5月（初稿）``) are ignored.

Anything else (``待定``, ``尽快``, ``长期``, ``5月初``, ``5月中``, ``2月30日``, ``13月``, a range
ending before it starts such as ``12月—1月``, ``每月10日``) is reported in ``Deadline.unparsed``
and never guessed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

__all__ = [
    "CADENCES",
    "DEFAULT_FIXED_DAYS",
    "Deadline",
    "Event",
    "Milestone",
    "cadence_from_text",
    "milestones_of",
    "next_due",
    "parse_deadline",
    "period_ends",
]

# Finest first: when several cadences are found, the finest one wins.
CADENCES: tuple[str, ...] = ("monthly", "quarterly", "half_yearly", "yearly")

_PERIOD_END_MONTHS: dict[str, tuple[int, ...]] = {
    "monthly": tuple(range(1, 13)),
    "quarterly": (3, 6, 9, 12),
    "half_yearly": (6, 12),
    "yearly": (12,),
}

DEFAULT_FIXED_DAYS: dict[str, tuple[int, int]] = {
    "元旦": (1, 1),
    "五一": (5, 1),
    "劳动节": (5, 1),
    "五四": (5, 4),
    "青年节": (5, 4),
    "七一": (7, 1),
    "七一前夕": (7, 1),
    "建党节": (7, 1),
    "八一": (8, 1),
    "建军节": (8, 1),
    "教师节": (9, 10),
    "十一": (10, 1),
    "国庆": (10, 1),
    "国庆节": (10, 1),
}


@dataclass(frozen=True)
class Milestone:
    end: date  # the deadline itself
    start: date | None = None  # for ranges: the range start; else None
    label: str = ""  # normalised piece of text it came from, e.g. "5月"


@dataclass(frozen=True)
class Event:
    """A deadline written as an event (``十八大召开前``): it has no date Jiceng could know."""

    name: str  # the event as written, without 前/期间: "2012年中共十八大召开"
    start: date | None = None  # for a range ending at the event: the range start
    label: str = ""  # normalised piece of text it came from


@dataclass(frozen=True)
class Deadline:
    text: str  # original text
    milestones: tuple[Milestone, ...]  # sorted by end
    cadence: str | None  # None or one of CADENCES
    unparsed: tuple[str, ...]  # fragments that could not be read
    year: int | None = None  # year the cadence periods belong to (the parse year by default)
    events: tuple[Event, ...] = ()  # deadlines written as events: no date
    years: tuple[int, ...] = ()  # every year the cadence repeats in; () = just `year`

    @property
    def ok(self) -> bool:
        """Everything was read: dates, a cadence or events, and nothing left over."""
        return not self.unparsed and bool(self.milestones or self.cadence or self.events)


# --- normalisation -----------------------------------------------------------------------

_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』〝〞〟")
_NOTE_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_NUMERIC_DATE_RE = re.compile(r"(?<![0-9])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9])")
# year.month: '2022.5', '2022/5', '2022-05' (a '-' needs two digits: '2020-2023年' is a range)
_NUMERIC_MONTH_RE = re.compile(
    r"(?<![0-9])([0-9]{4})(?:[./]([0-9]{1,2})|-([0-9]{2}))(?![0-9]|[./][0-9])"
)
_LIST_SEP_RE = re.compile(r"以及|[/、,;。和及与]")
_RANGE_SEP_RE = re.compile(r"[‐‑‒–—―⸺⸻\-~〜至到]+")
# Prefixes and qualifiers that do not change the date ('原则上于5月底前', '从2010年6月—…'),
# any number of them.
_PREFIX_RE = re.compile(
    r"^(?:截至|截止到|截止|不晚于|至|到|于|从|自|在|原则上|一般|最迟|最晚|务必|必须|力争|争取|"
    r"计划|预计|应|要|须|需)+"
)
_SUFFIX_RE = re.compile(
    r"(?:到来)?(?:之前|以前|前夕|前后|前|期间|左右|为止|止|截止)?(?:完成|结束)?$"
)


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in _INVISIBLE


def _squeeze(text: str) -> str:
    """NFKC, line breaks as list separators, every space and invisible character removed."""
    lines = unicodedata.normalize("NFKC", text).splitlines()
    # Blank lines separate nothing (splitlines also breaks at \x1c–\x1e and \x85).
    s = "/".join(line for line in lines if not all(_is_invisible(ch) for ch in line))
    return "".join(ch for ch in s if not _is_invisible(ch))


def _clean(squeezed: str) -> str:
    """Drop quotes and parenthesised notes, rewrite numeric dates as 年月日."""
    s = squeezed.translate(_QUOTES)
    previous = None
    while previous != s:  # nested notes
        previous, s = s, _NOTE_RE.sub("", s)
    s = _NUMERIC_DATE_RE.sub(r"\1年\2月\3日", s)
    s = _NUMERIC_MONTH_RE.sub(lambda m: f"{m[1]}年{m[2] or m[3]}月", s)
    return s.replace("q", "Q")


def _strip_affixes(s: str) -> str:
    return _SUFFIX_RE.sub("", _PREFIX_RE.sub("", s), count=1)


# --- numbers and dates -------------------------------------------------------------------

_NUM = r"[0-9]{1,2}|[〇零一二两三四五六七八九十]{1,3}"
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(s: str) -> int | None:
    """'12', '十二', '二十一', '两' -> int; None for anything else."""
    if s.isascii() and s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        if len(tens) > 1 or len(ones) > 1 or "十" in ones:
            return None
        t = _CN_DIGITS.get(tens) if tens else 1
        o = _CN_DIGITS.get(ones) if ones else 0
        return None if not t or o is None else t * 10 + o
    return _CN_DIGITS.get(s) if len(s) == 1 else None


def _year_number(s: str) -> int:
    return int(s) if s.isascii() else int("".join(str(_CN_DIGITS[c]) for c in s))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    try:
        return _date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, OverflowError):
        return None


# --- single expressions ------------------------------------------------------------------


class _Span(NamedTuple):
    first: date  # first day covered (the start when used as the left side of a range)
    last: date  # the deadline
    year: int  # year in force, inherited by the right side of a range
    month: int | None = None  # month in force, inherited by the right side of a range
    is_range: bool = False  # 上中旬 / 中下旬 are ranges even alone
    whole_year: bool = False  # 全年: the form cadence_hint applies to


def _span(
    first: date | None,
    last: date | None,
    year: int,
    month: int | None = None,
    *,
    is_range: bool = False,
    whole_year: bool = False,
) -> _Span | None:
    """A _Span, or None when a date was invalid."""
    if first is None or last is None:
        return None
    return _Span(first, last, year, month, is_range, whole_year)


_YEAR_RE = re.compile(
    r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})"
    r"(?:年(?!底|末|中|终|内|度)|(?=年(?:底|末|中|终|内|度)))"
)
_WHOLE_YEAR = {"全年", "全年度", "全年内", "全年度内", "年度", "年内", "年度内"}
_YEAR_PARTS = {  # word -> ((month, day) first, (month, day) last)
    "年底": ((12, 31), (12, 31)),
    "年末": ((12, 31), (12, 31)),
    "年终": ((12, 31), (12, 31)),
    "年中": ((6, 30), (6, 30)),
    "上半年": ((1, 1), (6, 30)),
    "下半年": ((7, 1), (12, 31)),
}
_QUARTER_RE = re.compile(r"(?:第?(?P<q>[一二三四1-4])季度?|Q(?P<q2>[1-4]))(?P<end>末|底)?")
_MONTH_RE = re.compile(  # after a month the day may go without 日: '12月10前'
    rf"(?:(?P<m>{_NUM})月份?)?"
    rf"(?:(?P<d>{_NUM})(?(m)[日号]?|[日号])|(?P<part>上中旬|中下旬|上旬|中旬|下旬|底|末))?"
)
_TEN_DAYS = {  # part -> (first day, last day); 0 = last day of the month
    "上旬": (1, 10),
    "中旬": (11, 20),
    "下旬": (21, 0),
    "上中旬": (1, 20),
    "中下旬": (11, 0),
    "底": (0, 0),
    "末": (0, 0),
}

_Parser = Callable[[str, int, int | None, Mapping[str, tuple[int, int]]], _Span | None]


def _fixed_day(s: str, year: int, _month: int | None, fixed: Mapping) -> _Span | None:
    if s not in fixed:
        return None
    month, day = fixed[s]
    d = _date(year, month, day)
    return _span(d, d, year, month=month)


def _year_word(s: str, year: int, _month: int | None, _fixed: Mapping) -> _Span | None:
    if s in _WHOLE_YEAR:
        return _span(_date(year, 1, 1), _date(year, 12, 31), year, whole_year=True)
    if s in _YEAR_PARTS:
        (m1, d1), (m2, d2) = _YEAR_PARTS[s]
        return _span(_date(year, m1, d1), _date(year, m2, d2), year)
    return None


def _quarter(s: str, year: int, _month: int | None, _fixed: Mapping) -> _Span | None:
    m = _QUARTER_RE.fullmatch(s)
    if not m:
        return None
    q = _number(m["q"] or m["q2"])
    assert q is not None  # the pattern only admits 1-4
    last = _month_end(year, 3 * q)
    first = last if m["end"] else _date(year, 3 * q - 2, 1)
    return _span(first, last, year, month=3 * q)


def _month_expr(s: str, year: int, month: int | None, _fixed: Mapping) -> _Span | None:
    m = _MONTH_RE.fullmatch(s)
    if not m:
        return None
    if m["m"] is not None:
        month = _number(m["m"])
    elif not (m["d"] or m["part"]):
        return None
    month_end = _month_end(year, month) if month is not None else None
    if month is None or month_end is None:
        return None  # no month given and none inherited, or an invalid one
    if m["d"] is not None:
        day = _number(m["d"])
        d = _date(year, month, day) if day else None
        return _span(d, d, year, month=month)
    if m["part"] is not None:
        a, b = _TEN_DAYS[m["part"]]
        first = _date(year, month, a) if a else month_end
        last = _date(year, month, b) if b else month_end
        return _span(first, last, year, month=month, is_range=m["part"] in ("上中旬", "中下旬"))
    return _span(_date(year, month, 1), month_end, year, month=month)


_POINT_PARSERS: tuple[_Parser, ...] = (_fixed_day, _year_word, _quarter, _month_expr)


_RELATIVE_YEAR_RE = re.compile(r"(?:(?P<next>次|翌|来|明|下一|第二)|今|本|当)(?=年)")


def _absolute_year(s: str, year: int) -> str:
    """'次年1月' -> '2023年1月' for year 2022 (the year in force: the left side's in a range)."""
    m = _RELATIVE_YEAR_RE.match(s)
    if not m:
        return s
    return f"{year + 1 if m['next'] else year:04d}{s[m.end() :]}"


def _parse_point(
    raw: str, year: int, month: int | None, fixed: Mapping[str, tuple[int, int]]
) -> _Span | None:
    """One expression such as '2022年5月底前'; `month` is inherited (right side of a range)."""
    s = _absolute_year(_strip_affixes(raw), year)
    y = _YEAR_RE.match(s)
    if y:
        year, month, s = _year_number(y["y"]), None, s[y.end() :]
        if not s:  # a year alone: '到2021年'
            return _span(_date(year, 1, 1), _date(year, 12, 31), year, whole_year=True)
    if not s:
        return None
    for parser in _POINT_PARSERS:
        span = parser(s, year, month, fixed)
        if span is not None:
            return span
    return None


_BARE_NUM_END_RE = re.compile(rf"(?:{_NUM}|[0-9]{{4}})$")
_UNIT_START_RE = re.compile(rf"(?:(?:{_NUM})([月日号])|[0-9]{{4}}(年))")
_DAY_END_RE = re.compile(rf"月(?:{_NUM})[日号]?$")


def _parse_range(s: str, year: int, fixed: Mapping[str, tuple[int, int]]) -> _Span | None:
    """'3月上旬—4月中旬', '5-6月', '5月10日至20日': start of the left, end of the right."""
    for sep in _RANGE_SEP_RE.finditer(s):
        left, right = s[: sep.start()], s[sep.end() :]
        lefts = [left]
        unit = _UNIT_START_RE.match(right)
        if unit and _BARE_NUM_END_RE.search(left):
            lefts.insert(0, left + (unit[1] or unit[2]))  # '5-6月': the left number borrows 月
        rights = [right]
        if _BARE_NUM_END_RE.fullmatch(right) and _DAY_END_RE.search(_strip_affixes(left)):
            rights.append(right + "日")  # '5月10至20': the right number is a day like the left
        for candidate in lefts:
            a = _parse_point(candidate, year, None, fixed)
            if a is None:
                continue
            for r in rights:
                b = _parse_point(r, a.year, a.month, fixed)
                if b is not None and b.last >= a.first:
                    return _Span(a.first, b.last, b.year, b.month, is_range=True)
    return None


# --- events ------------------------------------------------------------------------------

_EVENT_WORDS = (
    r"召开|举行|举办|开幕|闭幕|开学|放假|换届|选举|验收|检查|考核|评估|表彰|到来|"
    r"大会|会议|党代会|全会|[〇一二三四五六七八九十百]+大"
)
_EVENT_RE = re.compile(
    rf"(?P<event>.*?(?:{_EVENT_WORDS}))(?:之前|以前|前夕|前后|前|期间|之际|时|当天|当日)"
)


def _event_name(s: str) -> str | None:
    m = _EVENT_RE.fullmatch(s)
    return m["event"] if m else None


def _parse_event(body: str, year: int, fixed: Mapping[str, tuple[int, int]]) -> Event | None:
    """'十八大召开前' -> Event('十八大召开'); '2010年6月至2012年中共十八大召开前' keeps the start.
    Only tried when the text is no date: a fixed day ('开学') wins over an event."""
    for sep in _RANGE_SEP_RE.finditer(body):
        left, right = body[: sep.start()], body[sep.end() :]
        name = _event_name(_PREFIX_RE.sub("", right))
        a = _parse_point(left, year, None, fixed) if name else None
        if name and a is not None:
            return Event(name, a.first, body)
    name = _event_name(body)
    return Event(name, None, body) if name else None


# --- cadences ----------------------------------------------------------------------------

_CADENCE_WORDS = {
    "monthly": r"每个?月|按月|逐月",
    "quarterly": r"每个?季度?|按季度?|逐季度?",
    "half_yearly": r"每个?半年度?",
    "yearly": r"每一?年度?",
}
_CADENCE_SEARCH = {c: re.compile(p) for c, p in _CADENCE_WORDS.items()}
_CADENCE_FRAGMENT = {
    c: re.compile(
        rf"(?:{p})(?:底|末)?(?:(?:召开|开展|组织|举行|进行|参加|报送|上报|汇报|报告|提交)?(?:一次|1次))?"
    )
    for c, p in _CADENCE_WORDS.items()
}
_EVERY_YEAR_RE = re.compile(r"每一?年度?")


def _finest(cadences: list[str]) -> str | None:
    return min(cadences, key=CADENCES.index, default=None)


def cadence_from_text(text: str | None) -> str | None:
    """The cadence named anywhere in a requirement text ('1. 每月联系不少于 1 个党支部'),
    the finest one when several are named; None when there is none."""
    if not text:
        return None
    s = _squeeze(str(text))
    return _finest([c for c, rx in _CADENCE_SEARCH.items() if rx.search(s)])


def _parse_cadence(raw: str, year: int) -> tuple[str, int | None] | None:
    """(cadence, the year written before it or None): '2023年每季度' -> ('quarterly', 2023)."""
    s = _absolute_year(_strip_affixes(raw), year)
    written = None
    y = _YEAR_RE.match(s)
    if y:
        written, s = _year_number(y["y"]), s[y.end() :]
    for cadence, rx in _CADENCE_FRAGMENT.items():
        if rx.fullmatch(s):
            return cadence, written
    return None


def _parse_every_year(
    raw: str, years: tuple[int, ...], fixed: Mapping[str, tuple[int, int]]
) -> list[_Span] | None:
    """'每年年底前', '每年“七一”前': the date in each of `years`; None unless every year has it."""
    s = _strip_affixes(raw)
    m = _EVERY_YEAR_RE.match(s)
    rest = s[m.end() :] if m else ""
    if not rest or _YEAR_RE.match(rest):
        return None  # '每年' alone is a cadence; '每年2023年5月' is no recurring date
    spans = []
    for y in years:
        span = _parse_point(rest, y, None, fixed) or _parse_range(rest, y, fixed)
        if span is None:
            return None
        spans.append(span)
    return spans


def period_ends(cadence: str, year: int) -> list[date]:
    """Every period end of `year` for a cadence, e.g. quarterly -> 03-31, 06-30, 09-30, 12-31."""
    if cadence not in _PERIOD_END_MONTHS:
        raise ValueError(f"unknown cadence {cadence!r}; expected one of {CADENCES}")
    return [date(year, m, calendar.monthrange(year, m)[1]) for m in _PERIOD_END_MONTHS[cadence]]


# --- public entry points -----------------------------------------------------------------


def parse_deadline(
    text: str | None,
    year: int,
    *,
    fixed_days: Mapping[str, tuple[int, int]] | None = None,
    cadence_hint: str | None = None,
    plan_years: Iterable[int] | None = None,
) -> Deadline:
    """Read a 时间期限 cell for `year` (the sheet's year).

    Blank text (None, '', spaces) gives no milestones and no unparsed fragment (``ok`` False).
    A ``date``/``datetime`` (a real Excel date cell) gives that single date.
    `fixed_days` extends and overrides ``DEFAULT_FIXED_DAYS``. `cadence_hint` (e.g. from
    ``cadence_from_text`` on the 具体要求 column) is used only when the text names no cadence
    itself and every milestone is a whole-year one (``全年``). `plan_years`: the years of a plan
    that spans several (2020–2023): ``每年…`` and cadences repeat in each of them; default: `year`.
    """
    if not isinstance(year, int) or not 1 <= year <= 9999:
        raise ValueError(f"year must be an int in 1..9999, got {year!r}")
    if cadence_hint is not None and cadence_hint not in CADENCES:
        raise ValueError(f"unknown cadence_hint {cadence_hint!r}; expected one of {CADENCES}")
    years = (year,) if plan_years is None else tuple(sorted(set(plan_years)))
    if not years or not all(isinstance(y, int) and 1 <= y <= 9999 for y in years):
        raise ValueError(f"plan_years must be ints in 1..9999, got {plan_years!r}")
    if isinstance(text, date):
        day = text.date() if isinstance(text, datetime) else text
        label = day.isoformat()
        return Deadline(label, (Milestone(day, None, label),), None, (), day.year)
    text = "" if text is None else str(text)

    fixed = {
        _strip_affixes(_clean(_squeeze(k))): v
        for k, v in {**DEFAULT_FIXED_DAYS, **(fixed_days or {})}.items()
    }
    squeezed = _squeeze(text)
    milestones: dict[tuple[date, date | None], Milestone] = {}
    whole_year: list[bool] = []
    cadences: list[tuple[str, int | None]] = []  # (cadence, the year written before it)
    events: list[Event] = []
    unparsed: list[str] = []

    in_force = year  # '2023年5月/12月': a piece without a year takes the one before it
    for fragment in _LIST_SEP_RE.split(_clean(squeezed)):
        if not fragment:
            continue
        cadence = _parse_cadence(fragment, year)
        if cadence is not None:
            cadences.append(cadence)
            continue
        body = _PREFIX_RE.sub("", fragment)  # '截至' would otherwise split as a range
        span = _parse_point(body, in_force, None, fixed) or _parse_range(body, in_force, fixed)
        if span is not None:
            in_force = span.year
        spans = [span] if span is not None else _parse_every_year(body, years, fixed)
        if spans is None:
            event = _parse_event(body, year, fixed)
            if event is None:
                unparsed.append(fragment)
            else:
                events.append(Event(event.name, event.start, fragment))
            continue
        for span in spans:
            start = span.first if span.is_range else None
            milestones.setdefault((span.last, start), Milestone(span.last, start, fragment))
            whole_year.append(span.whole_year)

    cadence, cadence_years = None, years
    if cadences:
        cadence = _finest([c for c, _ in cadences])
        written = next(y for c, y in cadences if c == cadence)
        if written is not None:
            cadence_years = (written,)
    elif cadence_hint and milestones and all(whole_year):
        cadence = cadence_hint
        cadence_years = (max(m.end.year for m in milestones.values()),)

    if not milestones and cadence is None and not events and not unparsed and squeezed:
        unparsed.append(squeezed)  # e.g. only separators or only a note: '（待定）'

    ordered = sorted(milestones.values(), key=lambda m: (m.end, m.start or date.min))
    return Deadline(
        text=text,
        milestones=tuple(ordered),
        cadence=cadence,
        unparsed=tuple(dict.fromkeys(unparsed)),
        year=cadence_years[0] if cadence is not None else year,
        events=tuple(events),
        years=cadence_years,
    )


def _cadence_ends(
    deadline: Deadline,
    cadence: str,
    cadence_from_month: int,
    from_year: int | None,
    fallback_year: int | None,
) -> set[date]:
    years = deadline.years
    if not years:  # a hand-made Deadline: parse_deadline always sets the years
        year = deadline.year
        if year is None:
            ends = [m.end for m in deadline.milestones]
            year = max(ends).year if ends else fallback_year or date.today().year
        years = (year,)
    found: set[date] = set()
    for year in years:
        # The plan's issue month counts only in the year it was issued: a 2023 sheet checked
        # against the 2022 plan (issued in April) is due every quarter from January.
        first = cadence_from_month if from_year is None or year == from_year else 1
        found |= {d for d in period_ends(cadence, year) if d >= date(year, first, 1)}
    return found


def milestones_of(
    deadline: Deadline,
    cadence_from_month: int = 1,
    fallback_year: int | None = None,
    *,
    from_year: int | None = None,
) -> list[date]:
    """Every milestone end, sorted: the explicit ones plus, with a cadence, every period end of
    the deadline's years from `cadence_from_month` on (每月 on a 全年 task → the month ends from
    that month; the task spec's ``cadence_from_month`` is when the plan was issued). With
    `from_year` (the year the plan was issued, the spec's year) that month applies to that year
    only and every other year counts from January; without it, to every year."""
    ends = {m.end for m in deadline.milestones}
    if deadline.cadence is not None:
        ends |= _cadence_ends(
            deadline, deadline.cadence, cadence_from_month, from_year, fallback_year
        )
    return sorted(ends)


def next_due(
    deadline: Deadline,
    as_of: date,
    cadence_from_month: int = 1,
    *,
    from_year: int | None = None,
) -> date | None:
    """The next date due on or after `as_of`: the first of `milestones_of` (the same dates the
    task list judges by) that is not before as_of. None when everything is past."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    ends = milestones_of(
        deadline, cadence_from_month, fallback_year=as_of.year, from_year=from_year
    )
    return next((d for d in ends if d >= as_of), None)
