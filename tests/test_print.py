"""What the organization department prints: everything Jiceng writes, converted to PDF by
LibreOffice headless (a second program that, like WPS, does not grow rows to fit), counted page
by page. One conversion per output for the whole session: LibreOffice is slow to start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import libreoffice_profile
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from pypdf import PdfReader

from addin.batch import run_batch
from addin.report.consolidated import Consolidated, Table
from addin.spec import load_specs
from addin.workbook.report_writer import pie_label, write_report
from addin.workbook.sheet_style import (
    LINE_HEIGHT,
    PORTRAIT_WIDTH,
    fit_row_heights,
    grade_colours,
    needs_landscape,
    wrapped_height,
)
from addin.writes import FINDINGS_SHEET

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "workbooks" / "samples"
A4 = (595, 842)  # points, portrait; landscape is the same turned


def to_pdf(paths: list[Path], outdir: Path) -> dict[str, list[tuple[str, tuple[int, int]]]]:
    """file stem → [(page text, (width, height))]; all files in one LibreOffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) 未安装：apt-get install -y libreoffice-calc")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            libreoffice_profile(outdir),  # never another run's
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = {}
    for path in paths:
        pdf = outdir / f"{path.stem}.pdf"
        sizes = [
            (round(page.mediabox.width), round(page.mediabox.height))
            for page in PdfReader(pdf).pages
        ]
        pages[path.stem] = list(zip(page_texts(pdf), sizes, strict=True))
    return pages


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler's pdftotext reads it in drawing order (-raw): the footer
    (sheet name and page number) first, then the cells and the chart, whatever font LibreOffice
    embedded (pypdf's reading of CJK text depends on the font: with some it gives "第1  页",
    with DejaVu's fallback "概概")."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing in CI: .ci/run installs it")
        pytest.skip("pdftotext 未安装：apt-get install -y poppler-utils")
    done = subprocess.run(
        [pdftotext, "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return done.stdout.decode("utf-8").split("\f")[:-1]  # each page ends with a form feed


FOOTER = re.compile(r"^\s*(\S+)\s+第\s*(\d+)\s*页，共\s*(\d+)\s*页\s*$", re.M)


def footer(text: str) -> tuple[str, str] | None:
    """The page footer: (sheet name, "N/M") from "概览    第 1 页，共 6 页", or None."""
    found = FOOTER.search(text)
    return found and (found[1], f"{found[2]}/{found[3]}")


def tight(text: str) -> str:
    """Without the spaces an extractor puts between glyphs ("无法定级： 2 个"); lines kept."""
    return re.sub(r"[^\S\n]+", "", text)


def sheet_of(text: str) -> str | None:
    """The sheet a printed page belongs to, by the name its footer prints."""
    found = footer(text)
    return found and found[0]


def by_sheet(pages) -> dict[str, list[str]]:
    """Page texts grouped by the sheet name the footer prints ("概览 第 1 页，共 5 页")."""
    grouped: dict[str, list[str]] = {}
    for text, _ in pages:
        grouped.setdefault(sheet_of(text), []).append(text)
    return grouped


def test_footer_reads_the_sheet_and_page_numbers():
    page = "项目     数值\n文件数    3\n\n概览                 第 1 页，共 6 页\n\n"
    assert footer(page) == ("概览", "1/6")
    assert footer("问题清单   第 12 页，共 12 页") == ("问题清单", "12/12")
    assert footer("文件  第 2 页，共 5 页") != ("文件", "2/6")
    assert footer("第三党支部 第 页") is None
    assert footer("第 1 页，共 6 页") is None  # no sheet name before it
    assert tight("先进： 2 个\n（ 33% ）") == "先进：2个\n（33%）"


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """The samples' batch (report and annotated copies), the blank templates and two reports
    of other tests, as PDF (one start of LibreOffice for all)."""
    tmp = tmp_path_factory.mktemp("print")
    specs = load_specs()
    files = sorted(SAMPLES.glob("*.xlsx"))
    run_batch(files, tmp / "out", specs, root=SAMPLES, as_of=date(2022, 7, 26), notice_pdf=False)
    sources = {
        "report": tmp / "out" / "汇总报告.xlsx",
        "tasks_copy": tmp / "out" / "批注副本" / "组织部_任务清单.xlsx",
        "summary_copy": tmp / "out" / "批注副本" / "第二党总支_提交.xlsx",
        **{p.stem: p for p in (ROOT / "workbooks").glob("*.xlsx")},
        # reports written for a test of their own, printed in the same start of LibreOffice
        "report30": _big_report(tmp, 30),
        "overview28": _overview_report(tmp, 28),
    }
    named = []
    for name, src in sources.items():
        dst = tmp / "in" / f"{name}.xlsx"
        dst.parent.mkdir(exist_ok=True)
        shutil.copy(src, dst)
        named.append(dst)
    return {"pages": to_pdf(named, tmp / "pdf"), "xlsx": {p.stem: p for p in named}}


def test_report_prints_each_table_on_one_a4_page_with_its_chart(printed):
    pages = printed["pages"]["report"]
    assert all(size in (A4, A4[::-1]) for _, size in pages)
    sheets = by_sheet(pages)
    assert list(sheets) == [
        "概览",
        "各党总支定级统计",
        "党支部",
        "薄弱环节与帮扶",
        "任务进度",
        "问题清单",
        "文件",
    ]
    assert {name: len(texts) for name, texts in sheets.items()} == dict.fromkeys(sheets, 1)
    printed_first = [size for text, size in pages if sheet_of(text) in ("概览", "各党总支定级统计")]
    assert printed_first == [A4, A4]
    overview = sheets["概览"][0]
    assert "全院党支部定级" in overview and "警告数" in overview  # the table and its pie
    # Each slice labelled in words, wrapped inside the pie (the side table has it on one line).
    assert "无法定级：2个\n（33%）" in tight(overview)
    units = sheets["各党总支定级统计"][0]
    assert "各党总支党支部定级分布" in units and "党支部数" in units
    numbers = [f"{i}/{len(pages)}" for i in range(1, len(pages) + 1)]
    assert [footer(text)[1] for text, _ in pages] == numbers


def test_report_task_progress_is_one_landscape_page_with_every_column(printed):
    pages = [(t, s) for t, s in printed["pages"]["report"] if sheet_of(t) == "任务进度"]
    assert [size for _, size in pages] == [A4[::-1]]
    text = pages[0][0]
    assert "逾期天数" in text and "责任人" in text and "已逾期" in text


def test_report_support_sheet_is_one_landscape_page_with_every_column(printed):
    pages = [(t, s) for t, s in printed["pages"]["report"] if sheet_of(t) == "薄弱环节与帮扶"]
    assert [size for _, size in pages] == [A4[::-1]]
    text = pages[0][0]
    for label in ("党总支", "薄弱环节", "建议帮扶党支部", "包扶党委委员", "说明"):
        assert label in text
    assert "群众反映 5/20" in text and "机关第一党支部" in text


def test_blank_roster_prints_on_one_portrait_page(printed):
    (page,) = printed["pages"]["名单模板"]
    assert page[1] == A4 and "党总支" in page[0] and "填写说明" in page[0]


def test_report_issues_table_is_one_page_wide_with_every_column(printed):
    sheets = by_sheet(printed["pages"]["report"])
    for text in sheets["问题清单"] + sheets["党支部"]:
        assert "文件" in text and "工作表" in text
    issues = sheets["问题清单"][0]
    assert "说明" in issues and "值" in issues and "tasks.due_soon" in issues


def test_task_list_prints_one_page_wide_on_a4_landscape(printed):
    blank = printed["pages"]["tasks_2022"]
    assert [size for _, size in blank] == [A4[::-1]]  # one A4 landscape page, all 12 columns
    assert "序号" in blank[0][0] and "预警" in blank[0][0]
    # The filled copy: the task sheet still one landscape page, computed columns included.
    task_pages = [(t, s) for t, s in printed["pages"]["tasks_copy"] if "预警" in t]
    assert [size for _, size in task_pages] == [A4[::-1]]
    assert "序号" in task_pages[0][0] and "已逾期" in task_pages[0][0]


def test_findings_sheet_prints_landscape_one_page_wide(printed):
    pages = printed["pages"]["summary_copy"]
    findings = [(t, s) for t, s in pages if sheet_of(t) == FINDINGS_SHEET]
    assert findings and all(size == A4[::-1] for _, size in findings)
    assert "校验结果：11 个错误，2 个警告，0 个提示" in findings[0][0]
    for text, _ in findings:
        assert "序号" in text and "代码" in text  # the header repeats, all columns on the page


def test_blank_templates_print_on_one_a4_page(printed):
    for name in ("rubric_2022", "summary_2022"):
        assert [size for _, size in printed["pages"][name]] == [A4], name


def test_templates_set_the_fit_flag_and_page_numbers():
    for path in (ROOT / "workbooks").glob("*.xlsx"):
        for ws in load_workbook(path).worksheets:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, path.name
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
            assert int(ws.page_setup.paperSize) == 9  # A4
            assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
            assert ws.print_title_rows


def test_wrapped_task_rows_are_high_enough_for_their_text():
    """LibreOffice and WPS keep a row at the height in the file: each requirement needs at
    least one line (about 15 pt) per 45 columns of its 46-wide cell, a CJK character being two."""
    ws = load_workbook(ROOT / "workbooks" / "tasks_2022.xlsx").active
    checked = 0
    for r in range(4, 15):
        text = ws.cell(r, 3).value
        columns = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        lines = -(-columns // 45)
        if lines > 1:
            assert ws.row_dimensions[r].height >= 15 * lines, (r, text)
            checked += 1
    assert checked >= 3


def test_grade_palette_follows_the_rank_whatever_the_names():
    three = grade_colours(["先进", "一般", "后进"], "无法定级")
    assert three == {"先进": "70AD47", "一般": "FFC000", "后进": "E0403A", "无法定级": "A5A5A5"}
    four = grade_colours(["好", "较好", "一般", "差"], "无法定级")
    assert list(four.values()) == ["70AD47", "FFC000", "FFC000", "E0403A", "A5A5A5"]
    two = grade_colours(["合格", "不合格"], "无法定级")
    assert list(two.values()) == ["70AD47", "E0403A", "A5A5A5"]


def test_report_charts_use_the_palette_labels_and_whole_numbers(printed):
    with zipfile.ZipFile(printed["xlsx"]["report"]) as z:
        charts = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")}
    pie = next(x for x in charts.values() if "pieChart" in x)
    bar = next(x for x in charts.values() if "barChart" in x)
    order = [pie.find(c) for c in ("70AD47", "FFC000", "E0403A", "A5A5A5")]
    assert -1 not in order and order == sorted(order)  # 先进 一般 后进 无法定级, by point
    # Each segment labelled “先进：2 个（33%）” from the side table's 图中标注 column.
    assert '<showCatName val="1"' in pie and '<showPercent val="1"' not in pie
    assert '<majorUnit val="1"' in bar and '<showVal val="1"' in bar
    assert all(c in bar for c in ("70AD47", "FFC000", "E0403A", "A5A5A5"))


def _big_report(tmp_path: Path, units: int) -> Path:
    grades = ["先进", "一般", "后进"]
    rows = [[f"第{i}党总支", i % 3, 1, (i + 1) % 2, i % 2] for i in range(1, units + 1)]
    rows = [[*r, sum(r[1:])] for r in rows]
    rows.append(["合计", *[sum(r[c] for r in rows) for c in range(1, 6)]])
    data = Consolidated(
        overview=Table("概览", ["项目", "数值"], [["文件数", units]]),
        by_unit=Table("各党总支定级统计", ["党总支", *grades, "无法定级", "合计"], rows),
        branches=Table("党支部", ["党总支", "党支部", "文件", "工作表", "总分", "定级"]),
        findings=Table("问题清单", ["文件", "工作表", "单元格", "级别", "代码", "说明", "值"]),
        files=Table("文件", ["文件", "党总支", "状态", "错误", "警告", "党支部数"]),
        grades=grades,
    )
    path = tmp_path / f"report{units}.xlsx"
    write_report(data, path)
    return path


def test_a_chart_that_would_straddle_a_page_break_starts_a_new_page(tmp_path, printed):
    """30 党总支: the table ends low on the first page, so the chart goes whole to the next;
    8: room below the table, no break."""
    long, short = _big_report(tmp_path, 30), _big_report(tmp_path, 8)
    breaks = {
        n: [b.id for b in load_workbook(p)["各党总支定级统计"].row_breaks.brk]
        for n, p in ((30, long), (8, short))
    }
    assert breaks == {30: [34], 8: []}  # after the 合计 row and a blank row: before the chart
    pages = by_sheet(printed["pages"]["report30"])["各党总支定级统计"]  # `long`, printed
    assert len(pages) == 2
    assert "第30党总支" in pages[0] and "合计" in pages[0]
    assert "各党总支党支部定级分布" in pages[1] and "党支部数" in pages[1]


def test_copy_keeps_the_submitters_print_settings(make_rubric, cli, tmp_path):
    def own(wb):
        ws = wb.active
        ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
        ws.page_setup.orientation = "landscape"
        ws.page_setup.scale = 70
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.oddFooter.center.text = None
        ws.oddFooter.right.text = "内部资料"

    cli("fill", make_rubric(edit=own), "--out", tmp_path / "own.xlsx")
    ws = load_workbook(tmp_path / "own.xlsx").active
    assert (int(ws.page_setup.paperSize), ws.page_setup.orientation) == (1, "landscape")
    assert ws.page_setup.scale == 70 and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.right.text == "内部资料" and not ws.oddFooter.center.text


def test_copy_gets_a4_fit_and_page_numbers_where_the_file_has_none(make_rubric, cli, tmp_path):
    def bare(wb):
        ws = wb.active
        ws.page_setup.paperSize = ws.page_setup.orientation = None
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.fitToWidth = 1  # an old template's: ignored without the flag
        ws.oddFooter.center.text = None

    cli("fill", make_rubric(edit=bare), "--out", tmp_path / "bare.xlsx")
    ws = load_workbook(tmp_path / "bare.xlsx").active
    assert (int(ws.page_setup.paperSize), ws.page_setup.orientation) == (9, "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_landscape_only_when_portrait_would_shrink_below_80_percent():
    assert not needs_landscape(PORTRAIT_WIDTH * 1.25)
    assert needs_landscape(PORTRAIT_WIDTH * 1.25 + 0.5)


def test_wrapped_height_counts_lines_of_the_column_width():
    one, two = wrapped_height("0", 20), wrapped_height("0\n0", 20)
    # 20 digits fill a column 20 wide, the 21st wraps; a CJK character takes two.
    assert (wrapped_height("0" * 20, 20), wrapped_height("0" * 21, 20)) == (one, two)
    assert (wrapped_height("甲" * 10, 20), wrapped_height("甲" * 11, 20)) == (one, two)
    assert wrapped_height("甲\n乙", 20) == two  # a line break counts


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        # What the issue saw printed on one line in rows two and three lines tall.
        ("rubric.score_out_of_range", 22, 1),
        ("summary.conversion_below_target", 22, 2),
        ("党总支书记", 10, 1),
        ("基层党组织书记", 10, 2),
        ("组织部/党校/基层党组织书记", 10, 3),
    ],
)
def test_a_row_is_as_tall_as_the_lines_it_shows(text, width, lines):
    assert wrapped_height(text, width) == LINE_HEIGHT * lines + 2


def test_fit_row_heights_only_grows_rows():
    ws = Workbook().active
    ws.column_dimensions["A"].width = 10
    for r, text in ((1, "短"), (2, "很长的说明文字" * 4), (3, "很长的说明文字" * 4)):
        ws.cell(r, 1, text).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[3].height = 300  # someone's own, roomier height
    fit_row_heights(ws, range(1, 4))
    assert ws.row_dimensions[1].height is None  # one line: left to the program
    assert ws.row_dimensions[2].height == wrapped_height("很长的说明文字" * 4, 10)
    assert ws.row_dimensions[3].height == 300


@pytest.mark.parametrize(("units", "labelled"), [(15, True), (16, False)])
def test_bar_segments_carry_counts_until_they_get_too_thin(tmp_path, units, labelled):
    with zipfile.ZipFile(_big_report(tmp_path, units)) as z:
        bar = next(
            x
            for x in (z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
            if "barChart" in x
        )
    assert ('<showVal val="1"' in bar) is labelled


def _overview_report(tmp_path: Path, lines: int) -> Path:
    """A report whose 概览 has `lines` lines (a batch with --roster adds a dozen)."""
    grades = ["先进", "一般", "后进"]
    rows = [["第一党总支", 2, 1, 1, 0, 4], ["合计", 2, 1, 1, 0, 4]]
    data = Consolidated(
        overview=Table("概览", ["项目", "数值"], [[f"第{i}项", i] for i in range(1, lines + 1)]),
        by_unit=Table("各党总支定级统计", ["党总支", *grades, "无法定级", "合计"], rows),
        branches=Table("党支部", ["党总支", "党支部", "文件", "工作表", "总分", "定级"]),
        findings=Table("问题清单", ["文件", "工作表", "单元格", "级别", "代码", "说明", "值"]),
        files=Table("文件", ["文件", "党总支", "状态", "错误", "警告", "党支部数"]),
        grades=grades,
    )
    path = tmp_path / f"overview{lines}.xlsx"
    write_report(data, path)
    return path


def _pie_size_and_breaks(path: Path) -> tuple[float, list[int]]:
    with zipfile.ZipFile(path) as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode()
    cy = int(re.search(r'<ext cx="\d+" cy="(\d+)"', drawing)[1])
    breaks = [b.id for b in load_workbook(path)["概览"].row_breaks.brk]
    return round(cy / 360000, 1), breaks  # EMU → cm


@pytest.mark.parametrize(
    ("lines", "height", "breaks"),
    [
        # The side table's 图中标注 column widens the sheet: its print is scaled down a little
        # more, and a page holds a few more lines than before.
        (20, 9.0, []),  # room for the whole pie under the table
        (36, 6.9, []),  # a smaller pie still fits page 1
        (38, 9.0, [41]),  # not even the smallest fits: the whole pie on page 2
    ],
)
def test_the_pie_shrinks_to_stay_on_the_first_page(tmp_path, lines, height, breaks):
    assert _pie_size_and_breaks(_overview_report(tmp_path, lines)) == (height, breaks)


def test_a_long_overview_prints_with_its_pie_on_one_page(printed):
    (page,) = by_sheet(printed["pages"]["overview28"])["概览"]  # _overview_report(…, 28)
    assert "第28项" in page and "全院党支部定级" in page


@pytest.mark.parametrize(
    ("count", "total", "label"),
    [(2, 6, "先进：2 个（33%）"), (1, 8, "先进：1 个（13%）"), (0, 5, "先进：0 个（0%）")],
)
def test_a_pie_segment_says_its_count_and_share_in_words(count, total, label):
    assert pie_label("先进", count, total) == label
