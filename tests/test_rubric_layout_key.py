"""The rubric's layout cache never hands one submission another's layout: a cell holding only
(full-width) spaces is blank to the layout (`is_blank`) but is not the same as a cell holding text."""

from __future__ import annotations

import openpyxl

from addin.engine import check_path
from addin.kinds.rubric import check
from addin.kinds.rubric.template import rubric_workbook


def _codes(evaluation) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.cell) for f in evaluation.report.findings)


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
    check._LAYOUTS.clear()
    alone = _codes(check_path(typed, specs))
    check._LAYOUTS.clear()
    check_path(spaces, specs)  # read first, in the same batch
    after = _codes(check_path(typed, specs))
    assert after == alone
    assert any(cell == "E24" for _code, cell in alone)  # the typed grade is held to the total
