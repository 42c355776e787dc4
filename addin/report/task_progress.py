"""Where the tasks stand across the inbox: every task-list file's tasks in one table, status
counts per file and for the college (overdue and due soon on 概览); the same for the work
items of stage plans (项目推进表).

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

import pandas as pd

from .consolidated import declared_unit
from .inbox_model import (
    StageProgress,
    StageProgressRow,
    TaskProgress,
    TaskProgressFile,
    TaskProgressRow,
)
from .model import Report

# Worst first: the order of the 任务进度 sheet and of the status columns.
STATUS_ORDER = ["overdue", "due_soon", "unknown", "on_track", "done_late", "done"]
STAGE_STATUS_ORDER = ["overdue", "not_started_late", *STATUS_ORDER[1:]]


def task_progress(report: Report, excluded: set[str] = frozenset()) -> TaskProgress | None:
    """None when no counted file holds a task list."""
    rows = _counted_rows(report, "tasks", TaskProgressRow, excluded)
    if not rows:
        return None
    table, ordered, counts = _most_urgent_first(rows, STATUS_ORDER)
    per_file = pd.crosstab(table["file"], table["status"]).reindex(
        columns=STATUS_ORDER, fill_value=0
    )
    as_of = {f.path: f.as_of for f in report.files}
    units = dict(zip(table["file"], table["unit"], strict=False))
    files = [
        TaskProgressFile(
            unit=units[path],
            file=path,
            as_of=as_of.get(path),
            counts={s: int(n) for s, n in file_counts.items() if n},
        )
        for path, file_counts in per_file.iterrows()
    ]
    return TaskProgress(
        rows=ordered,
        files=files,
        counts=counts,
        overdue=counts.get("overdue", 0),
        due_soon=counts.get("due_soon", 0),
    )


def stage_progress(report: Report, excluded: set[str] = frozenset()) -> StageProgress | None:
    """The stage plans' work items across the inbox; None when no counted file holds one."""
    rows = _counted_rows(report, "stages", StageProgressRow, excluded)
    if not rows:
        return None
    _table, ordered, counts = _most_urgent_first(rows, STAGE_STATUS_ORDER)
    return StageProgress(
        rows=ordered,
        counts=counts,
        overdue=counts.get("overdue", 0) + counts.get("not_started_late", 0),
        due_soon=counts.get("due_soon", 0),
    )


def _counted_rows(report: Report, field: str, model: type, excluded: set[str]) -> list:
    """Every item of `field` (tasks, stages) of the counted files as a `model` row: the item's
    own fields that the row has, with the file and the 党总支 it names (a task list without a
    填报单位 says “（未注明）”: its file name is in the 文件 column already)."""
    own = set(model.model_fields) - {"unit", "file"}
    return [
        model(unit=declared_unit(file), file=file.path, **item.model_dump(include=own))
        for file in report.files
        if getattr(file, field) and file.path not in excluded
        for item in getattr(file, field)
    ]


def _most_urgent_first(rows: list, order: list[str]) -> tuple[pd.DataFrame, list, dict[str, int]]:
    """The rows as a table and as a list, worst status first: overdue by days overdue, then
    due soon by date, each file's rows in order; and the rows per status, in `order`."""
    table = pd.DataFrame([r.model_dump() for r in rows])
    table["order"] = table["status"].map(order.index)
    table = table.sort_values(
        ["order", "days_overdue", "next_due", "file", "row"],
        ascending=[True, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    by_key = {(r.file, r.row): r for r in rows}
    totals = table["status"].value_counts()
    counts = {s: int(totals[s]) for s in order if totals.get(s, 0)}
    return table, [by_key[(r.file, r.row)] for r in table.itertuples()], counts
