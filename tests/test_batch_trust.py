"""What people receive from a batch: atomic outputs with normal modes, nothing stale after a
kill, pictures kept, the same report whatever the number of workers."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import scores_with_losses
from openpyxl import load_workbook

from addin.atomic import TEMP_MARK, remove_stale, write_atomically, write_text_atomically

ROOT = Path(__file__).resolve().parent.parent


def test_outputs_get_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text_atomically(tmp_path / "r.json", "{}")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    old = os.umask(0o077)
    try:
        path = write_text_atomically(tmp_path / "private.json", "{}")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "汇总报告.xlsx"
    target.write_bytes(b"old")

    def broken(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总报告.xlsx"]


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "sub").mkdir()
    stale = tmp_path / "sub" / f".甲{TEMP_MARK}123-abcd.xlsx"
    stale.write_bytes(b"half")
    keep = [tmp_path / "甲.xlsx", tmp_path / f"x{TEMP_MARK}.txt", tmp_path / ".hidden.xlsx"]
    for path in keep:
        path.write_bytes(b"x")
    assert remove_stale(tmp_path) == [stale]
    assert all(p.exists() for p in keep)


def test_out_may_not_be_the_input_folder(cli, make_rubric, tmp_path):
    folder = make_rubric().parent
    result = cli("batch", folder, "--out", folder)
    assert result.exit_code == 2
    assert "--out 不能是要检查的文件夹本身" in result.stderr
    assert not (folder / "汇总报告.xlsx").exists()


def inbox(tmp_path: Path, make_rubric, spec, count: int) -> Path:
    folder = tmp_path / "收件箱"
    folder.mkdir()
    for i in range(count):
        losses = {17: i % 11, 18: (i * 3) % 11}
        path = make_rubric({f"第{i}党支部": scores_with_losses(spec, losses)}, name=f"{i:02d}.xlsx")
        path.rename(folder / path.name)
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    (folder / "任务清单.xlsx").write_bytes(
        (ROOT / "workbooks" / "samples" / "组织部_任务清单.xlsx").read_bytes()
    )
    return folder


def batch(folder: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "addin", "batch", str(folder), "--out", str(out), *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(process: subprocess.Popen) -> tuple[int, str]:
    _out, err = process.communicate(timeout=300)
    return process.returncode, err.decode("utf-8", "replace")


def test_report_is_identical_across_runs_and_jobs(cli, tmp_path, make_rubric, spec):
    """Three runs, each under its own hash seed (an order of set iteration): two in processes
    of their own, one in this process, whose seed is the third (and its start-up paid)."""
    folder = inbox(tmp_path, make_rubric, spec, 6)
    reports = []
    for jobs, own_process in (("1", True), ("2", False), ("2", True)):
        out = tmp_path / f"out-{len(reports)}"
        options = ("--jobs", jobs, "--as-of", "2022-07-26")
        if own_process:
            rc, err = finished(batch(folder, out, *options))
        else:
            result = cli("batch", folder, "--out", out, *options)
            rc, err = result.exit_code, result.stderr
        assert rc == 0, err
        reports.append((out / "report.json").read_bytes())
    assert reports[0] == reports[1] == reports[2]
    names = [f["path"] for f in json.loads(reports[0])["files"]]
    assert names == sorted(names) and len(names) == 8


def test_kill_at_random_points_then_rerun_leaves_a_complete_report(
    cli, tmp_path, make_rubric, spec
):
    folder = inbox(tmp_path, make_rubric, spec, 8)
    out = tmp_path / "输出"
    rng = random.Random(8)
    for _ in range(4):
        process = batch(folder, out, "--jobs", "2")
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in out.rglob("*.xlsx"):  # whatever exists is whole: a zip that opens
            if TEMP_MARK not in path.name:
                zipfile.ZipFile(path).testzip()
    rerun = cli(
        "batch", folder, "--out", out, "--jobs", "2"
    )  # here: only the killed need a process
    assert rerun.exit_code == 0, rerun.stderr
    assert not [p for p in out.rglob("*") if TEMP_MARK in p.name]
    time.sleep(0.5)  # workers of the killed runs die with their parent (PR_SET_PDEATHSIG)
    assert not [p for p in out.rglob("*") if TEMP_MARK in p.name]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["files"]) == 10
    wb = load_workbook(out / "汇总报告.xlsx")
    assert len(list(wb["文件"].iter_rows(min_row=2))) == 10
    copies = sorted(p.name for p in (out / "批注副本").iterdir())
    assert copies == [f"{i:02d}.xlsx" for i in range(8)] + ["任务清单.xlsx"]
    for name in copies:
        assert load_workbook(out / "批注副本" / name)["校验结果"]


def test_a_stamp_picture_survives_in_the_copy(cli, tmp_path, spec):
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    from addin.kinds.rubric.template import rubric_workbook

    stamp = tmp_path / "盖章.png"
    Picture.new("RGB", (120, 120), (200, 30, 30)).save(stamp)
    wb = rubric_workbook(spec, {"第一党支部": scores_with_losses(spec)})
    wb.active.add_image(Image(str(stamp)), "F3")
    src = tmp_path / "盖章提交.xlsx"
    wb.save(src)
    out = tmp_path / "copy.xlsx"
    done = cli("fill", src, "--out", out)
    assert done.exit_code == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("xl/media/")]
        assert len(media) == 1
        assert z.read(media[0]) == zipfile.ZipFile(src).read(media[0])
    assert len(load_workbook(out)["第一党支部"]._images) == 1


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_report_json_is_the_same_bytes_as_the_whole_dump(count):
    import io

    from addin.findings import FILE_TOO_LARGE
    from addin.report.model import FileReport, Report
    from addin.report.render import JsonStream, to_json

    files = [
        FileReport(path="甲.xlsx", status="ok"),
        FileReport(path="乙\n.xlsx", status="unreadable", findings=[FILE_TOO_LARGE(reason="x\ny")]),
        FileReport(path="丙.xlsx", status="errors"),
    ][:count]
    buffer = io.StringIO()
    stream = JsonStream(buffer)
    for file in files:
        stream.add(file)
    stream.close()
    assert buffer.getvalue() == to_json(Report(files=files)) + "\n"
    assert json.loads(buffer.getvalue())["files"] == [
        json.loads(f.model_dump_json()) for f in files
    ]


def test_a_gbk_file_name_from_a_windows_zip_is_read_not_a_crash(tmp_path, make_rubric):
    """Unzipped on Linux, a Windows zip's names are GBK bytes; Python holds them as lone
    surrogates, which no JSON or XML writer accepts."""
    folder = tmp_path / "收件箱"
    folder.mkdir()
    name = os.fsdecode("第一党总支.xlsx".encode("gbk"))
    make_rubric().rename(folder / name)
    out = tmp_path / "输出"
    rc, err = finished(batch(folder, out))
    assert rc == 0, err
    (file,) = json.loads((out / "report.json").read_text(encoding="utf-8"))["files"]
    assert file["path"] == "第一党总支.xlsx" and file["status"] == "ok"
    names = [
        row[0]
        for row in load_workbook(out / "汇总报告.xlsx")["文件"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == ["第一党总支.xlsx"]


def test_output_above_the_inbox_and_a_file_named_twice(cli, make_rubric, tmp_path, monkeypatch):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    make_rubric().rename(folder / "甲.xlsx")
    monkeypatch.chdir(tmp_path)
    result = cli("batch", "收件箱", "收件箱/甲.xlsx", "--out", ".")
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in report["files"]] == ["甲.xlsx"]
