"""Lay out one unit's 整改通知 (`report.feedback.UnitNotice`) as a one-sheet workbook that
prints on A4 portrait — on one page where the findings allow — and, when LibreOffice is
there, as a PDF beside it. Marked as Jiceng's own output (`own_output`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import write_atomically
from ..report.feedback import (
    NO_GRADE,
    NOT_RECEIVED,
    NOTES_TITLE,
    SUPPORT_TITLE,
    UnitNotice,
    notice_name,
)
from . import own_output
from .safe_cells import put
from .sheet_style import (
    BORDER,
    CENTER,
    HEADER_FILL,
    PRINTABLE_HEIGHT,
    WRAP,
    fit_row_heights,
    print_setup,
)

SHEET = "整改通知"
FONT = "宋体"
# 序号 / 文件 / 工作表 / 单元格 / 问题 / 应填写: 92 width units, one A4 portrait page wide.
WIDTHS = (5, 16, 11, 9, 29, 22)
TITLE = Font(name=FONT, size=16, bold=True)
SECTION = Font(name=FONT, size=12, bold=True)
BODY = Font(name=FONT, size=10.5)
HEAD = Font(name=FONT, size=10.5, bold=True)
ERROR_FONT = Font(name=FONT, size=10.5, color="9C0006")
# Fit to one page tall when the rows need at most this many pages at 100 %: shrunk further the
# print would be too small to read, so a long notice runs over several pages instead.
ONE_PAGE_UP_TO = 1.4

Span = tuple[str, int, int]  # label, first and last 1-based column
CENTRED = ("序号", "单元格", "检查结果", "总分")
NUMERALS = "一二三四五六七八九十"
SUPPORT_INTRO = (
    "定级未达最高等级（或无法定级）的党支部，按各类别得分率列出薄弱环节，请针对薄弱环节重点攻坚；"
    "建议帮扶党支部为在该环节得分率更高的党支部，供结对帮扶参考。"
)


def write_notice(notice: UnitNotice, folder: Path, stem: str | None = None) -> Path:
    """Write `notice` as `folder/<stem>.xlsx` (default 整改通知_<unit>); returns the path."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    row = _heading(ws, notice)
    if notice.received:
        numbers = iter(NUMERALS)  # sections are numbered as they appear
        row = _files(ws, notice, row, numbers)
        row = _branches(ws, notice, row, numbers)
        row = _problems(ws, notice, row, numbers)
        row = _support(ws, notice, row, numbers)
        row = _notes(ws, notice, row, numbers)
        _closing(ws, notice, row)
    else:
        fit_row_heights(ws, range(1, row))
    _print(ws)
    path = folder / f"{stem or notice_name(notice.unit)}.xlsx"
    write_atomically(path, lambda temp: own_output.save_marked(wb, temp, own_output.NOTICE))
    return path


def _heading(ws: Worksheet, notice: UnitNotice) -> int:
    _merged(ws, 1, f"{notice.unit}：基层组织建设年材料检查结果及整改通知", TITLE, CENTER)
    ws.row_dimensions[1].height = 30
    when = f"检查日期：{notice.checked_on.isoformat()}　" if notice.checked_on else ""
    if not notice.received:
        summary = NOT_RECEIVED
    elif notice.needs_fixing:
        summary = f"共 {notice.problems} 处需要处理（其中错误 {notice.errors} 处）。"
    else:
        summary = notice.no_fixes_text
    _merged(ws, 2, f"{when}{summary}", BODY, WRAP)
    return 4


def _section(ws: Worksheet, row: int, numbers: Iterator[str], title: str) -> None:
    _merged(ws, row, f"{next(numbers)}、{title}", SECTION)


def _files(ws: Worksheet, notice: UnitNotice, row: int, numbers: Iterator[str]) -> int:
    _section(ws, row, numbers, "提交的文件")
    spans = [
        ("序号", 1, 1),
        ("文件", 2, 3),
        ("检查结果", 4, 4),
        ("批注副本（已标出问题单元格）", 5, 6),
    ]
    rows = [[i, f.name, f.status, f.copy or "（无）"] for i, f in enumerate(notice.files, start=1)]
    end = _table(ws, row + 1, spans, rows)
    return _unlisted(ws, end, notice.files_unlisted, "个文件") + 1


def _unlisted(ws: Worksheet, row: int, count: int, what: str) -> int:
    """Under a table cut at MAX_LISTED rows: how many more there are, and where they are."""
    if not count:
        return row
    _merged(ws, row, f"另有 {count} {what}未列出，详见汇总报告。", BODY, WRAP)
    return row + 1


def _branches(ws: Worksheet, notice: UnitNotice, row: int, numbers: Iterator[str]) -> int:
    if not notice.branches:
        return row
    _section(ws, row, numbers, "各党支部定级")
    # The 文件 column only when the unit sent several files (one file is named above).
    several = len(notice.files) > 1
    spans = [("序号", 1, 1), ("党支部", 2, 3), ("总分", 4, 4)]
    spans += [("定级", 5, 5), ("文件", 6, 6)] if several else [("定级", 5, 6)]
    rows = [
        [
            i,
            b.name,
            "无法计算" if b.total is None else b.total,
            b.grade or "无法定级（先更正下列问题）",
            *([b.file] if several else []),
        ]
        for i, b in enumerate(notice.branches, start=1)
    ]
    return _table(ws, row + 1, spans, rows) + 1


def _problems(ws: Worksheet, notice: UnitNotice, row: int, numbers: Iterator[str]) -> int:
    if not notice.needs_fixing:
        _section(ws, row, numbers, "需要整改的问题")
        _merged(ws, row + 1, notice.no_fixes_text, BODY, WRAP)
        return row + 3
    _section(ws, row, numbers, f"需要整改的问题（共 {notice.problems} 处）")
    if len(notice.files) > 1:
        spans = [("序号", 1, 1), ("文件", 2, 2), ("工作表", 3, 3), ("单元格", 4, 4)]
        spans += [("问题", 5, 5), ("应填写 / 处理办法", 6, 6)]
    else:  # one file, named above: its columns go to the sheet and the problem
        spans = [("序号", 1, 1), ("工作表", 2, 2), ("单元格", 3, 3), ("问题", 4, 5)]
        spans += [("应填写 / 处理办法", 6, 6)]
    several = len(spans) == 6
    rows = [
        [
            i,
            *([line.file] if several else []),
            line.sheet,
            line.cell,
            _problem(line.level, line.problem),
            line.fix,
        ]
        for i, line in enumerate(notice.lines, start=1)
    ]
    end = _table(ws, row + 1, spans, rows)
    problem_col = spans[-2][1]
    for r, line in enumerate(notice.lines, start=row + 2):
        if line.level == "错误":
            ws.cell(r, problem_col).font = ERROR_FONT
    return _unlisted(ws, end, notice.lines_unlisted, "处问题") + 1


def _problem(level: str, text: str) -> str:
    return text if level == "错误" else f"【{level}】{text}"


def _support(ws: Worksheet, notice: UnitNotice, row: int, numbers: Iterator[str]) -> int:
    """Each branch below the top grade: its 薄弱环节, the 帮扶 partner proposed (or why
    none) and the 包扶 committee member when known. No section when there is none."""
    if not notice.support:
        return row
    _section(ws, row, numbers, SUPPORT_TITLE)
    _merged(ws, row + 1, SUPPORT_INTRO, BODY, WRAP)
    row += 1
    spans = [("序号", 1, 1), ("党支部", 2, 2), ("薄弱环节", 3, 5), ("建议帮扶党支部", 6, 6)]
    rows = [
        [
            i,
            f"{s.branch}\n（{s.grade or NO_GRADE}）",
            "\n".join(s.lines),
            s.partner + (f"\n包扶党委委员：{s.baofu}" if s.baofu else ""),
        ]
        for i, s in enumerate(notice.support, start=1)
    ]
    return _table(ws, row + 1, spans, rows) + 1


def _notes(ws: Worksheet, notice: UnitNotice, row: int, numbers: Iterator[str]) -> int:
    """The seam for further per-branch lines: one row per branch."""
    if not notice.branch_notes:
        return row
    _section(ws, row, numbers, NOTES_TITLE)
    spans = [("序号", 1, 1), ("党支部", 2, 3), ("内容", 4, 6)]
    rows = [
        [i, name, "\n".join(lines)]
        for i, (name, lines) in enumerate(notice.branch_notes.items(), start=1)
    ]
    return _table(ws, row + 1, spans, rows) + 1


def _closing(ws: Worksheet, notice: UnitNotice, row: int) -> None:
    if notice.needs_fixing:
        text = (
            "请按上表逐项更正原文件（批注副本中已用颜色和批注标出各单元格），"
            "更正后重新提交；标为“请核实”的各项请核对后按实际情况填写。"
        )
    else:
        text = "以上定级结果供核对，如有异议请与组织部联系。"
    _merged(ws, row, text, BODY, WRAP)
    fit_row_heights(ws, range(1, row + 1))


def _merged(ws: Worksheet, row: int, text: str, font: Font, align: Alignment | None = None):
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
    cell = ws.cell(row, 1)
    put(cell, text)
    cell.font = font
    cell.alignment = align or Alignment(vertical="center")
    return cell


def _table(ws: Worksheet, row: int, spans: Sequence[Span], rows: list[list]) -> int:
    """A bordered table at `row` (header) with cells merged across `spans`; returns the row
    after it."""
    for label, first, last in spans:
        _span(ws, row, first, last, label, HEAD, CENTER)
        for c in range(first, last + 1):
            ws.cell(row, c).fill = HEADER_FILL
    for r, values in enumerate(rows, start=row + 1):
        for (label, first, last), value in zip(spans, values, strict=True):
            align = CENTER if label in CENTRED else WRAP
            _span(ws, r, first, last, value, BODY, align)
    return row + len(rows) + 1


def _span(ws, row, first, last, value, font, align) -> None:
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row, first)
    put(cell, value)  # names and messages from the files: no formulas, no control characters
    cell.font, cell.alignment = font, align
    for c in range(first, last + 1):
        ws.cell(row, c).border = BORDER


def _print(ws: Worksheet) -> None:
    """A4 portrait, one page wide; one page tall too when that keeps the print readable. The
    print area is the notice's own rows and columns: what prints anyway, but LibreOffice then
    does not search the sheet for its used area at each zoom it tries to fit the page (≈ 65 ms
    of the ≈ 170 ms CPU a one-page notice's PDF took; the PDF is the same to the pixel)."""
    print_setup(ws, landscape=False)
    ws.print_area = f"A1:{get_column_letter(len(WIDTHS))}{ws.max_row}"
    height = sum(ws.row_dimensions[r].height or 15.0 for r in range(1, ws.max_row + 1))
    if height <= PRINTABLE_HEIGHT["portrait"] * ONE_PAGE_UP_TO:
        ws.page_setup.fitToHeight = 1
    ws.print_options.horizontalCentered = True


# Notices one LibreOffice run converts: LibreOffice (7.4) quietly stops after its first 247 files
# and exits 0 (the rest get no PDF), so a batch of 300 units is converted in two runs.
PDF_RUN = 200
# What a LibreOffice run is given: this long, and this long more per notice it converts.
PDF_SECONDS = 120
PDF_SECONDS_PER_NOTICE = 5


def notices_to_pdf(paths: list[Path], folder: Path, timeout: float = PDF_SECONDS) -> list[Path]:
    """PDFs of the notices beside them, in one LibreOffice run per `PDF_RUN` notices; [] without
    LibreOffice (the workbooks are the notices, the PDFs a convenience for mailing). LibreOffice
    writes them into a folder of its own; those of a run that ended by itself are then moved
    beside the notices, each atomically: a run killed (its time, its worker's) leaves no PDF
    half-written. Returns the PDFs made now. An earlier run's PDF beside a notice is replaced or
    removed as the notice is moved in (`notice_pool.move_in`), not here."""
    import tempfile

    from .convert import run_group, soffice

    program = soffice()
    if program is None or not paths:
        return []
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="jiceng-lo-") as work:
        profile, outdir = Path(work) / "profile", Path(work) / "pdf"
        outdir.mkdir()
        for start in range(0, len(paths), PDF_RUN):
            group = paths[start : start + PDF_RUN]
            command = [
                program,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, group),
            ]
            try:
                if not run_group(command, timeout + PDF_SECONDS_PER_NOTICE * len(group)):
                    continue  # killed: its last PDF may be half-written
            except OSError:
                return made
            for path in group:
                converted = outdir / f"{path.stem}.pdf"
                if converted.is_file():
                    pdf = path.with_suffix(".pdf")
                    write_atomically(pdf, partial(shutil.copyfile, converted))
                    made.append(pdf)
    return made
