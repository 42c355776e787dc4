"""The merged ranges of a workbook, counted against `Limits` before the cells are read.

A merged range costs nothing in the file (`<mergeCell ref="H30:ZZ20000"/>` is 28 bytes) and
nothing to calamine, but every check asks which range holds a cell: a hostile file can name
ranges of millions of cells, or hundreds of thousands of ranges. The guard counts them from
the sheet XML of an .xlsx before any parser runs; the reader counts them again, for every
format, from what calamine found, before our model indexes them (`model.MergeIndex`).
"""

from __future__ import annotations

import re

from ..limits import Limits
from .model import Merge, TooLarge, cell_ref

_CORNER = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def ref_area(ref: str) -> int | None:
    """Cells of a range reference ("H30:ZZ20000" → 13,890,078; "A1" → 1); None when it is
    no reference (the reader then finds no range there either)."""
    corners = []
    for part in ref.split(":"):
        match = _CORNER.fullmatch(part.strip())
        if match is None or len(corners) == 2:
            return None
        col = 0
        for ch in match.group(1).upper():
            col = col * 26 + ord(ch) - 64
        corners.append((int(match.group(2)), col))
    if not corners:
        return None
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


class MergeTally:
    """The merged ranges of all sheets of one file so far; raises TooLarge past a limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.count = 0
        self.area = 0

    def add(self, where: str, ref: str, area: int) -> None:
        """One merged range `ref` of `area` cells on `where` (工作表“…”)."""
        self.count += 1
        self.area += area
        if self.count > self.limits.max_merges or self.area > self.limits.max_merged_cells:
            self._refuse(where, ref)

    def add_merges(self, where: str, merges: list[Merge]) -> None:
        """The merged ranges a reader found on one sheet."""
        for m in merges:
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
