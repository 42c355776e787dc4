"""The rubric sheets of one file as readable Chinese lines, and the 评分 button's words."""

from __future__ import annotations

from collections import Counter

from .model import BranchResult


def branch_lines(branches: list[BranchResult]) -> list[str]:
    lines = []
    for branch in branches:
        total = "无法计算" if branch.total is None else f"{branch.total:g}"
        grade = branch.grade or "—"
        cats = "，".join(
            f"{k} {'—' if v is None else format(v, 'g')}" for k, v in branch.categories.items()
        )
        lines.append(f"  ◆ {branch.name}（工作表“{branch.sheet}”）：总分 {total}，定级 {grade}")
        lines.append(f"    {cats}")
    return lines


def grades_sentence(branches: list[BranchResult], entity: str = "党支部") -> str:
    """“2 个党支部（先进 1），1 个因得分有误未能定级”."""
    grades = Counter(b.grade for b in branches if b.grade)
    shown = "，".join(f"{name} {n}" for name, n in grades.items())
    missing = sum(1 for b in branches if not b.grade)
    text = f"{len(branches)} 个{entity}" + (f"（{shown}）" if shown else "")
    return text + (f"，{missing} 个因得分有误未能定级" if missing else "")
