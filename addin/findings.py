"""The catalogue of finding kinds: stable dotted codes, severity, Chinese message template.

Checks return `Finding` objects made from this catalogue; nobody prints from inside a check.
`jiceng codes` lists the catalogue, so it documents itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from .safe_text import visible

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
        """The finding at `sheet`/`cell`; a template may name them: {sheet}, {value}."""
        return Finding(
            code=self.code,
            severity=self.severity,
            sheet=sheet,
            cell=cell,
            message=self.template.format(value=_show(value), sheet=visible(sheet or ""), **params),
            value=_jsonable(value),
        )


_SHOW_LIMIT = 60


def _show(value: Any) -> str:
    """A cell value as a person reads it in a message: no Python reprs, long text clipped."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, timedelta):
        return _show_duration(value)
    text = visible(str(value))
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


def _show_duration(value: timedelta) -> str:
    """A duration cell ([h]:mm:ss): whole days as “3天”, else hours:minutes(:seconds)."""
    seconds = int(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    if seconds and seconds % 86400 == 0:
        return f"{sign}{seconds // 86400}天"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


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
    "文件损坏、不是工作簿或设置了密码",
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
    "工作表“{sheet}”行数过多，只检查了前 {limit} 行",
    "超大工作表只读取开头部分，避免耗尽内存",
)
FILE_HIDDEN_SHEET = kind(
    "file.hidden_sheet",
    "info",
    "隐藏的工作表中有模板表格，未检查（如需检查请取消隐藏）",
    "隐藏的工作表通常是旧副本：不计入评分和统计",
)
FILE_SPEC_AMBIGUOUS = kind(
    "file.spec_ambiguous",
    "warning",
    "本表可按多个模板规格读取（{specs}），其年度（{year}）未能区分，已按“{used}”检查；"
    "请在标题中写明年度，或只保留一个规格",
    "几个同样匹配的模板规格都不能按工作表的年度选出",
)
FILE_INTERNAL_ERROR = kind(
    "file.internal_error",
    "error",
    "检查该文件时发生意外错误（{detail}），已跳过；请把文件发给维护人员",
    "Jiceng 自身的缺陷：该文件未能完成检查，其他文件不受影响",
)
FILE_TOO_LARGE = kind(
    "file.too_large",
    "error",
    "文件超出处理上限，未检查：{reason}",
    "文件解压后过大、压缩比异常、内容延伸过远或处理时超出内存上限（见 README 的“上限”）",
)
FILE_TIMEOUT = kind(
    "file.timeout",
    "error",
    "检查该文件超过 {seconds} 秒仍未完成，已停止；其他文件不受影响",
    "单个文件的处理时间上限（--timeout）已到",
)
FILE_FINDINGS_OMITTED = kind(
    "file.findings_omitted",
    "info",
    "另有 {count} 条问题未逐条列出（每个文件最多列出 {limit} 条），"
    "其中错误 {errors} 条、警告 {warnings} 条，已计入统计：{codes}",
    "一个文件的问题过多（多为整张表填错）时只列出前面的部分，先列错误；其余按代码计数",
)
FILE_ANNOTATE_FAILED = kind(
    "file.annotate_failed",
    "warning",
    "未能写出批注副本：{reason}",
    "批量处理时该文件的批注副本写出失败（检查结果仍然有效）",
)

FILE_NOT_CHECKED = kind(
    "file.not_checked",
    "info",
    "未检查：{reason}",
    "收件箱中不是工作簿的文件（PDF 扫描件、Word 文档、图片）和 Excel 临时文件（~$ 开头）：列出，不检查",
)

# --- archives (.zip) in an inbox -------------------------------------------------------------
ARCHIVE_UNSUPPORTED = kind(
    "archive.unsupported",
    "error",
    "{format} 压缩包无法读取：请解压后提交或改用 zip",
    "只能读取 zip 压缩包；RAR、7z 等没有可用的免费读取程序",
)
ARCHIVE_UNREADABLE = kind(
    "archive.unreadable",
    "error",
    "无法读取压缩包：{reason}",
    "压缩包损坏、不完整或不是 zip 文件",
)
ARCHIVE_UNSAFE_MEMBER = kind(
    "archive.unsafe_member",
    "error",
    "压缩包中的“{member}”路径不安全（{why}），未读取",
    "压缩包中的路径指向压缩包之外（../、绝对路径、盘符；zip-slip）：从不按此路径读写",
)
ARCHIVE_ENCRYPTED = kind(
    "archive.encrypted",
    "error",
    "压缩包中的“{member}”设置了密码，无法读取；请取消密码后重新压缩提交",
    "加密的压缩包文件无法检查",
)
ARCHIVE_TOO_LARGE = kind(
    "archive.too_large",
    "error",
    "压缩包超出处理上限，未读取：{reason}",
    "压缩包的文件数、解压后大小或压缩比超过与工作簿相同的上限（见 README 的“上限”）",
)
ARCHIVE_TOO_DEEP = kind(
    "archive.too_deep",
    "error",
    "压缩包中的“{member}”又套了一层压缩包，未打开；请解压后提交",
    "压缩包只打开一层嵌套（压缩包中的压缩包），更深的不打开",
)
ARCHIVE_EMPTY = kind(
    "archive.empty",
    "warning",
    "压缩包中没有任何文件",
    "空的压缩包：可能压缩时漏选了文件",
)

# --- the inbox as a whole (batch) -----------------------------------------------------------------
BATCH_DUPLICATE_UNIT = kind(
    "batch.duplicate_unit",
    "warning",
    "“{unit}”的{what}在两个文件中：{this}、{counted}；按{rule}以“{counted}”为准，本文件不计入统计",
    "同一党总支提交了多份同类材料（重新提交）：按较晚的填报日期、否则较晚的文件修改时间计入一份",
)
BATCH_LAST_YEAR_MISMATCH = kind(
    "batch.last_year_mismatch",
    "warning",
    "“{branch}”的上年定级填为“{typed}”，上年汇总报告中为“{reported}”；以填写的为准",
    "汇总表中手填的上年定级与 --last-year 给出的上年报告不一致（以手填为准）",
)
FILE_COPY_REWRITTEN = kind(
    "file.copy_rewritten",
    "info",
    "批注副本未能按原文件修补（{reason}），改为整体重写：原文件中的图片、形状、宏等可能未保留在副本中",
    "副本通常只改写被标注的部分、其余原样保留；少见的文件结构改由 openpyxl 整体重写（原文件不受影响）",
)
FILE_OWN_OUTPUT = kind(
    "file.own_output",
    "info",
    "未检查：Jiceng 写出的{what}，不是提交的材料（在 Excel 或 WPS 中改过并保存后照常检查）",
    "带有 Jiceng 输出标记（自定义文档属性）且此后未被保存过的工作簿：批注副本、填写结果、汇总报告、整改通知",
)
FILE_NO_COPY = kind(
    "file.no_copy",
    "info",
    "已检查，但未写出批注副本：{reason}",
    "旧格式（.xls、.xlsb、.ods）需 LibreOffice 转换为 .xlsx 才能写出批注副本",
)

# --- rubric (附件1) ------------------------------------------------------------------------------
RUBRIC_SCORE_MISSING = kind(
    "rubric.score_missing", "error", "第{no}项“{column}”未填写，{fix}", "评分项的得分为空"
)
RUBRIC_VERDICT_UNKNOWN = kind(
    "rubric.verdict_unknown",
    "error",
    "第{no}项“{column}”应为 {allowed}，实为：{value}",
    "达标/未达标评价的单元格不是规格中的词",
)
RUBRIC_SCORE_MERGED = kind(
    "rubric.score_merged",
    "error",
    "第{others}项的“{column}”单元格与第{first}项合并，请每项分别填写",
    "几个评分项共用一个合并的得分单元格，无法知道每项的得分",
)
RUBRIC_SCORE_MERGED_ACROSS = kind(
    "rubric.score_merged_across",
    "error",
    "第{no}项的“{column}”单元格与“{other}”合并为 {area}，看不出得分，请取消合并后填写得分",
    "得分单元格与同一行的其他列（如分值）合并，显示的是另一列的内容，被遮住的得分不予采用",
)
RUBRIC_SCORE_NOT_NUMBER = kind(
    "rubric.score_not_number",
    "error",
    "第{no}项“{column}”不是数字：{value}，{fix}",
    "得分单元格的内容无法识别为数字",
)
RUBRIC_SCORE_OUT_OF_RANGE = kind(
    "rubric.score_out_of_range",
    "error",
    "第{no}项得分{value}{problem}，{fix}",
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
    "rubric.item_missing",
    "error",
    "缺少第{no}项：{text}（请按官方模板补上这一行并填写得分）",
    "官方模板中的评分项在表中找不到",
)
RUBRIC_ITEM_DUPLICATE = kind(
    "rubric.item_duplicate",
    "error",
    "第{no}项重复出现（另见第{first_row}行），请删除多余的一行",
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
    "填写的总分 {value} 与各项得分之和 {expected} 不一致，应填 {expected}",
    "总分行填写的数值与计算结果不符",
)
RUBRIC_SUBTOTAL_MISMATCH = kind(
    "rubric.subtotal_mismatch",
    "error",
    "“{category}”小计填写为 {value}，各项之和为 {expected}，应填 {expected}",
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
    "定级结果填写为“{value}”，按总分 {total} 应填“{expected}”",
    "定级结果与总分对应的等级不符",
)
# A result typed while some item is unreadable: held to the range the readable items allow.
RUBRIC_SUBTOTAL_OUT_OF_RANGE = kind(
    "rubric.subtotal_out_of_range",
    "error",
    "“{category}”小计填写为 {value}，{problem}；应填 {span} 之间的数（该类各项得分之和，{items}更正后可算出）",
    "有得分无法读取时，手填的类别小计超出满分或超出按可读各项得出的范围",
)
RUBRIC_SUBTOTAL_UNCONFIRMED = kind(
    "rubric.subtotal_unconfirmed",
    "warning",
    "“{category}”小计 {value} 无法核对：{items}得分有误；更正后应填该类各项得分之和",
    "手填的类别小计在可能范围内，但该类有得分无法读取，暂不能确认",
)
RUBRIC_TOTAL_OUT_OF_RANGE = kind(
    "rubric.total_out_of_range",
    "error",
    "填写的总分 {value} {problem}；应填 {span} 之间的数（各项得分之和，{items}更正后可算出）",
    "有得分无法读取时，手填的总分超出满分或超出按可读各项得出的范围",
)
RUBRIC_TOTAL_UNCONFIRMED = kind(
    "rubric.total_unconfirmed",
    "warning",
    "总分 {value} 无法核对：{items}得分有误；更正后应填各项得分之和",
    "手填的总分在可能范围内，但有得分无法读取，暂不能确认",
)
RUBRIC_GRADE_UNKNOWN = kind(
    "rubric.grade_unknown",
    "error",
    "定级结果填写为“{value}”，不是等级名称；应填 {allowed} 之一",
    "总分无法计算时，手填的定级结果不是评分标准中的等级",
)
RUBRIC_GRADE_IMPOSSIBLE = kind(
    "rubric.grade_impossible",
    "error",
    "定级结果填写为“{value}”，不可能：按已读出的各项得分，总分在 {span} 之间（{items}得分有误），应填 {allowed}",
    "总分无法计算时，手填的定级结果不在按可读各项得出的总分范围所对应的等级之中",
)
RUBRIC_GRADE_AGAINST_TYPED_TOTAL = kind(
    "rubric.grade_against_typed_total",
    "error",
    "定级结果填写为“{value}”，与填写的总分 {total} 不符（该总分应填“{expected}”）；{items}得分更正后再核对",
    "总分无法计算时，手填的定级结果与手填的总分对应的等级不一致",
)
RUBRIC_GRADE_UNCONFIRMED = kind(
    "rubric.grade_unconfirmed",
    "warning",
    "定级结果“{value}”无法核对：{items}得分有误，总分可能在 {span} 之间；更正后按总分定级",
    "总分无法计算时，手填的定级结果在可能的等级之中，暂不能确认",
)


# --- summary (附件2) ---------------------------------------------------------------------------
SUMMARY_FIELD_MISSING = kind(
    "summary.field_missing",
    "error",
    "表头“{label}”{problem}",
    "填报单位、填报人及职务或联系电话未填写（或整个栏目被删除）",
)
SUMMARY_PHONE_INVALID = kind(
    "summary.phone_invalid",
    "error",
    "联系电话“{value}”不是有效的号码：应为 11 位手机号（1 开头）或带区号的固定电话（如 029-88886666）",
    "联系电话既不是大陆手机号，也不是带区号的固定电话（空格、短横线不影响）",
)
SUMMARY_SERIAL_GAP = kind(
    "summary.serial_gap",
    "warning",
    "序号{problem}",
    "序号不从 1 起连续编号：有跳号、重复或不是数字",
)
SUMMARY_DUPLICATE_BRANCH = kind(
    "summary.duplicate_branch",
    "error",
    "党支部名称{problem}",
    "党支部名称为空，或同一党支部出现多次（忽略空格与全角/半角差别）",
)
SUMMARY_SCORE_MISSING = kind(
    "summary.score_missing",
    "error",
    "“{name}”的评分分数未填写，本工作簿中也没有该党支部的评分表可取；请填写 0～{max} 之间的分数",
    "评分分数为空且无法从评分表取得",
)
SUMMARY_RUBRIC_TOTAL_UNKNOWN = kind(
    "summary.rubric_total_unknown",
    "error",
    "“{name}”的评分分数未填写，工作表“{sheet_name}”评分表的总分也无法计算（该表有得分缺失或有误），请先更正该评分表",
    "评分分数为空；同一工作簿中有该党支部的评分表，但其总分因得分缺失或有误无法计算",
)
SUMMARY_DUPLICATE_RUBRIC = kind(
    "summary.duplicate_rubric",
    "error",
    "党支部“{value}”有多张评分表：{sheets}，无法确定汇总表应以哪一张为准；请删除多余的工作表或更正其党支部名称",
    "同一工作簿中有两张及以上评分表的党支部名称相同（忽略空格与全角/半角差别），汇总表不取其中任何一张的总分",
)
SUMMARY_SCORE_NOT_NUMBER = kind(
    "summary.score_not_number",
    "error",
    "“{name}”的评分分数不是数字：{value}；应填 0～{max} 之间的数",
    "评分分数单元格的内容无法识别为数字",
)
SUMMARY_SCORE_OUT_OF_RANGE = kind(
    "summary.score_out_of_range",
    "error",
    "“{name}”的评分分数 {value} 超出 0～{max} 分，应填 0～{max} 之间的数",
    "评分分数为负数或超过评分标准的总分",
)
SUMMARY_SCORE_NORMALIZED = kind(
    "summary.score_normalized",
    "warning",
    "“{name}”的评分分数“{raw}”不是标准数字，已按 {value} 计算",
    "评分分数以文本、全角数字或带“分”字填写，已规范化",
)
SUMMARY_SCORE_FROM_RUBRIC = kind(
    "summary.score_from_rubric",
    "info",
    "“{name}”的评分分数未填写，取工作表“{sheet_name}”评分表的总分 {value}（填写结果时写入）",
    "汇总表评分分数为空，按同一工作簿中该党支部评分表的总分计算",
)
SUMMARY_GRADE_MISMATCH = kind(
    "summary.grade_mismatch",
    "error",
    "“{name}”的分类定级结果填写为“{value}”，按评分分数 {score} 应为“{expected}”",
    "分类定级结果与评分分数对应的等级不符",
)
SUMMARY_GRADE_UNKNOWN = kind(
    "summary.grade_unknown",
    "error",
    "“{name}”的分类定级结果填写为“{value}”，不是等级名称；应填 {allowed} 之一",
    "评分分数无法确定时，手填的分类定级结果不是评分标准中的等级",
)
SUMMARY_GRADE_UNCONFIRMED = kind(
    "summary.grade_unconfirmed",
    "warning",
    "“{name}”的分类定级结果“{value}”无法核对：{why}；更正后按评分分数定级",
    "评分分数无法确定时，手填的分类定级结果暂不能确认",
)
SUMMARY_COUNT_UNCONFIRMED = kind(
    "summary.count_unconfirmed",
    "warning",
    "合计行“{label}”填写为 {value}，无法核对：{rows}的定级无法确定；更正后按各党支部的定级计数",
    "有党支部无法定级时，手填的先进数、一般数、后进数在可能范围内，暂不能确认",
)
SUMMARY_COUNT_MISMATCH = kind(
    "summary.count_mismatch",
    "error",
    "合计行{problem}",
    "合计行的先进数、一般数、后进数与各党支部的定级不符，或相加不等于党支部数",
)
SUMMARY_SCORE_MISMATCH = kind(
    "summary.score_mismatch",
    "error",
    "“{name}”的评分分数填写为 {value}，与工作表“{sheet_name}”评分表的总分 {expected} 不一致，应填 {expected}",
    "汇总表的评分分数与同一工作簿中该党支部评分表的总分不符",
)
SUMMARY_BRANCH_WITHOUT_RUBRIC = kind(
    "summary.branch_without_rubric",
    "warning",
    "汇总表中的“{value}”在本工作簿中没有对应的评分表",
    "汇总表列出的党支部找不到评分表工作表（按党支部名称匹配）",
)
SUMMARY_RUBRIC_WITHOUT_BRANCH = kind(
    "summary.rubric_without_branch",
    "warning",
    "评分表“{value}”没有列入汇总表“{summary_sheet}”",
    "工作簿中有该党支部的评分表，但汇总表中没有这一行",
)
SUMMARY_LAST_YEAR_UNKNOWN = kind(
    "summary.last_year_unknown",
    "warning",
    "“{name}”的上年定级“{value}”不是“{allowed}”之一，不计入晋位升级和转化率",
    "上年定级一栏只能填写评分标准中的等级名称",
)
SUMMARY_CONVERSION_BELOW_TARGET = kind(
    "summary.conversion_below_target",
    "warning",
    "{lowest}转化率为 {rate}（上年{lowest} {base} 个，已转化 {converted} 个），低于目标 {target}",
    "上年最低等级的党支部中已不再是最低等级的比例低于规格中的目标",
)
SUMMARY_TARGET_NOT_MET = kind(
    "summary.target_not_met",
    "info",
    "{grades}{entity}占比 {share}（{count}/{total}），低于{year}目标 {target}",
    "某些等级的占比低于规格中（该年度）的目标",
)
SUMMARY_YEAR_UNKNOWN = kind(
    "summary.year_unknown",
    "warning",
    "汇总表未写明年度（标题中如“2021年”或基准日期），无法核对{years}年的年度目标",
    "规格按年度设定目标，但工作表的标题和基准日期都没有年份",
)


# --- tasks (附件3) -----------------------------------------------------------------------------
# `task` is the row as people say it: 第3项“落实“三会一课”” (or 第12行“…” for a row of their own).
TASKS_OVERDUE = kind(
    "tasks.overdue",
    "error",
    "{task}{milestone}的节点已逾期{days}天；如已完成，请在“{done}”填写该节点的完成日期",
    "时间期限中的某个节点已过（检查日期晚于该节点）而未填写对应的完成日期",
)
TASKS_DUE_SOON = kind(
    "tasks.due_soon",
    "warning",
    "{task}将于{due}到期（{left}）",
    "下一个未完成的节点在“即将到期”的天数之内（默认 7 天，见规格 due_soon_days）",
)
TASKS_DEADLINE_UNPARSED = kind(
    "tasks.deadline_unparsed",
    "warning",
    "{task}的时间期限{problem}",
    "时间期限为空或含有无法识别的写法；无法识别的部分不推算日期，也不猜测",
)
TASKS_DEADLINE_EVENT = kind(
    "tasks.deadline_event",
    "info",
    "{task}的时间期限以“{event}”为准，无法推算日期，请在日期确定后自行核对",
    "时间期限写的是一个事件（如“十八大召开前”）而不是日期：不推算日期，也不判断是否逾期",
)
TASKS_OWNER_MISSING = kind(
    "tasks.owner_missing", "warning", "{task}未填写责任人", "责任人单元格为空"
)
TASKS_ITEM_MISSING = kind(
    "tasks.item_missing",
    "error",
    "缺少第{no}项任务：{text}（请按官方任务清单补上这一行）",
    "官方任务清单中的任务在表中找不到（被删除或改得面目全非）",
)
TASKS_TEMPLATE_MODIFIED = kind(
    "tasks.template_modified",
    "error",
    "第{no}项的{what}与官方任务清单不一致：应为“{expected}”，实为“{value}”",
    "官方任务的任务名称、具体要求或时间期限被改动",
)
TASKS_DONE_WITHOUT_DATE = kind(
    "tasks.done_without_date",
    "warning",
    "{task}标为已完成，但{missing}",
    "完成情况为“已完成”，但没有为每个时间节点填写完成日期",
)
TASKS_DATE_INVALID = kind(
    "tasks.date_invalid",
    "error",
    "{task}的完成日期“{value}”{problem}",
    "完成日期无法识别、早于任务年度开始或晚于检查日期，该日期不计入",
)
TASKS_PROGRESS_UNKNOWN = kind(
    "tasks.progress_unknown",
    "warning",
    "{task}的完成情况“{value}”不是“{allowed}”之一，按未完成处理",
    "完成情况只能填写 未开始 / 进行中 / 已完成",
)

TASKS_AS_OF_INVALID = kind(
    "tasks.as_of_invalid",
    "warning",
    "基准日期“{value}”无法识别，已按{used}判断；请写成 {example} 这样的日期",
    "任务清单上的“基准日期”单元格不是日期；未指定 --as-of 时按今天判断",
)


# --- the stamp of a distributed workbook (jiceng distribute) --------------------------------------
STAMP_OTHER_FORM = kind(
    "stamp.other_form",
    "warning",
    "本文件是{sent}下发的第 {form} 版模板（Jiceng {version}），当前为第 {current} 版；"
    "请核对内容，或重新下发",
    "下发标记中的模板版本与当前 Jiceng 生成的不同",
)
STAMP_OTHER_SPECS = kind(
    "stamp.other_specs",
    "warning",
    "本文件{sent}下发时所用的模板规格（{specs}）与本次检查所用的不同：评分标准可能已调整",
    "下发标记中的规格摘要与本次检查所用规格不一致",
)
STAMP_RECORD_EDITED = kind(
    "stamp.record_edited",
    "error",
    "下发标记与文件中保存的下发内容不符（{problem}）：文件可能经过改动或拼接",
    "下发记录（隐藏工作表）缺失或其摘要与下发标记不一致",
)
STAMP_SHEET_MISSING = kind(
    "stamp.sheet_missing",
    "error",
    "下发时的工作表“{name}”不在文件中（被删除或改名）",
    "受保护的工作簿中的工作表被删除或改名",
)
STAMP_CELL_EDITED = kind(
    "stamp.cell_edited",
    "error",
    "受保护的单元格被改动：下发时为“{expected}”，现为“{value}”（模板被编辑）",
    "下发后锁定的单元格（标签、项目、分值、名称）内容与下发时不同：有人撤销了工作表保护",
)
STAMP_CELLS_EDITED_MORE = kind(
    "stamp.cells_edited_more",
    "error",
    "另有 {count} 个受保护的单元格与下发时不同（多为插入或删除了行、列），未逐一列出",
    "一张工作表中被改动的受保护单元格超过 20 个时，其余的合并为一条",
)
STAMP_UNIT_MISMATCH = kind(
    "stamp.unit_mismatch",
    "error",
    "本文件是下发给“{unit}”的，文件名却是“{named}”；按下发标记计入“{unit}”",
    "文件名中是名单上另一个党总支：可能把别的单位的文件当作本单位的报送",
)


def catalogue() -> list[FindingKind]:
    return sorted(CATALOGUE.values(), key=lambda k: k.code)
