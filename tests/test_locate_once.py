"""Each sheet's header is located once for every kind: what the engine finds at once
(`find_headers`, `engine._matches`) is what each kind's own `detect` finds, and what a plain
search of the rows finds, on sheets with moved headers, title rows, near-miss labels and the
headers of several kinds."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin import engine
from addin.cells import fold_label
from addin.locate import HEADER_SCAN_ROWS, Header, find_header, find_headers
from addin.spec import default_schema_dir, load_specs
from addin.workbook.model import SheetData

TESTS = __import__("pathlib").Path(__file__).parent


@pytest.fixture(scope="module")
def many_specs():
    """The bundled specs and the tests' own: several rubrics (years, none, raters), two summaries,
    a task list and two stage plans — headers that share labels and tie."""
    return load_specs([default_schema_dir(), TESTS / "specs"])


def plain_search(sheet: SheetData, required, optional) -> Header | None:
    """The header search written out: the first top row holding every required label, each
    label at the first cell holding it, the columns in the order of the row."""
    wanted = {fold_label(label): label for label in [*required, *optional]}
    for r, line in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        first: dict[str, int] = {}
        for c, value in enumerate(line):
            if isinstance(value, str) and value:
                first.setdefault(fold_label(value), c)
        found = sorted((first[key], label) for key, label in wanted.items() if key in first)
        columns = {label: c for c, label in found}
        if all(label in columns for label in required):
            return Header(row=r, columns=columns)
    return None


def searches_of(specs) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return list(engine._candidates(specs).searches)


def written(label: str) -> list[str]:
    """How people write a label: all fold to it."""
    return [label, " ".join(label), label + "：", f" {label}: "]


def near(label: str) -> list[str]:
    """Labels that only look like it."""
    return [label + "列表", "原" + label, label[:-1] or label + "2"]


@st.composite
def sheets(draw, searches) -> SheetData:
    """A sheet whose top rows hold titles, numbers, blanks and header-like rows: a kind's
    required labels (now and then one missing or only nearly written) with some of its
    optional ones and some of another's, written as people write them, in any order and
    column, at any row up to a few past the scanned ones."""
    height = draw(st.integers(1, HEADER_SCAN_ROWS + 4))
    cell = st.one_of(
        st.sampled_from(["", "附件1", "党支部分类定级评分参考标准", "备注：", "合计"]),
        st.integers(0, 100),
        st.floats(0, 100, allow_nan=False),
        st.none(),
    )
    rows = [draw(st.lists(cell, max_size=8)) for _ in range(height)]
    for _ in range(draw(st.integers(0, 3))):  # header-like rows
        required, optional = draw(st.sampled_from(searches))
        other = [label for r, o in searches for label in (*r, *o)]
        chosen = [*required, *draw(st.lists(st.sampled_from(optional), unique=True))]
        chosen += draw(st.lists(st.sampled_from(other), max_size=3))
        line = []
        for label in chosen:
            how = draw(st.sampled_from(["written"] * 6 + ["near", "missing"]))
            if how != "missing":
                line.append(
                    draw(st.sampled_from(written(label) if how == "written" else near(label)))
                )
        line += draw(st.lists(cell, max_size=3))
        rows[draw(st.integers(0, height - 1))] = list(draw(st.permutations(line)))
    return SheetData(name="表", rows=rows)


def detected_one_by_one(sheet: SheetData, candidates) -> list:
    """What the engine found before: each (kind, spec)'s own `detect`, on a fresh copy."""
    fresh = copy.deepcopy(sheet)
    return [
        (kind, spec, header)
        for kind, spec in candidates.pairs
        if (header := kind.detect(fresh, spec)) is not None
    ]


def without_header_labels(specs, keep: set[str]):
    """The candidates with only the kinds in `keep` located at once, the others by `detect`."""
    real = engine._candidates_of(specs)
    original = engine.KINDS
    engine.KINDS = tuple(k if k.name in keep else replace(k, header_labels=None) for k in original)
    try:
        return engine._candidates_of(specs)
    finally:
        engine.KINDS = original
        assert engine._candidates_of(specs).pairs == real.pairs


SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.data())
def test_the_headers_located_at_once_are_each_kinds_own_and_a_plain_searchs(many_specs, data):
    sheet = data.draw(sheets(searches_of(many_specs)))
    candidates = engine._candidates(many_specs)
    at_once = engine._matches(sheet, candidates)
    assert at_once == detected_one_by_one(sheet, candidates)
    assert find_headers(sheet, candidates.searches) == tuple(
        plain_search(sheet, required, optional) for required, optional in candidates.searches
    )


@SETTINGS
@given(data=st.data())
def test_the_sheet_is_read_with_the_same_spec_whichever_kinds_are_located_at_once(many_specs, data):
    """`_best`'s pick and its ambiguity finding, with every kind, some or none located at once."""
    sheet = data.draw(sheets(searches_of(many_specs)))
    keep = data.draw(st.sets(st.sampled_from(["rubric", "summary", "tasks", "stages"])))
    mixed = without_header_labels(many_specs, keep)
    match, finding = engine._best(sheet, many_specs, engine._candidates(many_specs))
    old_match, old_finding = engine._best(copy.deepcopy(sheet), many_specs, mixed)
    assert finding == old_finding
    pick = lambda m: None if m is None else (m[0].name, m[1].id, m[2])  # noqa: E731
    assert pick(match) == pick(old_match)


def test_a_sheet_with_several_kinds_headers_finds_each_and_the_fuller_wins(many_specs):
    rows = [
        ["附件1"],
        ["党支部名称", "评分分数", "分类定级结果", "序号"],
        ["项目", "具体内容", "分值", "得分", "小计"],
        ["任务", "时间期限", "备注"],
    ]
    sheet = SheetData(name="表", rows=rows)
    candidates = engine._candidates(many_specs)
    found = engine._matches(sheet, candidates)
    assert {(k.name, h.row) for k, _s, h in found} == {("rubric", 2), ("summary", 1), ("tasks", 3)}
    assert found == detected_one_by_one(sheet, candidates)
    match, _finding = engine._best(sheet, many_specs, candidates)
    assert match[0].name == "rubric"  # five labels matched: more than the summary's four


def test_each_set_of_searches_on_one_sheet_gets_its_own_headers():
    """The memo of a sheet's headers is per set of searches: another set on the very same
    rows is searched for, not answered with the first set's headers."""
    sheet = SheetData(name="表", rows=[["标题"], ["任务", "时间期限"], ["具体内容", "分值"]])
    rubric = ((("具体内容", "分值"), ()),)
    tasks = ((("任务", "时间期限"), ()),)
    assert find_headers(sheet, rubric)[0].row == 2
    assert find_headers(sheet, tasks)[0].row == 1
    assert find_headers(sheet, (*tasks, *rubric)) == (
        find_header(sheet, ["任务", "时间期限"]),
        find_header(sheet, ["具体内容", "分值"]),
    )
    none = ((("党支部名称", "评分分数"), ()),)
    assert find_headers(sheet, none) == (None,)


def test_rows_too_wide_to_share_are_searched_all_the_same():
    wide = ["", *["数据"] * 80, "具体内容", "分值"]
    sheet = SheetData(name="表", rows=[["标题"], wide])
    searches = ((("具体内容", "分值"), ("得分",)),)
    assert find_headers(sheet, searches) == (Header(row=1, columns={"具体内容": 81, "分值": 82}),)
    assert find_headers(copy.deepcopy(sheet), searches) == find_headers(sheet, searches)


def test_a_second_spec_set_is_searched_with_its_own_specs(many_specs):
    bundled = load_specs()
    sheet = SheetData(name="表", rows=[["工作内容", "时间安排", "阶段"]])
    assert engine._best(sheet, bundled)[0] is None  # no stage plan among the bundled specs
    assert engine._best(sheet, many_specs)[0][0].name == "stages"
    assert engine._best(sheet, bundled)[0] is None
    assert engine._candidates(bundled) is engine._candidates(bundled)  # kept for a batch


def test_a_spec_added_to_a_set_already_used_is_searched_for(many_specs):
    from addin.spec import SpecSet

    grown = SpecSet(specs=list(load_specs().specs))
    sheet = SheetData(name="表", rows=[["工作内容", "时间安排", "阶段"]])
    assert engine._best(sheet, grown)[0] is None
    grown.specs.append(many_specs.by_id("stages_2012_county"))
    assert engine._best(sheet, grown)[0][1].id == "stages_2012_county"


def test_a_sheet_is_read_with_the_spec_objects_of_the_set_it_is_checked_with():
    """Two loads of the same files are equal sets of other objects: each check gets its own
    (the rubric keeps what it worked out per spec object)."""
    first, second = load_specs(), load_specs()
    assert first == second
    sheet = SheetData(name="表", rows=[["项目", "具体内容", "分值", "得分"]])
    for specs in (first, second, first):
        assert engine._best(sheet, specs)[0][1] is specs.by_id("rubric_2022")


def test_a_kind_taken_out_of_the_registry_is_no_longer_looked_for(many_specs, monkeypatch):
    sheet = SheetData(name="表", rows=[["工作内容", "时间安排", "阶段"]])
    assert engine._best(sheet, many_specs)[0][0].name == "stages"
    monkeypatch.setattr(engine, "KINDS", tuple(k for k in engine.KINDS if k.name != "stages"))
    assert engine._best(sheet, many_specs)[0] is None


@pytest.mark.parametrize("odd", [["a list"], {"a": 1}, "", None])
def test_a_top_row_holding_a_value_that_cannot_be_a_key_does_not_hide_the_header(odd):
    """The top rows are looked up by value; a cell that cannot be one (what a test or a future
    reader might hold) is folded as it is, and the header below it is still found."""
    searches = ((("项目", "得分"), ()),)
    rows = [["标题", odd], ["项目", "得分"], ["1", 5.0]]
    first = SheetData(name="s", rows=copy.deepcopy(rows))
    assert find_headers(first, searches) == (Header(row=1, columns={"项目": 0, "得分": 1}),)
    again = SheetData(name="t", rows=[["标题", odd], ["x"], ["项目", "得分"]])
    assert find_headers(again, searches) == (Header(row=2, columns={"项目": 0, "得分": 1}),)


# --- the memo keyed on what the searches read: sheets of one template that differ elsewhere --

RUBRIC = ((("项目", "具体内容", "分值", "得分"), ("小计",)),)
TEMPLATE = [
    ["附件1"],
    ["党支部：第001党总支化学系第一党支部"],
    ["项目", "具体内容", "分值", "得分", "小计"],
    ["组织建设", "按时换届", 5, 4, ""],
]


def variant(rows: list[list], r: int, c: int, value: object) -> SheetData:
    """The template with one cell changed (rows and columns added as needed)."""
    rows = copy.deepcopy(rows)
    while len(rows) <= r:
        rows.append([])
    rows[r] += [""] * (c + 1 - len(rows[r]))
    rows[r][c] = value
    return SheetData(name="表", rows=rows)


def located(sheet: SheetData, searches=RUBRIC) -> tuple[Header | None, ...]:
    found = find_headers(sheet, searches)
    assert found == tuple(plain_search(sheet, *search) for search in searches)
    return found


def test_a_sheet_naming_its_own_branch_gets_the_templates_header_without_a_new_search():
    first = located(SheetData(name="表", rows=copy.deepcopy(TEMPLATE)))
    assert first == (
        Header(row=2, columns={"项目": 0, "具体内容": 1, "分值": 2, "得分": 3, "小计": 4}),
    )
    for name in ("党支部：第002党总支物理系第三党支部", "", 7, "分值列表", "原得分"):
        # (a name, a blank, a number, labels that only look like the header's: none is read)
        assert find_headers(variant(TEMPLATE, 1, 0, name), RUBRIC) is first
        assert located(variant(TEMPLATE, 1, 0, name)) == first
    # a label again to the right of the first cell holding it: the first still counts
    assert located(variant(TEMPLATE, 2, 6, "得分")) == first


@pytest.mark.parametrize(
    ("r", "line", "row", "columns"),
    [
        # the name row holds the whole header now: found there, above the template's
        (
            1,
            ["项目", "具体内容", "分值", "得分"],
            1,
            {"项目": 0, "具体内容": 1, "分值": 2, "得分": 3},
        ),
        # labels moved: their new columns, in the order of the row
        (
            2,
            ["得分", "项目", "具体内容", "分值", "小计"],
            2,
            {"得分": 0, "项目": 1, "具体内容": 2, "分值": 3, "小计": 4},
        ),
        # a label again left of the first cell holding it: that one counts now
        (
            2,
            ["得分", "具体内容", "项目", "分值", "得分", "小计"],
            2,
            {"得分": 0, "具体内容": 1, "项目": 2, "分值": 3, "小计": 5},
        ),
        # a required label replaced (by another label, by a near one): no header in that row
        (2, ["得分", "具体内容", "分值", "得分", "小计"], None, None),
        (2, ["项目", "具体内容", "分值", "得分列表", "小计"], None, None),
        # an optional label gone: the header without it
        (
            2,
            ["项目", "具体内容", "分值", "得分", ""],
            2,
            {"项目": 0, "具体内容": 1, "分值": 2, "得分": 3},
        ),
        # labels written as people write them: the same header
        (
            2,
            ["项 目", "具体内容：", "分值", "得分", " 小 计： "],
            2,
            {"项目": 0, "具体内容": 1, "分值": 2, "得分": 3, "小计": 4},
        ),
    ],
)
def test_a_sheet_whose_header_labels_differ_from_the_templates_is_searched_anew(
    r, line, row, columns
):
    located(SheetData(name="表", rows=copy.deepcopy(TEMPLATE)))  # the template's, remembered
    rows = copy.deepcopy(TEMPLATE)
    rows[r] = line
    expected = (None,) if row is None else (Header(row=row, columns=columns),)
    assert located(SheetData(name="表", rows=rows)) == expected


def test_a_header_an_earlier_row_also_holds_is_found_there_and_a_partial_one_is_not():
    located(SheetData(name="表", rows=copy.deepcopy(TEMPLATE)))
    partial = variant(TEMPLATE, 0, 1, "得分")  # the title row: 附件1, 得分 — not every label
    assert located(partial)[0].row == 2
    full = copy.deepcopy(TEMPLATE)
    full.insert(1, ["具体内容", "项目", "得分", "分值"])
    assert located(SheetData(name="表", rows=full)) == (
        Header(row=1, columns={"具体内容": 0, "项目": 1, "得分": 2, "分值": 3}),
    )


@SETTINGS
@given(data=st.data())
def test_a_sheet_changed_in_one_cell_gets_what_a_plain_search_finds(many_specs, data):
    """A sheet searched, then a copy with one cell changed (a label written in, moved, taken
    out, written as people write it or only nearly; a number; a blank): each is found as a
    plain search finds it, whether the change touches what the search reads or not."""
    searches = searches_of(many_specs)
    base = data.draw(sheets(searches))
    candidates = engine._candidates(many_specs)
    find_headers(base, candidates.searches)
    labels = [label for r, o in searches for label in (*r, *o)]
    label = data.draw(st.sampled_from(labels))
    value = data.draw(
        st.one_of(
            st.sampled_from([*written(label), *near(label)]),
            st.sampled_from(["", "党支部：第九党支部", "附件1"]),
            st.integers(0, 100),
            st.none(),
        )
    )
    r = data.draw(st.integers(0, min(len(base.rows), HEADER_SCAN_ROWS + 2)))
    c = data.draw(st.integers(0, 10))
    changed = variant(base.rows, r, c, value)
    for sheet in (changed, base):
        assert find_headers(sheet, candidates.searches) == tuple(
            plain_search(sheet, *search) for search in candidates.searches
        )
        assert engine._matches(sheet, candidates) == detected_one_by_one(sheet, candidates)
