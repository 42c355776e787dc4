"""Find tables by their header labels and fields by their label text, wherever they sit.

People add title rows, start the table in another column, rename sheets and merge cells;
the only stable thing is the wording of the header. Labels are compared folded
(full-width → half-width, no spaces, no trailing colon), so "得 分" and "得分：" both match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import is_, itemgetter, not_

from .cells import CACHED_CHARS, fold, fold_label, is_blank
from .workbook.model import Cell, SheetData

HEADER_SCAN_ROWS = 60  # headers sit near the top; titles and fields above are rarely more


@dataclass(frozen=True)
class Header:
    row: int
    columns: dict[str, int]  # label (as given by the spec) → 0-based column

    def col(self, label: str) -> int | None:
        return self.columns.get(label)

    @property
    def right(self) -> int:
        return max(self.columns.values())

    @property
    def left(self) -> int:
        return min(self.columns.values())


def find_header(
    sheet: SheetData,
    required: Iterable[str],
    optional: Iterable[str] = (),
    scan_rows: int = HEADER_SCAN_ROWS,
) -> Header | None:
    """The first row holding every required label (each in its own cell)."""
    return find_headers(sheet, ((tuple(required), tuple(optional)),), scan_rows)[0]


def find_headers(
    sheet: SheetData,
    searches: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
    scan_rows: int = HEADER_SCAN_ROWS,
) -> tuple[Header | None, ...]:
    """`find_header` for each (required, optional) of `searches`, in their order: the header of
    every kind's every spec on one sheet, located at once — the top rows folded once and, on a
    sheet made from a known template, the whole set one look-up."""
    top = _top_labels(sheet, scan_rows)
    # The searches read nothing but where the labels they look for sit: the key is the top
    # rows cut to those labels (`_seen`). A submission's own rows — the 党支部 named above the
    # header, the scores below it — cut to nothing, so every sheet of a template is one
    # look-up, and the key is small however wide or long the sheet.
    key = (searches, _seen(top, _looked_for(searches)))
    cached = _HEADERS.get(key)
    if cached is not None:
        return cached
    headers = tuple(_search(top, required, optional) for required, optional in searches)
    if len(_HEADERS) >= _HEADERS_MAX:
        _HEADERS.clear()
    _HEADERS[key] = headers
    return headers


@lru_cache(maxsize=64)
def _looked_for(searches: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]) -> frozenset[str]:
    """Every folded label any of the searches looks for."""
    return frozenset(key for search in searches for key in _wanted(*search)[0])


def _seen(top: list[dict[str, int]], looked_for: frozenset[str]) -> tuple[tuple, ...]:
    """Each top row's (label, column) for the labels looked for, in the row's order: all that
    `_search` reads of the rows (which rows hold which of them, and where). A shared row's cut
    is kept while it stands (`_CUTS`, for the current labels looked for)."""
    global _CUTS_FOR
    if _CUTS_FOR is not looked_for:
        _CUTS.clear()
        _CUTS_FOR = looked_for
    # (looked up in C: on a template's sheet all rows but the submission's own are shared)
    entries = list(map(_CUTS.get, map(id, top), repeat(_NO_CUT)))
    kept = list(map(is_, map(itemgetter(0), entries), top))
    cuts = list(map(itemgetter(1), entries))
    if not all(kept):
        for r in compress(range(len(top)), map(not_, kept)):
            labels = top[r]
            cut = cuts[r] = tuple([(key, c) for key, c in labels.items() if key in looked_for])
            if labels.__class__ is not _Own:  # (a row kept in `_ROWS`: its size bounded)
                if len(_CUTS) >= _CUTS_MAX:
                    _CUTS.clear()
                _CUTS[id(labels)] = (labels, cut)  # (holds the row: its id is not reused)
    return tuple(cuts)


def _search(
    top: list[dict[str, int]], required: tuple[str, ...], optional: tuple[str, ...]
) -> Header | None:
    wanted, needed = _wanted(required, optional)
    for r, labels in enumerate(top):
        if not labels.keys() >= needed:  # (the view's own comparison: no reflected call)
            continue
        # Each label at the first cell holding it; the columns in the order of the row.
        found = sorted(
            (c, label) for key, label in wanted.items() if (c := labels.get(key)) is not None
        )
        columns = {label: c for c, label in found}
        if all(label in columns for label in required):
            return Header(row=r, columns=columns)
    return None


@lru_cache(maxsize=256)
def _wanted(
    required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[dict[str, str], frozenset[str]]:
    """A spec's header labels folded (folded → label) and the folded required ones: the same
    few label sets are looked for on every sheet."""
    wanted = {fold_label(label): label for label in [*required, *optional]}
    return wanted, frozenset(fold_label(label) for label in required)


def _top_labels(sheet: SheetData, scan_rows: int) -> list[dict[str, int]]:
    """Each top row's text cells, folded as labels → the first column holding each.

    Every spec of every kind looks for its header in the same top rows of every sheet: the
    rows are folded once per sheet (kept on it) and each look-up is a few dict probes."""
    if scan_rows != HEADER_SCAN_ROWS:
        return [_row_labels(line) for line in sheet.rows[:scan_rows]]
    if sheet.top_labels is None:
        lines = sheet.rows[:HEADER_SCAN_ROWS]
        try:
            # Rows seen before looked up in C, then the others one by one: a row too wide to
            # be kept or holding a value that cannot be a key is never in `_ROWS`.
            top = list(map(_ROWS.get, map(tuple, lines)))
        except TypeError:
            top = [None] * len(lines)
        if None in top:
            top = [
                _row_labels(line) if found is None else found
                for line, found in zip(lines, top, strict=True)
            ]
        sheet.top_labels = top
    return sheet.top_labels


def _row_labels(line: list) -> dict[str, int]:
    """The row's labels (shared between equal rows: the template's rows recur on every sheet of
    every submission, the item rows with a few different scores; nobody changes them)."""
    if len(line) > _ROW_CACHED_CELLS:
        return _fold_row(line, _Own())
    try:
        key = tuple(line)
        found = _ROWS.get(key)
    except TypeError:  # a value that cannot be a key: fold the row as it is
        return _fold_row(line, _Own())
    if found is None:
        if sum([len(v) for v in line if v.__class__ is str]) > _ROW_CACHED_CHARS:
            return _fold_row(line, _Own())  # (its texts would stay in `_ROWS`: not kept)
        if len(_ROWS) >= _ROWS_MAX:
            _ROWS.clear()
            _SHARED.clear()
        folded = _fold_row(line)
        # Rows that differ only in numbers (an item's score) fold alike: one shared object.
        found = _ROWS[key] = _SHARED.setdefault(tuple(folded.items()), folded)
    return found


def _fold_row(line: list, labels: dict[str, int] | None = None) -> dict[str, int]:
    """The row's labels, into `labels` (a new dict unless given)."""
    if labels is None:
        labels = {}
    for c, value in enumerate(line):
        if isinstance(value, str) and value:
            key = _LABELS.get(value)
            if key is None:
                key = fold_label(value)
                if len(value) <= CACHED_CHARS >= len(key):  # (longer: folded each time)
                    if len(_LABELS) >= _LABELS_MAX:
                        _LABELS.clear()
                    _LABELS[value] = key
            if key not in labels:
                labels[key] = c
    return labels


# Cell text → folded label: every cell of every sheet's top rows passes here, and the same
# texts recur on every sheet (a plain dict: cheaper per look-up than an lru_cache).
_LABELS: dict[str, str] = {}
_LABELS_MAX = 8192
_ROWS: dict[tuple, dict[str, int]] = {}
_ROWS_MAX = 4096
_ROW_CACHED_CELLS = 64
_ROW_CACHED_CHARS = 512  # a row whose texts are longer, together, is not kept either


class _Own(dict):
    """A row's labels not kept in `_ROWS` (too wide, too long, or unhashable): a sheet of
    such a row is not kept in `_CUTS` either, so no memo keeps its texts."""

    __slots__ = ()


# Folded labels (as items) → the one object standing for them, shared by `_ROWS`' entries.
_SHARED: dict[tuple, dict[str, int]] = {}
# (searches, the top rows cut to the labels they look for) → the headers found; `find_header`'s
# one search is a search of one. A key is at most HEADER_SCAN_ROWS rows of the labels looked for.
_HEADERS: dict[tuple, tuple[Header | None, ...]] = {}
_HEADERS_MAX = 1024
# id of a row's labels → (those labels, their cut): for the labels in `_CUTS_FOR` only.
_CUTS: dict[int, tuple[dict[str, int], tuple]] = {}
_CUTS_FOR: frozenset[str] | None = None
_CUTS_MAX = 4096
_NO_CUT = (None, None)


def _forget() -> None:
    """Every memo of this module emptied (the tests' mutant guard calls `cache_clear`)."""
    for memo in (_LABELS, _ROWS, _SHARED, _HEADERS, _CUTS):
        memo.clear()
    _looked_for.cache_clear()


find_header.cache_clear = _forget  # type: ignore[attr-defined]


def find_field(
    sheet: SheetData, label: str, rows: range | None = None, max_gap: int = 6
) -> tuple[Cell, object] | None:
    """A labelled field: "标签：值" in one cell, or the label with the value to its right.

    Returns the cell that holds the value (for findings) and the value ("" when blank).
    """
    target = fold_label(label)
    rows = rows if rows is not None else range(min(HEADER_SCAN_ROWS, sheet.height))
    for r in rows:
        line = sheet.rows[r] if r < sheet.height else []
        for c, value in enumerate(line):
            if not isinstance(value, str):
                continue
            folded = fold(value)
            if not folded.startswith(target):
                continue
            rest = folded[len(target) :]
            rest = _strip_paren_note(rest)
            if rest[:1] in (":", "："):
                inline = value.split("：", 1)[-1] if "：" in value else value.split(":", 1)[-1]
                inline = inline.strip().strip("_").strip()
                if inline:
                    return (r, c), inline
            elif rest and not rest.startswith("_"):
                continue  # a longer label such as "党支部名称列表" is something else
            merge = sheet.merge_at(r, c)
            start = (merge.right if merge else c) + 1
            for cc in range(start, min(start + max_gap, len(line))):
                if not is_blank(line[cc]):
                    return (r, cc), line[cc]
            return (r, start), ""
    return None


def _strip_paren_note(text: str) -> str:
    """ "（盖章）：" → "："; the official labels carry such notes in brackets."""
    if text[:1] in ("(", "（"):
        for i, ch in enumerate(text):
            if ch in (")", "）"):
                return text[i + 1 :]
    return text


def row_blank(sheet: SheetData, row: int, left: int, right: int) -> bool:
    """True when a row shows nothing between two columns (merged cells count as shown)."""
    return all(is_blank(sheet.shown(row, c)) for c in range(left, right + 1))
