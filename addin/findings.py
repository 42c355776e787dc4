"""The catalogue of finding kinds: stable dotted codes, severity, Chinese message template.

Checks return `Finding` objects made from this catalogue; nobody prints from inside a check.
`jiceng codes` lists the catalogue, so it documents itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

Severity = Literal["error", "warning", "info"]

SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


class Finding(BaseModel):
    """One observation about one place in one workbook (JSON contract: see README)."""

    code: str
    severity: Severity
    sheet: str | None = None
    cell: str | None = None
    message: str
    value: Any = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class FindingKind:
    code: str
    severity: Severity
    template: str
    description: str

    def __call__(
        self, *, sheet: str | None = None, cell: str | None = None, value: Any = None, **params: Any
    ) -> Finding:
        return Finding(
            code=self.code,
            severity=self.severity,
            sheet=sheet,
            cell=cell,
            message=self.template.format(value=_show(value), **params),
            value=_jsonable(value),
        )


def _show(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


CATALOGUE: dict[str, FindingKind] = {}


def kind(code: str, severity: Severity, template: str, description: str) -> FindingKind:
    """Register a finding kind; codes are unique and never reused with another meaning."""
    if code in CATALOGUE:
        raise ValueError(f"duplicate finding code {code}")
    CATALOGUE[code] = FindingKind(code, severity, template, description)
    return CATALOGUE[code]


# --- files -----------------------------------------------------------------------------------
FILE_UNREADABLE = kind(
    "file.unreadable",
    "error",
    "无法读取文件：{reason}",
    "文件损坏、不是工作簿、设置了密码或为 .xls 旧格式",
)
FILE_NO_TEMPLATE = kind(
    "file.no_template_found",
    "warning",
    "工作簿中没有找到任何已知模板（评分标准、汇总表或任务清单）的表头",
    "没有一张工作表的表头与 schemas/ 中的模板相符",
)
FILE_SHEET_TOO_LARGE = kind(
    "file.sheet_too_large",
    "warning",
    "工作表行数过多，只检查了前 {limit} 行",
    "超大工作表只读取开头部分，避免耗尽内存",
)

# --- rubric (附件1) ------------------------------------------------------------------------------
RUBRIC_SCORE_MISSING = kind(
    "rubric.score_missing", "error", "第{no}项“{column}”未填写", "评分项的得分为空"
)
RUBRIC_SCORE_NOT_NUMBER = kind(
    "rubric.score_not_number",
    "error",
    "第{no}项“{column}”不是数字：{value}",
    "得分单元格的内容无法识别为数字",
)
RUBRIC_SCORE_OUT_OF_RANGE = kind(
    "rubric.score_out_of_range",
    "error",
    "第{no}项得分{value}{problem}",
    "得分为负数或超过该项分值",
)
RUBRIC_SCORE_NORMALIZED = kind(
    "rubric.score_normalized",
    "warning",
    "第{no}项得分“{raw}”不是标准数字，已按 {value} 计算",
    "得分以文本、全角数字或带“分”字填写，已规范化",
)
RUBRIC_FORMULA_WITHOUT_VALUE = kind(
    "rubric.formula_without_value",
    "warning",
    "第{no}项“{column}”是公式但文件中没有计算结果（可能由程序生成），请在 Excel 中打开并保存后再提交",
    "公式单元格没有缓存值，无法得知其结果",
)
RUBRIC_TEMPLATE_MODIFIED = kind(
    "rubric.template_modified",
    "error",
    "第{no}项的{what}与官方模板不一致：应为“{expected}”，实为“{value}”",
    "评分项的内容或分值被改动",
)
RUBRIC_ITEM_MISSING = kind(
    "rubric.item_missing", "error", "缺少第{no}项：{text}", "官方模板中的评分项在表中找不到"
)
RUBRIC_ITEM_DUPLICATE = kind(
    "rubric.item_duplicate",
    "error",
    "第{no}项重复出现（另见第{first_row}行）",
    "同一评分项出现多次",
)
RUBRIC_UNKNOWN_ROW = kind(
    "rubric.unknown_row",
    "warning",
    "该行不属于官方模板的任何评分项，已忽略：{value}",
    "表格中夹杂了无法对应评分项的内容",
)
RUBRIC_TOTAL_MISMATCH = kind(
    "rubric.total_mismatch",
    "error",
    "填写的总分 {value} 与各项得分之和 {expected} 不一致",
    "总分行填写的数值与计算结果不符",
)
RUBRIC_SUBTOTAL_MISMATCH = kind(
    "rubric.subtotal_mismatch",
    "error",
    "“{category}”小计填写为 {value}，各项之和为 {expected}",
    "类别小计与该类各项得分之和不符",
)
RUBRIC_SCORE_MISMATCH = kind(
    "rubric.score_mismatch",
    "error",
    "第{no}项得分填写为 {value}，按各评分人权重计算应为 {expected}",
    "多评分人模板中，得分列与加权结果不符",
)
RUBRIC_GRADE_MISMATCH = kind(
    "rubric.grade_mismatch",
    "error",
    "定级结果填写为“{value}”，按总分 {total} 应为“{expected}”",
    "定级结果与总分对应的等级不符",
)


def catalogue() -> list[FindingKind]:
    return sorted(CATALOGUE.values(), key=lambda k: k.code)
