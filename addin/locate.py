"""Find tables by their header labels and fields by their label text, wherever they sit.

People add title rows, start the table in another column, rename sheets and merge cells;
the only stable thing is the wording of the header. Labels are compared folded
(full-width → half-width, no spaces, no trailing colon), so "得 分" and "得分：" both match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .cells import CACHED_CHARS, fold, fold_label, is_blank
from .memo import ByIdentity
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
    # The rows' labels are shared objects (`_row_labels`): equal top rows, the same objects.
    # A template's sheets differ below the labels only (scores), so every kind's search on
    # every sheet made from it is one look-up. The entry holds the rows it was keyed on, so
    # none of those ids can be reused while it stands.
    identities = _identities(top)
    if identities is None:
        return tuple(_search(top, required, optional) for required, optional in searches)
    key = (searches, identities)
    cached = _HEADERS.get(key)
    if cached is not None:
        return cached[0]
    headers = tuple(_search(top, required, optional) for required, optional in searches)
    if len(_HEADERS) >= _HEADERS_MAX:
        _HEADERS.clear()
    _HEADERS[key] = (headers, top if scan_rows == HEADER_SCAN_ROWS else list(top))
    return headers


def _identities(top: list[dict[str, int]]) -> tuple[int, ...] | None:
    """The ids of a sheet's top rows' labels; each kind searches the same sheet in turn, so
    the last sheet's are kept (`top` is that sheet's own list, held by the memo). None for
    rows too wide to be shared (`_row_labels`): a search on those is not kept, so what the
    memo holds stays small whatever the sheets."""
    found = _LAST.one(top)
    if found is None:
        wide = max(map(len, top), default=0) > _ROW_CACHED_CELLS or _Own in set(map(type, top))
        found = _LAST.keep_one(top, (None if wide else tuple(map(id, top)),))
    return found[0]


_LAST = ByIdentity(1)  # the last sheet's top rows → (their labels' ids, or None when wide,)


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
        else:  # every row shared (none too wide): their ids stand for them (`_identities`)
            _LAST.keep_one(top, (tuple(map(id, top)),))
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
    such a row has no `_identities`, so no memo keeps its texts."""

    __slots__ = ()


# Folded labels (as items) → the one object standing for them, shared by `_ROWS`' entries.
_SHARED: dict[tuple, dict[str, int]] = {}
# (searches, ids of the top rows' labels) → (the headers found, those rows); `find_header`'s
# one search is a search of one.
_HEADERS: dict[tuple, tuple[object, list[dict[str, int]]]] = {}
_HEADERS_MAX = 1024


def _forget() -> None:
    """Every memo of this module emptied (the tests' mutant guard calls `cache_clear`)."""
    for memo in (_LABELS, _ROWS, _SHARED, _HEADERS):
        memo.clear()
    _LAST.cache_clear()


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
