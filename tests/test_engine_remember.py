"""A cell an earlier `fill` overwrote keeps the person's own value on record, whatever the kind
writes there now (`engine._remember`)."""

from __future__ import annotations

from conftest import scores_with_losses

from addin.engine import evaluate_workbook
from addin.workbook.calamine_reader import read_workbook
from addin.writes import RECORD_SHEET


def test_a_cell_fill_overwrote_is_written_with_what_the_person_typed_there(
    make_rubric, cli, specs, spec, tmp_path
):
    def edit(wb):
        wb.active["D6"] = "5分"

    once = tmp_path / "once.xlsx"
    cli("fill", make_rubric({"第一党支部": scores_with_losses(spec)}, edit=edit), "--out", once)

    def total_write(extra_record: list | None):
        data, _cut = read_workbook(once)
        if extra_record:
            data.sheet(RECORD_SHEET).rows.append(extra_record)
        writes = evaluate_workbook(data, specs).writes
        score = next(w for w in writes if (w.row, w.col) == (5, 3))
        return score, next(w for w in writes if (w.row, w.col) == (22, 3))

    score, total = total_write(None)
    assert score.replaces == "5分"  # restored from the record, then read by the rubric
    assert (total.value, total.replaces) == (100, None)  # nothing overwritten there
    # The record says fill wrote 100 over the person's own 100: the rubric sees the same
    # value and says nothing replaced; the record's original is kept all the same.
    score, total = total_write(["overwrite", "第一党支部", "D23", "", "", 100, 100])
    assert (total.value, total.replaces) == (100, 100)
    assert score.replaces == "5分"
