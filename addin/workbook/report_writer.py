"""Write the consolidated batch report as a workbook (openpyxl): tables, filters, charts."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_atomically
from ..report.consolidated import Consolidated, Table
from .safe_cells import append

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SEVERITY_FILL = {"错误": "FFC7CE", "警告": "FFEB9C", "提示": "DDEBF7"}


def write_report(data: Consolidated, path: Path, links: dict[str, str] | None = None) -> None:
    """`links`: file path → annotated copy (relative to the report), linked from the file column."""
    wb = Workbook()
    wb.remove(wb.active)
    overview = _table(wb, data.overview, widths=[30, 14])
    for row in overview.iter_rows(min_row=2, min_col=2, max_col=2):
        label = overview.cell(row[0].row, 1).value or ""
        if "占比" in label:
            row[0].number_format = "0.0%"
    units = _table(wb, data.by_unit, widths=[24] + [10] * (len(data.by_unit.header) - 1))
    _unit_chart(units, data)
    _grade_pie(overview, data)
    branches = _table(wb, data.branches, widths=[20, 22, 36, 16, 8, 9] + [10] * 10)
    findings = _table(wb, data.findings, widths=[36, 16, 8, 6, 30, 70, 12])
    for row in findings.iter_rows(min_row=2, min_col=4, max_col=6):
        colour = SEVERITY_FILL.get(row[0].value)
        if colour:
            row[0].fill = PatternFill("solid", fgColor=colour)
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    files = _table(wb, data.files, widths=[40, 20, 10, 8, 8, 10])
    for sheet, col in ((files, 1), (findings, 1), (branches, 3)):
        _link_files(sheet, col, links or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda temp: wb.save(temp))


def _table(wb: Workbook, table: Table, widths: list[int]) -> Worksheet:
    ws = wb.create_sheet(table.title)
    ws.append(table.header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        append(ws, ["" if v is None else v for v in row])
    for i, width in enumerate(widths[: len(table.header)], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(table.rows) + 1}"
    return ws


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
    grade_cols = len(data.grades) + 1
    chart.add_data(
        Reference(ws, min_col=2, max_col=1 + grade_cols, min_row=1, max_row=1 + units),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + units))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"{get_column_letter(len(data.by_unit.header) + 2)}2")


def _grade_pie(ws: Worksheet, data: Consolidated) -> None:
    first = next(
        (i for i, row in enumerate(data.overview.rows) if row[0] == f"{data.grades[0]}数"), None
    )
    if first is None or not any(
        row[1] for row in data.overview.rows[first : first + len(data.grades)]
    ):
        return
    pie = PieChart()
    pie.title = "全院党支部定级"
    rows = (first + 2, first + 1 + len(data.grades))
    pie.add_data(Reference(ws, min_col=2, min_row=rows[0], max_row=rows[1]))
    pie.set_categories(Reference(ws, min_col=1, min_row=rows[0], max_row=rows[1]))
    pie.width, pie.height = 12, 8
    ws.add_chart(pie, "D2")


def _link_files(ws: Worksheet, col: int, links: dict[str, str]) -> None:
    for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
        target = links.get(row[0].value)
        if target:
            row[0].hyperlink = target
            row[0].font = Font(color="0563C1", underline="single")
