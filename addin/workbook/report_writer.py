"""Write the consolidated batch report as a workbook (openpyxl): tables, filters, charts.

Every sheet prints on A4, all columns on one page width, its header row on every page, the
sheet name and page numbers in the footer; rows are as high as their wrapped text (WPS and
LibreOffice do not grow them) and a chart that would straddle a page break starts a new page.
Grades are coloured by rank everywhere (`sheet_style.grade_colours`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_atomically
from ..report.consolidated import UNKNOWN_GRADE, Consolidated, Table
from ..task_status import STATUS_LABEL
from ..tasks import STATUS_COLOURS
from ..writes import LEVEL_FILL
from .safe_cells import append
from .sheet_style import (
    DEFAULT_HEIGHT,
    LANDSCAPE_WIDTH,
    PORTRAIT_WIDTH,
    PRINTABLE_HEIGHT,
    fit_row_heights,
    grade_colours,
    needs_landscape,
    print_setup,
    sheet_width,
)

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BODY = Alignment(wrap_text=True, vertical="top")
CM_PER_WIDTH_UNIT = 0.19  # one column-width unit (7 px at 96 dpi) in centimetres
PT_PER_CM = 72 / 2.54
# Past this many 党总支 the columns are too thin for a number on each segment: the table has them.
MAX_LABELLED_UNITS = 15


def write_report(data: Consolidated, path: Path, links: dict[str, str] | None = None) -> None:
    """`links`: file path → annotated copy (relative to the report), linked from the file column."""
    wb = Workbook()
    wb.remove(wb.active)
    overview = _table(wb, data.overview, {"项目": 30, "数值": 14})
    for row in overview.iter_rows(min_row=2, min_col=2, max_col=2):
        label = overview.cell(row[0].row, 1).value or ""
        if "占比" in label:
            row[0].number_format = "0.0%"
    _grade_pie(overview, data)
    units = _table(wb, data.by_unit, {"党总支": 24})
    _unit_chart(units, data)
    _inbox_sheets(wb, data, before=True)
    branches = _table(
        wb,
        data.branches,
        {"党总支": 20, "党支部": 22, "文件": 30, "工作表": 16, "总分": 8, "定级": 9},
    )
    _shade_grades(branches, data.branches.header.index("定级") + 1, data.grades)
    _inbox_sheets(wb, data, before=False)
    findings = _table(
        wb,
        data.findings,
        {"文件": 30, "工作表": 14, "单元格": 8, "级别": 6, "代码": 22, "说明": 56, "值": 14},
    )
    level = data.findings.header.index("级别") + 1
    for row in findings.iter_rows(min_row=2, min_col=level, max_col=level):
        colour = LEVEL_FILL.get(row[0].value)
        if colour:
            row[0].fill = PatternFill("solid", fgColor=colour)
    files = _table(
        wb,
        data.files,
        {"文件": 40, "党总支": 20, "状态": 10, "错误": 8, "警告": 8, "计入统计": 16},
    )
    for sheet, col in ((files, 1), (findings, 1), (branches, 3), *_file_columns(wb)):
        _link_files(sheet, col, links or {})
    for ws in wb.worksheets:
        fit_row_heights(ws, range(1, ws.max_row + 1))
        print_setup(ws, landscape=_wide(ws), title_rows="1:1", name_in_footer=True)
        _keep_charts_whole(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda temp: wb.save(temp))


def _inbox_sheets(wb: Workbook, data: Consolidated, before: bool) -> None:
    """The batch sections: 名单核对 and 重复提交 next to the counts they qualify, 年度对比,
    后进转化率 and 任务进度 after the branches."""
    if before:
        if data.roster is not None:
            roster = _table(
                wb, data.roster, {"情况": 12, "党总支": 22, "党支部": 20, "文件": 26, "说明": 50}
            )
            _shade(roster, 1, ROSTER_FILL)
        if data.duplicates is not None:
            _table(
                wb,
                data.duplicates,
                {"党总支": 20, "计入的文件": 28, "未计入的文件": 28, "依据": 16, "比较的日期": 40},
            )
        return
    if data.year_over_year is not None:
        year = _table(
            wb, data.year_over_year, {"党总支": 20, "党支部": 22, "上年定级来源": 12, "说明": 36}
        )
        for col in (3, 4):
            _shade_grades(year, col, data.grades)
    if data.conversion is not None:
        conversion = _table(wb, data.conversion, {"党总支": 24, "后进转化率": 12})
        for row in conversion.iter_rows(min_row=2, min_col=4, max_col=4):
            row[0].number_format = "0.0%"
        _shade(conversion, 5, {"否": "FFC7CE", "是": "C6EFCE"})
    if data.tasks is not None:
        tasks = _table(
            wb,
            data.tasks,
            {"党总支": 16, "文件": 22, "序号": 6, "任务": 30, "截止日期": 12, "时间期限": 14},
        )
        for row in tasks.iter_rows(min_row=2, min_col=6, max_col=6):
            row[0].number_format = "yyyy-mm-dd"
        fills = {STATUS_LABEL[s]: colour for s, (colour, _) in STATUS_COLOURS.items()}
        _shade(tasks, data.tasks.header.index("状态") + 1, fills)


ROSTER_FILL = {
    "未提交": "FFC7CE",
    "党支部缺失": "FFC7CE",
    "不在名单中": "FFEB9C",
    "名称相近": "DDEBF7",
}


def _shade(ws: Worksheet, col: int, colours: dict[str, str]) -> None:
    for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
        colour = colours.get(row[0].value)
        if colour:
            row[0].fill = PatternFill("solid", fgColor=colour)


def _table(wb: Workbook, table: Table, widths: dict[str, int]) -> Worksheet:
    """`widths` by column label (others 10), so a column added to a table keeps the rest right."""
    ws = wb.create_sheet(table.title)
    ws.append(table.header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        append(ws, ["" if v is None else v for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.value != "":
                cell.alignment = BODY  # long texts wrap; fit_row_heights sizes the rows
    for i, label in enumerate(table.header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(label, 10)
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(table.rows) + 1}"
    return ws


def _grade_totals(data: Consolidated) -> list[tuple[str, int]]:
    """(grade, branches) for the whole college, best grade first, 无法定级 last."""
    header, rows = data.by_unit.header, data.by_unit.rows
    if not rows:
        return []
    totals = rows[-1]  # the 合计 row
    names = [*data.grades, UNKNOWN_GRADE]
    return [(name, int(totals[header.index(name)] or 0)) for name in names if name in header]


def _grade_pie(ws: Worksheet, data: Consolidated) -> None:
    """The college's grades as a pie, 无法定级 its own grey slice, from a small table beside
    the overview (定级 / 党支部数 / 占比) so the pie does not depend on the overview's rows."""
    totals = _grade_totals(data)
    counted = sum(n for _, n in totals)
    if not counted:
        return
    left = ws.max_column + 2
    top = 1
    for i, label in enumerate(("定级", "党支部数", "占比（含无法定级）")):
        cell = ws.cell(top, left + i, label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, (name, n) in enumerate(totals, start=top + 1):
        ws.cell(r, left, name)
        ws.cell(r, left + 1, n)
        ws.cell(r, left + 2, n / counted).number_format = "0.0%"
    for i, width in enumerate((12, 10, 12)):
        ws.column_dimensions[get_column_letter(left + i)].width = width
    first, last = top + 1, top + len(totals)

    pie = PieChart()
    pie.title = "全院党支部定级"
    pie.add_data(Reference(ws, min_col=left + 1, min_row=first, max_row=last))
    pie.set_categories(Reference(ws, min_col=left, min_row=first, max_row=last))
    series = pie.series[0]
    colours = grade_colours(data.grades, UNKNOWN_GRADE)
    for i, (name, _) in enumerate(totals):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = colours[name]
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = _labels([n for _, n in totals], percent=True)
    pie.width, pie.height = 15, 9
    ws.add_chart(pie, f"A{max(ws.max_row, last) + 3}")


def _unit_chart(ws: Worksheet, data: Consolidated) -> None:
    units = len(data.by_unit.rows) - 1  # the 合计 row stays out of the chart
    if units < 1:
        return
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
    header = data.by_unit.header
    names = [n for n in (*data.grades, UNKNOWN_GRADE) if n in header]
    colours = grade_colours(data.grades, UNKNOWN_GRADE)
    for name in names:
        col = header.index(name) + 1
        chart.add_data(
            Reference(ws, min_col=col, min_row=1, max_row=1 + units), titles_from_data=True
        )
        series = chart.series[-1]
        series.graphicalProperties.solidFill = colours[name]
        series.graphicalProperties.line.solidFill = "FFFFFF"
        if units <= MAX_LABELLED_UNITS:
            series.dLbls = _labels([row[col - 1] for row in data.by_unit.rows[:units]], False)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + units))
    chart.width, chart.height = 16, 9
    ws.add_chart(chart, f"A{len(data.by_unit.rows) + 4}")


def _labels(values: list[object], percent: bool) -> DataLabelList:
    """Counts (and shares) on the chart; none on an empty segment, where "0" would only
    clutter (a number format hiding zeros is ignored by LibreOffice, so those are deleted)."""
    labels = DataLabelList(showVal=True, showPercent=percent)
    labels.showSerName = labels.showCatName = labels.showLegendKey = False
    hidden = {f"show{part}": False for part in ("Val", "Percent", "CatName", "SerName")}
    labels.dLbl = [
        DataLabel(idx=i, showLegendKey=False, **hidden) for i, v in enumerate(values) if not v
    ]
    return labels


def _shade_grades(ws: Worksheet, col: int, grades: list[str]) -> None:
    fills = {
        name: PatternFill("solid", fgColor=colour)
        for name, colour in grade_colours(grades, UNKNOWN_GRADE, light=True).items()
    }
    for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
        fill = fills.get(row[0].value)
        if fill:
            row[0].fill = fill


def _chart_extent(ws: Worksheet) -> float:
    """Width in column units the sheet prints, its charts included."""
    width = sheet_width(ws)
    for chart in ws._charts:
        width = max(width, chart.width / CM_PER_WIDTH_UNIT)
    return width


def _wide(ws: Worksheet) -> bool:
    return needs_landscape(_chart_extent(ws))


def _keep_charts_whole(ws: Worksheet) -> None:
    """A page break before a chart that would straddle one; the rows above are laid out one
    page width wide, so the page height in sheet points grows as the page is scaled down."""
    orientation = ws.page_setup.orientation
    page_width = LANDSCAPE_WIDTH if orientation == "landscape" else PORTRAIT_WIDTH
    scale = min(1.0, page_width / max(_chart_extent(ws), 1))
    title = ws.row_dimensions[1].height or DEFAULT_HEIGHT
    page = PRINTABLE_HEIGHT[orientation] / scale - title  # the header row repeats on each page
    for chart in ws._charts:
        row = int("".join(ch for ch in chart.anchor if ch.isdigit()))
        above = sum(ws.row_dimensions[r].height or DEFAULT_HEIGHT for r in range(1, row))
        height = chart.height * PT_PER_CM
        if above % page + height > page * 0.95:
            ws.row_breaks.append(Break(id=row - 1))


def _file_columns(wb: Workbook) -> list[tuple[Worksheet, int]]:
    """Sheets of the batch sections whose 文件 column links to the annotated copies."""
    found = []
    for name in ("任务进度",):
        if name in wb.sheetnames:
            found.append((wb[name], 2))
    return found


def _link_files(ws: Worksheet, col: int, links: dict[str, str]) -> None:
    for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
        target = links.get(row[0].value)
        if target:
            row[0].hyperlink = target
            row[0].font = Font(color="0563C1", underline="single")
