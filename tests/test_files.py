"""Bad input ends in one clear finding per file, never a traceback or a changed original."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import digest
from odd_files import compound_file

from addin.engine import check_path
from addin.workbook import sniff
from addin.workbook.model import UnreadableWorkbook


def unreadable_reason(path, specs) -> str:
    report = check_path(path, specs).report
    assert report.status == "unreadable"
    (finding,) = report.findings
    assert finding.code == "file.unreadable" and finding.severity == "error"
    return finding.message


def test_truncated_zip(make_rubric, specs, tmp_path):
    good = make_rubric()
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(good.read_bytes()[:3000])
    assert "损坏" in unreadable_reason(bad, specs)


def test_zip_without_a_workbook(specs, tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    assert "不是有效的 .xlsx" in unreadable_reason(path, specs)


def test_word_document_renamed(specs, tmp_path):
    path = tmp_path / "方案.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word" in unreadable_reason(path, specs)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "无法读取文件：文件是空的（0 字节）"),
        (
            b"name,score\n1,2\n",
            "无法读取文件：不是 Excel 工作簿（.xlsx / .xls / .ods），请用 Excel 或 WPS 另存为 .xlsx 后重新提交",
        ),
        (
            "党支部,得分".encode("gbk"),
            "无法读取文件：不是 Excel 工作簿（.xlsx / .xls / .ods），请用 Excel 或 WPS 另存为 .xlsx 后重新提交",
        ),
    ],
    ids=["empty", "csv", "gbk-text"],
)
def test_not_a_workbook_at_all(specs, tmp_path, content, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert unreadable_reason(path, specs) == reason


def test_password_protected_workbook(make_rubric, specs, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_rubric()
    path = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("123456", dst)
    assert msoffcrypto  # imported for the encryption above
    assert "密码" in unreadable_reason(path, specs)


def test_word_97_file_is_named(specs, tmp_path):
    path = tmp_path / "通知.xls"
    path.write_bytes(compound_file({"WordDocument": b"\xec\xa5", "1Table": b""}))
    assert "Word 97-2003" in unreadable_reason(path, specs)


def test_folder_with_bad_files_does_not_stop_the_batch(make_rubric, cli, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = make_rubric()
    (folder / "good.xlsx").write_bytes(good.read_bytes())
    (folder / "bad.xlsx").write_bytes(b"not a workbook")
    (folder / "~$good.xlsx").write_bytes(b"excel lock file")
    (folder / "notes.txt").write_text("ignored")
    before = {p.name: digest(p) for p in folder.iterdir()}
    result = cli("check", folder, "--format", "json")
    assert result.exit_code == 2
    import json

    files = {f["path"].split("/")[-1]: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"good.xlsx", "bad.xlsx", "~$good.xlsx", "notes.txt"}
    assert files["good.xlsx"]["status"] == "ok"
    assert files["bad.xlsx"]["status"] == "unreadable"
    # listed, not checked (and no reason for exit code 2 by themselves)
    assert files["~$good.xlsx"]["status"] == files["notes.txt"]["status"] == "skipped"
    assert {p.name: digest(p) for p in folder.iterdir()} == before


def test_huge_sheet_is_cut_with_a_warning(make_rubric, specs, monkeypatch):
    from addin.workbook import calamine_reader

    def edit(wb):
        wb.active.title = "二支部评分"
        wb.active["A5000"] = "某人在很远的地方写了字"

    path = make_rubric(edit=edit)
    monkeypatch.setattr(calamine_reader, "MAX_ROWS", 1000)
    defaults = calamine_reader.read_workbook.__defaults__
    monkeypatch.setattr(calamine_reader.read_workbook, "__defaults__", (1000, *defaults[1:]))
    report = check_path(path, specs).report
    assert [f.code for f in report.findings] == ["file.sheet_too_large"]
    assert report.branches[0].total == 100
    cut = report.findings[0]
    assert cut.sheet == "二支部评分"
    assert cut.message == "工作表“二支部评分”行数过多，只检查了前 1000 行"


def test_workbook_without_any_template(specs, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "姓名"
    wb.active["B1"] = "成绩"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    report = check_path(path, specs).report
    assert [f.code for f in report.findings] == ["file.no_template_found"]
    assert report.status == "ok"


def test_chart_sheets_and_hidden_sheets_do_not_crash(make_rubric, specs):
    from openpyxl.chart import BarChart, Reference

    def edit(wb):
        ws = wb.active
        chart = BarChart()
        chart.add_data(Reference(ws, min_col=4, min_row=5, max_row=22))
        cs = wb.create_chartsheet("图表")
        cs.add_chart(chart)
        hidden = wb.create_sheet("隐藏")
        hidden.sheet_state = "hidden"
        hidden["A1"] = io.StringIO().getvalue() or "x"

    report = check_path(make_rubric(edit=edit), specs).report
    assert report.findings == [] and len(report.branches) == 1


class _Stat:
    def __init__(self, size: int) -> None:
        self.st_size = size


@pytest.mark.parametrize(
    ("told", "limit", "read"),
    [
        (100, 100, 100),  # as large as the limit: read whole
        (100, 99, 100),  # one byte more: limit + 1 read, for the caller to refuse
        (10, 1000, 100),  # grew after it was measured: read on to its end
        (10, 50, 51),  # grew past the limit: no further than limit + 1
        (49, 50, 51),  # measured one byte short of the limit, grew past it
        (50, 50, 51),  # measured at the limit: limit + 1 asked for at once
        (200, 1000, 100),  # shrank: what there is
    ],
)
def test_a_file_is_read_up_to_one_byte_past_the_limit(tmp_path, monkeypatch, told, limit, read):
    path = tmp_path / "a.xlsx"
    path.write_bytes(bytes(range(100)))
    monkeypatch.setattr(sniff.os, "fstat", lambda fd: _Stat(told))  # what it measured
    assert sniff.read_file(path, limit) == bytes(range(100))[:read]


class _Refused(Exception):
    pass


def _refuse(size: int) -> None:
    raise _Refused(size)


@pytest.mark.parametrize(("limit", "refused"), [(100, False), (99, True)])
def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, limit, refused):
    path = tmp_path / "a.xlsx"
    path.write_bytes(bytes(100))
    if refused:
        with pytest.raises(_Refused, match="100"):
            sniff.read_file(path, limit, _refuse)
    else:
        assert sniff.read_file(path, limit, _refuse) == bytes(100)


@pytest.mark.parametrize(("limit", "refused"), [(100, False), (99, True)])
def test_a_file_that_cannot_be_opened_is_refused_by_its_size_first(
    tmp_path, monkeypatch, limit, refused
):
    """As large as it is, a file without read permission is named too large (tests run as
    root, who may read anything: the refusal is made up)."""
    path = tmp_path / "a.xlsx"
    path.write_bytes(bytes(100))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sniff, "open", denied, raising=False)
    with pytest.raises(_Refused if refused else UnreadableWorkbook) as caught:
        sniff.read_file(path, limit, _refuse)
    assert refused or caught.value.reason == "没有读取该文件的权限"


def test_a_file_read_a_few_bytes_at_a_time_is_read_whole(tmp_path, monkeypatch):
    """An unbuffered read may return fewer bytes than asked for before the end."""

    class Trickle(io.FileIO):
        def read(self, size=-1):
            return super().read(min(size, 3))

    path = tmp_path / "a.xlsx"
    path.write_bytes(bytes(range(100)))
    monkeypatch.setattr(sniff, "open", lambda p, *a, **k: Trickle(p), raising=False)
    assert sniff.read_file(path, 1000) == bytes(range(100))
    assert sniff.read_file(path, 50) == bytes(range(51))
