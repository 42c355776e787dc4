"""The merged ranges of a workbook, counted against `Limits` before the cells are read.

A merged range costs nothing in the file (`<mergeCell ref="H30:ZZ20000"/>` is 28 bytes) and
nothing to calamine, but every check asks which range holds a cell: a hostile file can name
ranges of millions of cells, or hundreds of thousands of ranges. The guard counts them from
the sheet XML of an .xlsx before any parser runs; the reader counts them again, for every
format, from what calamine found, before our model indexes them (`model.MergeIndex`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..limits import Limits
from .model import Merge, TooLarge, cell_ref

_RANGE = re.compile(
    rb"\s*\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?\s*"
)


@lru_cache(maxsize=4096)  # submissions of one template repeat the same ranges
def ref_area(ref: bytes | str) -> int | None:
    """Cells of a range reference ("H30:ZZ20000" → 13,879,845; "A1" → 1); None when it is
    no reference (the reader then finds no range there either)."""
    match = _RANGE.fullmatch(ref.encode("ascii", "replace") if isinstance(ref, str) else ref)
    if match is None:
        return None
    left, top, right, bottom = match.groups()
    if right is None:
        return 1
    rows = abs(int(bottom) - int(top)) + 1
    return rows * (abs(_column(right) - _column(left)) + 1)


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


class MergeTally:
    """The merged ranges of all sheets of one file so far; raises TooLarge past a limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.count = 0
        self.area = 0

    def fits(self, count: int, area: int) -> bool:
        """Whether `count` more ranges of `area` cells in all stay within the limits."""
        return (
            self.count + count <= self.limits.max_merges
            and self.area + area <= self.limits.max_merged_cells
        )

    def add(self, where: str, ref: bytes, area: int) -> None:
        """One merged range `ref` (as the sheet XML has it) of `area` cells on `where`."""
        self.count += 1
        self.area += area
        if self.count > self.limits.max_merges or self.area > self.limits.max_merged_cells:
            self._refuse(where, ref.decode("ascii", "replace"))

    def add_merges(self, where: str, merges: list[Merge]) -> None:
        """The merged ranges a reader found on one sheet."""
        area = sum((m.bottom - m.top + 1) * (m.right - m.left + 1) for m in merges)
        if self.fits(len(merges), area):
            self.count += len(merges)
            self.area += area
            return
        for m in merges:  # one by one, to name the range past the limit
            self.count += 1
            self.area += (m.bottom - m.top + 1) * (m.right - m.left + 1)
            if self.count > self.limits.max_merges or self.area > self.limits.max_merged_cells:
                self._refuse(where, f"{cell_ref(m.top, m.left)}:{cell_ref(m.bottom, m.right)}")

    def _refuse(self, where: str, ref: str) -> None:
        if self.count > self.limits.max_merges:
            raise TooLarge(
                f"各工作表共有超过 {self.limits.max_merges:,} 个合并区域（至{where}的 {ref}），"
                "超过上限，未读取"
            )
        if self.area > self.limits.max_merged_cells:
            raise TooLarge(
                f"各工作表合并单元格的总面积达 {self.area:,} 个单元格（至{where}的合并区域 "
                f"{ref}），超过上限 {self.limits.max_merged_cells:,} 个，未读取；如是误合并，"
                "请取消该合并后重新提交"
            )
