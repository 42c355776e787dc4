"""Labelled values inside one cell: "填报人及职务：张三 联系电话：138…" or "先进数：3".

Official forms put several "label：____" pairs on one line, so a cell may hold several labels;
each label's value runs to the next label. Labels match with any spaces between their
characters, with or without their bracketed note ("填报单位（盖章）" matches "填报单位") and an
optional colon. Pure text functions; where the value sits when it is in another cell is for
the caller to decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .cells import fold_label

if TYPE_CHECKING:
    from .locate import Header
    from .workbook.model import SheetData

_NOTE = re.compile(r"[（(][^（()）]*[)）]")
_FILLER = " \t\r\n\u3000_＿,，;；、。"


@lru_cache(maxsize=256)
def label_pattern(label: str) -> re.Pattern[str]:
    core = _NOTE.sub("", label)
    body = r"\s*".join(re.escape(ch) for ch in core if not ch.isspace())
    return re.compile(body + r"(?:\s*[（(][^（()）]*[)）])?(?:\s*[:：])?")


@dataclass(frozen=True)
class Labelled:
    key: str  # the caller's name for the label
    value: str  # text after the label up to the next label, filler stripped ("" when none)
    last: bool  # no other label follows in the cell: the value may sit in the next cell
    span: tuple[int, int] = (0, 0)  # where the value is in the text (empty: right after the label)


def split_labelled(text: str, labels: dict[str, str]) -> list[Labelled]:
    """Every label of `labels` (key → label text) found in `text`, in reading order."""
    hits: list[tuple[int, int, str]] = []
    for key, label in labels.items():
        match = label_pattern(label).search(text)
        if match:
            hits.append((match.start(), match.end(), key))
    hits.sort()
    found = []
    for i, (_start, end, key) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        raw = text[end:stop]
        value = raw.strip(_FILLER)
        begin = end + len(raw) - len(raw.lstrip(_FILLER)) if value else end
        span = (begin, begin + len(value))
        found.append(Labelled(key, value, last=i + 1 == len(hits), span=span))
    return found


def rewrite(text: str, values: list[tuple[Labelled, str]]) -> str:
    """`text` with each hit's value replaced: "先进数：3，一般数：" → "先进数：2，一般数：4"."""
    for hit, value in sorted(values, key=lambda hv: hv[0].span, reverse=True):
        start, end = hit.span
        if start == end:  # nothing typed: add a colon when the label has none, a space before more
            colon = "" if text[:start].rstrip().endswith((":", "：")) else "："
            value = f"{colon}{value}{'' if hit.last else ' '}"
        text = text[:start] + value + text[end:]
    return text


def repeats_header(sheet: SheetData, r: int, header: Header) -> bool:
    """True when row `r` repeats the table's header: someone pasted the header row again inside
    the table (or copied a second block with its own header under the first). At least two of
    the header's labels, and at least half of them, stand again in their own columns."""
    hits = 0
    for label, c in header.columns.items():
        value = sheet.value(r, c)
        if isinstance(value, str) and fold_label(value) == fold_label(label):
            hits += 1
    return hits >= 2 and 2 * hits >= len(header.columns)
