"""Resubmissions: one 党总支 in several files of the same kind.

The rule (README, 重复提交): files are grouped by their 党总支 (the summary's 填报单位, else
the file name; compared after `fold`) and by what they hold — 定级材料 (summary or rubric
sheets) or 任务清单. In a group, the file with the later 填报日期 counts when every file has
one and one date is the latest; otherwise the later file modification time decides (then the
later path, so a rerun decides the same). The others are still checked and their findings
listed, but their branches and tasks are not counted; each gets `batch.duplicate_unit`.

Batch front end only (pandas); never imported by the checks.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from .. import findings as F
from ..cells import fold
from .consolidated import general_branch
from .inbox_model import Duplicate
from .model import FileReport, Report

KIND_LABEL = {"grades": "定级材料（汇总表或评分表）", "tasks": "任务清单"}
RULE_LABEL = {"filed_on": "较晚的填报日期", "modified": "较晚的文件修改时间"}


def content_kind(file: FileReport) -> str | None:
    """What a file contributes to the counts: grades, tasks, or nothing (unreadable, no
    template) — a file that counts nothing cannot supersede another."""
    if file.branches or file.summary is not None:
        return "grades"
    if file.tasks:
        return "tasks"
    return None


def find_duplicates(report: Report, modified: dict[str, datetime]) -> list[Duplicate]:
    """`modified`: file path (as in the report) → its modification time."""
    rows = [
        {
            "path": file.path,
            "unit": general_branch(file),
            "key": fold(general_branch(file)),
            "kind": content_kind(file),
            "filed_on": file.filed_on,
            "modified": modified.get(file.path, datetime.min),
        }
        for file in report.files
    ]
    table = pd.DataFrame(rows, columns=["path", "unit", "key", "kind", "filed_on", "modified"])
    table = table[table["kind"].notna()]
    duplicates = []
    for (_, kind), group in table.groupby(["key", "kind"], sort=False):
        if len(group) < 2:
            continue
        rule = _rule(group)
        ordered = group.sort_values([rule, "path"], ascending=False, kind="stable")
        counted = ordered.iloc[0]
        duplicates.append(
            Duplicate(
                unit=str(counted["unit"]),
                kind=kind,
                counted=str(counted["path"]),
                superseded=[str(p) for p in ordered["path"].iloc[1:]],
                rule=rule,
                dates={str(r["path"]): _shown(r[rule]) for _, r in group.iterrows()},
            )
        )
    return duplicates


def _rule(group: pd.DataFrame) -> str:
    filed = group["filed_on"]
    if filed.notna().all() and (filed == filed.max()).sum() == 1:
        return "filed_on"
    return "modified"


def _shown(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat() if value is not None else ""


def mark_superseded(report: Report, duplicates: list[Duplicate]) -> list[str]:
    """Add `batch.duplicate_unit` to each superseded file; return their paths."""
    by_path = {file.path: file for file in report.files}
    excluded = []
    for dup in duplicates:
        for path in dup.superseded:
            file = by_path[path]
            file.findings.append(
                F.BATCH_DUPLICATE_UNIT(
                    unit=dup.unit,
                    what=KIND_LABEL[dup.kind],
                    this=path,
                    counted=dup.counted,
                    rule=RULE_LABEL[dup.rule],
                )
            )
            excluded.append(path)
    return excluded
