"""The inbox as it arrives: zips read in place, hostile archives as findings, and every other
file listed as 未检查 — real zips (GBK names as Chinese Windows writes them, nested, zip-slip,
bombs, encrypted members), a .rar stand-in, PDFs, pictures and lock files, through
`jiceng batch --roster` and `jiceng check`."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import digest
from openpyxl import load_workbook
from summary_helpers import FIELDS, cli, submission

from addin.archive import declared_too_large, list_archive, member_name, read_member, unsafe_reason
from addin.batch import ANNOTATED_DIR, REPORT_BOOK, REPORT_JSON
from addin.file_kinds import WORKBOOK_SUFFIXES, not_checked_line
from addin.limits import DEFAULT_LIMITS, MIB
from addin.workbook.model import TooLarge, UnreadableWorkbook


class GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as zips made on Chinese Windows are."""

    def _encodeFilenameFlags(self):  # zipfile's hook for the name's bytes and flags
        return self.filename.encode("gbk"), self.flag_bits


def make_zip(path: Path, members: dict[str, bytes], gbk=False, encrypted=()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = (GbkName if gbk else zipfile.ZipInfo)(name, date_time=(2022, 6, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    if encrypted:  # the flag an encrypting zip tool sets, in both headers (bytes stay plain)
        raw = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if i.filename in encrypted]
        for info in infos:
            raw[info.header_offset + 6] |= 0x1
        central = raw.find(b"PK\x01\x02")
        while central >= 0:
            size = struct.unpack_from("<H", raw, central + 28)[0]
            name = bytes(raw[central + 46 : central + 46 + size]).decode()
            if name in encrypted:
                raw[central + 8] |= 0x1
            central = raw.find(b"PK\x01\x02", central + 46)
        path.write_bytes(bytes(raw))
    return path


def unit_book(folder: Path, unit: str, branches: dict[str, float], name: str) -> Path:
    rows = [(b, t, None) for b, t in branches.items()]
    fields = {**FIELDS, "unit": unit}
    return submission(folder, rows, rubrics=branches, fields=fields, name=name)


def roster_csv(path: Path, units: dict[str, list[str]]) -> Path:
    lines = ["党总支,党支部"] + [f"{u},{b}" for u, bs in units.items() for b in bs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def arrived(tmp_path_factory):
    """An inbox as mail and chat deliver it."""
    base = tmp_path_factory.mktemp("arrived")
    parts = base / "parts"
    parts.mkdir()
    inbox = base / "收件箱"
    inbox.mkdir()
    unit_book(inbox, "第二党总支", {"第二党支部": 90}, "第二党总支_提交.xlsx")
    first = unit_book(parts, "第一党总支", {"第一党支部": 88}, "第一党总支_提交.xlsx").read_bytes()
    make_zip(
        inbox / "第一党总支材料.zip",
        {
            "子文件夹/第一党总支_提交.xlsx": first,
            "盖章页.pdf": b"%PDF-1.4\n",
            "__MACOSX/子文件夹/._第一党总支_提交.xlsx": b"resource fork",  # left out
        },
        gbk=True,
    )
    (inbox / "Thumbs.db").write_bytes(b"what Windows Explorer adds")  # left out
    third = unit_book(parts, "第三党总支", {"第三党支部": 70}, "第三党总支_提交.xlsx").read_bytes()
    deeper = make_zip(parts / "更深.zip", {"x.xlsx": first}).read_bytes()
    inner = make_zip(parts / "内层.zip", {"第三党总支_提交.xlsx": third, "更深.zip": deeper})
    make_zip(inbox / "第三党总支.zip", {"内层.zip": inner.read_bytes()})
    make_zip(
        inbox / "恶意.zip",
        {"../../逃出.xlsx": first, "/etc/绝对.xlsx": first, "C:/盘符.xlsx": first},
    )
    make_zip(inbox / "炸弹.zip", {"炸弹.xlsx": bytes(2 * MIB)})  # 2 MB of zeros: ratio ~1000:1
    make_zip(inbox / "加密.zip", {"加密.xlsx": first}, encrypted={"加密.xlsx"})
    (inbox / "材料.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(64))
    (inbox / "坏的.zip").write_bytes(b"PK\x03\x04" + bytes(40))
    (inbox / "盖章扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    (inbox / "说明.docx").write_bytes(b"PK\x03\x04 a Word document")
    (inbox / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (inbox / "~$第二党总支_提交.xlsx").write_bytes(b"lock")
    roster = roster_csv(
        base / "名单.csv",
        {f"第{n}党总支": [f"第{n}党支部"] for n in ("一", "二", "三", "四")},
    )
    before = {p: digest(p) for p in base.rglob("*") if p.is_file()}
    out = base / "输出"
    result = cli("batch", inbox, "--out", out, "--roster", roster)
    return base, inbox, out, result, before


EXPECTED = {  # path → status
    "~$第二党总支_提交.xlsx": "skipped",
    "加密.zip": "unreadable",
    "坏的.zip": "unreadable",
    "恶意.zip": "unreadable",
    "材料.rar": "unreadable",
    "炸弹.zip": "unreadable",
    "照片.jpg": "skipped",
    "盖章扫描件.pdf": "skipped",
    "第一党总支材料.zip/子文件夹/第一党总支_提交.xlsx": "ok",
    "第一党总支材料.zip/盖章页.pdf": "skipped",
    "第三党总支.zip/内层.zip": "errors",
    "第三党总支.zip/内层.zip/第三党总支_提交.xlsx": "ok",
    "第二党总支_提交.xlsx": "ok",
    "说明.docx": "skipped",
}


def files_of(out: Path) -> dict[str, dict]:
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    return {f["path"]: f for f in report["files"]}


def test_every_file_of_the_inbox_is_in_report_json(arrived):
    _base, _inbox, out, result, _before = arrived
    assert result.exit_code == 0, result.stdout
    files = files_of(out)
    assert {path: f["status"] for path, f in files.items()} == EXPECTED


def test_workbooks_in_zips_are_checked_and_copied_under_the_same_path(arrived):
    _base, _inbox, out, _result, _before = arrived
    files = files_of(out)
    member = files["第一党总支材料.zip/子文件夹/第一党总支_提交.xlsx"]  # GBK name, decoded
    assert member["summary"]["unit"] == "第一党总支"
    assert [b["name"] for b in member["branches"]] == ["第一党支部"]
    copies = sorted(
        p.relative_to(out / ANNOTATED_DIR).as_posix()
        for p in (out / ANNOTATED_DIR).rglob("*")
        if p.is_file()
    )
    assert copies == [
        "第一党总支材料.zip/子文件夹/第一党总支_提交.xlsx",
        "第三党总支.zip/内层.zip/第三党总支_提交.xlsx",
        "第二党总支_提交.xlsx",
    ]
    copy = load_workbook(out / ANNOTATED_DIR / "第一党总支材料.zip/子文件夹/第一党总支_提交.xlsx")
    assert "第一党支部" in copy.sheetnames


def test_the_roster_counts_units_that_sent_a_zip(arrived):
    _base, _inbox, out, _result, _before = arrived
    roster = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["batch"]["roster"]
    assert roster["missing_units"] == ["第四党总支"]
    assert roster["units_submitted"] == 3
    assert roster["missing_branches"] == []
    # an archive nothing could be read from is named by its file name, as an unreadable workbook
    assert sorted(f for u in roster["unknown_units"] for f in u["files"]) == [
        "加密.zip",
        "坏的.zip",
        "恶意.zip",
        "材料.rar",
        "炸弹.zip",
    ]


def test_hostile_archives_are_findings_on_the_archive(arrived):
    _base, _inbox, out, _result, _before = arrived
    files = files_of(out)

    def codes(path):
        return [(f["code"], f["message"]) for f in files[path]["findings"]]

    assert codes("恶意.zip") == [
        (
            "archive.unsafe_member",
            "压缩包中的“../../逃出.xlsx”路径不安全（含有 ../，指向压缩包之外），未读取",
        ),
        ("archive.unsafe_member", "压缩包中的“/etc/绝对.xlsx”路径不安全（绝对路径），未读取"),
        ("archive.unsafe_member", "压缩包中的“C:/盘符.xlsx”路径不安全（带盘符），未读取"),
    ]
    ((code, message),) = codes("炸弹.zip")
    assert code == "archive.too_large" and "炸弹.xlsx 的压缩比超过 100:1" in message
    assert codes("加密.zip") == [
        ("archive.encrypted", "压缩包中的“加密.xlsx”设置了密码，无法读取；请取消密码后重新压缩提交")
    ]
    assert codes("材料.rar") == [
        ("archive.unsupported", "RAR 压缩包无法读取：请解压后提交或改用 zip")
    ]
    assert [c for c, _ in codes("坏的.zip")] == ["archive.unreadable"]
    assert codes("第三党总支.zip/内层.zip") == [
        ("archive.too_deep", "压缩包中的“更深.zip”又套了一层压缩包，未打开；请解压后提交")
    ]


def test_nothing_is_written_outside_out_and_nothing_changes(arrived):
    base, _inbox, out, _result, before = arrived
    after = {p for p in base.rglob("*") if p.is_file() and out not in p.parents}
    assert after == set(before)
    assert {p: digest(p) for p in before} == before
    assert not list(base.parent.rglob("逃出.xlsx")) and not Path("/etc/绝对.xlsx").exists()


def test_other_files_are_listed_with_the_reason(arrived):
    _base, _inbox, out, result, _before = arrived
    files = files_of(out)
    reasons = {
        path: f["findings"][0]["message"] for path, f in files.items() if f["status"] == "skipped"
    }
    assert reasons == {
        "~$第二党总支_提交.xlsx": "未检查：Excel 临时文件（~$ 开头，打开工作簿时自动生成），不是提交的材料",
        "照片.jpg": "未检查：不是工作簿（图片）",
        "盖章扫描件.pdf": "未检查：不是工作簿（PDF）",
        "第一党总支材料.zip/盖章页.pdf": "未检查：不是工作簿（PDF）",
        "说明.docx": "未检查：不是工作簿（Word 文档）",
    }
    summary = "另有 5 个文件未检查：2 个 PDF，1 个 Excel 临时文件，1 个图片，1 个 Word 文档"
    assert summary in result.stdout
    assert "共检查 9 个文件：" in result.stdout
    wb = load_workbook(out / REPORT_BOOK)
    rows = {r[0]: r for r in wb["文件"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(EXPECTED)
    assert rows["照片.jpg"][2] == "未检查" and rows["照片.jpg"][6] == "未检查：不是工作簿（图片）"
    overview = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert overview["文件数"] == 9 and overview["未检查的文件（不是工作簿）"] == 5


@pytest.mark.parametrize("format", ["text", "json", "junit", "github", "sarif"])
def test_check_on_a_folder_lists_them_in_every_format(arrived, format):
    _base, inbox, _out, _result, _before = arrived
    result = cli("check", inbox, "--format", format)
    assert result.exit_code == 2  # unreadable archives, as for unreadable workbooks
    text = result.stdout
    if format == "sarif":  # artifact URIs, percent-encoded
        runs = json.loads(text)["runs"][0]["results"]
        text = "\n".join(
            unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in runs
        )
    names = ["盖章扫描件.pdf", "材料.rar", "第三党总支.zip/内层.zip"]  # each with a finding
    if format not in ("github", "sarif"):  # which list findings only
        names.append("第一党总支材料.zip/子文件夹/第一党总支_提交.xlsx")
    for name in names:
        assert name in text, (format, name)
    if format == "text":
        assert "■ " + str(inbox / "照片.jpg") + "（未检查：不是工作簿（图片））" in text
        assert text.rstrip().endswith(
            "另有 5 个文件未检查：2 个 PDF，1 个 Excel 临时文件，1 个图片，1 个 Word 文档"
        )
    if format == "json":
        statuses = {
            Path(f["path"]).relative_to(inbox).as_posix(): f["status"]
            for f in json.loads(text)["files"]
        }
        assert statuses == EXPECTED


def test_a_zip_resubmission_is_found(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    older = unit_book(inbox, "第一党总支", {"第一党支部": 80}, "第一党总支.xlsx")
    os.utime(older, (1_600_000_000, 1_600_000_000))  # 2020: the zip's member (2022) is later
    book = unit_book(tmp_path, "第一党总支", {"第一党支部": 90}, "改.xlsx").read_bytes()
    make_zip(inbox / "重新提交.zip", {"第一党总支_改.xlsx": book})
    result = cli("batch", inbox, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stdout
    batch = json.loads((tmp_path / "out" / REPORT_JSON).read_text(encoding="utf-8"))["batch"]
    (duplicate,) = batch["duplicates"]
    assert duplicate["counted"] == "重新提交.zip/第一党总支_改.xlsx"
    assert duplicate["superseded"] == ["第一党总支.xlsx"]


# --- names ------------------------------------------------------------------------------------
def names_in(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [member_name(info) for info in archive.infolist()]


def test_member_names_as_their_makers_wrote_them(tmp_path):
    gbk = make_zip(tmp_path / "gbk.zip", {"材料/第一党总支.xlsx": b"", "小.xlsx": b""}, gbk=True)
    # "小" in GBK (D0 A1) is also valid UTF-8 (U+0421 С): read as GBK, Chinese text
    assert names_in(gbk) == ["材料/第一党总支.xlsx", "小.xlsx"]
    flagged = make_zip(tmp_path / "utf8.zip", {"第一党总支.xlsx": b""})
    assert names_in(flagged) == ["第一党总支.xlsx"]


class RawName(zipfile.ZipInfo):
    raw = b""

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits


def raw_zip(path: Path, raw: bytes, extra: bytes = b"") -> Path:
    info = RawName("placeholder")
    info.raw, info.extra = raw, extra
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, b"")
    return path


def test_utf8_without_the_flag_unicode_path_field_and_cp437(tmp_path):
    linux = raw_zip(tmp_path / "a.zip", "第一党总支.xlsx".encode())  # UTF-8, flag not set
    assert names_in(linux) == ["第一党总支.xlsx"]
    raw = "旧名.xlsx".encode("gbk")
    name = "新名.xlsx".encode()
    field = struct.pack("<BI", 1, __import__("zlib").crc32(raw)) + name
    info_zip = raw_zip(tmp_path / "b.zip", raw, struct.pack("<HH", 0x7075, len(field)) + field)
    assert names_in(info_zip) == ["新名.xlsx"]
    stale = struct.pack("<BI", 1, 0) + name  # the field's CRC is not the name's: not used
    stale_zip = raw_zip(tmp_path / "c.zip", raw, struct.pack("<HH", 0x7075, len(stale)) + stale)
    assert names_in(stale_zip) == ["旧名.xlsx"]
    neither = raw_zip(tmp_path / "d.zip", b"\x80\x81.xlsx")  # no GB18030 either: cp437
    assert names_in(neither) == ["Çü.xlsx"]


@pytest.mark.parametrize(
    "name, why",
    [
        ("../x.xlsx", "含有 ../，指向压缩包之外"),
        ("a/../../x.xlsx", "含有 ../，指向压缩包之外"),
        ("/x.xlsx", "绝对路径"),
        ("C:/x.xlsx", "带盘符"),
        ("c:x.xlsx", "带盘符"),
        ("a/..b/x.xlsx", None),
        ("a/b:c.xlsx", None),
        ("..x.xlsx", None),
        ("./", "没有文件名"),
    ],
)
def test_unsafe_member_paths(name, why):
    assert unsafe_reason(name) == why


# --- limits -----------------------------------------------------------------------------------
def info_of(size: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("m.xlsx")
    info.file_size, info.compress_size = size, packed
    return info


def test_declared_sizes_at_and_past_each_limit():
    limits = replace(DEFAULT_LIMITS, max_member=10 * MIB, max_inflated=20 * MIB)
    total = limits.max_inflated
    assert declared_too_large(info_of(10 * MIB, 10 * MIB), "m", limits, total) is None
    assert "超过单个文件上限" in declared_too_large(
        info_of(10 * MIB + 1, 10 * MIB), "m", limits, total
    )
    packed = limits.ratio_floor // 100 + 1  # past 1 MB at 100:1 exactly: allowed
    size = 100 * packed
    assert declared_too_large(info_of(size, packed), "m", limits, total) is None
    assert "疑似压缩炸弹" in declared_too_large(info_of(size + 1, packed), "m", limits, total)
    small = limits.ratio_floor - 1  # below the floor no ratio is too high (tiny parts)
    assert declared_too_large(info_of(small, 1), "m", limits, total) is None
    assert declared_too_large(info_of(5, 5), "m", limits, 5) is None
    assert "总大小超过上限" in declared_too_large(info_of(6, 6), "m", limits, 5)


def test_the_total_of_an_archive_is_bounded(tmp_path):
    limits = replace(DEFAULT_LIMITS, max_inflated=300_000)
    data = os.urandom(120_000)  # incompressible: only the total can stop it
    path = make_zip(tmp_path / "t.zip", {f"{i}.xlsx": data for i in range(4)})
    listing = list_archive(path, limits, tmp_path, WORKBOOK_SUFFIXES)
    assert [m.name for m in listing.members] == ["0.xlsx", "1.xlsx"]
    assert [f.code for f in listing.problems[""]] == ["archive.too_large"] * 2
    # what is not read (a PDF) costs nothing of the total
    pdfs = make_zip(tmp_path / "p.zip", {f"{i}.pdf": data for i in range(4)})
    assert len(list_archive(pdfs, limits, tmp_path, WORKBOOK_SUFFIXES).members) == 4


def test_a_member_larger_than_its_directory_says_is_refused(tmp_path):
    data = os.urandom(200_000)
    path = make_zip(tmp_path / "lie.zip", {"m.xlsx": data})
    assert read_member(path, 0, DEFAULT_LIMITS) == data  # the size it declares: read
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", 1000)  # claims 1,000 bytes
    path.write_bytes(bytes(raw))
    with pytest.raises(UnreadableWorkbook, match="大小与压缩包目录中记载的不符"):
        read_member(path, 0, DEFAULT_LIMITS)


def test_a_member_bomb_is_stopped_while_inflating(tmp_path):
    """A member whose directory entry passes (a lie) still stops at the limits as it inflates."""
    limits = replace(DEFAULT_LIMITS, max_member=3 * MIB)
    path = make_zip(tmp_path / "b.zip", {"m.xlsx": bytes(4 * MIB)})
    with pytest.raises(TooLarge):
        read_member(path, 0, limits)


def test_the_not_checked_line():
    from collections import Counter

    assert not_checked_line(Counter()) == ""
    assert (
        not_checked_line(Counter({"PDF": 1, "图片": 1}))
        == "另有 2 个文件未检查：1 个 PDF，1 个图片"
    )


def test_a_copy_is_never_written_outside_its_folder(tmp_path):
    from addin.batch import _jobs
    from addin.inbox_files import Entry

    out = tmp_path / "out"
    inside, outside = Entry("a/b.xlsx", tmp_path / "b.xlsx"), Entry("../b.xlsx", tmp_path / "c")
    jobs, _ = _jobs([inside, outside], out, True, {})
    assert [job.copy_to for job in jobs] == [out / ANNOTATED_DIR / "a/b.xlsx", None]


def test_a_folder_of_only_other_files_is_listed_an_empty_one_is_a_usage_error(tmp_path):
    scans = tmp_path / "扫描件"
    scans.mkdir()
    (scans / "盖章页.pdf").write_bytes(b"%PDF-1.4\n")
    result = cli("check", scans)
    assert result.exit_code == 0  # nothing wrong was found: nothing was checkable
    assert result.stdout.rstrip().endswith(
        "共检查 0 个文件：0 个错误，0 个警告\n另有 1 个文件未检查：1 个 PDF"
    )
    empty = tmp_path / "空"
    empty.mkdir()
    result = cli("check", empty)
    assert result.exit_code == 2 and "没有找到要检查的文件" in result.stderr


def test_windows_separators_in_member_names(tmp_path):
    path = make_zip(tmp_path / "w.zip", {"子文件夹\\提交.xlsx": b"x", "..\\逃出.xlsx": b"x"})
    listing = list_archive(path, DEFAULT_LIMITS, tmp_path, WORKBOOK_SUFFIXES)
    assert [m.name for m in listing.members] == ["子文件夹/提交.xlsx"]
    assert [f.message for f in listing.problems[""]] == [
        "压缩包中的“../逃出.xlsx”路径不安全（含有 ../，指向压缩包之外），未读取"
    ]


def test_zips_are_listed_and_read_by_spawned_workers(tmp_path, monkeypatch):
    """Windows starts workers with spawn: what they are sent and send back must pickle."""
    import addin.isolation as isolation
    from addin.batch import run_batch
    from addin.spec import load_specs

    monkeypatch.setattr(isolation, "start_method", lambda: "spawn")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    book = unit_book(tmp_path, "第一党总支", {"第一党支部": 88}, "提交.xlsx").read_bytes()
    make_zip(inbox / "材料.zip", {"提交.xlsx": book, "加密.xlsx": book}, encrypted={"加密.xlsx"})
    result = run_batch(
        sorted(inbox.iterdir()), tmp_path / "out", load_specs(), root=inbox, notice_pdf=False
    )
    assert set(result.annotated) == {"材料.zip/提交.xlsx"}
    files = files_of(tmp_path / "out")
    assert files["材料.zip/提交.xlsx"]["branches"][0]["grade"] == "先进"
    assert [f["code"] for f in files["材料.zip"]["findings"]] == ["archive.encrypted"]


def test_a_legacy_workbook_in_a_zip_is_checked_and_says_why_it_has_no_copy(tmp_path):
    from conftest import soffice_convert

    book = unit_book(tmp_path, "第一党总支", {"第一党支部": 88}, "甲.xlsx")
    xls = soffice_convert(book, tmp_path / "xls", target="xls")
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    make_zip(inbox / "材料.zip", {"甲.xls": xls.read_bytes()})
    result = cli("batch", inbox, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stdout
    member = files_of(tmp_path / "out")["材料.zip/甲.xls"]
    assert member["status"] == "ok" and member["summary"]["unit"] == "第一党总支"
    assert [f["message"] for f in member["findings"] if f["code"] == "file.no_copy"] == [
        "已检查，但未写出批注副本：压缩包中的旧格式文件不转换；如需批注副本，请解压后另存为 .xlsx"
    ]
    assert not list((tmp_path / "out" / ANNOTATED_DIR).rglob("*.xls*"))


def test_an_empty_zip_and_a_zip_whose_lister_dies(tmp_path, monkeypatch):
    import addin.inbox_files as inbox_files
    from addin.inbox_files import inbox_entries

    make_zip(tmp_path / "空.zip", {"__MACOSX/._x.xlsx": b"only what macOS adds"})
    make_zip(tmp_path / "死.zip", {"x.xlsx": b"x"})
    real = inbox_files.list_archive

    def dies_on_one(path, *args):
        if path.name == "死.zip":
            raise MemoryError  # as a worker past its memory cap
        return real(path, *args)

    monkeypatch.setattr(inbox_files, "list_archive", dies_on_one)  # forked workers inherit it
    files = sorted(tmp_path.glob("*.zip"))
    entries = inbox_entries(files, lambda p: p.name, work=tmp_path, workers=2)
    reports = {e.display: e.ready for e in entries}
    assert set(reports) == {"空.zip", "死.zip"}
    assert reports["空.zip"].status == "ok"
    assert [f.code for f in reports["空.zip"].findings] == ["archive.empty"]
    assert reports["死.zip"].status == "unreadable"
    assert [f.code for f in reports["死.zip"].findings] == ["file.too_large"]


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The zips whose directory is parsed (zipfile reads it when a ZipFile is opened)."""
    parsed: list[str] = []
    original = zipfile.ZipFile._RealGetContents

    def counted(self):
        parsed.append(self.filename)
        return original(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counted)
    return parsed


def test_members_of_one_zip_are_read_without_parsing_its_directory_again(tmp_path, parses):
    """A worker reading the members of a big zip one after another parses its directory once
    (a zip of 10,000 tiny members took 10,000 parses of 10,000 entries: about 20 minutes);
    another zip, or the same zip rewritten, is parsed anew."""
    first = make_zip(tmp_path / "a.zip", {f"{i}.xlsx": bytes([i]) for i in range(5)})
    other = make_zip(tmp_path / "b.zip", {"x.xlsx": b"other"})
    assert [read_member(first, i, DEFAULT_LIMITS) for i in range(5)] == [
        bytes([i]) for i in range(5)
    ]
    assert len(parses) == 1
    assert read_member(other, 0, DEFAULT_LIMITS) == b"other"
    assert read_member(first, 4, DEFAULT_LIMITS) == bytes([4])
    assert len(parses) == 3
    make_zip(first, {f"{i}.xlsx": bytes([9 - i]) for i in range(5)})  # same size, same second
    assert read_member(first, 0, DEFAULT_LIMITS) == bytes([9])
    assert len(parses) == 4


def test_a_forked_worker_does_not_share_the_zip_its_parent_opened(tmp_path, parses, monkeypatch):
    """Workers may be forked: a zip the parent had open shares its file offset with every
    child, so a process reads only through a zip it opened itself."""
    path = make_zip(tmp_path / "a.zip", {"a.xlsx": b"a", "b.xlsx": b"b"})
    assert read_member(path, 0, DEFAULT_LIMITS) == b"a"
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)  # as in a forked child
    assert read_member(path, 1, DEFAULT_LIMITS) == b"b"
    assert len(parses) == 2
