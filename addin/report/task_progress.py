"""Where the tasks stand across the inbox: every task-list file's tasks in one table, status
counts per file and for the college (overdue and due soon on 概览); the same for the work
items of stage plans (项目推进表).

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

import pandas as pd

from .consolidated import general_branch
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
    rows = [
        TaskProgressRow(
            unit=general_branch(file),
            file=file.path,
            row=t.row,
            no=t.no,
            task=t.task,
            status=t.status,
            deadline_text=t.deadline_text,
            next_due=t.next_due,
            days_overdue=t.days_overdue,
            owner=t.owner,
        )
        for file in report.files
        if file.tasks and file.path not in excluded
        for t in file.tasks
    ]
    if not rows:
        return None
    table, ordered = _most_urgent_first(rows, STATUS_ORDER)
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
            counts={s: int(n) for s, n in counts.items() if n},
        )
        for path, counts in per_file.iterrows()
    ]
    totals = table["status"].value_counts()
    return TaskProgress(
        rows=ordered,
        files=files,
        counts={s: int(totals.get(s, 0)) for s in STATUS_ORDER if totals.get(s, 0)},
        overdue=int(totals.get("overdue", 0)),
        due_soon=int(totals.get("due_soon", 0)),
    )


def stage_progress(report: Report, excluded: set[str] = frozenset()) -> StageProgress | None:
    """The stage plans' work items across the inbox; None when no counted file holds one."""
    rows = [
        StageProgressRow(
            unit=general_branch(file),
            file=file.path,
            row=s.row,
            no=s.no,
            stage=s.stage,
            work=s.work,
            status=s.status,
            time_text=s.time_text,
            start=s.start,
            next_due=s.next_due,
            days_overdue=s.days_overdue,
            owner=s.owner,
        )
        for file in report.files
        if file.stages and file.path not in excluded
        for s in file.stages
    ]
    if not rows:
        return None
    table, ordered = _most_urgent_first(rows, STAGE_STATUS_ORDER)
    totals = table["status"].value_counts()
    late = int(totals.get("overdue", 0)) + int(totals.get("not_started_late", 0))
    return StageProgress(
        rows=ordered,
        counts={s: int(totals.get(s, 0)) for s in STAGE_STATUS_ORDER if totals.get(s, 0)},
        overdue=late,
        due_soon=int(totals.get("due_soon", 0)),
    )


def _most_urgent_first(rows: list, order: list[str]) -> tuple[pd.DataFrame, list]:
    """The rows as a table and as a list, worst status first: overdue by days overdue, then
    due soon by date, each file's rows in order."""
    table = pd.DataFrame([r.model_dump() for r in rows])
    table["order"] = table["status"].map(order.index)
    table = table.sort_values(
        ["order", "days_overdue", "next_due", "file", "row"],
        ascending=[True, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    by_key = {(r.file, r.row): r for r in rows}
    return table, [by_key[(r.file, r.row)] for r in table.itertuples()]
