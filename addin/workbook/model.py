"""Plain data that adapters read from a workbook and the checks work on.

Nothing here imports a workbook library: a `SheetData` is a grid of cell values (cached
values for formulas), the merged ranges and, lazily, which formula cells have no cached value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Cell = tuple[int, int]  # 0-based (row, column)


def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → "D7"."""
    return f"{column_letter(col)}{row + 1}"


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> Cell:
    """ "D7" → (6, 3)."""
    match = _REF.match(ref.strip())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def is_ref(ref: str) -> bool:
    """Is `ref` one cell's address ("D7", "$D$7")?"""
    try:
        parse_ref(ref)
    except ValueError:
        return False
    return True


class Merge(NamedTuple):
    """A merged range, 0-based and inclusive. A named tuple: compared and hashed in C (a
    sheet's ranges are keys of the rubric's layout cache), built cheaply for every sheet."""

    top: int
    left: int
    bottom: int
    right: int

    def __contains__(self, cell: Cell) -> bool:
        r, c = cell
        return self.top <= r <= self.bottom and self.left <= c <= self.right


_SMALL = 32  # cells of a merged range the index lists one by one
_BLOCK = 6  # larger ranges are listed per block of 2**6 × 2**6 cells they touch


class MergeIndex:
    """Cell → the merged range holding it, in memory bounded by the number of ranges.

    A range of at most `_SMALL` cells (a title across a row, a category down a few rows: the
    ranges real templates have) has each cell in a dict, one look-up; a larger one (a whole
    column, or a hostile `H30:ZZ20000`) is listed under each 64 × 64 block it touches, and a
    look-up checks the few listed under the cell's block. Where ranges overlap (no writer
    makes that, a hostile file may) the one given last wins, as when every cell was listed.
    """

    __slots__ = ("_cells", "_blocks", "_merges", "_order", "get")

    def __init__(self, merges: list[Merge]) -> None:
        cells: dict[Cell, Merge] = {}
        blocks: dict[Cell, list[tuple[int, Merge]]] = {}
        for position, m in enumerate(merges):  # plain loops: faster than comprehensions
            if (m.bottom - m.top + 1) * (m.right - m.left + 1) > _SMALL:
                for br in range(m.top >> _BLOCK, (m.bottom >> _BLOCK) + 1):
                    for bc in range(m.left >> _BLOCK, (m.right >> _BLOCK) + 1):
                        blocks.setdefault((br, bc), []).append((position, m))
                continue
            if m.left == m.right:  # one column (a category's cells): the common case
                column = m.left
                for r in range(m.top, m.bottom + 1):
                    cells[r, column] = m
                continue
            for r in range(m.top, m.bottom + 1):
                for c in range(m.left, m.right + 1):
                    cells[r, c] = m
        self._cells = cells
        self._blocks = blocks
        # Only where a small and a large range overlap is the order asked for.
        self._merges = tuple(merges) if blocks else ()
        self._order: dict[int, int] | None = None
        self.get = cells.get if not blocks else self._get

    def __bool__(self) -> bool:
        return bool(self._cells) or bool(self._blocks)

    def _get(self, cell: Cell) -> Merge | None:
        found = self._cells.get(cell)
        listed = self._blocks.get((cell[0] >> _BLOCK, cell[1] >> _BLOCK))
        if not listed:
            return found
        r, c = cell
        for position, m in reversed(listed):
            if m.top <= r <= m.bottom and m.left <= c <= m.right:
                if found is None or position > self._position(found):
                    return m
                break
        return found

    def _position(self, merge: Merge) -> int:
        """Where a small range stands among the ranges given (the last, for equal ones)."""
        if self._order is None:
            self._order = {id(m): position for position, m in enumerate(self._merges)}
        return self._order[id(merge)]


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False
    _formula_blanks: Callable[[], frozenset[Cell]] | frozenset[Cell] = frozenset()
    _merge_index: MergeIndex | None = field(default=None, repr=False, compare=False)
    _known_formula_values: set[Cell] = field(default_factory=set, repr=False, compare=False)
    _errors: Callable[[], dict[Cell, str]] | dict[Cell, str] = field(default_factory=dict)
    # The top rows' labels, folded once for every kind's header search (`locate`); whoever
    # changes `rows` after a search sets it back to None.
    top_labels: list[dict[str, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        if row < 0 or col < 0:
            return None
        try:
            return self.rows[row][col]
        except IndexError:
            return None

    @property
    def merge_index(self) -> MergeIndex:
        """Which merged range holds a cell (built once, on first use)."""
        if self._merge_index is None:
            self._merge_index = MergeIndex(self.merges)
        return self._merge_index

    def merge_at(self, row: int, col: int) -> Merge | None:
        return self.merge_index.get((row, col))

    def anchor(self, row: int, col: int) -> Cell:
        """The top-left cell of the merged range holding (row, col), else the cell itself."""
        merge = self.merge_at(row, col)
        return (merge.top, merge.left) if merge else (row, col)

    def shown(self, row: int, col: int) -> Any:
        """The value a person sees at (row, col): merged cells show their anchor's value."""
        index = self._merge_index if self._merge_index is not None else self.merge_index
        merge = index.get((row, col))
        if merge is not None:
            row, col = merge.top, merge.left
        return self.value(row, col)

    def known_formula_value(self, row: int, col: int) -> None:
        """The cached result of this formula cell is known after all (from Jiceng's record)."""
        self._known_formula_values.add((row, col))

    def cell_error(self, row: int, col: int) -> str | None:
        """The error a cell shows (#DIV/0!, #N/A, ...): read as empty, but it is not empty."""
        if callable(self._errors):
            self._errors = self._errors()
        return self._errors.get((row, col))

    def formula_blanks(self) -> frozenset[Cell]:
        """Cells holding a formula with no cached value (read only when someone asks)."""
        if callable(self._formula_blanks):
            self._formula_blanks = self._formula_blanks()
        if self._known_formula_values:
            return self._formula_blanks - self._known_formula_values
        return self._formula_blanks


@dataclass
class WorkbookData:
    path: str
    sheets: list[SheetData]
    # The package's custom document properties (`docprops`), read with its cells: the stamp
    # of a distributed workbook is there. {} for a file that has none or is no package.
    properties: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def sheet(self, name: str) -> SheetData | None:
        return next((s for s in self.sheets if s.name == name), None)


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; `reason` is a Chinese sentence for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TooLarge(UnreadableWorkbook):
    """The file is beyond one of Jiceng's limits (`addin.limits`); it was not parsed."""
