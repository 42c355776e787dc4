"""The stage plan in the text report, and the 刷新任务状态 button's words about it."""

from __future__ import annotations

from collections import Counter

from ...cells import clip
from .check import status_label
from .model import StageResult

# Most urgent first, as in the task list.
_ORDER = ["overdue", "not_started_late", "due_soon", "done_late", "unknown", "on_track", "done"]


def counts_text(items: list[StageResult], unit: str = "") -> str:
    counts = Counter(i.status for i in items)
    return "，".join(f"{status_label(s)} {counts[s]}{unit}" for s in _ORDER if counts[s])


def stage_lines(items: list[StageResult] | None) -> list[str]:
    if not items:
        return []
    lines = [f"  ◆ 推进表：共 {len(items)} 项，{counts_text(items)}"]
    stage = None
    for i in items:
        if i.stage != stage:
            stage = i.stage
            lines.append(f"    【{stage or '（未写阶段）'}】")
        no = f"{i.no}." if i.no is not None else f"第{i.row}行"
        status = status_label(i.status)
        if i.status in ("overdue", "not_started_late"):
            status += f" {i.days_overdue} 天"
        start = f"开始 {i.start.isoformat()}｜" if i.start else ""
        due = f"截止 {i.next_due.isoformat()}" if i.next_due else "截止 —"
        lines.append(
            f"      {no} {clip(i.work, 30)}｜时间 {i.time_text or '（空）'}｜{start}{due}｜"
            f"{status}｜责任单位 {i.owner or '（空）'}"
        )
    return lines
