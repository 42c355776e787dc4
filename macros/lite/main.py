"""Jiceng in xlwings Lite: paste this file into the main.py tab and requirements.txt (next to
this file) into the requirements.txt tab.

The scripts (校验, 评分, 刷新任务状态, 清除标记) and the worksheet functions JICENG_GRADE,
JICENG_DUE and JICENG_STATUS live in the jiceng package (addin/excel.py); importing them here is
all xlwings Lite needs to list and run them.
"""

from addin.excel import (
    jiceng_clear,
    jiceng_due,
    jiceng_grade,
    jiceng_refresh_tasks,
    jiceng_score,
    jiceng_status,
    jiceng_validate,
)

__all__ = [
    "jiceng_clear",
    "jiceng_due",
    "jiceng_grade",
    "jiceng_refresh_tasks",
    "jiceng_score",
    "jiceng_status",
    "jiceng_validate",
]
