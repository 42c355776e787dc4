"""Jiceng's four buttons for xlwings Server (≥ 1.20), which imports ``custom_scripts`` from its
project folder (``XLWINGS_PROJECT_DIR``, else the working directory): point it at
macros/server/. The scripts live in the jiceng package (addin/excel.py)."""

from addin.excel import jiceng_clear, jiceng_refresh_tasks, jiceng_score, jiceng_validate

__all__ = ["jiceng_clear", "jiceng_refresh_tasks", "jiceng_score", "jiceng_validate"]
