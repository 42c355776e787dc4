"""Render what a 时间期限 text parses to (`jiceng due`): JSON for scripts, Chinese for people.

The next due date is the task list's: `deadline.next_due` over `deadline.milestones_of` with the
task spec's `cadence_from_month` (in the spec's year only: `from_year`), so `jiceng due 每月` and a
每月 row of a task list agree.
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


def due_data(
    deadline: Deadline, as_of: date, cadence_from_month: int = 1, from_year: int | None = None
) -> dict:
    """{"text", "milestones", "starts", "cadence", "next_due", "unparsed", "events"}: dates as
    YYYY-MM-DD; `starts[i]` is where milestone i's range begins (“3月上旬—4月中旬” → 03-01), else
    null.
    `cadence_from_month`: the task spec's (a cadence's periods count from that month), in
    `from_year` only (the spec's year) when given. "events": deadlines written as an event
    ({"event", "start"}), which give no date."""
    due = next_due(deadline, as_of, cadence_from_month, from_year=from_year)
    return {
        "text": deadline.text,
        "milestones": [m.end.isoformat() for m in deadline.milestones],
        "starts": [m.start.isoformat() if m.start else None for m in deadline.milestones],
        "cadence": deadline.cadence,
        "next_due": due.isoformat() if due else None,
        "unparsed": list(deadline.unparsed),
        "events": [
            {"event": e.name, "start": e.start.isoformat() if e.start else None}
            for e in deadline.events
        ],
    }


def due_json(
    deadline: Deadline, as_of: date, cadence_from_month: int = 1, from_year: int | None = None
) -> str:
    data = due_data(deadline, as_of, cadence_from_month, from_year)
    return json.dumps(data, ensure_ascii=False, indent=2)


def years_used(deadline: Deadline) -> list[int]:
    """The years the dates were actually put in: a year written in the text wins over the one
    it was read in (“2022年7月1日前” asked in 2026 is 2022); nothing dated: that year."""
    used = {m.end.year for m in deadline.milestones}
    if deadline.cadence:
        used.update(deadline.years or (deadline.year,))
    return sorted(used) or [deadline.year]


def read_as(deadline: Deadline) -> str:
    """“按 2026 年解读”, or with the text's own years “按时间期限中写明的 2022 年解读”."""
    used = years_used(deadline)
    shown = "、".join(str(y) for y in used)
    if used == [deadline.year]:
        return f"按 {shown} 年解读"
    return f"按时间期限中写明的 {shown} 年解读"


def due_text(
    deadline: Deadline, as_of: date, cadence_from_month: int = 1, from_year: int | None = None
) -> str:
    lines = [f"时间期限：{deadline.text}（{read_as(deadline)}，检查日期 {as_of.isoformat()}）"]
    if deadline.milestones:
        lines.append("时间节点：")
        for m in deadline.milestones:
            span = f"{m.start.isoformat()} 至 {m.end.isoformat()}" if m.start else m.end.isoformat()
            lines.append(f"  {span}（{m.label}）")
    else:
        lines.append("时间节点：无")
    cadence = CADENCE_LABEL.get(deadline.cadence or "", "无")
    if deadline.cadence:
        late_start = cadence_from_month > 1 and (from_year is None or from_year in deadline.years)
        where = f"{from_year}年" if from_year else ""
        since = f"，{where}自{cadence_from_month}月起" if late_start else ""
        cadence += f"（每个周期结束前为一个截止日期{since}）"
    lines.append(f"周期：{cadence}")
    for event in deadline.events:
        start = f"，自 {event.start.isoformat()} 起" if event.start else ""
        lines.append(f"事件：以“{event.name}”为准{start}，无法推算日期")
    due = next_due(deadline, as_of, cadence_from_month, from_year=from_year)
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
