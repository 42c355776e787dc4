"""Jiceng's worksheet functions (JICENG_GRADE, JICENG_DUE, JICENG_STATUS) for xlwings Server
(≥ 1.20), which imports ``custom_functions`` from its project folder: macros/server/."""

from addin.excel import jiceng_due, jiceng_grade, jiceng_status

__all__ = ["jiceng_due", "jiceng_grade", "jiceng_status"]
