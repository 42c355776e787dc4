"""A file's computed cells and findings come sheet by sheet in the workbook's order, whatever
kinds its sheets are of (a summary, which reads the others, after them)."""

from __future__ import annotations

import copy

from addin.engine import evaluate_workbook
from addin.kinds import KINDS
from addin.kinds.rubric.template import rubric_workbook
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.model import SheetData, WorkbookData


def _sheet(kind_name, specs, tmp_path):
    kind = next(k for k in KINDS if k.name == kind_name)
    spec = specs.of_kind(kind_name)[0]
    path = tmp_path / f"{kind_name}.xlsx"
    if kind_name == "rubric":  # scored, so that its subtotals, total and grade are written
        scores = {i.no: float(i.points) for i in spec.items}
        rubric_workbook(spec, {"第一党支部": scores}).save(path)
    else:
        kind.template(spec, specs).save(path)
    return read_workbook(path)[0].sheets[0]


def _named(sheet, name):
    return SheetData(name=name, rows=copy.deepcopy(sheet.rows), merges=list(sheet.merges))


def _sheets_written(evaluation) -> list[str]:
    order: list[str] = []
    for write in evaluation.writes:
        if not order or order[-1] != write.sheet:
            order.append(write.sheet)
    return order


def test_sheets_of_two_kinds_are_reported_in_the_workbook_order(specs, tmp_path):
    rubric, tasks = _sheet("rubric", specs, tmp_path), _sheet("tasks", specs, tmp_path)
    sheets = [_named(tasks, "甲"), _named(rubric, "乙"), _named(tasks, "丙")]
    evaluation = evaluate_workbook(WorkbookData(path="x.xlsx", sheets=sheets), specs)
    assert [r.sheet_name for r in evaluation.of_kind("rubric")] == ["乙"]
    assert [r.sheet_name for r in evaluation.of_kind("tasks")] == ["甲", "丙"]
    written = _sheets_written(evaluation)
    assert written == [s for s in ("甲", "乙", "丙") if s in written] and "乙" in written
    cells = [f.sheet for f in evaluation.report.findings if f.sheet]
    assert cells == sorted(cells, key=["甲", "乙", "丙"].index)


def test_sheets_of_one_kind_are_reported_in_the_workbook_order(specs, tmp_path):
    rubric = _sheet("rubric", specs, tmp_path)
    sheets = [_named(rubric, name) for name in ("丙", "甲", "乙")]
    evaluation = evaluate_workbook(WorkbookData(path="x.xlsx", sheets=sheets), specs)
    assert [r.sheet_name for r in evaluation.of_kind("rubric")] == ["丙", "甲", "乙"]
    assert _sheets_written(evaluation) == ["丙", "甲", "乙"]


def test_a_kind_without_its_own_detect_finds_its_header_by_its_labels(specs, tmp_path):
    """Each kind's `detect` is, unless given, the header of its labels (`find_header`)."""
    from dataclasses import replace

    import pytest

    from addin.kind import detect_by_labels
    from addin.locate import find_header

    for kind in KINDS:
        if not specs.of_kind(kind.name):
            continue  # (no bundled spec of this kind)
        spec = specs.of_kind(kind.name)[0]
        sheet = _sheet(kind.name, specs, tmp_path)
        header = kind.detect(sheet, spec)
        assert header is not None and header == find_header(sheet, *kind.header_labels(spec))
        assert kind.detect(_named(sheet, "x"), spec) == header
        blank = SheetData(name="x", rows=[["附件"]], merges=[])
        assert kind.detect(blank, spec) is None
    rubric = specs.of_kind("rubric")[0]
    scored = _sheet("rubric", specs, tmp_path)
    assert detect_by_labels(KINDS[0].header_labels)(scored, rubric) is not None
    own = replace(KINDS[0], detect=lambda _sheet, _spec: None)
    assert own.detect(scored, rubric) is None  # a kind's own detect is kept
    with pytest.raises(ValueError):
        replace(KINDS[0], detect=None, header_labels=None)
