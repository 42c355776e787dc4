"""Write the consolidated batch report as a workbook (openpyxl): tables, filters, charts.

Every sheet prints on A4, all columns on one page width, its header row on every page, the
sheet name and page numbers in the footer; rows are as high as their wrapped text (WPS and
LibreOffice do not grow them) and a chart that would straddle a page break starts a new page.
Grades are coloured by rank everywhere (`sheet_style.grade_colours`).

The workbook is written in openpyxl's write-only mode, row by row: a batch hands each file's
rows to `ReportBook.add` as the file is done and keeps only counts, so memory does not grow
with the inbox. 概览 and 各党总支定级统计 come first in the workbook but are filled at `close`,
when the counts are complete.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from ..atomic import atomic_path
from ..kinds.stages.check import status_label
from ..kinds.tasks.check import STATUS_COLOURS
from ..report.consolidated import (
    FILE_HEADER,
    FINDING_HEADER,
    INTERRUPTED,
    UNKNOWN_GRADE,
    Consolidated,
    FileRows,
    Table,
)
from ..safe_text import visible
from ..task_status import STATUS_LABEL
from ..writes import LEVEL_FILL
from . import own_output
from .safe_cells import put
from .sheet_style import (
    DEFAULT_HEIGHT,
    LANDSCAPE_WIDTH,
    LINE_HEIGHT,
    PORTRAIT_WIDTH,
    PRINTABLE_HEIGHT,
    grade_colours,
    needs_landscape,
    print_setup,
    wrapped_height,
)

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HEADER_FONT = Font(bold=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY = Alignment(wrap_text=True, vertical="top")
CENTRED_BODY = Alignment(horizontal="center", wrap_text=True, vertical="top")
LINK_FONT = Font(color="0563C1", underline="single")
CM_PER_WIDTH_UNIT = 0.19  # one column-width unit (7 px at 96 dpi) in centimetres
PT_PER_CM = 72 / 2.54
# Past this many 党总支 the columns are too thin for a number on each segment: the table has them.
MAX_LABELLED_UNITS = 15
PIE_WIDTH, PIE_HEIGHT, PIE_MIN_HEIGHT = 15, 9, 6  # cm
EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, header included
OMITTED_ROWS = (
    "另有 {count:,} 行未能列出：Excel 每张工作表最多 {limit:,} 行；完整内容见 report.json"
)
NOTE_FONT = Font(bold=True, color="C00000")
INTERRUPTED_FILL = "FFEB9C"  # a file an interrupted run did not check (文件 sheet)

BRANCH_WIDTHS = {"党总支": 20, "党支部": 22, "文件": 30, "工作表": 16, "总分": 8, "定级": 9}
FINDING_WIDTHS = {
    "文件": 30,
    "工作表": 14,
    "单元格": 8,
    "级别": 6,
    "代码": 22,
    "说明": 56,
    "值": 14,
}
FILE_WIDTHS = {"文件": 33, "党总支": 20, "状态": 17, "错误": 8, "警告": 8, "计入统计": 16}
ROSTER_FILL = {
    "未提交": "FFC7CE",
    "党支部缺失": "FFC7CE",
    "不在名单中": "FFEB9C",
    "名称相近": "DDEBF7",
}


def write_report(data: Consolidated, path: Path, links: dict[str, str] | None = None) -> None:
    """The whole report at once. `links`: file path → annotated copy (relative to the report),
    linked from the file columns."""
    book = ReportBook(path, data.grades, data.branches.header, data.inbox(), links or {})
    try:
        book.add_rows(data.branches.rows, data.findings.rows, data.files.rows, links or {})
        book.close(data.overview, data.by_unit)
    finally:
        book.discard()


class _Sheet:
    """One write-only sheet: header row, widths by column label, rows styled as they are
    appended (wrapped text with the row height it needs, fills, links). Rows past what Excel
    can open are counted, not written; the last row then says how many (`finish`)."""

    max_rows = EXCEL_MAX_ROWS

    def __init__(self, wb: Workbook, title: str, header: Sequence[str], widths: dict[str, int]):
        self.ws = wb.create_sheet(title)
        self.header = list(header)
        self.widths = [widths.get(label, 10) for label in self.header]
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        # Written with the sheet's first row (the rest of the print setup at the end, in
        # `finish`): without the flag Excel and LibreOffice ignore fit-to-width.
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0
        self.omitted = 0  # rows not written: the sheet was full
        self.heights: list[float] = []
        self._styles: dict[tuple, StyleArray] = {}
        self._stream: Generator[None, list, None] | None = None

    def write_header(self) -> None:
        """The header row; a None label (a spacer column) stays a blank, unstyled cell."""
        cells = []
        for label in self.header:
            cell = WriteOnlyCell(self.ws, value=label)
            if label:
                cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            cells.append(cell)
        self._append(cells, [str(label or "") for label in self.header])

    def write(
        self,
        values: Iterable[Any],
        fills: dict[int, str] | None = None,
        links: dict[int, str] | None = None,
        formats: dict[int, str] | None = None,
        centred: set[int] | None = None,
    ) -> None:
        """`fills` / `links` / `formats`: 0-based column → colour / link target / number format;
        `centred`: 0-based columns centred across the cell."""
        if self.rows >= self.max_rows - 1:  # the last row is kept for the note in `finish`
            self.omitted += 1
            return
        cells, texts = [], []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(self.ws)
            put(cell, "" if value is None else value)
            filled = cell.value not in ("", None)
            # Only text wraps; a number keeps one line (Excel shows ### when it does not fit).
            texts.append(cell.value if isinstance(cell.value, str) else "")
            link = links.get(i) if links else None
            if link:
                cell.hyperlink = visible(link)  # a path we made, from a name we did not
            fill = fills.get(i) if fills else None
            number_format = formats.get(i) if formats else None
            centre = bool(centred) and i in centred and filled
            style = (filled, fill, bool(link), number_format, bool(cell.quotePrefix), centre)
            if style != (False, None, False, None, False, False):
                cell._style = self._style(style)  # shared: nothing changes a cell's look later
            cells.append(cell)
        self._append(cells, texts)

    def _style(self, key: tuple) -> StyleArray:
        """A cell look made once and reused: openpyxl looks every style object up in the
        workbook's lists on each assignment, the slowest part of writing a big table."""
        if key not in self._styles:
            filled, fill, link, number_format, quoted, centre = key
            cell = WriteOnlyCell(self.ws)
            cell.quotePrefix = quoted  # formula-like text shown as typed (`safe_cells.put`)
            if filled:
                cell.alignment = CENTRED_BODY if centre else BODY
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if link:
                cell.font = LINK_FONT
            if number_format:
                cell.number_format = number_format
            self._styles[key] = cell._style
        return self._styles[key]

    def _append(self, cells: list, texts: list[str]) -> None:
        self.rows += 1
        needed = max(
            (_wrapped_height(t, w) for t, w in zip(texts, self.widths, strict=False) if t),
            default=0.0,
        )
        height = needed if needed > LINE_HEIGHT + 2 else None
        if height:
            self.ws.row_dimensions[self.rows].height = height
        self.heights.append(height or DEFAULT_HEIGHT)
        for column, cell in enumerate(cells, start=1):
            cell.row, cell.column = self.rows, column
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
        if self._stream is None:
            self._stream = self.ws._rows = _row_stream(self.ws)
            next(self._stream)
        self._stream.send(cells)

    def width(self) -> float:
        return sum(self.widths)

    def finish(self, charts: Sequence = ()) -> None:
        if self.omitted:
            note = OMITTED_ROWS.format(count=self.omitted, limit=self.max_rows)
            cell = WriteOnlyCell(self.ws, value=note)
            cell.font = NOTE_FONT
            self._append([cell], [""])  # one line, across the empty cells beside it
        if self.rows > 1:
            last = get_column_letter(len(self.header))
            self.ws.auto_filter.ref = f"A1:{last}{self.rows}"
        extent = max([self.width(), *(c.width / CM_PER_WIDTH_UNIT for c in charts)])
        print_setup(
            self.ws, landscape=needs_landscape(extent), title_rows="1:1", name_in_footer=True
        )
        self._keep_charts_whole(charts, extent)

    def page_height(self, extent: float, landscape: bool) -> float:
        """The rows one printed page holds, in sheet points: the rows are laid out one page
        width wide, so the page grows as it is scaled down; the header repeats on each page."""
        orientation = "landscape" if landscape else "portrait"
        page_width = LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH
        scale = min(1.0, page_width / max(extent, 1))
        title = self.heights[0] if self.heights else DEFAULT_HEIGHT
        return PRINTABLE_HEIGHT[orientation] / scale - title

    def height_above(self, row: int) -> float:
        """Sheet points above 1-based `row`: the rows written, then blank rows of the default
        height up to it."""
        return sum(self.heights[: row - 1]) + DEFAULT_HEIGHT * max(0, row - 1 - self.rows)

    def _keep_charts_whole(self, charts: Sequence, extent: float) -> None:
        """A page break before a chart that would straddle one."""
        page = self.page_height(extent, self.ws.page_setup.orientation == "landscape")
        for chart in charts:
            row = int("".join(ch for ch in chart.anchor if ch.isdigit()))
            above = self.height_above(row)
            if above % page + chart.height * PT_PER_CM > page * 0.95:
                self.ws.row_breaks.append(Break(id=row - 1))


class ReportBook:
    """汇总报告.xlsx, written as a batch goes (`add` per file) and completed by `close`."""

    def __init__(
        self,
        path: Path,
        grades: list[str],
        branch_header: list[str],
        inbox: Sequence[Table] = (),
        links: dict[str, str] | None = None,
    ):
        """`inbox`: the batch sections' tables (名单核对, 重复提交 print before 党支部, the rest
        after it); `links`: file path → annotated copy, for their 文件 columns."""
        self.path, self.grades = Path(path), grades
        self.grade_fill = grade_colours(grades, UNKNOWN_GRADE, light=True)
        self.wb = Workbook(write_only=True)
        self.overview = _Sheet(self.wb, "概览", ["项目", "数值"], {"项目": 30, "数值": 14})
        unit_header = ["党总支", *grades, UNKNOWN_GRADE, "合计"]
        self.units = _Sheet(self.wb, "各党总支定级统计", unit_header, {"党总支": 24})
        before = [t for t in inbox if t.title in BEFORE_BRANCHES]
        self.sections = [self._section(t, links or {}) for t in before]
        self.branches = _Sheet(self.wb, "党支部", branch_header, BRANCH_WIDTHS)
        self.branches.write_header()
        after = [t for t in inbox if t.title not in BEFORE_BRANCHES]
        self.sections += [self._section(t, links or {}) for t in after]
        self.findings = _Sheet(self.wb, "问题清单", FINDING_HEADER, FINDING_WIDTHS)
        self.files = _Sheet(self.wb, "文件", FILE_HEADER, FILE_WIDTHS)
        for sheet in (self.findings, self.files):
            sheet.write_header()
        self._grade_col = branch_header.index("定级")
        self._level_col = FINDING_HEADER.index("级别")

    def add(self, rows: FileRows, link: str | None = None) -> None:
        """One file's rows; `link`: its annotated copy, relative to the report."""
        for row in rows.branches:
            self._branch(row, link)
        for row in rows.findings:
            self._finding(row, link)
        status = FILE_HEADER.index("状态")
        self.files.write(
            rows.file,
            fills={status: INTERRUPTED_FILL} if rows.file[status] == INTERRUPTED else None,
            links={0: link} if link else None,
        )

    def add_rows(self, branches, findings, files, links: dict[str, str]) -> None:
        """Whole tables at once (rows of several files), linked through their file column."""
        for row in branches:
            self._branch(row, links.get(row[2]))
        for row in findings:
            self._finding(row, links.get(row[0]))
        for row in files:
            link = links.get(row[0])
            self.files.write(row, links={0: link} if link else None)

    def _branch(self, row: list, link: str | None) -> None:
        fill = self.grade_fill.get(row[self._grade_col])
        self.branches.write(
            row,
            fills={self._grade_col: fill} if fill else None,
            links={2: link} if link else None,
        )

    def _finding(self, row: list, link: str | None) -> None:
        fill = LEVEL_FILL.get(row[self._level_col])
        self.findings.write(
            row, fills={self._level_col: fill} if fill else None, links={0: link} if link else None
        )

    def close(self, overview: Table, by_unit: Table) -> Path:
        """Fill 概览 and 各党总支定级统计, lay out every sheet for print, save atomically."""
        pie = self._overview(overview, by_unit)
        self.overview.finish([pie] if pie else [])
        bar = self._units(by_unit)
        self.units.finish([bar] if bar else [])
        for sheet in (*self.sections, self.branches, self.findings, self.files):
            sheet.finish()
        with atomic_path(self.path) as temp:
            own_output.save_marked(self.wb, temp, own_output.REPORT)
        return self.path

    def discard(self) -> None:
        """Drop what was streamed so far (openpyxl's temporary files) when the batch failed."""
        for ws in self.wb.worksheets:
            if not ws.closed:
                ws.close()

    def _section(self, table: Table, links: dict[str, str]) -> _Sheet:
        """A batch section's sheet, written whole: its colours, formats and file links."""
        style = SECTION_STYLE.get(table.title, SectionStyle())
        sheet = _Sheet(self.wb, table.title, table.header, style.widths)
        sheet.write_header()
        header = table.header
        grade_cols = [header.index(c) for c in style.grade_columns if c in header]
        shade = {header.index(c): colours for c, colours in style.shades.items() if c in header}
        formats = {header.index(c): f for c, f in style.formats.items() if c in header}
        link_col = header.index("文件") if "文件" in header and style.link_files else None
        centred = {header.index(c) for c in style.centred if c in header}
        for row in table.rows:
            fills = {i: self.grade_fill.get(row[i]) for i in grade_cols}
            fills.update({i: colours.get(row[i]) for i, colours in shade.items()})
            link = links.get(row[link_col]) if link_col is not None else None
            sheet.write(
                row,
                fills={i: f for i, f in fills.items() if f},
                links={link_col: link} if link else None,
                formats=formats,
                centred=centred,
            )
        return sheet

    def _overview(self, overview: Table, by_unit: Table) -> PieChart | None:
        """The overview table, beside it a small 定级 / 党支部数 / 占比 table the pie is drawn
        from (so the pie does not depend on the overview's rows), the pie below."""
        totals = _grade_totals(by_unit, self.grades)
        counted = sum(n for _, n in totals)
        sheet = self.overview
        side = ["定级", "党支部数", "占比（含无法定级）", "图中标注"] if counted else []
        left = len(sheet.header) + 1  # 0-based column of the side table, one column apart
        if side:
            for i, width in enumerate((12, 10, 12, 20)):
                sheet.ws.column_dimensions[get_column_letter(left + 1 + i)].width = width
        sheet.header = [*sheet.header, None, *side]
        sheet.widths = [*sheet.widths, 10, 12, 10, 12, 20][: len(sheet.header)]
        sheet.write_header()
        extra = (
            [[name, n, n / counted, pie_label(name, n, counted)] for name, n in totals]
            if counted
            else []
        )
        for i in range(max(len(overview.rows), len(extra))):
            row = list(overview.rows[i]) if i < len(overview.rows) else [None, None]
            formats = {1: "0.0%"} if "占比" in str(row[0] or "") else {}
            if i < len(extra):
                row += [None, *extra[i]]
                formats[left + 2] = "0.0%"
            sheet.write(row, formats=formats, centred={left + 3})
        if not counted:
            return None
        first, last = 2, 1 + len(totals)
        pie = PieChart()
        pie.title = "全院党支部定级"
        pie.add_data(Reference(sheet.ws, min_col=left + 2, min_row=first, max_row=last))
        # Each segment says what it is in full (“先进：2 个（33%）”), from the 图中标注 column:
        # a chart's own value-and-percent label reads “2; 33%”.
        pie.set_categories(Reference(sheet.ws, min_col=left + 4, min_row=first, max_row=last))
        pie.legend = None
        series = pie.series[0]
        colours = grade_colours(self.grades, UNKNOWN_GRADE)
        for i, (name, _) in enumerate(totals):
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = colours[name]
            point.graphicalProperties.line.solidFill = "FFFFFF"
            series.dPt.append(point)
        series.dLbls = _labels([n for _, n in totals], category=True)
        pie.width, pie.height = PIE_WIDTH, PIE_HEIGHT
        row = max(sheet.rows, last) + 3
        pie.height = _fitted_height(sheet, row, PIE_WIDTH)
        pie.anchor = f"A{row}"
        sheet.ws.add_chart(pie, pie.anchor)
        return pie

    def _units(self, by_unit: Table) -> BarChart | None:
        sheet = self.units
        sheet.write_header()
        for row in by_unit.rows:
            sheet.write(row)
        units = len(by_unit.rows) - 1  # the 合计 row stays out of the chart
        if units < 1:
            return None
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "各党总支党支部定级分布"
        chart.y_axis.title = "党支部数"
        chart.y_axis.majorUnit = 1  # counts of branches: no tick at 0.5
        chart.y_axis.number_format = "0"
        chart.y_axis.scaling.min = 0
        chart.x_axis.delete = chart.y_axis.delete = False
        header = by_unit.header
        colours = grade_colours(self.grades, UNKNOWN_GRADE)
        for name in [n for n in (*self.grades, UNKNOWN_GRADE) if n in header]:
            col = header.index(name) + 1
            chart.add_data(
                Reference(sheet.ws, min_col=col, min_row=1, max_row=1 + units),
                titles_from_data=True,
            )
            series = chart.series[-1]
            series.graphicalProperties.solidFill = colours[name]
            series.graphicalProperties.line.solidFill = "FFFFFF"
            if units <= MAX_LABELLED_UNITS:
                series.dLbls = _labels([row[col - 1] for row in by_unit.rows[:units]])
        chart.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=1 + units))
        chart.width, chart.height = 16, 9
        chart.anchor = f"A{len(by_unit.rows) + 4}"
        sheet.ws.add_chart(chart, chart.anchor)
        return chart


@dataclass(frozen=True)
class SectionStyle:
    widths: dict[str, int] = field(default_factory=dict)
    grade_columns: tuple[str, ...] = ()  # shaded in the grade palette
    shades: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → colour
    formats: dict[str, str] = field(default_factory=dict)  # column → number format
    link_files: bool = False  # the 文件 column links to the annotated copy
    # Short numbers centred: right-aligned, 逾期天数 “266” ran into 时间期限 “5 月/12 月” beside it.
    centred: tuple[str, ...] = ()


BEFORE_BRANCHES = ("名单核对", "重复提交")
# 未按期启动 is as red as 已逾期: work that should be under way is not.
STAGE_SHADES = {status_label(s): colour for s, (colour, _) in STATUS_COLOURS.items()} | {
    status_label("not_started_late"): STATUS_COLOURS["overdue"][0]
}
SECTION_STYLE = {
    "名单核对": SectionStyle(
        {"情况": 12, "党总支": 22, "党支部": 20, "文件": 26, "说明": 50},
        shades={"情况": ROSTER_FILL},
    ),
    "重复提交": SectionStyle(
        {"党总支": 20, "计入的文件": 28, "未计入的文件": 28, "依据": 16, "比较的日期": 40}
    ),
    "年度对比": SectionStyle(
        {"党总支": 20, "党支部": 22, "上年定级来源": 12, "说明": 36},
        grade_columns=("上年定级", "今年定级"),
    ),
    "后进转化率": SectionStyle(
        {"党总支": 24, "后进转化率": 12},
        shades={"达到目标": {"否": "FFC7CE", "是": "C6EFCE"}},
        formats={"后进转化率": "0.0%"},
    ),
    "薄弱环节与帮扶": SectionStyle(
        {"党总支": 14, "党支部": 16, "定级": 7, "总分": 7, "薄弱环节": 46}
        | {"建议帮扶党支部": 20, "帮扶方在该环节": 16, "包扶党委委员": 10, "说明": 26},
        grade_columns=("定级",),
    ),
    "任务进度": SectionStyle(
        {"党总支": 16, "文件": 22, "序号": 6, "任务": 30, "截止日期": 12, "时间期限": 14},
        shades={"状态": {STATUS_LABEL[s]: colour for s, (colour, _) in STATUS_COLOURS.items()}},
        formats={"截止日期": "yyyy-mm-dd"},
        link_files=True,
        centred=("序号", "逾期天数"),
    ),
    "阶段进度": SectionStyle(
        {"党总支": 12, "文件": 18, "阶段": 14, "序号": 6, "工作": 28, "状态": 10, "开始日期": 11}
        | {"截止日期": 11, "逾期天数": 8, "时间安排": 14, "责任单位": 14},
        shades={"状态": STAGE_SHADES},
        formats={"开始日期": "yyyy-mm-dd", "截止日期": "yyyy-mm-dd"},
        link_files=True,
        centred=("序号", "逾期天数"),
    ),
}


def _row_stream(ws) -> Generator[None, list, None]:
    """Rows of ready cells (row, column, link set) into a write-only sheet's XML.

    `ws.append` would first try each cell as a value, fail with a ValueError and only then
    take it as a cell: a raised and caught exception for every cell of the report. This is
    openpyxl's own `WriteOnlyWorksheet._write_rows` without that step; `ws.close()` ends it."""
    ws._get_writer()
    writer = ws._writer
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        row = 1
        try:
            while True:
                writer.write_row(xf, (yield), row)
                row += 1
        except GeneratorExit:
            pass
    writer.xf.send(None)


# The same texts (file names, 党总支, finding messages) come back row after row.
_wrapped_height = lru_cache(maxsize=4096)(wrapped_height)


def _fitted_height(sheet: _Sheet, row: int, width_cm: float) -> float:
    """The pie's height in cm: the full height, or less — down to PIE_MIN_HEIGHT — when that
    keeps it on the first page under the table (a long 概览, with the roster's lines, would
    otherwise push it alone onto page 2)."""
    extent = max(sheet.width(), width_cm / CM_PER_WIDTH_UNIT)
    page = sheet.page_height(extent, needs_landscape(extent))
    free_cm = (page * 0.95 - sheet.height_above(row)) / PT_PER_CM
    if free_cm >= PIE_HEIGHT or free_cm < PIE_MIN_HEIGHT:
        return PIE_HEIGHT  # it fits, or it goes whole onto the next page (`finish`)
    return math.floor(free_cm * 10) / 10  # never rounded up past the page


def _grade_totals(by_unit: Table, grades: list[str]) -> list[tuple[str, int]]:
    """(grade, branches) for the whole college, best grade first, 无法定级 last."""
    if not by_unit.rows:
        return []
    totals = by_unit.rows[-1]  # the 合计 row
    names = [*grades, UNKNOWN_GRADE]
    header = by_unit.header
    return [(name, int(totals[header.index(name)] or 0)) for name in names if name in header]


def pie_label(grade: str, count: int, total: int) -> str:
    """“先进：2 个（33%）”: a pie segment's label, the share rounded half up to whole percent
    (1 of 8 is 13%, as Excel shows it; Python's round would give 12)."""
    share = math.floor(Fraction(100 * count, total) + Fraction(1, 2))
    return f"{grade}：{count} 个（{share}%）"


def _labels(values: list[object], category: bool = False) -> DataLabelList:
    """Counts on the chart (`category`: the category's own text instead); none on an empty
    segment, where "0" would only clutter (a number format hiding zeros is ignored by
    LibreOffice, so those are deleted)."""
    labels = DataLabelList(showVal=not category, showCatName=category, showPercent=False)
    labels.showSerName = labels.showLegendKey = False
    hidden = {f"show{part}": False for part in ("Val", "Percent", "CatName", "SerName")}
    labels.dLbl = [
        DataLabel(idx=i, showLegendKey=False, **hidden) for i, v in enumerate(values) if not v
    ]
    return labels
