"""Limits before parsing: each bound holds at its figure and refuses one past it."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import inspect_at_limit
from corpus import SHEET, _append_row, _with_doctype, base_rubric, rewrite
from hypothesis import given
from hypothesis import strategies as st

from addin.engine import check_path
from addin.limits import DEFAULT_LIMITS, MIB
from addin.workbook.guard import _ExtentScan, inspect_archive
from addin.workbook.model import TooLarge, UnreadableWorkbook, column_letter


def with_cell(tmp_path: Path, ref: str, name: str = "x.xlsx", value: bytes = b"<v>1</v>") -> Path:
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    cell = b'<row r="%s"><c r="%s">%s</c></row>' % (row.encode(), ref.encode(), value)
    base = base_rubric(tmp_path / f"base-{name}")
    return rewrite(base, tmp_path / name, {SHEET: lambda x: _append_row(x, cell)})


@pytest.mark.parametrize(("ref", "refused"), [("A100", False), ("A101", True)])
def test_content_rows_at_and_past_the_limit(tmp_path, ref, refused):
    path = with_cell(tmp_path, ref)
    limits = replace(DEFAULT_LIMITS, max_rows=100)
    inspect_at_limit(path, limits, refused, "第 101 行（A101），超过上限 100 行")


@pytest.mark.parametrize(("ref", "refused"), [("CV1", False), ("CW1", True)])
def test_content_columns_at_and_past_the_limit(tmp_path, ref, refused):
    # CV is column 100, CW column 101.
    path = with_cell(tmp_path, ref)
    limits = replace(DEFAULT_LIMITS, max_cols=100)
    inspect_at_limit(path, limits, refused, "第 101 列（CW1），超过上限 100 列")


def test_styled_empty_cells_and_dimension_do_not_count(tmp_path):
    base = base_rubric(tmp_path / "base.xlsx")

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(b'<dimension ref="A1:E26"', b'<dimension ref="A1:XFD1048576"')
        return _append_row(xml, b'<row r="1048576"><c r="XFD1048576" s="1"/></row>')

    path = rewrite(base, tmp_path / "styled.xlsx", {SHEET: edit})
    inspect_archive(path, replace(DEFAULT_LIMITS, max_rows=100, max_cols=10))


def test_member_size_at_and_past_the_limit(tmp_path):
    base = base_rubric(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        largest = max(z.infolist(), key=lambda i: i.file_size)
    size = largest.file_size
    inspect_archive(base, replace(DEFAULT_LIMITS, max_member=size))
    with pytest.raises(TooLarge, match=f"文件部件 {largest.filename} 解压后超过 {size - 1} 字节"):
        inspect_archive(base, replace(DEFAULT_LIMITS, max_member=size - 1))


def test_total_size_at_and_past_the_limit(tmp_path):
    base = base_rubric(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        total = sum(i.file_size for i in z.infolist())
    inspect_archive(base, replace(DEFAULT_LIMITS, max_inflated=total))
    with pytest.raises(TooLarge, match="文件解压后超过"):
        inspect_archive(base, replace(DEFAULT_LIMITS, max_inflated=total - 1))


def test_member_count_at_and_past_the_limit(tmp_path):
    base = base_rubric(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        count = len(z.infolist())
    inspect_archive(base, replace(DEFAULT_LIMITS, max_members=count))
    with pytest.raises(TooLarge, match=f"有 {count} 个部件，超过上限 {count - 1} 个"):
        inspect_archive(base, replace(DEFAULT_LIMITS, max_members=count - 1))


def padded(tmp_path: Path, spaces: int) -> tuple[Path, int, int]:
    """A rubric whose sheet XML carries `spaces` extra bytes; returns (path, size, packed)."""
    base = base_rubric(tmp_path / "base.xlsx")
    path = rewrite(
        base,
        tmp_path / "padded.xlsx",
        {SHEET: lambda x: x.replace(b"<sheetData>", b"<sheetData>" + b" " * spaces)},
    )
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    return path, info.file_size, info.compress_size


def test_compression_ratio_at_and_past_the_limit(tmp_path):
    path, size, packed = padded(tmp_path, 2 * MIB)
    ratio = size // packed  # the real ratio, rounded down: allowed; one less is refused
    inspect_archive(path, replace(DEFAULT_LIMITS, max_ratio=ratio + 1))
    with pytest.raises(TooLarge, match="压缩比超过"):
        inspect_archive(path, replace(DEFAULT_LIMITS, max_ratio=ratio - 1))


def test_ratio_is_not_judged_below_the_floor(tmp_path):
    path, size, _packed = padded(tmp_path, 2 * MIB)
    inspect_archive(path, replace(DEFAULT_LIMITS, max_ratio=2, ratio_floor=size + 1))
    with pytest.raises(TooLarge, match="压缩比超过"):
        inspect_archive(path, replace(DEFAULT_LIMITS, max_ratio=2, ratio_floor=size))


def test_a_dtd_anywhere_is_refused(tmp_path):
    base = base_rubric(tmp_path / "base.xlsx")
    path = rewrite(
        base,
        tmp_path / "dtd.xlsx",
        {"xl/styles.xml": lambda x: _with_doctype(x, b"<!DOCTYPE x>")},
    )
    with pytest.raises(UnreadableWorkbook, match="xl/styles.xml 含有文档类型声明"):
        inspect_archive(path, DEFAULT_LIMITS)


def test_check_path_turns_limits_into_one_finding(tmp_path):
    from addin.spec import load_specs

    path = with_cell(tmp_path, "A101")
    report = check_path(path, load_specs(), limits=replace(DEFAULT_LIMITS, max_rows=100)).report
    assert report.status == "unreadable"
    assert [f.code for f in report.findings] == ["file.too_large"]


cells = st.lists(
    st.tuples(st.integers(1, 5000), st.integers(1, 300), st.booleans()), min_size=1, max_size=40
)


@given(cells=cells, chunk=st.integers(1, 64))
def test_extent_scan_finds_the_far_content_cell_in_any_chunking(cells, chunk):
    """Whatever the chunk boundaries, the scan reports the last row and column with content
    (styled empty cells `<c …/>` excluded)."""
    unique: dict[tuple[int, int], bool] = {}
    for r, c, empty in cells:
        unique.setdefault((r, c), empty)
    xml = b"<worksheet><sheetData>"
    for r in sorted({r for r, _ in unique}):
        xml += b'<row r="%d">' % r
        for c in sorted(c for rr, c in unique if rr == r):
            ref = f"{column_letter(c - 1)}{r}".encode()
            xml += b'<c r="%s" s="1"/>' % ref if unique[(r, c)] else b'<c r="%s"><v>1</v></c>' % ref
        xml += b"</row>"
    xml += b"</sheetData></worksheet>"
    scan = _ExtentScan()  # floors of 1: every cell is looked at
    for i in range(0, len(xml), chunk):
        scan.feed(xml[i : i + chunk])
    extent = scan.extent()
    content = [cell for cell, empty in unique.items() if not empty]
    assert extent.rows == max((r for r, _ in content), default=0)
    assert extent.cols == max((c for _, c in content), default=0)


def test_extent_scan_without_r_attributes_counts_positions():
    scan = _ExtentScan()  # floors of 1: every cell is looked at
    scan.feed(b"<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c>")
    scan.feed(b"</row></sheetData>")
    extent = scan.extent()
    assert (extent.rows, extent.cols, extent.row_cell, extent.col_cell) == (2, 2, "A2", "B1")


def test_single_quoted_references_and_other_prefixes_are_scanned_too(tmp_path):
    """XML allows r='A101' and any namespace prefix: the guard must not be blind to them."""
    cell = b"<x-y:row r='101'><x-y:c r='A101' t='n'><x-y:v>1</x-y:v></x-y:c></x-y:row>"
    base = base_rubric(tmp_path / "base.xlsx")
    path = rewrite(base, tmp_path / "quoted.xlsx", {SHEET: lambda x: _append_row(x, cell)})
    with pytest.raises(TooLarge, match="第 101 行（A101）"):
        inspect_archive(path, replace(DEFAULT_LIMITS, max_rows=100))


@pytest.mark.parametrize(("room", "refused"), [(0, False), (-1, True)])
def test_content_cells_at_and_past_the_limit(tmp_path, room, refused):
    """Rows × columns up to the last holding content: CV2000 makes 2,000 × 100 cells, which
    calamine would allocate however empty they are."""
    path = with_cell(tmp_path, "CV2000")
    limits = replace(DEFAULT_LIMITS, max_cells=200_000 + room)
    inspect_at_limit(path, limits, refused, "共有 200,000 个单元格.*超过上限 199,999 个")
