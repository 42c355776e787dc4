"""Render what a 时间期限 text parses to (`jiceng due`): JSON for scripts, Chinese for people.

The next due date is the task list's: `deadline.next_due` over `deadline.milestones_of` with the
task spec's `cadence_from_month`, so `jiceng due 每月` and a 每月 row of a task list agree.
"""

from __future__ import annotations

import json
from datetime import date

from ..deadline import Deadline, next_due

CADENCE_LABEL = {
    "monthly": "每月",
    "quarterly": "每季度",
    "half_yearly": "每半年",
    "yearly": "每年",
}


def due_data(deadline: Deadline, as_of: date, cadence_from_month: int = 1) -> dict:
    """{"text", "milestones", "starts", "cadence", "next_due", "unparsed"}: dates as YYYY-MM-DD;
    `starts[i]` is where milestone i's range begins (“3月上旬—4月中旬” → 03-01), else null.
    `cadence_from_month`: the task spec's (a cadence's periods count from that month)."""
    due = next_due(deadline, as_of, cadence_from_month)
    return {
        "text": deadline.text,
        "milestones": [m.end.isoformat() for m in deadline.milestones],
        "starts": [m.start.isoformat() if m.start else None for m in deadline.milestones],
        "cadence": deadline.cadence,
        "next_due": due.isoformat() if due else None,
        "unparsed": list(deadline.unparsed),
    }


def due_json(deadline: Deadline, as_of: date, cadence_from_month: int = 1) -> str:
    return json.dumps(due_data(deadline, as_of, cadence_from_month), ensure_ascii=False, indent=2)


def due_text(deadline: Deadline, as_of: date, cadence_from_month: int = 1) -> str:
    lines = [
        f"时间期限：{deadline.text}（按 {deadline.year} 年解读，检查日期 {as_of.isoformat()}）"
    ]
    if deadline.milestones:
        lines.append("时间节点：")
        for m in deadline.milestones:
            span = f"{m.start.isoformat()} 至 {m.end.isoformat()}" if m.start else m.end.isoformat()
            lines.append(f"  {span}（{m.label}）")
    else:
        lines.append("时间节点：无")
    cadence = CADENCE_LABEL.get(deadline.cadence or "", "无")
    if deadline.cadence:
        since = f"，自{cadence_from_month}月起" if cadence_from_month > 1 else ""
        cadence += f"（每个周期结束前为一个截止日期{since}）"
    lines.append(f"周期：{cadence}")
    due = next_due(deadline, as_of, cadence_from_month)
    if due is None:
        lines.append(
            "下一个截止日期：无（所有节点都已过去）" if deadline.ok else "下一个截止日期：无"
        )
    else:
        left = (due - as_of).days
        lines.append(
            f"下一个截止日期：{due.isoformat()}（{'今天' if left == 0 else f'还有 {left} 天'}）"
        )
    if deadline.unparsed:
        pieces = "、".join(f"“{p}”" for p in deadline.unparsed)
        lines.append(f"无法识别：{pieces}（不会据此推算日期，请改用“5月底”“6月30日前”等写法）")
    elif not deadline.ok:
        lines.append("没有可识别的时间期限")
    return "\n".join(lines)
