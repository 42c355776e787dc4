"""The rubric's fast paths give what its general paths give: the one-loop score reading of a
plain sheet (one 得分 column) against the reading of any sheet, grades from the spec's facts
against the spec's own `Grading.grade`, and memoised header searches against a fresh search."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.kinds.rubric import check
from addin.locate import find_header
from addin.workbook.model import SheetData

# What people type into a score cell: numbers in and out of range, text with 分, full-width
# digits, words, blanks, spaces, TRUE, a date.
CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "4分", "４", " 4.5 ", "良", "5分", "-1", "10.5", "#N/A", "0"]),
    st.integers(-3, 12),
    st.floats(-2, 12, allow_nan=False),
    st.sampled_from([5.0, 4.5, 4.0, 9.5, 0.0, float("nan")]),
    st.booleans(),
    st.just(date(2024, 1, 1)),
)


def _sheet_with(template: SheetData, spec, typed: list) -> SheetData:
    header = check.detect(template, spec)
    c = header.col(spec.labels.score)
    rows = copy.deepcopy(template.rows)
    r = header.row + 1
    for value in typed:
        while r < len(rows) and not str(rows[r][header.col(spec.labels.content)]).strip():
            r += 1
        if r < len(rows):
            rows[r][c] = value
            r += 1
    return SheetData(name=template.name, rows=rows, merges=list(template.merges))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.lists(CELLS, min_size=18, max_size=18))
def test_plain_score_reading_is_the_general_reading(template_sheet, spec, typed):
    sheet = _sheet_with(template_sheet, spec, typed)
    header = check.detect(sheet, spec)
    layout, _found = check._layout_of(sheet, spec, header)
    facts = check._facts(spec)
    c = header.col(spec.labels.score)
    fast = check._read_plain_scores(layout, facts, c)
    general = check._read_each_score(layout, facts)
    assert fast[0] == general[0]
    assert fast[1] == general[1]
    assert [f.model_dump() for f in fast[2]] == [f.model_dump() for f in general[2]]
    # a plain sheet (no merged score cell) is read by the fast path
    assert check._read_scores(layout, facts)[0] == fast[0]


@given(
    total=st.fractions(min_value=-10, max_value=110, max_denominator=1000)
    | st.sampled_from([Fraction(85), Fraction(65), Fraction(8499, 100), Fraction(6499, 100)])
)
def test_grade_from_facts_is_the_specs_grade(spec, total):
    assert check._facts(spec).grade(total) == spec.grading.grade(total)


@pytest.mark.parametrize("order", ["as loaded", "lowest first"])
def test_grade_from_facts_on_both_sides_of_each_boundary(spec, order):
    if order == "lowest first":
        bands = sorted(spec.grading.bands, key=lambda b: b.min)
        grading = spec.grading.model_copy(update={"bands": bands})
        spec = spec.model_copy(update={"grading": grading})
    facts = check._facts(spec)
    for band in spec.grading.bands:
        for edge in (band.min, band.max):
            if edge is None:
                continue
            for value in (Fraction(edge) - Fraction(1, 1000), Fraction(edge), Fraction(edge) + 1):
                assert facts.grade(value) == spec.grading.grade(value)
    assert facts.grade(Fraction(85)) == "先进" and facts.grade(Fraction(8499, 100)) == "一般"
    assert facts.grade(Fraction(65)) == "一般" and facts.grade(Fraction(6499, 100)) == "后进"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.lists(CELLS, min_size=18, max_size=18))
def test_memoised_header_search_is_a_fresh_search(template_sheet, spec, typed):
    sheet = _sheet_with(template_sheet, spec, typed)
    labels = spec.labels
    required = [labels.content, labels.points, *spec.input_columns]
    optional = [labels.item, labels.score, labels.subtotal]
    remembered = find_header(sheet, required, optional)
    find_header.cache_clear()
    fresh = find_header(copy.deepcopy(sheet), required, optional)
    assert remembered == fresh and remembered is not None
    # a sheet without the labels has no header, memoised or not
    bare = SheetData(name="x", rows=[["甲", "乙"], [1, 2]])
    assert find_header(bare, required, optional) is None
    assert find_header(bare, required, optional) is None
