"""The stamp a distributed workbook carries, and what the batch learns from it.

`jiceng distribute` writes custom document properties (`workbook/docprops.py`): which unit the
workbook was sent to, the template (form) version, the specs and a hash of them, the roster's
hash, the dates. Beside them, on a very hidden sheet the secretary cannot see or unhide, it
lists every locked cell with what it held when sent; a hash of that list is in the stamp, so a
list edited to match an edited sheet is found as well.

Reading back: `read_stamp` (properties only, from the zip) and `stamp_findings` (pure: the
stamp, the workbook's cells and the specs in force → findings).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from . import __version__
from . import findings as F
from .cells import fold
from .findings import Finding
from .workbook.model import WorkbookData, parse_ref

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

    from .form import FormSheet
    from .spec import SpecSet

FORM_VERSION = 1  # raise when the layout of the distributed sheets changes
MAX_FORM = 999_999  # a stated form version above this is not one Jiceng wrote
PREFIX = "jiceng."
SENT_SHEET = "jiceng_sent"
SENT_HEADER = ("工作表", "单元格", "下发时的内容", "类型")
LOCKED, FORMULA = "锁定", "公式"  # a locked cell with its content; a cell with a live formula
MAX_RECORD_ROWS = 20_000  # a roster of 60 branches sends about 9,000 locked cells
MAX_EDITED_PER_SHEET = 20  # then one finding says how many more (rows inserted shift all)

Cell = tuple[str, str, Any]  # sheet, "D5", value


class Stamp(BaseModel):
    """What a distributed workbook says about itself (report.json: `stamp` of a file)."""

    unit: str = Field(description="the 党总支 the workbook was sent to")
    form: int = Field(default=FORM_VERSION, description="template (form) version")
    version: str = Field(default=__version__, description="Jiceng version that wrote it")
    specs: str = Field(default="", description="ids of the specs it was made from")
    spec_hash: str = ""
    roster_hash: str = ""
    sent: str = Field(default="", description="date sent, YYYY-MM-DD")
    deadline: str = ""
    cells_hash: str = Field(default="", description="hash of the list of locked cells as sent")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def spec_hash(specs: SpecSet) -> str:
    return _spec_hash(tuple(s.model_dump_json() for s in sorted(specs.specs, key=lambda s: s.id)))


@lru_cache(maxsize=8)
def _spec_hash(dumps: tuple[str, ...]) -> str:
    return _digest("\n".join(dumps))


def roster_hash(units: Iterable[tuple[str, Sequence[str]]]) -> str:
    """The roster as distributed: units and branches, folded, in order."""
    return _digest(json.dumps([[fold(u), [fold(b) for b in bs]] for u, bs in units]))


def _canonical(value: Any) -> str:
    """A cell value as both sides hash it: openpyxl writes 5, calamine reads 5.0."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
        return str(exact)
    return fold(value)


def cells_hash(
    cells: Iterable[Cell], formulas: Iterable[tuple[str, str]] = (), unit: str = ""
) -> str:
    """The hash of the record; the stamp's unit (folded) is sealed into it, since the batch
    counts a file for the unit its stamp names before anything else."""
    lines = [f"{s}\t{c}\t{_canonical(v)}" for s, c, v in cells]
    lines += [f"{s}\t{c}\t{FORMULA}" for s, c in formulas]
    lines.append(f"\t\t{fold(unit)}")
    return _digest("\n".join(lines))


# --- writing (distribute) ---------------------------------------------------------------------


def sent_cells(wb: Workbook, forms: Sequence[FormSheet]) -> list[Cell]:
    """Every locked cell with content of the form sheets, formulas aside (their values are
    checked against Jiceng's own computation by the kinds)."""
    cells: list[Cell] = []
    for form in forms:
        ws = wb[form.sheet]
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is None or not cell.protection.locked or cell.data_type == "f":
                    continue
                cells.append((ws.title, cell.coordinate, value))
    return cells


def formula_cells(forms: Sequence[FormSheet]) -> list[tuple[str, str]]:
    """The cells whose formulas compute live (the Excel buttons leave them alone)."""
    return [(form.sheet, ref) for form in forms for ref in form.formulas]


def write_stamp(
    wb: Workbook, stamp: Stamp, cells: list[Cell], formulas: list[tuple[str, str]]
) -> Stamp:
    """Put the record sheet (very hidden) and the stamp's properties into `wb`."""
    from .workbook.docprops import set_properties

    record = wb.create_sheet(SENT_SHEET)
    record.append(SENT_HEADER)
    for sheet, ref, value in cells:
        record.append((sheet, ref, value, LOCKED))
    for sheet, ref in formulas:
        record.append((sheet, ref, None, FORMULA))
    for row in record.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # a name such as “=支部” stays text here too
                cell.data_type = "s"
    record.sheet_state = "veryHidden"
    record.protection.sheet = True
    stamp = stamp.model_copy(update={"cells_hash": cells_hash(cells, formulas, stamp.unit)})
    set_properties(wb, {PREFIX + k: v for k, v in stamp.model_dump().items()})
    return stamp


# --- reading (check, batch) -------------------------------------------------------------------


def read_stamp(path: Path | str) -> Stamp | None:
    """The stamp of a file; None when it has none (or it is not a package)."""
    from .workbook.docprops import read_properties

    props = read_properties(path)
    return stamp_of(props)


def stamp_of(props: dict[str, Any]) -> Stamp | None:
    fields = {k.removeprefix(PREFIX): v for k, v in props.items() if k.startswith(PREFIX)}
    if not isinstance(fields.get("unit"), str) or not fields["unit"].strip():
        return None
    known = {k: v for k, v in fields.items() if k in Stamp.model_fields}
    form = form_number(known.get("form"))
    text = {k: str(v)[:500] for k, v in known.items() if k != "form"}
    return Stamp(**{**text, "form": form})


def form_number(value: Any) -> int:
    """The form version a stamp states: a whole number from 1 to MAX_FORM written as a
    number or as text (WPS may keep it as text); anything else (a decimal, yes/no, infinity,
    4,000 digits typed under 文件 → 属性) is 0, another form."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 6:
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 1 <= value <= MAX_FORM else 0


def stamp_findings(stamp: Stamp, data: WorkbookData, specs: SpecSet) -> list[Finding]:
    """What the stamp says is wrong with a returned workbook: another version, other specs,
    the record of what was sent changed, a sheet gone, a locked cell edited."""
    found: list[Finding] = []
    sent = stamp.sent or "此前"
    if stamp.form != FORM_VERSION:
        found.append(
            F.STAMP_OTHER_FORM(
                sent=sent, form=stamp.form, version=stamp.version, current=FORM_VERSION
            )
        )
    if stamp.spec_hash != spec_hash(specs):
        found.append(F.STAMP_OTHER_SPECS(sent=sent, specs=stamp.specs or "未记录"))
    record = data.sheet(SENT_SHEET)
    if record is None:
        return [*found, F.STAMP_RECORD_EDITED(problem="下发记录不在文件中")]
    cells, formulas = recorded(record.rows)
    if cells_hash(cells, formulas, stamp.unit) != stamp.cells_hash:
        return [*found, F.STAMP_RECORD_EDITED(problem="下发记录的摘要不符")]
    return found + _edited(cells, data)


def recorded(rows: list[list[Any]]) -> tuple[list[Cell], list[tuple[str, str]]]:
    """The record sheet's rows: locked cells with their content, and the formula cells."""
    cells, formulas = [], []
    for line in rows[1 : MAX_RECORD_ROWS + 1]:
        sheet, ref, value, kind = (list(line) + [None] * 4)[:4]
        if sheet in (None, "") or ref in (None, ""):
            continue
        if kind == FORMULA:
            formulas.append((str(sheet), str(ref)))
        else:
            cells.append((str(sheet), str(ref), value))
    return cells, formulas


def live_formulas(data: WorkbookData) -> set[tuple[str, str]]:
    """(sheet, "D23") of every cell a distributed workbook computes with a formula; empty for
    any other workbook. The Excel buttons write no value there."""
    record = data.sheet(SENT_SHEET)
    return set(recorded(record.rows)[1]) if record is not None else set()


def _edited(cells: list[Cell], data: WorkbookData) -> list[Finding]:
    found: list[Finding] = []
    missing: set[str] = set()
    per_sheet: dict[str, int] = {}
    for name, ref, expected in cells:
        sheet = data.sheet(name)
        if sheet is None:
            if name not in missing:
                missing.add(name)
                found.append(F.STAMP_SHEET_MISSING(name=name))
            continue
        try:
            r, c = parse_ref(ref)
        except ValueError:
            continue
        value = sheet.value(r, c)
        if _canonical("" if value is None else value) == _canonical(expected):
            continue
        per_sheet[name] = per_sheet.get(name, 0) + 1
        if per_sheet[name] <= MAX_EDITED_PER_SHEET:
            found.append(F.STAMP_CELL_EDITED(sheet=name, cell=ref, value=value, expected=expected))
    for name, count in per_sheet.items():
        if count > MAX_EDITED_PER_SHEET:
            found.append(F.STAMP_CELLS_EDITED_MORE(sheet=name, count=count - MAX_EDITED_PER_SHEET))
    return found


__all__ = [
    "FORM_VERSION",
    "SENT_SHEET",
    "Stamp",
    "cells_hash",
    "formula_cells",
    "live_formulas",
    "read_stamp",
    "roster_hash",
    "sent_cells",
    "spec_hash",
    "stamp_findings",
    "write_stamp",
]
