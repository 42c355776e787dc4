"""The stage plan's finding kinds (registered in the one catalogue, `jiceng codes`)."""

from __future__ import annotations

from ...findings import kind

STAGES_OVERDUE = kind(
    "stages.overdue",
    "error",
    "{item}已逾期 {days} 天：应于{milestone}完成",
    "工作项的时间节点已过，仍未填写完成日期",
)
STAGES_NOT_STARTED_LATE = kind(
    "stages.not_started_late",
    "warning",
    "{item}未按期启动：应于{start}开始，已过 {days} 天，完成情况仍为“{progress}”",
    "阶段已开始（时间安排的起点已过），工作项的完成情况仍为未开始或未填写",
)
STAGES_DUE_SOON = kind(
    "stages.due_soon",
    "info",
    "{item}即将到期：{due}，{left}",
    "工作项的下一个时间节点在提醒天数之内",
)
STAGES_ITEM_MISSING = kind(
    "stages.item_missing",
    "error",
    "推进表缺少第{no}项工作“{work}”",
    "规格中的工作项在表中找不到",
)
STAGES_DEADLINE_UNPARSED = kind(
    "stages.deadline_unparsed",
    "warning",
    "{item}的时间安排{problem}",
    "时间安排无法识别，不能推算开始和截止日期",
)
STAGES_OWNER_MISSING = kind(
    "stages.owner_missing",
    "warning",
    "{item}未填写责任单位",
    "工作项没有责任单位",
)
STAGES_PROGRESS_UNKNOWN = kind(
    "stages.progress_unknown",
    "warning",
    "{item}的完成情况“{value}”无法识别，应为 {allowed}",
    "完成情况不是规格允许的词",
)
STAGES_DATE_INVALID = kind(
    "stages.date_invalid",
    "error",
    "{item}的完成日期“{value}”{problem}",
    "完成日期无法识别、早于计划年度或晚于检查日期",
)
STAGES_AS_OF_INVALID = kind(
    "stages.as_of_invalid",
    "warning",
    "基准日期“{value}”无法识别，已按{used}判断；请写成“年-月-日”格式的日期",
    "推进表上的“基准日期”单元格不是日期；未指定 --as-of 时按今天判断",
)
STAGES_DONE_WITHOUT_DATE = kind(
    "stages.done_without_date",
    "warning",
    "{item}标为已完成，但{missing}",
    "已完成的工作项缺少完成日期",
)
