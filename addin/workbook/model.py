"""Plain data that adapters read from a workbook and the checks work on.

Nothing here imports a workbook library: a `SheetData` is a grid of cell values (cached
values for formulas), the merged ranges and, lazily, which formula cells have no cached value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class Merge:
    top: int
    left: int
    bottom: int
    right: int

    def __contains__(self, cell: Cell) -> bool:
        r, c = cell
        return self.top <= r <= self.bottom and self.left <= c <= self.right


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False
    _formula_blanks: Callable[[], frozenset[Cell]] | frozenset[Cell] = frozenset()
    _merge_index: dict[Cell, Merge] | None = field(default=None, repr=False, compare=False)
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
    def merge_index(self) -> dict[Cell, Merge]:
        """Every cell inside a merged range → that range (built once, on first use)."""
        if self._merge_index is None:
            index: dict[Cell, Merge] = {}
            for m in self.merges:  # plain loops: faster than a nested comprehension
                if m.left == m.right:  # one column (a category's cells): the common case
                    column = m.left
                    for r in range(m.top, m.bottom + 1):
                        index[r, column] = m
                    continue
                for r in range(m.top, m.bottom + 1):
                    for c in range(m.left, m.right + 1):
                        index[r, c] = m
            self._merge_index = index
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
        merge = index.get((row, col)) if index else None
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
