"""The rubric's per-layout plan gives what the general path gives: the same findings, computed
cells, record of overwritten values and branch result, on sheets of one template varied the
ways people vary them (typed results, text in score cells, merged score cells, a column or row
inserted, blanks and full-width spaces, edited texts, rows of different lengths). And the
layout cache hands a sheet another's layout only when the two truly have the same layout."""

from __future__ import annotations

import copy
from dataclasses import astuple
from datetime import date
from pathlib import Path

import pytest
from conftest import forget_memos
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.kinds.rubric import check
from addin.kinds.rubric.model import BranchResult, ItemScore
from addin.kinds.rubric.template import rubric_workbook
from addin.memo import ByIdentity
from addin.spec import load_specs
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.model import Merge, SheetData
from addin.writes import CellWrite

RATERS = Path(__file__).parent / "specs" / "rubric_three_raters.toml"


SUFFIXES = ["x", "\u3000", ""]  # after an item's text
SPACES = st.sampled_from(["\u3000", "  ", "\u3000\u3000", " \t"])
VALID = st.sampled_from([5.0, 4.5, 4.0, 0.0, 5, 4, 3.25])  # within every item's points
# What people type into a score cell.
SCORES = st.one_of(
    st.sampled_from([5.0, 4.5, 4.0, 10.0, 9.5, 0.0, 5, 4]),
    st.sampled_from(["", None, "4分", "４", " 4.5 ", "良", "-1", "10.5", "#N/A"]),
    SPACES,
    st.floats(-2, 12, allow_nan=False),
    st.booleans(),
    st.just(date(2024, 1, 1)),
)
# What people type into a computed cell (小计, 总分, 定级结果) or next to one.
TYPED = st.one_of(
    st.sampled_from(["", None, "", None, 17, 18.5, 20, 87.5, "90分", "先进", "一般", "良", "x"]),
    SPACES,
)
EDITS = st.sampled_from(
    [
        "spaces",
        "text right",
        "merge scores",
        "merge across",
        "blank row",
        "column left",
        "no 小计 header",
        "item text",
        "points",
        "name",
        "name elsewhere",
        "no total label",
        "no grade label",
        "ragged",
        "wide",
    ]
)


# What a sheet's 党支部名称 holds (text, numbers, a date; score- and label-like texts) and how it
# stands: in its cell, in the label's (“党支部名称：…”), merged across, merged down to the
# header row or into the table, or right of blank cells.
NAMES = st.one_of(
    st.sampled_from(["第二党支部", " 学生党支部 ", "90", "先进", "总分", "\u3000", "", None]),
    st.sampled_from([7, 0, 90, 87.5, 0.0, -0.0, 1.0, True, False, date(2024, 1, 1)]),
)
NAME_FORMS = st.sampled_from(
    ["cell", "inline", "across", "down to header", "down into table", "right of blanks"]
)


def _name_at(rows: list) -> tuple[int, int] | None:
    """The 党支部名称 label's cell (a column may have been inserted left of it)."""
    for r, row in enumerate(rows[:3]):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("党支部名称"):
                return r, c
    return None


def _rename(rows: list, merges: list[Merge], at, name: object, form: str) -> list[Merge]:
    if at is None:
        return merges
    r, c = at
    if form == "inline":
        _set(rows, r, c, f"党支部名称：{name}")
        _set(rows, r, c + 1, "")
        return merges
    _set(rows, r, c + 1, "" if form == "right of blanks" else name)
    if form == "right of blanks":
        _set(rows, r, c + 3, name)
    spans = {
        "across": (r, c + 2),
        "down to header": (r + 1, c + 1),
        "down into table": (r + 2, c + 1),
    }
    if form in spans:
        new = Merge(r, c + 1, *spans[form])
        if _free(merges, new):
            merges = [*merges, new]
    return merges


def _shift_rows(rows: list, merges: list[Merge], at: int) -> list[Merge]:
    rows.insert(at, [""] * len(rows[min(at, len(rows) - 1)]))
    return [
        Merge(m.top + (m.top >= at), m.left, m.bottom + (m.bottom >= at), m.right) for m in merges
    ]


def _free(merges: list[Merge], new: Merge) -> bool:
    return not any(
        m.left <= new.right and new.left <= m.right and m.top <= new.bottom and new.top <= m.bottom
        for m in merges
    )


def _at(rows: list, r: int, c: int) -> object:
    return rows[r][c] if c < len(rows[r]) else None


def _set(rows: list, r: int, c: int, value: object) -> None:
    """rows[r][c] = value, the row made long enough (another way rows differ in length)."""
    row = rows[r]
    row.extend([""] * (c + 1 - len(row)))
    row[c] = value


@st.composite
def sheets(draw, template: SheetData) -> SheetData:
    rows = copy.deepcopy(template.rows)
    merges = list(template.merges)
    # Most sheets are filled in right (every score readable: totals and grades are written);
    # the others have some of everything.
    clean = draw(st.booleans())
    for r in range(4, 22):  # the items' 得分 (D5:D22)
        rows[r][3] = draw(VALID if clean else SCORES)
    for r in (4, 8, 12, 16, 20, 22, 23):  # 小计 anchors, 总分, 定级结果
        rows[r][4 if r < 22 else 3] = draw(st.sampled_from(["", None]) if clean else TYPED)
    for edit in draw(st.lists(EDITS, max_size=3)):
        r = draw(st.integers(4, len(rows) - 1))
        if edit == "spaces":
            row = rows[r]
            row[draw(st.integers(0, len(row) - 1))] = draw(SPACES)
        elif edit == "text right" and len(rows[r]) > 2:
            rows[r][draw(st.integers(2, len(rows[r]) - 1))] = draw(TYPED)
        elif edit in ("merge scores", "merge across"):
            new = Merge(r, 3, r + 1, 3) if edit == "merge scores" else Merge(r, 2, r, 3)
            if new.bottom < len(rows) and _free(merges, new):
                merges.append(new)
        elif edit == "blank row":
            merges = _shift_rows(rows, merges, r)
        elif edit == "column left":
            rows = [["", *row] for row in rows]
            merges = [Merge(m.top, m.left + 1, m.bottom, m.right + 1) for m in merges]
        elif edit == "no 小计 header":
            rows[3][-1] = ""
        elif edit == "item text":
            _set(rows, r, 1, f"{_at(rows, r, 1)}{draw(st.sampled_from(SUFFIXES))}")
        elif edit == "points":
            _set(rows, r, 2, draw(st.sampled_from([4.0, "5分", "", 5.0])))
        elif edit == "name":
            merges = _rename(rows, merges, _name_at(rows), draw(NAMES), draw(NAME_FORMS))
        elif edit == "name elsewhere":  # inline, moved right, or no label left
            a3, b3, c3 = draw(
                st.sampled_from(
                    [
                        ("党支部名称：丁", "", ""),
                        ("党支部名称：丁", "戊", ""),
                        ("", "党支部名称：丁", ""),
                        ("", "丁", ""),
                        ("党支部名称", "", "戊"),
                        ("", "党支部名称", "戊"),
                        ("", "党支部名称", ""),
                    ]
                )
            )
            rows[2][0], rows[2][1] = a3, b3
            _set(rows, 2, 2, c3)
        elif edit == "no total label":
            _set(rows, 22, 0, draw(st.sampled_from(["", "\u3000", "合计"])))
        elif edit == "no grade label":
            _set(rows, 23, 0, draw(st.sampled_from(["", "\u3000"])))
        elif edit == "ragged":
            rows[r] = rows[r][: draw(st.integers(1, len(rows[r])))]
        elif edit == "wide":
            rows = [[*row, draw(TYPED) if i == r else ""] for i, row in enumerate(rows)]
    return SheetData(name=draw(st.sampled_from(["第一党支部", "Sheet2"])), rows=rows, merges=merges)


def _entries() -> list[list]:
    """The layout cache's entries, each once (a named sheet's shape is kept under two keys)."""
    return list({id(entry): entry for entry in check._LAYOUTS.values()}.values())


def _outcome(result: check.RubricResult) -> tuple:
    layout = result.layout
    return (
        [f.model_dump() for f in result.findings],
        [(w.sheet, w.row, w.col, repr(w.value), repr(w.replaces)) for w in result.writes],
        result.branch.model_dump(),
        result.branch.model_fields_set,
        result.conditional,
        (layout.name, layout.item_rows, layout.total_row, layout.total_cell, layout.grade_cell),
        (layout.grade_label_cell, layout.subtotal_col, layout.first_rows),
    )


def _assert_planned_as_general(sheet: SheetData, spec) -> None:
    """The sheet's planned evaluation (layout and plan cached by earlier sheets) is the
    general path's: findings, writes and branch (a sheet without a header is skipped)."""
    header = check.detect(sheet, spec)
    if header is None:
        return
    planned = check.evaluate(copy.deepcopy(sheet), spec, header)
    general = check.evaluate_general(copy.deepcopy(sheet), spec, header)
    assert _outcome(planned) == _outcome(general)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_planned_evaluation_is_the_general_one(template_sheet, spec, data):
    # Several sheets in turn: later ones take the layout (and plan) cached by earlier ones.
    for sheet in data.draw(st.lists(sheets(template_sheet), min_size=1, max_size=4)):
        _assert_planned_as_general(sheet, spec)


def test_a_template_sheet_is_evaluated_by_its_plan(template_sheet, spec):
    """(Else the comparison above would hold the general path to itself.)"""
    check._LAYOUTS.clear()
    header = check.detect(template_sheet, spec)
    check.evaluate(template_sheet, spec, header)
    (entry,) = _entries()
    assert isinstance(entry[3], check._Plan)
    # a 小计 header cleared: fill creates the column, which the plan leaves to the general path
    rows = copy.deepcopy(template_sheet.rows)
    rows[3][4] = ""
    bare = SheetData(name="x", rows=rows, merges=list(template_sheet.merges))
    check._LAYOUTS.clear()
    check.evaluate(bare, spec, check.detect(bare, spec))
    (entry,) = _entries()
    assert entry[3] is None


def test_a_sheet_with_raters_has_no_plan(tmp_path):
    specs = load_specs([RATERS])
    spec = specs.by_id("rubric_three_raters")
    scores = {no: {"自评": 5, "群众评议": 5, "上级评定": 5} for no in (1, 2, 3)}
    path = tmp_path / "raters.xlsx"
    rubric_workbook(spec, {"综合": scores}).save(path)
    sheet = read_workbook(path)[0].sheets[0]
    check._LAYOUTS.clear()
    result = check.evaluate(sheet, spec, check.detect(sheet, spec))
    (entry,) = _entries()
    assert entry[3] is None
    assert result.branch.total == 15


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_sheets_sharing_a_layout_key_have_the_same_layout(template_sheet, spec, data):
    one, other = data.draw(sheets(template_sheet)), data.draw(sheets(template_sheet))
    header = check.detect(one, spec)
    if header is None or check.detect(other, spec) != header:
        return
    if check._layout_key(one, spec, header) != check._layout_key(other, spec, header):
        return
    layout_one, found_one = check._read_layout(one, spec, header)
    layout_other, found_other = check._read_layout(other, spec, header)
    other_named = layout_other.name if layout_other.named else one.name
    assert (layout_one.name if layout_one.named else one.name) == other_named
    for field in ("item_rows", "total_row", "total_cell", "grade_cell", "grade_label_cell"):
        assert getattr(layout_one, field) == getattr(layout_other, field)
    assert layout_one.subtotal_col == layout_other.subtotal_col
    dumps = [[f.model_dump(exclude={"sheet"}) for f in found] for found in (found_one, found_other)]
    assert dumps[0] == dumps[1]


@pytest.mark.parametrize("ragged", [False, True])
def test_sheets_differing_in_scores_share_a_key_and_in_blankness_do_not(
    template_sheet, spec, ragged
):
    """Both sides of the key: another sheet's scores and typed values (the cache is hit), but
    a cell of full-width spaces against one holding text, or an empty one against a typed one
    (the cache is not hit), in the rectangular and the row-by-row form."""
    header = check.detect(template_sheet, spec)

    def variant(score, e24) -> SheetData:
        rows = copy.deepcopy(template_sheet.rows)
        rows[4][3] = score
        rows[23][4] = e24
        if ragged:
            rows[10] = rows[10][:3]
        return SheetData(name="x", rows=rows, merges=list(template_sheet.merges))

    def key(score, e24) -> tuple:
        return check._layout_key(variant(score, e24), spec, header)

    assert key(5.0, "") == key(3.5, "") == key("良", None) == key(1.0, "\u3000")
    assert key(5.0, "\u3000") != key(5.0, "后进") != key(5.0, "")
    assert key(None, "") != key(5.0, "")  # an empty score cell against a typed one


def test_the_branch_result_is_the_one_model_construct_builds():
    items = [ItemScore(no=1, score=5)]
    fields = {
        "sheet": "a",
        "name": "b",
        "total": 87.5,
        "exact_total": None,
        "grade": "先进",
        "categories": {"甲": 17},
        "spec": "s",
        "items": items,
    }
    fast = check._branch_result(dict(fields))
    built = BranchResult.model_construct(**fields)
    assert fast == built and fast.model_dump() == built.model_dump()
    assert fast.model_fields_set == built.model_fields_set
    assert repr(fast) == repr(built)
    assert fast != BranchResult.model_construct(**{**fields, "grade": "一般"})


def test_a_planned_write_is_the_cell_write_the_general_path_builds():
    cell = (4, 4)
    assert check._put("s", cell, "", 17) == CellWrite("s", 4, 4, 17, replaces=None)
    assert check._put("s", cell, "\u3000", 17) == CellWrite("s", 4, 4, 17, replaces=None)
    assert check._put("s", cell, 17.0, 17) == CellWrite("s", 4, 4, 17, replaces=None)
    assert check._put("s", cell, 16, 17) == CellWrite("s", 4, 4, 17, replaces=16)
    assert check._put("s", cell, "一般", "先进") == CellWrite("s", 4, 4, "先进", replaces="一般")
    written = check._put("s", cell, 16, 17)
    assert repr(written) == repr(CellWrite("s", 4, 4, 17, replaces=16))
    assert hash(written) == hash(CellWrite("s", 4, 4, 17, replaces=16))


@pytest.mark.parametrize(
    ("first", "then"),
    [((16, 17), (16.0, 17)), ((None, 17), (None, 17.0)), ((1, 2), (True, 2))],
)
def test_a_shared_write_is_not_one_of_equal_values_of_another_type(first, then):
    """The planned writes are shared between sheets: a sheet whose typed 小计 is 16.0 (or
    TRUE) gets a write replacing 16.0 (TRUE), not the one made for 16 before."""
    check._put("s", (4, 4), *first)
    old, value = then
    written = check._put("s", (4, 4), old, value)
    expected = check._new_put("s", (4, 4), old, value)
    assert (repr(written.value), repr(written.replaces)) == (
        repr(expected.value),
        repr(expected.replaces),
    )
    again = check._put("t", (4, 4), *then)  # (worked out once, each sheet its own)
    assert again == CellWrite("t", *astuple(written)[1:]) and written.sheet == "s"
    assert repr(again) == repr(CellWrite("t", 4, 4, expected.value, replaces=expected.replaces))


def test_the_mutant_guard_empties_every_memo_of_the_rubric_check(template_sheet, spec):
    """mutmut forks each mutant from a process that ran the tests: a memo left filled would
    answer with the unmutated results (the read scores, shared item entries, layouts)."""
    rows = copy.deepcopy(template_sheet.rows)
    rows[4][3] = 4.5
    sheet = SheetData(name="x", rows=rows, merges=list(template_sheet.merges))
    header = check.detect(sheet, spec)
    check.evaluate(sheet, spec, header)
    check.evaluate_general(copy.deepcopy(sheet), spec, header)
    memos = {
        name: value
        for name, value in vars(check).items()
        if isinstance(value, dict | set | list | ByIdentity) and not name.startswith("__")
    }
    assert set(memos) >= {
        "_LAYOUTS",
        "_FACTS",
        "_SCORES_OK",
        "_BY_SCORE",
        "_ITEM_SCORES",
        "_WRITES",
    }
    assert all(memos.values())  # each filled by the evaluations above
    cached = [v for v in vars(check).values() if hasattr(v, "cache_info")]
    assert any(f.cache_info().currsize for f in cached)
    forget_memos()
    assert {name: len(value) for name, value in memos.items() if value} == {}
    assert [f for f in cached if f.cache_info().currsize] == []


@pytest.mark.parametrize(("before", "typed"), [(0.0, False), (1.0, True), (1, True), (0, 0.0)])
def test_a_score_read_before_is_not_a_different_value_equal_to_it(
    template_sheet, spec, before, typed
):
    """TRUE is not the score 1 (nor FALSE 0) though Python finds them equal: after a sheet
    scored 1, a sheet with TRUE in that cell gets its finding; 0 and 0.0 are one score."""

    def sheet(value) -> SheetData:
        rows = copy.deepcopy(template_sheet.rows)
        rows[4][3] = value
        return SheetData(name="x", rows=rows, merges=list(template_sheet.merges))

    header = check.detect(template_sheet, spec)
    check.evaluate(sheet(before), spec, header)  # remembered for item 1
    planned = check.evaluate(sheet(typed), spec, header)
    assert _outcome(planned) == _outcome(check.evaluate_general(sheet(typed), spec, header))
    flagged = [f.code for f in planned.findings]
    assert flagged == (["rubric.score_not_number"] if isinstance(typed, bool) else [])


@pytest.mark.parametrize(("before", "typed"), [(0.0, -0.0), (-0.0, 0.0)])
def test_a_total_typed_as_minus_zero_is_recorded_as_typed(template_sheet, spec, before, typed):
    """0.0 and -0.0 are equal keys, yet the total's write records what was typed over: after
    a sheet whose 总分 cell held one, a sheet holding the other records its own."""

    def sheet(value) -> SheetData:
        rows = copy.deepcopy(template_sheet.rows)
        rows[22][3] = value
        return SheetData(name="x", rows=rows, merges=list(template_sheet.merges))

    header = check.detect(template_sheet, spec)
    check.evaluate(sheet(before), spec, header)
    planned = check.evaluate(sheet(typed), spec, header)
    assert _outcome(planned) == _outcome(check.evaluate_general(sheet(typed), spec, header))
    (total,) = [w for w in planned.writes if (w.row, w.col) == (22, 3)]
    assert repr(total.replaces) == repr(typed)


def _grade_beyond_the_key(template_sheet, grade: object) -> SheetData:
    """The template with its 定级结果 label merged over A24:F24 and every row two cells wider:
    the grade goes right of the label, to G24 — left of the table's last column plus one no
    more, so outside what the layout key holds."""
    rows = [[*row, "", ""] for row in copy.deepcopy(template_sheet.rows)]
    rows[23][6] = grade
    merges = [m for m in template_sheet.merges if m.top != 23] + [Merge(23, 0, 23, 5)]
    return SheetData(name="x", rows=rows, merges=merges)


@pytest.mark.parametrize("grade", ["后进", "先进", 87])
def test_a_grade_typed_where_the_key_does_not_look_is_read_on_each_sheet(
    template_sheet, spec, grade
):
    """A plan knows the results' cells blank only where the layout key holds them: a sheet
    sharing the key with a blank one still has what is typed outside the key read and held
    to the total."""
    check._LAYOUTS.clear()
    blank = _grade_beyond_the_key(template_sheet, "")
    header = check.detect(blank, spec)
    check.evaluate(blank, spec, header)
    typed = _grade_beyond_the_key(template_sheet, grade)
    planned = check.evaluate(copy.deepcopy(typed), spec, header)
    (entry,) = _entries()  # the two sheets share one layout and its plan
    assert entry[0].grade_cell == (23, 6)
    assert entry[3].blank is False
    assert _outcome(planned) == _outcome(check.evaluate_general(typed, spec, header))
    (write,) = [w for w in planned.writes if (w.row, w.col) == (23, 6)]
    assert write.replaces == grade or write.value == grade


def test_a_plan_knows_the_results_cells_blank_when_the_key_holds_them(template_sheet, spec):
    check._LAYOUTS.clear()
    header = check.detect(template_sheet, spec)
    check.evaluate(template_sheet, spec, header)
    (entry,) = _entries()
    assert entry[3].blank is True
    rows = copy.deepcopy(template_sheet.rows)
    rows[23][3] = "先进"  # a grade typed in the cell the key holds: its own layout and plan
    typed = SheetData(name="x", rows=rows, merges=list(template_sheet.merges))
    planned = check.evaluate(copy.deepcopy(typed), spec, header)
    assert len(_entries()) == 2
    assert all(e[3].blank is (e is entry) for e in _entries())
    assert _outcome(planned) == _outcome(check.evaluate_general(typed, spec, header))


def _named_sheet(template_sheet, name: object, inline: bool = False, merges=None) -> SheetData:
    rows = copy.deepcopy(template_sheet.rows)
    if inline:  # “党支部名称：…” in one cell
        rows[2][0], rows[2][1] = f"党支部名称：{name}", ""
    else:
        rows[2][1] = name
    return SheetData(name="Sheet1", rows=rows, merges=list(merges or template_sheet.merges))


def _reads(monkeypatch) -> list[str]:
    read: list[str] = []
    real = check._read_layout

    def counted(sheet, spec, header):
        read.append(sheet.name)
        return real(sheet, spec, header)

    monkeypatch.setattr(check, "_read_layout", counted)
    return read


@pytest.mark.parametrize("inline", [False, True])
def test_sheets_told_apart_only_by_their_names_share_a_layout(
    template_sheet, spec, monkeypatch, inline
):
    """Each submission names its branches: a known shape with a new 党支部名称 is not read
    again, and each sheet is named by its own 党支部名称."""
    check._LAYOUTS.clear()
    read = _reads(monkeypatch)
    header = check.detect(template_sheet, spec)
    outcomes = []
    for name in ("第一党支部", "机关第二党支部", " 学生党支部 ", 2024):
        sheet = _named_sheet(template_sheet, name, inline)
        planned = check.evaluate(copy.deepcopy(sheet), spec, header)
        assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))
        outcomes.append(planned.branch.name)
    assert outcomes == ["第一党支部", "机关第二党支部", "学生党支部", "2024"]
    assert len(read) == 1 + 4  # the first sheet's layout; then only `evaluate_general`'s
    plans = {id(entry[3]) for entry in _entries()}  # an entry per name, one plan
    assert len(plans) == 1 and isinstance(_entries()[0][3], check._Plan)
    again = check.evaluate(_named_sheet(template_sheet, "机关第二党支部", inline), spec, header)
    assert again.branch.name == "机关第二党支部"  # found by its first key, named by its own
    assert len(read) == 5


def test_a_name_found_again_is_the_sheets_own(template_sheet, spec):
    """The entry kept for a name taken from a shape's second key names only that name's
    sheets: a third name is named by itself, and so is the first again."""
    check._LAYOUTS.clear()
    header = check.detect(template_sheet, spec)
    names = ["甲支部", "乙支部", "乙支部", "丙支部", "甲支部", "乙支部"]
    for name in names:
        sheet = _named_sheet(template_sheet, name)
        planned = check.evaluate(copy.deepcopy(sheet), spec, header)
        assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))
        assert planned.branch.name == name


def test_a_name_shown_in_the_table_too_is_part_of_the_shape(template_sheet, spec, monkeypatch):
    """A 党支部名称 cell merged down into the table (its value shown there): sheets with
    different names are read each."""
    check._LAYOUTS.clear()
    read = _reads(monkeypatch)
    header = check.detect(template_sheet, spec)
    merges = [*template_sheet.merges, Merge(2, 5, 8, 5)]  # F3:F9, right of the table
    for name in ("第一党支部", "第二党支部"):
        sheet = _named_sheet(template_sheet, "", merges=merges)
        sheet.rows = [[*row, ""] for row in sheet.rows]
        sheet.rows[2][5] = name  # B3:E3 blank: the name is the first cell right of the label
        planned = check.evaluate(copy.deepcopy(sheet), spec, header)
        assert planned.branch.name == name
        assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))
    assert len(read) == 2 + 2  # each sheet's own layout, and `evaluate_general`'s
    assert len(_entries()) == 2


def test_sheets_differing_besides_their_names_do_not_share_a_layout(template_sheet, spec):
    check._LAYOUTS.clear()
    header = check.detect(template_sheet, spec)
    check.evaluate(_named_sheet(template_sheet, "第一党支部"), spec, header)
    other = _named_sheet(template_sheet, "第二党支部")
    other.rows[5][1] = f"{other.rows[5][1]}x"  # an item's text edited as well
    planned = check.evaluate(copy.deepcopy(other), spec, header)
    assert _outcome(planned) == _outcome(check.evaluate_general(other, spec, header))
    assert "rubric.template_modified" in [f.code for f in planned.findings]
    assert len(_entries()) == 2


@pytest.mark.parametrize("wide", [False, True])
def test_a_name_read_before_is_not_an_equal_value_of_another_type(template_sheet, spec, wide):
    """The name's cell is looked up by the rows above the header with their cells' types (or,
    above so many cells, read on each sheet): 2024 and 2024.0 name two branches."""
    check._LAYOUTS.clear()
    check._NAMES.clear()
    header = check.detect(template_sheet, spec)
    for name, shown in ((2024, "2024"), (2024.0, "2024.0"), (True, "True"), (2024, "2024")):
        sheet = _named_sheet(template_sheet, name)
        if wide:
            sheet.rows[0] = [*sheet.rows[0], *["x"] * check._NAME_CELLS]
        planned = check.evaluate(copy.deepcopy(sheet), spec, header)
        assert planned.branch.name == shown
        assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))
    assert (len(check._NAMES) == 0) is wide


def test_a_name_of_minus_zero_after_one_of_zero_is_its_own(template_sheet, spec):
    """0.0 and -0.0 are equal keys of one type, yet shown apart ("0.0", "-0.0", as the
    general path names them): a name found again by its rows is still the sheet's own."""
    check._LAYOUTS.clear()
    check._NAMES.clear()
    header = check.detect(template_sheet, spec)
    for name, shown in ((0.0, "0.0"), (-0.0, "-0.0"), (0.0, "0.0")):
        sheet = _named_sheet(template_sheet, name)
        planned = check.evaluate(copy.deepcopy(sheet), spec, header)
        assert planned.branch.name == shown
        assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_sheets_told_apart_by_their_names_are_evaluated_as_the_general_path(
    template_sheet, spec, data
):
    """One shape, several names in turn (the layout kept with a marker in the name's cell):
    each sheet's findings, writes and branch as the general path gives them."""
    base = data.draw(sheets(template_sheet))
    at = _name_at(base.rows)
    for name, form in data.draw(st.lists(st.tuples(NAMES, NAME_FORMS), min_size=2, max_size=5)):
        rows = copy.deepcopy(base.rows)
        merges = _rename(rows, list(base.merges), at, name, form)
        sheet = SheetData(name=base.name, rows=rows, merges=merges)
        _assert_planned_as_general(sheet, spec)


def test_a_name_kept_for_its_rows_keeps_no_merged_range_below_them(template_sheet, spec):
    """A worker checks file after file with the same memos: the names kept (`_NAMES`, up to
    1024) hold only what the name is read from — not a sheet's thousands of merged ranges
    below its header (20 000 in one file: some 3 MB an entry, gigabytes over a batch, past a
    worker's memory cap). Sheets alike above their header but for a range merged there are
    still told apart."""
    check._NAMES.clear()
    header = check.detect(template_sheet, spec)
    below = [Merge(100 + k, 10, 100 + k, 11) for k in range(2000)]
    sheet = _named_sheet(template_sheet, "第一党支部", merges=[*template_sheet.merges, *below])
    assert check._name_cell(sheet, spec, header) == ((2, 1), "第一党支部", True)
    assert len(check._NAMES) == 1
    assert max(map(len, check._NAMES)) < 100
    # The label merged over B3 (A3:B3): what B3 holds is hidden, the name is E3's.
    merged = _named_sheet(template_sheet, "乙", merges=[*template_sheet.merges, Merge(2, 0, 2, 1)])
    plain = _named_sheet(template_sheet, "乙")
    merged.rows[2][4] = plain.rows[2][4] = "丙"
    for _ in range(2):
        assert check._name_cell(merged, spec, header) == ((2, 4), "丙", True)
        assert check._name_cell(plain, spec, header) == ((2, 1), "乙", True)


def _finds(monkeypatch) -> list[str]:
    found: list[str] = []
    real = check.find_field

    def counted(sheet, *args, **kwargs):
        found.append(sheet.name)
        return real(sheet, *args, **kwargs)

    monkeypatch.setattr(check, "find_field", counted)
    return found


def test_a_new_name_where_the_last_shape_had_its_name_is_not_searched_for(
    template_sheet, spec, monkeypatch
):
    """A batch of new names on a known shape: the name is taken from where the shape's name
    stood, without searching the rows above the header; a blank cell there is searched (the
    name may stand further right)."""
    check._LAYOUTS.clear()
    check._NAMES.clear()
    header = check.detect(template_sheet, spec)
    check.evaluate(_named_sheet(template_sheet, "甲支部"), spec, header)
    searched = _finds(monkeypatch)
    sheet = _named_sheet(template_sheet, " 乙支部 ")
    planned = check.evaluate(copy.deepcopy(sheet), spec, header)
    assert planned.branch.name == "乙支部" and searched == []
    assert _outcome(planned) == _outcome(check.evaluate_general(sheet, spec, header))
    for blank in ("", "\u3000", None):  # no name: the sheet's own name
        unnamed = _named_sheet(template_sheet, blank)
        planned = check.evaluate(copy.deepcopy(unnamed), spec, header)
        assert planned.branch.name == "Sheet1"
        assert _outcome(planned) == _outcome(check.evaluate_general(unnamed, spec, header))
    further = _named_sheet(template_sheet, "")
    further.rows[2][2] = "丙支部"  # B3 blank, the name in C3
    searched.clear()
    planned = check.evaluate(copy.deepcopy(further), spec, header)
    assert planned.branch.name == "丙支部" and searched  # (a new shape too: read)
    assert _outcome(planned) == _outcome(check.evaluate_general(further, spec, header))


def test_a_shape_keyed_on_an_inline_name_does_not_name_a_sheet_without_the_label(
    template_sheet, spec
):
    """“党支部名称：乙” in B3 is keyed with B3 as the name's cell, as is a name in B3 right of
    the label in A3. A sheet holding only “丙” in B3 (no label at all) shares the inline
    shape's key, but has no 党支部名称: it is named by its sheet, not “丙”."""
    check._LAYOUTS.clear()
    check._NAMES.clear()
    header = check.detect(template_sheet, spec)
    check.evaluate(_named_sheet(template_sheet, "甲支部"), spec, header)  # the name in B3
    inline = _named_sheet(template_sheet, "")
    inline.rows[2][0], inline.rows[2][1] = "", "党支部名称：乙支部"
    assert check.evaluate(copy.deepcopy(inline), spec, header).branch.name == "乙支部"
    bare = _named_sheet(template_sheet, "")
    bare.rows[2][0], bare.rows[2][1] = "", "丙支部"
    planned = check.evaluate(copy.deepcopy(bare), spec, header)
    assert planned.branch.name == "Sheet1"
    assert _outcome(planned) == _outcome(check.evaluate_general(bare, spec, header))


@pytest.mark.parametrize("form", NAME_FORMS.elements)
def test_names_of_zero_and_minus_zero_in_turn_are_each_their_own(template_sheet, spec, form):
    """0.0 and -0.0 are equal keys of one type, shown apart ("0.0", "-0.0") — in every form,
    the name merged into the table too (its cell then in the layout key in full)."""
    forget_memos()
    at = _name_at(template_sheet.rows)
    for name in (0.0, -0.0, 0.0, -0.0):
        rows = copy.deepcopy(template_sheet.rows)
        merges = _rename(rows, list(template_sheet.merges), at, name, form)
        sheet = SheetData(name=template_sheet.name, rows=rows, merges=merges)
        _assert_planned_as_general(sheet, spec)
