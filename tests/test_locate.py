"""Finding a table by its header labels: the top rows are folded once per sheet, for every kind."""

from __future__ import annotations

from addin.locate import HEADER_SCAN_ROWS, find_header
from addin.workbook.model import SheetData


def sheet_with(header: list, at_row: int, width: int = 6) -> SheetData:
    rows = [["标题", *[""] * (width - 1)] for _ in range(at_row)]
    return SheetData("表", [*rows, header, [1, 2, 3, 4, 5, 6]])


def test_the_header_row_gives_each_label_its_first_cell_in_the_order_of_the_row():
    sheet = sheet_with(["备注", " 得 分：", "序号", "具体内容", "得分", "分值"], at_row=2)
    header = find_header(sheet, ["具体内容", "分值"], ["得分", "序号", "小计"])
    assert header is not None and header.row == 2
    assert list(header.columns.items()) == [("得分", 1), ("序号", 2), ("具体内容", 3), ("分值", 5)]


def test_a_header_is_found_up_to_the_last_scanned_row_and_not_below():
    labels = ["具体内容", "分值"]
    last = sheet_with([*labels, "", "", "", ""], at_row=HEADER_SCAN_ROWS - 1)
    below = sheet_with([*labels, "", "", "", ""], at_row=HEADER_SCAN_ROWS)
    assert find_header(last, labels).row == HEADER_SCAN_ROWS - 1
    assert find_header(below, labels) is None


def test_every_kind_searches_the_same_folded_rows_with_its_own_labels():
    sheet = sheet_with(["党支部名称", "得分", "定级结果", "具体内容", "分值", ""], at_row=1)
    assert find_header(sheet, ["具体内容", "分值"]).columns == {"具体内容": 3, "分值": 4}
    assert find_header(sheet, ["党支部名称", "定级结果"], ["得分"]).columns == {
        "党支部名称": 0,
        "得分": 1,
        "定级结果": 2,
    }
    assert find_header(sheet, ["任务", "时间期限"]) is None
    assert sheet.top_labels is not None  # folded once, kept on the sheet


def test_a_changed_sheet_is_searched_as_it_is_now():
    """The engine puts back cells an earlier `fill` overwrote, and forgets the folded rows."""
    from addin.engine import _put

    sheet = sheet_with(["具体内容", "", "", "", "", ""], at_row=1)
    assert find_header(sheet, ["具体内容", "分值"]) is None
    _put(sheet, 1, 1, "分值")
    assert find_header(sheet, ["具体内容", "分值"]).columns == {"具体内容": 0, "分值": 1}
