"""A worker checks file after file with the same memos: what they keep of a sheet (its
texts, its merged ranges) is bounded whatever the sheets — a key past its bound is worked
out each time instead of kept, with the same results either way."""

from __future__ import annotations

import copy
import gc
import tracemalloc

import pytest
from conftest import forget_memos
from test_rubric_plan import _outcome

from addin import cells, locate
from addin.kinds.rubric import check
from addin.workbook.model import Merge, SheetData


def _sheet(template_sheet, title: str = "", merges: int = 0) -> SheetData:
    rows = copy.deepcopy(template_sheet.rows)
    if title:
        rows[0][0] = title
    below = [Merge(200 + k, 10, 200 + k, 11) for k in range(merges)]
    return SheetData(name="Sheet1", rows=rows, merges=[*template_sheet.merges, *below])


def _key_of(sheet, spec, header) -> tuple:
    named = check._name_cell(sheet, spec, header)
    return check._layout_key(sheet, spec, header, None if named is None else named[0])


@pytest.mark.parametrize("over", [0, 1])
def test_a_layout_key_past_its_weight_is_not_kept(template_sheet, spec, monkeypatch, over):
    """A shape weighing just the bound is kept (the next sheet of it one look-up), one just
    past it is read again for each sheet; the results are the same."""
    forget_memos()
    sheet = _sheet(template_sheet, merges=50)
    header = check.detect(sheet, spec)
    monkeypatch.setattr(check, "_LAYOUT_WEIGHT", check._key_weight(_key_of(sheet, spec, header)))
    monkeypatch.setattr(check, "_LAYOUT_WEIGHT", check._LAYOUT_WEIGHT - over)
    outcomes = [_outcome(check.evaluate(copy.deepcopy(sheet), spec, header)) for _ in range(2)]
    assert len(check._LAYOUTS) == (0 if over else 1)
    forget_memos()
    monkeypatch.setattr(check, "_LAYOUT_WEIGHT", 10**9)
    assert outcomes == [_outcome(check.evaluate(copy.deepcopy(sheet), spec, header))] * 2


def test_the_weight_counts_ranges_and_texts(template_sheet, spec):
    header = check.detect(template_sheet, spec)
    plain = check._key_weight(_key_of(template_sheet, spec, header))
    assert plain < check._LAYOUT_WEIGHT // 8  # the template's own shape is kept, with room
    ranged = check._key_weight(_key_of(_sheet(template_sheet, merges=10), spec, header))
    assert ranged == plain + 10 * (1 + check._MERGE_WEIGHT)
    titled = _sheet(template_sheet, title=template_sheet.rows[0][0] + "长" * 1000)
    assert check._key_weight(_key_of(titled, spec, header)) == plain + 1000


@pytest.mark.parametrize("over", [0, 1])
def test_a_row_or_text_past_its_length_is_not_kept(template_sheet, spec, over):
    """A top row whose texts reach `_ROW_CACHED_CHARS` is kept (`_ROWS`), and a text of
    `CACHED_CHARS` (`_LABELS`); one character more, neither; the header found is the same."""
    forget_memos()
    sheet = _sheet(template_sheet)
    expected = check.detect(sheet, spec)
    forget_memos()
    title = "标" * (cells.CACHED_CHARS + over)
    row = [title, "题" * (locate._ROW_CACHED_CHARS - len(title) + over)]
    sheet = _sheet(template_sheet)
    sheet.rows[0][: len(row)] = row
    assert check.detect(sheet, spec) == expected
    assert (title in locate._LABELS) is not bool(over)
    assert any(key[0] == title for key in locate._ROWS) is not bool(over)
    # The search is kept either way, keyed on the labels looked for only: no memo holds the
    # row's texts (a row not kept is not kept in `_CUTS` either).
    assert locate._HEADERS
    assert not any(title in str(key) for key in locate._HEADERS)
    assert any(title in labels for labels, _cut in locate._CUTS.values()) is not bool(over)


def test_memos_keep_little_after_many_hostile_sheets(template_sheet, spec):
    """Sheets each with a long title of its own (100 000 characters) and 2000 merged ranges
    below the header, through header search, layout and evaluation: what the memos keep does
    not grow with the sheets (before these bounds: some 400 KB more per sheet). What stays
    is about one sheet's (the rows' cuts, `locate._CUTS`, hold shared rows only)."""
    forget_memos()
    gc.collect()
    kept = []
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(6):
            # (made while traced: what a memo keeps of the sheet's own texts is counted; and
            # full-width, so that folding makes texts of its own)
            sheet = _sheet(template_sheet, title=f"{n}" + "Ａ长" * 50_000, merges=2000)
            check.evaluate(sheet, spec, check.detect(sheet, spec))
            if n in (1, 5):
                del sheet
                gc.collect()
                kept.append(tracemalloc.get_traced_memory()[0] - before)
    finally:
        tracemalloc.stop()
    assert kept[1] - kept[0] < 100_000, kept
    assert kept[1] < 1_000_000, kept


@pytest.mark.parametrize("over", [0, 1])
def test_a_name_kept_for_rows_of_long_texts_is_not_kept(template_sheet, spec, over):
    """The rows above the header with texts of `_NAME_CHARS` characters in all: their name
    is kept (`_NAMES`); one more, it is read again each time — the same name."""
    forget_memos()
    header = check.detect(template_sheet, spec)
    above = template_sheet.rows[: header.row]
    chars = sum(len(v) for row in above for v in row if isinstance(v, str))
    title = above[0][0] + "长" * (check._NAME_CHARS - chars + over)
    sheet = _sheet(template_sheet, title=title)
    expected = check._name_cell_of(sheet, spec, header)
    assert check._name_cell(sheet, spec, header) == expected
    assert check._name_cell(sheet, spec, header) == expected
    assert len(check._NAMES) == 1 - over
