"""Grouping computed cells into few bulk writes, never over what a person typed."""

from __future__ import annotations

from addin.writes import CellWrite, blocks


def subtotal_writes():
    return [CellWrite("S", r, 4, v) for r, v in ((4, 20), (8, 19), (12, 20))]


def test_without_knowledge_of_the_gaps_each_cell_is_its_own_block():
    assert [(b.top, len(b.values)) for b in blocks(subtotal_writes())] == [(4, 1), (8, 1), (12, 1)]


def test_empty_gaps_are_bridged_with_empty_strings():
    (block,) = blocks(subtotal_writes(), blank=lambda s, r, c: True)
    assert (block.top, block.left) == (4, 4)
    assert [row[0] for row in block.values] == [20, "", "", "", 19, "", "", "", 20]


def test_a_gap_holding_anything_is_never_written_over():
    typed = {(10, 4)}
    found = blocks(subtotal_writes(), blank=lambda s, r, c: (r, c) not in typed)
    assert [(b.top, len(b.values)) for b in found] == [(4, 5), (12, 1)]


def test_long_gaps_stay_separate():
    writes = [CellWrite("S", 0, 0, 1), CellWrite("S", 50, 0, 2)]
    assert len(blocks(writes, blank=lambda s, r, c: True)) == 2
