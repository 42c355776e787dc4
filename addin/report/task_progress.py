"""Where the tasks stand across the inbox: every task-list file's tasks in one table, status
counts per file and for the college (overdue and due soon on 概览).

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

import pandas as pd

from .consolidated import general_branch
from .inbox_model import TaskProgress, TaskProgressFile, TaskProgressRow
from .model import Report

# Worst first: the order of the 任务进度 sheet and of the status columns.
STATUS_ORDER = ["overdue", "due_soon", "unknown", "on_track", "done_late", "done"]


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
    table = pd.DataFrame([r.model_dump() for r in rows])
    table["order"] = table["status"].map(STATUS_ORDER.index)
    # Most urgent first: overdue by days overdue, then due soon by date, each file's rows in order.
    table = table.sort_values(
        ["order", "days_overdue", "next_due", "file", "row"],
        ascending=[True, False, True, True, True],
        na_position="last",
        kind="stable",
    )
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
    by_key = {(r.file, r.row): r for r in rows}
    return TaskProgress(
        rows=[by_key[(r.file, r.row)] for r in table.itertuples()],
        files=files,
        counts={s: int(totals.get(s, 0)) for s in STATUS_ORDER if totals.get(s, 0)},
        overdue=int(totals.get("overdue", 0)),
        due_soon=int(totals.get("due_soon", 0)),
    )
