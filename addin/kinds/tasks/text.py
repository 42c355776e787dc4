"""The task list part of the Chinese text report: a count per status, then one line per task."""

from __future__ import annotations

from collections import Counter

from ...cells import clip
from ...task_status import STATUS_LABEL
from .model import TaskResult

# Most urgent first: what the organization department must chase comes at the top.
_ORDER = ["overdue", "due_soon", "done_late", "unknown", "on_track", "done"]


def task_lines(tasks: list[TaskResult] | None) -> list[str]:
    if not tasks:
        return []
    counts = Counter(t.status for t in tasks)
    summary = "，".join(f"{STATUS_LABEL[s]} {counts[s]}" for s in _ORDER if counts[s])
    lines = [f"  ◆ 任务清单：共 {len(tasks)} 项，{summary}"]
    for t in tasks:
        no = f"{t.no}." if t.no is not None else f"第{t.row}行"
        status = STATUS_LABEL[t.status]
        if t.status == "overdue":
            status += f" {t.days_overdue} 天"
        elif t.status == "done_late":
            status += f"（晚 {t.days_overdue} 天）"
        due = f"截止 {t.next_due.isoformat()}" if t.next_due else "截止 —"
        deadline = clip(t.deadline_text, 40) if t.deadline_text else "（空）"
        owner = t.owner or "（空）"
        lines.append(f"    {no} {t.task}｜时间期限 {deadline}｜{due}｜{status}｜责任人 {owner}")
    return lines


def statuses_sentence(tasks: list[TaskResult]) -> str:
    """The 刷新任务状态 button's words: “已逾期 1 项，即将到期 2 项”."""
    counts = Counter(t.status for t in tasks)
    order = ["overdue", "due_soon", "done_late", "done", "on_track", "unknown"]
    return "，".join(f"{STATUS_LABEL[s]} {counts[s]} 项" for s in order if counts[s]) or "无任务"
