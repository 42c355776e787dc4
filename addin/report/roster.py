"""The roster (名单) against the inbox: who has not submitted, which branch is in no table.

A roster is a table with the columns 党总支 / 党支部 (an .xlsx read like any submission, or a
.csv in UTF-8 or GBK, as Excel in China saves it); the header may sit below a title, and a
党总支 cell merged over its branches (or left blank below) carries down. Names are matched
after `fold` (full-width characters, spaces); a near miss ("机电学院党总支" vs
"机电工程学院党总支") is shown as a suggestion, never merged. A file without a summary table
is named by its file name: it stands for the roster unit whose name the file name contains.

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from .. import findings as F
from ..cells import fold, fold_label, is_blank
from .consolidated import general_branch
from .inbox_model import RosterEntry, RosterReport, Suggestion
from .model import FileReport, Report

UNIT_LABEL = "党总支"
BRANCH_LABEL = "党支部"
# Optional: the committee member (党委委员) who 包扶 a branch; carried onto the 后进 rows of
# 薄弱环节与帮扶. A note in brackets (“包扶（党委委员）”) is ignored by `fold_label`.
BAOFU_LABEL = "包扶"
BAOFU_LABELS = (BAOFU_LABEL, "包扶党委委员", "包扶人")
SUGGEST_CUTOFF = 0.75  # difflib ratio; "机电学院党总支" vs "机电工程学院党总支" is 0.875
HEADER_SCAN_ROWS = 20


class RosterError(Exception):
    """A roster that cannot be used; the message is for the person who gave it."""


def read_roster(path: Path) -> pd.DataFrame:
    """The roster as a table of unit / branch (branch None for a unit listed alone)."""
    if not path.is_file():
        raise RosterError(f"找不到名单文件：{path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"):
        rows = _workbook_rows(path)
    else:
        raise RosterError(f"名单应为 .xlsx 或 .csv 文件：{path.name}")
    return _table(rows, path)


def _csv_rows(path: Path) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            frame = pd.read_csv(path, header=None, dtype=str, encoding=encoding)
            return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise RosterError(f"名单 {path.name} 无法读取：{exc}") from exc
    raise RosterError(f"名单 {path.name} 的编码无法识别，请另存为 UTF-8 的 CSV 或 .xlsx")


def _workbook_rows(path: Path) -> list[list[object]]:
    from ..workbook.calamine_reader import read_workbook
    from ..workbook.model import UnreadableWorkbook

    try:
        data, _ = read_workbook(path)
    except UnreadableWorkbook as exc:  # TooLarge included
        raise RosterError(f"名单 {path.name} 无法读取：{exc.reason}") from exc
    for sheet in data.sheets:
        if not sheet.hidden and _header_row(sheet.rows) is not None:
            return [list(row) for row in sheet.rows]
    return []


def _header_row(
    rows: list[list[object]],
) -> tuple[int, int, int | None, int | None] | None:
    """(row, 党总支 column, 党支部 column or None, 包扶 column or None) of the first row
    naming 党总支."""
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = [fold_label(v) if isinstance(v, str) else "" for v in row]
        unit = [c for c, label in enumerate(labels) if label in (UNIT_LABEL, "党总支名称")]
        branch = [c for c, label in enumerate(labels) if label in (BRANCH_LABEL, "党支部名称")]
        baofu = [c for c, label in enumerate(labels) if label in BAOFU_LABELS]
        if unit:
            return r, unit[0], branch[0] if branch else None, baofu[0] if baofu else None
    return None


def _table(rows: list[list[object]], path: Path) -> pd.DataFrame:
    found = _header_row(rows)
    if found is None:
        raise RosterError(f"名单 {path.name} 中没有“{UNIT_LABEL}”“{BRANCH_LABEL}”两列的表头")
    top, unit_col, branch_col, baofu_col = found
    records = []
    for row in rows[top + 1 :]:
        unit, branch, baofu = (
            row[c] if c is not None and c < len(row) else None
            for c in (unit_col, branch_col, baofu_col)
        )
        records.append(
            {
                "unit": None if is_blank(unit) else str(unit).strip(),
                "branch": None if is_blank(branch) else str(branch).strip(),
                "baofu": None if is_blank(baofu) else str(baofu).strip(),
            }
        )
    table = pd.DataFrame(records, columns=["unit", "branch", "baofu"])
    table = table.dropna(subset=["unit", "branch"], how="all")
    # A 党总支 merged over its branches reads as blank below its first row: carry it down.
    table["unit"] = table["unit"].ffill()
    table = table.dropna(subset=["unit"])
    if table.empty:
        raise RosterError(f"名单 {path.name} 中没有列出任何党总支")
    table["unit_key"] = table["unit"].map(fold)
    table["branch_key"] = table["branch"].map(lambda b: fold(b) if b else None)
    return table.drop_duplicates(subset=["unit_key", "branch_key"]).reset_index(drop=True)


def baofu_names(roster: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(folded 党总支, folded 党支部) → the 包扶 committee member the roster names."""
    named = roster.dropna(subset=["branch", "baofu"]) if "baofu" in roster else roster[:0]
    return {
        (row.unit_key, row.branch_key): row.baofu for row in named.itertuples() if row.branch_key
    }


def roster_unit_key(file: FileReport, roster: pd.DataFrame) -> str:
    """The roster unit a file stands for, folded (see `_unit_key`)."""
    return _unit_key(file, roster.drop_duplicates("unit_key")[["unit", "unit_key"]])


def submitted_branches(file: FileReport) -> list[str]:
    """Every branch a file names: its rubric sheets and its summary rows."""
    names = [b.name for b in file.branches]
    if file.summary is not None:
        names += [row.name for row in file.summary.rows if row.name]
    seen, unique = set(), []
    for name in names:
        if fold(name) and fold(name) not in seen:
            seen.add(fold(name))
            unique.append(name)
    return unique


def compare(
    report: Report, roster: pd.DataFrame, source: str, excluded: set[str] = frozenset()
) -> RosterReport:
    """The roster against the files that count (`excluded`: superseded resubmissions)."""
    units = roster.drop_duplicates("unit_key")[["unit", "unit_key"]]
    files = [
        f
        for f in report.files
        if f.path not in excluded and not _tasks_only(f) and f.status != "skipped"
    ]
    _misfiled(files, units)
    submitted = pd.DataFrame(
        [
            {"file": f.path, "unit": general_branch(f), "unit_key": _unit_key(f, units)}
            for f in files
        ],
        columns=["file", "unit", "unit_key"],
    )
    joined = submitted.merge(units, on="unit_key", how="left", suffixes=("", "_roster"))
    known = joined[joined["unit_roster"].notna()]
    unknown = joined[joined["unit_roster"].isna()]
    present_keys = set(known["unit_key"])
    missing_units = units[~units["unit_key"].isin(present_keys)]
    unknown_units = [
        RosterEntry(unit=unit, files=sorted(group["file"]))
        for unit, group in unknown.groupby("unit", sort=False)
    ]
    suggestions = _suggest(
        "unit", None, list(missing_units["unit"]), [e.unit for e in unknown_units]
    )

    branches = pd.DataFrame(
        [
            {"unit_key": row.unit_key, "file": row.file, "branch": name, "branch_key": fold(name)}
            for row in known.itertuples()
            for name in submitted_branches(_by_path(files, row.file))
        ],
        columns=["unit_key", "file", "branch", "branch_key"],
    )
    listed = roster.dropna(subset=["branch"])
    both = listed.merge(
        branches, on=["unit_key", "branch_key"], how="outer", indicator=True, suffixes=("", "_sub")
    )
    # Branches of a unit that sent nothing are not reported one by one (the unit is missing),
    # nor those of a unit the roster lists without branches.
    checked = present_keys & set(listed["unit_key"])
    both = both[both["unit_key"].isin(checked)]
    missing_b = both[both["_merge"] == "left_only"]
    extra_b = both[both["_merge"] == "right_only"]
    unit_name = dict(zip(units["unit_key"], units["unit"], strict=True))
    missing_branches = [
        RosterEntry(unit=unit_name[r.unit_key], branch=r.branch) for r in missing_b.itertuples()
    ]
    unknown_branches = [
        RosterEntry(
            unit=unit_name[key],
            branch=group["branch_sub"].iloc[0],
            files=sorted(set(group["file"])),
        )
        for (key, _), group in extra_b.groupby(["unit_key", "branch_key"], sort=False)
    ]
    for key in sorted(checked):
        suggestions += _suggest(
            "branch",
            unit_name[key],
            [e.branch for e in missing_branches if e.unit == unit_name[key]],
            [e.branch for e in unknown_branches if e.unit == unit_name[key]],
        )
    return RosterReport(
        source=source,
        units_expected=len(units),
        units_submitted=len(present_keys),
        branches_expected=len(listed),
        missing_units=list(missing_units["unit"]),
        unknown_units=unknown_units,
        missing_branches=missing_branches,
        unknown_branches=unknown_branches,
        suggestions=suggestions,
    )


def _misfiled(files: list[FileReport], units: pd.DataFrame) -> None:
    """A stamped file whose file name names another roster unit: counted for the unit of its
    stamp, with `stamp.unit_mismatch` on it (another unit's workbook sent under this name)."""
    names = dict(zip(units["unit_key"], units["unit"], strict=True))
    for file in files:
        if file.stamp is None:
            continue
        stem = fold(Path(file.path).stem)
        named = [k for k in names if k and k in stem]
        if not named:
            continue  # renamed to anything else: the stamp alone says whose it is
        key = max(named, key=len)
        if key != fold(file.stamp.unit):
            file.findings.append(F.STAMP_UNIT_MISMATCH(unit=file.stamp.unit, named=names[key]))
            file.status = "errors" if file.status == "ok" else file.status


def _tasks_only(file: FileReport) -> bool:
    """A task list is the department's own or any unit's; it says nothing about submission
    of the grades the roster is about."""
    return bool(file.tasks) and not file.branches and file.summary is None


def _unit_key(file: FileReport, units: pd.DataFrame) -> str:
    """The folded unit name; a file without a summary stands for the roster unit its file name
    contains (the longest, so 机电工程学院党总支 wins over 工程学院党总支), else the one its
    folder or zip names (第一党总支材料.zip/提交.xlsx)."""
    key = fold(general_branch(file))
    if file.stamp is not None:
        return key
    if file.summary is not None and file.summary.unit and fold(file.summary.unit):
        return key
    for name in (key, fold(file.path)):
        contained = [k for k in units["unit_key"] if k and k in name]
        if contained:
            return max(contained, key=len)
    return key


def _by_path(files: list[FileReport], path: str) -> FileReport:
    return next(f for f in files if f.path == path)


def _suggest(level: str, unit: str | None, roster: list, submitted: list) -> list[Suggestion]:
    """Each unmatched roster name with its closest unmatched submitted names."""
    found = []
    keys = {fold(s): s for s in submitted if s}
    for name in roster:
        if not name:
            continue
        for key in difflib.get_close_matches(fold(name), list(keys), n=3, cutoff=SUGGEST_CUTOFF):
            ratio = difflib.SequenceMatcher(None, fold(name), key).ratio()
            found.append(
                Suggestion(
                    level=level,
                    unit=unit,
                    roster=name,
                    submitted=keys[key],
                    similarity=round(ratio, 3),
                )
            )
    return found


__all__ = [
    "RosterError",
    "baofu_names",
    "compare",
    "read_roster",
    "roster_unit_key",
    "submitted_branches",
]
