"""The rubric's layout cache never hands one submission another's layout: a cell holding only
(full-width) spaces is blank to the layout (`is_blank`) but is not the same as a cell holding text."""

from __future__ import annotations

import openpyxl

from addin.engine import check_path
from addin.kinds.rubric import check
from addin.kinds.rubric.template import rubric_workbook


def _codes(evaluation) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.cell) for f in evaluation.report.findings)


def _alone_and_after(path, first, specs, view):
    """`view` of `path`'s evaluation checked alone, and after `first` in the same process
    (as in a batch): a layout cached for `first` must not answer for `path`."""
    check._LAYOUTS.clear()
    alone = view(check_path(path, specs))
    check._LAYOUTS.clear()
    check_path(first, specs)  # read first, in the same batch
    return alone, view(check_path(path, specs))


def _submission(spec, path, e24) -> None:
    """Full marks; E24 (right of the grade row's value cell) holds `e24`."""
    rubric_workbook(spec, {"第一党支部": {i.no: float(i.points) for i in spec.items}}).save(path)
    book = openpyxl.load_workbook(path)
    book.worksheets[0]["E24"] = e24
    book.save(path)


def test_a_spaces_only_cell_does_not_give_a_typed_cell_its_layout(tmp_path, specs, spec):
    spaces, typed = tmp_path / "spaces.xlsx", tmp_path / "typed.xlsx"
    _submission(spec, spaces, "\u3000")  # a full-width space, as a Chinese IME types it
    _submission(spec, typed, "后进")  # a wrong grade typed right of the label: D24 left blank
    alone, after = _alone_and_after(typed, spaces, specs, _codes)
    assert after == alone
    assert any(cell == "E24" for _code, cell in alone)  # the typed grade is held to the total


def test_a_header_is_framed_by_its_own_columns_not_those_of_an_object_gone_before(spec):
    """The key's columns are kept per header object (by id, the entry holding it): a header
    made after another was let go may get its id, never its columns."""
    from addin.locate import Header

    labels = spec.labels
    first = Header(row=3, columns={labels.content: 1, labels.points: 2, labels.score: 3})
    later = Header(row=5, columns={labels.content: 2, labels.points: 3, labels.score: 4})
    # A stale entry under `later`'s ids, as if `first` had stood there before it.
    check._FRAMES._entries[id(spec), id(later)] = ((spec, first), check._frame(spec, first))
    left, stop, content, points, head = check._frame(spec, later)
    assert (left, stop, content, points) == (2, 6, 3, 3)
    assert head[:2] == (id(spec), 5)
    assert check._frame(spec, first)[:4] == (1, 5, 2, 2)


def _with(spec, path, cell, value) -> None:
    rubric_workbook(spec, {"第一党支部": {i.no: float(i.points) for i in spec.items}}).save(path)
    book = openpyxl.load_workbook(path)
    book.worksheets[0][cell] = value
    book.save(path)


def _messages(evaluation) -> list[tuple[str, str | None, str]]:
    return sorted((f.code, f.cell, f.message) for f in evaluation.report.findings)


def test_a_true_cell_does_not_share_the_layout_of_a_sheet_with_the_number_1(tmp_path, specs, spec):
    """TRUE and 1 are equal to Python (so are 1 and 1.0) but not to the layout: TRUE typed
    over item 1's 具体内容 is no item row, its 分值 TRUE is no number — read after a sheet
    holding 1 there, in the same batch, the sheet still gets its own findings."""
    for cell, code in (("B5", "rubric.unknown_row"), ("C5", "rubric.template_modified")):
        number, flag = tmp_path / f"number{cell}.xlsx", tmp_path / f"true{cell}.xlsx"
        _with(spec, number, cell, 1)
        _with(spec, flag, cell, True)
        alone, after = _alone_and_after(flag, number, specs, _messages)
        assert after == alone
        assert any(c == code and at == cell and "TRUE" in m for c, at, m in alone)
        check._LAYOUTS.clear()
        check_path(flag, specs)  # and the other way round
        assert _messages(check_path(number, specs)) != alone


def test_a_note_merged_in_from_left_of_the_table_is_read_on_every_sheet(tmp_path, spec):
    """A table starting in column B, a row under the items merged from column A across it:
    the table shows what A holds. A note there is no item (a finding); the same merge left
    empty is a blank row — read first in the batch, it does not hide the note's finding."""
    from addin.workbook.calamine_reader import read_workbook
    from addin.workbook.model import Merge, SheetData

    path = tmp_path / "template.xlsx"
    rubric_workbook(spec, {"第一党支部": {i.no: float(i.points) for i in spec.items}}).save(path)
    template = read_workbook(path)[0].sheets[0]
    under = max(r for r, line in enumerate(template.rows) if "18." in str(line[1])) + 1

    def sheet(note: str) -> SheetData:
        rows = [["", *line] for line in template.rows]
        rows.insert(under, [note, "", "", "", "", ""])
        merges = [
            Merge(m.top + (m.top >= under), m.left + 1, m.bottom + (m.bottom >= under), m.right + 1)
            for m in template.merges
        ]
        return SheetData(name="x", rows=rows, merges=[*merges, Merge(under, 0, under, 5)])

    def findings(note: str) -> list[tuple[str, str | None]]:
        evaluated = sheet(note)
        result = check.evaluate(evaluated, spec, check.detect(evaluated, spec))
        return sorted((f.code, f.cell) for f in result.findings)

    check._LAYOUTS.clear()
    alone = findings("说明：本行为填表说明")
    assert alone == [("rubric.unknown_row", f"C{under + 1}")]
    check._LAYOUTS.clear()
    assert findings("") == []  # read first, in the same batch
    assert findings("说明：本行为填表说明") == alone
    assert findings("") == []


def test_true_and_1_are_told_apart_on_rows_of_different_lengths(tmp_path, spec):
    """The same on a sheet whose rows differ in length (a live book's rows end at their last
    value): the key goes row by row there."""
    from addin.workbook.calamine_reader import read_workbook
    from addin.workbook.model import SheetData

    path = tmp_path / "template.xlsx"
    rubric_workbook(spec, {"第一党支部": {i.no: float(i.points) for i in spec.items}}).save(path)
    template = read_workbook(path)[0].sheets[0]

    def findings(value) -> list[tuple[str, str | None]]:
        rows = [list(line) for line in template.rows]
        rows[4][1] = value
        rows[-1].append("")  # one row longer than the others
        sheet = SheetData(name="x", rows=rows, merges=list(template.merges))
        result = check.evaluate(sheet, spec, check.detect(sheet, spec))
        return sorted((f.code, f.cell) for f in result.findings)

    check._LAYOUTS.clear()
    alone = findings(True)
    assert ("rubric.unknown_row", "B5") in alone
    check._LAYOUTS.clear()
    number = findings(1.0)  # (as calamine reads the number 1: item 1, its text changed)
    assert ("rubric.unknown_row", "B5") not in number
    assert findings(True) == alone
