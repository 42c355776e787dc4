"""The summary table (附件2) of one file as readable Chinese lines for the text report."""

from __future__ import annotations

from .model import SummaryReport, SummaryRow


def summary_lines(summary: SummaryReport | None) -> list[str]:
    if summary is None:
        return []
    blank = "（未填写）"
    lines = [
        f"  ▲ 汇总表（工作表“{summary.sheet}”）：填报单位 {summary.unit or blank}；"
        f"填报人及职务 {summary.reporter or blank}；联系电话 {summary.phone or blank}"
    ]
    lines += [f"    {_row(row)}" for row in summary.rows]
    if not summary.rows:
        lines.append(f"    （没有填写任何{summary.entity}）")
    if summary.counts is None:
        lines.append("    合计：有党支部的评分分数无法识别，暂不统计")
    else:
        counts = "，".join(f"{grade} {n} 个" for grade, n in summary.counts.items())
        lines.append(f"    合计：{counts}（共 {len(summary.rows)} 个{summary.entity}）")
    lowest = next(reversed(summary.counts), "后进") if summary.counts else "后进"
    if summary.conversion_rate is not None:
        lines.append(
            f"    {lowest}转化率 {_pct(summary.conversion_rate)}"
            + _target(summary.conversion_rate, summary.conversion_target)
        )
    for target in summary.targets:
        year = f"{target.year}年" if target.year is not None else ""
        lines.append(
            f"    {'和'.join(target.grades)}占比 {_pct(target.share)}"
            + _target(target.share, target.target, year)
        )
    return lines


def _row(row: SummaryRow) -> str:
    no = "—" if row.no is None else str(row.no)
    score = "—" if row.score is None else f"{row.score:g}"
    text = f"{no}. {row.name or '（无名称）'}：评分 {score}，定级 {row.grade or '—'}"
    if row.rubric_total is not None:
        text += f"（评分表总分 {row.rubric_total:g}）"
    if row.last_year is not None:
        text += f"；上年 {row.last_year}"
        if row.moved_up is not None:
            same = row.grade == row.last_year
            text += "，晋位升级" if row.moved_up else ("，持平" if same else "，降级")
    return text


def _pct(share: float) -> str:
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


def _target(actual: float, target: float | None, year: str = "") -> str:
    if target is None:
        return ""
    verdict = "已达到" if actual >= target else "未达到"
    return f"（{year}目标 {_pct(target)}，{verdict}）"
