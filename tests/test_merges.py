"""Merged ranges: bounded before parsing, and indexed in memory that does not grow with
their area (`model.MergeIndex`) while answering exactly as one entry per cell would."""

from __future__ import annotations

from dataclasses import replace
from math import isqrt
from pathlib import Path

import pytest
from conftest import inspect_at_limit
from corpus import SHEET, base_rubric, rewrite
from hypothesis import example, given
from hypothesis import strategies as st

from addin.engine import check_path
from addin.limits import DEFAULT_LIMITS
from addin.spec import load_specs
from addin.workbook.guard import _XmlSheetScan, inspect_archive
from addin.workbook.merge_limits import MergeTally, ref_area
from addin.workbook.model import _SMALL as SMALL
from addin.workbook.model import Merge, SheetData, TooLarge, UnreadableWorkbook


def with_merge(tmp_path: Path, ref: str, name: str = "merged.xlsx") -> Path:
    """A real rubric submission with one more merged range."""
    extra = b'<mergeCell ref="%s"/></mergeCells>' % ref.encode()
    base = base_rubric(tmp_path / f"base-{name}")
    return rewrite(base, tmp_path / name, {SHEET: lambda x: x.replace(b"</mergeCells>", extra)})


def merged_area(path: Path) -> tuple[int, int]:
    """(ranges, cells) of the merged ranges of the file, counted without the guard."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        refs = re.findall(rb'<mergeCell ref="([^"]+)"', z.read(SHEET))
    return len(refs), sum(ref_area(r.decode()) for r in refs)


def test_the_hostile_merge_is_refused_by_the_guard_naming_sheet_and_range(tmp_path):
    """The 28 KB file whose one merge H30:ZZ20000 spans 13.9 million cells: one finding,
    before any parser or index sees it (it took 16.7 s and 1.9 GB)."""
    path = with_merge(tmp_path, "H30:ZZ20000")
    with pytest.raises(
        TooLarge, match=r"工作表“第一党支部”（xl/worksheets/sheet1.xml）的合并区域 H30:ZZ20000"
    ):
        inspect_archive(path, DEFAULT_LIMITS)
    report = check_path(path, load_specs()).report
    assert report.status == "unreadable"
    assert [f.code for f in report.findings] == ["file.too_large"]
    assert "合并单元格的总面积" in report.findings[0].message


@pytest.mark.parametrize(("room", "refused"), [(0, False), (-1, True)])
def test_merged_area_at_and_past_the_limit(tmp_path, room, refused):
    path = with_merge(tmp_path, "H30:Z2000")
    _count, area = merged_area(path)
    limits = replace(DEFAULT_LIMITS, max_merged_cells=area + room)
    inspect_at_limit(path, limits, refused, f"总面积达 {area:,} 个单元格.*超过上限 {area - 1:,} 个")


@pytest.mark.parametrize(("room", "refused"), [(0, False), (-1, True)])
def test_merge_count_at_and_past_the_limit(tmp_path, room, refused):
    path = with_merge(tmp_path, "H30:H31")
    count, _area = merged_area(path)
    limits = replace(DEFAULT_LIMITS, max_merges=count + room)
    inspect_at_limit(path, limits, refused, f"超过 {count - 1:,} 个合并区域.*H30:H31")


def test_a_whole_column_merge_is_far_below_the_limit_and_checked_as_before(tmp_path):
    """Excel writes a merged column A:A as A1:A1048576; nine such stay within the bound."""
    assert ref_area("K1:K1048576") * 9 <= DEFAULT_LIMITS.max_merged_cells
    plain = check_path(base_rubric(tmp_path / "plain.xlsx"), load_specs()).report
    merged = check_path(with_merge(tmp_path, "K1:K1048576"), load_specs()).report
    assert merged.status == plain.status != "unreadable"
    assert [f.code for f in merged.findings] == [f.code for f in plain.findings]


@pytest.mark.parametrize(("count", "refused"), [(3, False), (4, True)])
def test_the_reader_counts_the_merges_of_every_format(count, refused):
    """What calamine found in an .xls, .xlsb or .ods is counted the same way."""
    tally = MergeTally(replace(DEFAULT_LIMITS, max_merges=3))
    merges = [Merge(0, c, 1, c) for c in range(count)]
    if refused:
        with pytest.raises(TooLarge, match="工作表“甲”的 D1:D2"):
            tally.add_merges("工作表“甲”", merges)
    else:
        tally.add_merges("工作表“甲”", merges)


@given(chunk=st.integers(1, 40))
def test_the_guard_finds_merges_across_any_chunking(chunk):
    xml = (
        b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row></sheetData>"
        b"<mergeCells count='3'><mergeCell ref='A1:B2'/><x:mergeCell  ref=\"C3:C9\"/>"
        b"<mergeCell ref='D1:E1'/></mergeCells></worksheet>"
    )
    tally = MergeTally(DEFAULT_LIMITS)
    scan = _XmlSheetScan("工作表“甲”", DEFAULT_LIMITS, tally)
    for i in range(0, len(xml), chunk):
        scan.feed(xml[i : i + chunk])
    scan.extents()
    assert (tally.count, tally.area) == (3, 4 + 7 + 2)


def reference(merges: list[Merge], row: int, col: int) -> Merge | None:
    """The last range given that holds the cell: what one dict entry per cell answered."""
    found = None
    for m in merges:
        if m.top <= row <= m.bottom and m.left <= col <= m.right:
            found = m
    return found


def ranges(limit: int):
    corner = st.tuples(st.integers(0, limit), st.integers(0, limit))
    return st.builds(
        lambda a, b: Merge(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])),
        corner,
        corner,
    )


@given(
    # Ranges of either kind: at most `SMALL` cells (listed per cell) or more (per block).
    merges=st.lists(st.one_of(ranges(isqrt(SMALL) - 1), ranges(200)), max_size=12),
    cells=st.lists(st.tuples(st.integers(0, 210), st.integers(0, 210)), max_size=30),
)
@example(  # a small range inside a large one, either order
    merges=[Merge(0, 0, 99, 99), Merge(5, 5, 6, 6), Merge(50, 50, 120, 120)],
    cells=[(5, 5), (6, 6), (50, 50), (99, 99), (100, 100), (7, 7)],
)
def test_merge_lookups_answer_as_one_entry_per_cell(merges, cells):
    rows = [[f"{r},{c}" for c in range(0, 211, 7)] for r in range(0, 211, 3)]
    sheet = SheetData("甲", rows, merges=merges)
    corners = [(m.top, m.left) for m in merges] + [(m.bottom + 1, m.right) for m in merges]
    for row, col in cells + corners:
        want = reference(merges, row, col)
        assert sheet.merge_at(row, col) is want
        assert sheet.anchor(row, col) == ((want.top, want.left) if want else (row, col))
        shown = sheet.value(want.top, want.left) if want else sheet.value(row, col)
        assert sheet.shown(row, col) == shown


def annotated_copy(src: Path, dst: Path):
    from addin.support import weak_notes
    from addin.workbook.patcher import write_copy
    from addin.writes import plan_for

    evaluation = check_path(src, load_specs())
    report = evaluation.report
    plan = plan_for(
        evaluation.writes, report.findings, evaluation.conditional, weak_notes(evaluation)
    )
    return write_copy(src, dst, plan, evaluation.data)


def test_the_patched_copy_keeps_a_large_merge(tmp_path):
    """The patcher costs nothing per merged cell: a three-column merge of 3 million cells."""
    src = with_merge(tmp_path, "K1:M1048576")
    written = annotated_copy(src, tmp_path / "copy.xlsx")
    assert written.patched
    _count, area = merged_area(tmp_path / "copy.xlsx")
    assert area == merged_area(src)[1]


@pytest.mark.parametrize(("room", "refused"), [(0, False), (-1, True)])
def test_the_openpyxl_copy_at_and_past_its_merge_bound(tmp_path, monkeypatch, room, refused):
    """openpyxl makes an object per merged cell: past its bound the copy is not written."""
    from addin.workbook import patcher

    src = base_rubric(tmp_path / "plain.xlsx")
    _count, area = merged_area(src)
    monkeypatch.setattr(patcher, "OPENPYXL_MERGED", area + room)

    def unsupported(*_args, **_kwargs):  # a package the patcher cannot edit
        raise patcher.PatchUnsupported("部件格式异常")

    monkeypatch.setattr(patcher, "patch_copy", unsupported)
    dst = tmp_path / "copy.xlsx"
    if refused:
        with pytest.raises(UnreadableWorkbook, match=f"合并单元格共 {area:,} 个.*未写出副本"):
            annotated_copy(src, dst)
        assert not dst.exists()
    else:
        assert not annotated_copy(src, dst).patched
