"""The batch sections (`BatchSections`) as plain tables for the report workbook: 概览 lines,
任务进度, 阶段进度, 名单核对, 重复提交, 年度对比. No pandas here: the joins are done already."""

from __future__ import annotations

from ..kinds.stages.check import status_label
from ..task_status import STATUS_LABEL
from .consolidated import UNKNOWN_GRADE
from .inbox_model import BatchSections, SupportReport, YearOverYear
from .model import Report

KIND_LABEL = {"grades": "定级材料", "tasks": "任务清单"}
RULE_TEXT = {"filed_on": "填报日期较晚", "modified": "文件修改时间较晚"}
SOURCE_LABEL = {"typed": "汇总表手填", "last_report": "上年报告", "none": "无"}


def overview_lines(report: Report) -> list[list[object]]:
    """Lines of 概览 about the inbox as a whole (dates, roster, resubmissions, tasks)."""
    batch = report.batch
    if batch is None:
        return []
    lines: list[list[object]] = [
        ["检查日期", batch.checked_on.isoformat()],
        ["基准日期（任务清单按此判断逾期）", base_date(report)],
    ]
    if batch.interrupted is not None:
        stopped = batch.interrupted
        # the files not checked are listed in the 文件 sheet as 未检查（已中断）
        lines.append(["已中断：已检查的文件 / 全部文件", f"{stopped.checked}/{stopped.files}"])
        if stopped.notices_not_written:
            lines.append(["已中断：未写出整改通知的单位", "、".join(stopped.notices_not_written)])
        if stopped.notice_pdfs_not_made:
            lines.append(["已中断：未生成 PDF 的整改通知", stopped.notice_pdfs_not_made])
    if batch.roster is not None:
        roster = batch.roster
        lines += [
            ["名单中的党总支数", roster.units_expected],
            ["已提交的党总支数", roster.units_submitted],
            ["未提交的党总支数", len(roster.missing_units)],
            ["名单中未出现在任何表中的党支部数", len(roster.missing_branches)],
            [
                "不在名单中的党总支 / 党支部数",
                len(roster.unknown_units) + len(roster.unknown_branches),
            ],
        ]
    if batch.duplicates:
        lines.append(["重复提交（只计入一份）", len(batch.duplicates)])
    if batch.tasks is not None:
        lines += [
            ["任务数", len(batch.tasks.rows)],
            ["已逾期任务数", batch.tasks.overdue],
            ["即将到期任务数", batch.tasks.due_soon],
        ]
    if batch.stages is not None:
        lines += [
            ["推进表工作项数", len(batch.stages.rows)],
            ["已逾期或未按期启动的工作项数", batch.stages.overdue],
            ["即将到期的工作项数", batch.stages.due_soon],
        ]
    if batch.support is not None:
        support = batch.support
        lines += [
            ["薄弱环节与帮扶：列出的党支部数", len(support.branches)],
            ["其中已推荐帮扶党支部的", sum(1 for b in support.branches if b.partner)],
        ]
    if batch.year_over_year is not None:
        yoy = batch.year_over_year
        lines += [
            ["晋位升级的党支部数", yoy.moved_up],
            ["后进转化率（全院）", yoy.college.rate],
            ["后进转化率目标", yoy.target],
        ]
    return lines


def base_date(report: Report) -> str:
    """The 基准日期 the task lists (and stage plans) were judged on, and where it came from."""
    batch = report.batch
    if batch is None or (batch.tasks is None and batch.stages is None):
        return "（没有任务清单）"
    if batch.as_of is not None:
        return f"{batch.as_of.isoformat()}（--as-of 指定）"
    dated = [
        (f.path, f.as_of)
        for f in report.files
        if (f.tasks or f.stages) and f.path not in batch.excluded
    ]
    days = sorted({day for _, day in dated if day is not None})
    if len(days) == 1:
        day = days[0]
        if day == batch.checked_on:
            return f"{day.isoformat()}（未指定，按检查日期）"
        return f"{day.isoformat()}（任务清单中的基准日期）"
    return "各任务清单不同：" + "；".join(
        f"{path} {day.isoformat() if day else '—'}" for path, day in dated
    )


def task_rows(batch: BatchSections) -> list[list[object]]:
    if batch.tasks is None:
        return []
    return [
        [
            r.unit,
            r.file,
            r.no,
            r.task,
            STATUS_LABEL.get(r.status, r.status),
            r.next_due,
            r.days_overdue or None,
            r.deadline_text,
            r.owner,
        ]
        for r in batch.tasks.rows
    ]


def stage_rows(batch: BatchSections) -> list[list[object]]:
    if batch.stages is None:
        return []
    return [
        [
            r.unit,
            r.file,
            r.stage,
            r.no,
            r.work,
            status_label(r.status),
            r.start,
            r.next_due,
            r.days_overdue or None,
            r.time_text,
            r.owner,
        ]
        for r in batch.stages.rows
    ]


STAGE_HEADER = [
    "党总支",
    "文件",
    "阶段",
    "序号",
    "工作",
    "状态",
    "开始日期",
    "截止日期",
    "逾期天数",
    "时间安排",
    "责任单位",
]


TASK_HEADER = [
    "党总支",
    "文件",
    "序号",
    "任务",
    "状态",
    "截止日期",
    "逾期天数",
    "时间期限",
    "责任人",
]


ROSTER_HEADER = ["情况", "党总支", "党支部", "文件", "说明"]


def roster_rows(batch: BatchSections) -> list[list[object]]:
    roster = batch.roster
    if roster is None:
        return []
    rows: list[list[object]] = []
    for unit in roster.missing_units:
        rows.append(["未提交", unit, "", "", "名单中的党总支，没有收到任何文件"])
    for entry in roster.missing_branches:
        rows.append(
            [
                "党支部缺失",
                entry.unit,
                entry.branch,
                "",
                "名单中的党支部，不在该党总支的汇总表或评分表中",
            ]
        )
    for entry in roster.unknown_units:
        rows.append(
            ["不在名单中", entry.unit, "", "、".join(entry.files), "提交的党总支不在名单中"]
        )
    for entry in roster.unknown_branches:
        rows.append(
            [
                "不在名单中",
                entry.unit,
                entry.branch,
                "、".join(entry.files),
                "提交的党支部不在名单中",
            ]
        )
    for s in roster.suggestions:
        where = "党总支" if s.level == "unit" else "党支部"
        rows.append(
            [
                "名称相近",
                s.unit or s.roster,
                "" if s.level == "unit" else s.roster,
                "",
                f"名单中的{where}“{s.roster}”与提交的“{s.submitted}”相近"
                f"（相似度 {s.similarity:.0%}），是否同一个？未自动合并，请核对后统一名称",
            ]
        )
    return rows


DUPLICATE_HEADER = ["党总支", "材料", "计入的文件", "未计入的文件", "依据", "比较的日期"]


def duplicate_rows(batch: BatchSections) -> list[list[object]]:
    return [
        [
            d.unit,
            KIND_LABEL[d.kind],
            d.counted,
            "、".join(d.superseded),
            RULE_TEXT[d.rule],
            "；".join(f"{path}：{day}" for path, day in d.dates.items()),
        ]
        for d in batch.duplicates
    ]


YEAR_HEADER = ["党总支", "党支部", "上年定级", "今年定级", "晋位升级", "上年定级来源", "说明"]
CONVERSION_HEADER = ["党总支", "上年后进数", "已转化", "后进转化率", "达到目标"]


def year_rows(yoy: YearOverYear) -> list[list[object]]:
    rows = []
    for b in yoy.branches:
        note = ""
        if b.last_report_grade and b.last_year and b.last_report_grade != b.last_year:
            note = f"上年报告为“{b.last_report_grade}”，以汇总表手填为准"
        elif b.source == "none":
            # Not there at all, or there without a grade (its file had errors last year).
            note = "上年未定级" if b.in_last_report else "上年无此党支部"
        moved = {True: "是", False: "否", None: ""}[b.moved_up]
        rows.append([b.unit, b.branch, b.last_year, b.grade, moved, SOURCE_LABEL[b.source], note])
    return rows


def conversion_rows(yoy: YearOverYear) -> list[list[object]]:
    yes = {True: "是", False: "否", None: "—"}
    return [
        [u.unit, u.lowest_last_year, u.converted, u.rate, yes[u.meets_target]]
        for u in [*yoy.units, yoy.college]
    ]


SUPPORT_TITLE = "薄弱环节与帮扶"
SUPPORT_HEADER = [
    "党总支",
    "党支部",
    "定级",
    "总分",
    "薄弱环节",
    "建议帮扶党支部",
    "帮扶方在该环节",
    "包扶党委委员",
    "说明",
]


def support_rows(support: SupportReport | None) -> list[list[object]]:
    """Worst grade first; 包扶 is blank where the roster names nobody (for the department)."""
    if support is None:
        return []
    rows = []
    for b in support.branches:
        partner, area = b.partner, b.partner.area if b.partner else None
        notes = [b.partner_note] if b.partner_note else []
        if partner is not None and not partner.same_unit:
            notes.append("本党总支没有在该环节更强且未满额的帮扶方，从全院推荐")
        rows.append(
            [
                b.unit,
                b.branch,
                b.grade or UNKNOWN_GRADE,
                b.total,
                "\n".join(b.lines),
                f"{partner.branch}（{partner.unit}）" if partner else "",
                f"{area.name} {area.score}/{area.maximum}（{_percent(area.share)}）"
                if area
                else "",
                b.baofu,
                "；".join(notes),
            ]
        )
    if support.note:
        rows.append(["", "", "", "", "", "", "", "", support.note])
    return rows


def _percent(share: float) -> str:
    return f"{share * 100:.4g}%"
