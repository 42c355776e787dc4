"""The batch's 整改通知 are written by its worker processes (`notice_pool`): the same notices
whatever the number of workers, and a notice whose worker dies costs that chunk only."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hung_libreoffice import gone, hanging_soffice, libreoffice_pids
from openpyxl import load_workbook

from addin.batch import BatchResult, _NoticeSpool, run_batch
from addin.limits import DEFAULT_LIMITS
from addin.spec import load_specs

SAMPLES = Path(__file__).resolve().parent.parent / "workbooks" / "samples"


def contents(notices: list[Path]) -> dict[str, list]:
    return {
        p.name: [row for row in load_workbook(p).active.iter_rows(values_only=True)]
        for p in notices
    }


def test_two_workers_write_the_notices_one_worker_writes(tmp_path, monkeypatch):
    from addin import notice_pool

    monkeypatch.setattr(notice_pool, "LEAST_PER_CHUNK", 1)  # the few sample units shared out
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in SAMPLES.glob("*.xlsx"):
        shutil.copy(path, inbox / path.name)
    made = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        files = sorted(inbox.iterdir())
        result = run_batch(files, out, load_specs(), root=inbox, workers=jobs, notice_pdf=False)
        made[jobs] = contents(result.notices)
    assert len(made[1]) >= 2  # several units, so two workers share them
    assert made[2] == made[1]


def test_a_notice_whose_worker_dies_costs_its_chunk_not_the_batch(tmp_path, monkeypatch):
    from addin import notice_pool
    from addin.workbook import notice_writer

    real = notice_writer.write_notice

    def dies_on_yi(notice, folder, stem=None):
        if notice.unit == "乙":
            os._exit(3)  # as a native crash would end the worker
        return real(notice, folder, stem)

    monkeypatch.setattr(notice_writer, "write_notice", dies_on_yi)  # the forked workers too
    monkeypatch.setattr(notice_pool, "MOST_PER_CHUNK", 1)  # one notice per chunk
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(result, tmp_path / "out", None, False, ["甲", "乙", "丙"], workers=2)
    assert sorted(p.name for p in result.notices) == ["整改通知_丙.xlsx", "整改通知_甲.xlsx"]
    assert result.notices_not_received == 2  # counted for the notices made only
    assert not (tmp_path / "out" / "整改通知_乙.xlsx").exists()


def test_a_second_libreoffice_start_only_for_enough_notices():
    from addin.notice_pool import LEAST_PER_CHUNK, MOST_PER_CHUNK, chunks

    few = 2 * LEAST_PER_CHUNK - 1
    assert chunks(few, 2) == [range(few)]  # one LibreOffice start
    assert [len(c) for c in chunks(few + 1, 2)] == [LEAST_PER_CHUNK, LEAST_PER_CHUNK]
    assert chunks(few + 1, 1) == [range(few + 1)]
    assert [len(c) for c in chunks(2 * MOST_PER_CHUNK, 2)] == [MOST_PER_CHUNK] * 2
    assert [len(c) for c in chunks(2 * MOST_PER_CHUNK + 1, 2)] == [76, 75, 75, 75]
    assert chunks(0, 2) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_a_notice_chunk_killed_at_its_time_cap_leaves_no_libreoffice_running_nor_its_profile(
    tmp_path, monkeypatch, caplog
):
    import tempfile

    from addin.workbook import convert, notice_writer

    temp = tmp_path / "tmp"  # where the worker's temporary folders go (a forked one: ours)
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    # The worker's cap is 2 s; LibreOffice's own (120 s, notices_to_pdf's) is never reached.
    monkeypatch.setattr(notice_writer, "PDF_SECONDS", 0)
    monkeypatch.setattr(notice_writer, "PDF_SECONDS_PER_NOTICE", 0)
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    limits = replace(DEFAULT_LIMITS, timeout=2)
    with hanging_soffice(tmp_path / "lo") as fake:
        monkeypatch.setattr(convert, "soffice", lambda: str(fake))  # the forked workers too
        spool.write(result, tmp_path / "out", None, True, ["甲"], workers=1, limits=limits)
        # The chunk ran out of time: its workbook, written before, is kept; no PDF, not even
        # LibreOffice's half of one (the next run makes it).
        assert result.notices == [tmp_path / "out" / "整改通知_甲.xlsx"]
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["整改通知_甲.xlsx"]
        # Said so, in Chinese: not "not made" of a notice that is there.
        assert "甲的整改通知未做完（超过 2 秒）：已写出的保留，没有 PDF" in caplog.text
        for pid in libreoffice_pids(tmp_path / "lo"):
            assert gone(pid), f"LibreOffice ({pid}) still running"
    assert list(temp.iterdir()) == []  # LibreOffice's profile (jiceng-lo-*) went with it


def batch_with_notices(tmp_path: Path, fake: Path) -> subprocess.Popen:
    """`jiceng batch` of one sample (one unit's notice, with its PDF) by a real process, as a
    terminal's foreground job, with `fake` for LibreOffice."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", inbox)
    command = [sys.executable, "-m", "addin", "batch", str(inbox), "--out", str(tmp_path / "out")]
    path = f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.Popen(
        [*command, "--pdf", "--jobs", "1"],
        env={**os.environ, "PYTHONPATH": str(SAMPLES.parent.parent), "PATH": path},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_ctrl_c_twice_while_notices_are_converted_leaves_no_libreoffice_running(tmp_path):
    with hanging_soffice(tmp_path / "lo") as fake:
        process = batch_with_notices(tmp_path, fake)
        try:
            pids = libreoffice_pids(tmp_path / "lo", seconds=120)
            os.killpg(process.pid, signal.SIGINT)  # the terminal's Ctrl-C: not LibreOffice's
            time.sleep(0.2)
            os.killpg(process.pid, signal.SIGINT)  # the second: stop now
            _, err = process.communicate(timeout=60)
            assert process.returncode == 130, err.decode("utf-8", "replace")
            for pid in pids:
                assert gone(pid), f"LibreOffice ({pid}) still running"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_a_batch_killed_outright_takes_its_libreoffice_and_its_worker_folder_with_it(tmp_path):
    """SIGKILL of the batch alone (an out-of-memory kill, 结束任务): its worker dies with it, and
    ends LibreOffice (a group of its own, which nothing else would end) and removes its
    temporary folder (LibreOffice's profile in it) on the way (Linux)."""
    with hanging_soffice(tmp_path / "lo") as fake:
        process = batch_with_notices(tmp_path, fake)
        try:
            pids = libreoffice_pids(tmp_path / "lo", seconds=120)
            os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=60)  # its streams close as its worker ends
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for pid in pids:
            assert gone(pid), f"LibreOffice ({pid}) still running"
    from urllib.parse import unquote, urlparse

    # LibreOffice's profile (its first argument, -env:UserInstallation=URI) is in the worker's.
    uri = (tmp_path / "lo" / "pids" / "profiles").read_text().strip().partition("=")[2]
    profile = Path(unquote(urlparse(uri).path))
    worker = next(p for p in profile.parents if p.name.startswith("jiceng-worker-"))
    assert worker.parent.is_dir() and not worker.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_one_ctrl_c_while_notices_are_converted_stops_the_run_and_keeps_what_is_written(
    tmp_path,
):
    """The notice's workbook was written before LibreOffice hung: kept and listed; its PDF is
    said not made; the report says the run was stopped; nothing half-written is left."""
    from addin.atomic import TEMP_MARK

    out = tmp_path / "out"
    with hanging_soffice(tmp_path / "lo") as fake:
        process = batch_with_notices(tmp_path, fake)
        try:
            pids = libreoffice_pids(tmp_path / "lo", seconds=120)
            os.killpg(process.pid, signal.SIGINT)  # once (the chunk's own cap is minutes away)
            stdout, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        err = stderr.decode("utf-8", "replace")
        assert process.returncode == 130, err
        for pid in pids:
            assert gone(pid), f"LibreOffice ({pid}) still running"
    notice = out / "整改通知" / "整改通知_第一党总支.xlsx"
    assert sorted(p.name for p in notice.parent.iterdir()) == [notice.name]  # no PDF, no temp
    assert load_workbook(notice).active["A1"].value.startswith("第一党总支")
    assert f"整改通知：1 份，其中 0 份需要整改，位于 {notice.parent}" in stdout.decode("utf-8")
    assert "已中断：1 份整改通知未生成 PDF，重新运行会补上" in err
    assert "已中断：已检查全部 1 个文件，报告已写出，整改通知未写完" in err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    stopped = report["batch"]["interrupted"]
    assert stopped["not_checked"] == [] and stopped["checked"] == stopped["files"] == 1
    assert stopped["notices_not_written"] == [] and stopped["notice_pdfs_not_made"] == 1
    book = load_workbook(out / "汇总报告.xlsx")
    overview = dict(r[:2] for r in book["概览"].iter_rows(min_row=2, values_only=True))
    assert overview["已中断：未生成 PDF 的整改通知"] == 1
    assert not [p for p in out.rglob("*") if TEMP_MARK in p.name]


class _Stopped:
    """A stop requested before the notices (Ctrl-C while the files were checked)."""

    requested = True

    def fileno(self) -> int:
        raise AssertionError("nothing to wait for: no notice is started")


def test_notices_of_a_stopped_run_are_not_started_and_are_listed(tmp_path):
    """A run stopped while its files were checked makes no notices (each would lack the files
    not checked): the units are listed, the earlier run's notices stay."""
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "整改通知_甲.xlsx").write_bytes(b"an earlier run's")
    (folder / ".jiceng-tmp-notices").mkdir()  # left by a batch killed outright: removed
    (folder / ".jiceng-tmp-notices" / "整改通知_甲.xlsx").write_bytes(b"a killed run's")
    spool.write(result, folder, None, False, ["甲", "乙"], stop=_Stopped())
    assert result.notices == [] and result.notices_stopped == ["甲", "乙"]
    assert result.interrupted
    assert sorted(p.name for p in folder.iterdir()) == ["整改通知_甲.xlsx"]
    # Not stopped: not interrupted, whatever the notices.
    done = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(done, folder, None, False, ["甲", "乙"])
    assert not done.interrupted and done.notices_stopped == [] and len(done.notices) == 2


def test_an_earlier_notice_open_in_excel_does_not_stop_the_run(tmp_path, monkeypatch):
    """Windows refuses to remove a file open in Excel (or a PDF open in a reader): the earlier
    run's notice the user is looking at costs that notice at most, never the batch (its report
    is closed after the notices)."""
    folder = tmp_path / "out"
    folder.mkdir()
    open_ones = {folder / "整改通知_甲.xlsx", folder / "整改通知_甲.pdf"}
    for path in open_ones:
        path.write_bytes(b"an earlier run's, open in Excel")
    real_unlink = Path.unlink

    def windows_unlink(self, missing_ok=False):
        if self in open_ones:
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", windows_unlink)
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(result, folder, None, False, ["甲", "乙"], workers=1)
    assert result.notices == [folder / "整改通知_乙.xlsx"] and not result.interrupted
    # The open one stays as it was (its PDF could not go, so neither is replaced), not listed.
    assert (folder / "整改通知_甲.xlsx").read_bytes() == b"an earlier run's, open in Excel"


class _PipeStop:
    """A stop a worker can request (a byte in a pipe it inherited), as Ctrl-C would mid-way."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()

    @property
    def requested(self) -> bool:
        import select

        return bool(select.select([self.read], [], [], 0)[0])

    def fileno(self) -> int:
        return self.read


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers share the pipe")
def test_a_stop_during_the_notices_keeps_the_earlier_files_of_those_it_did_not_get_to(
    tmp_path, monkeypatch
):
    """Ctrl-C while the first chunk is written: the next chunk is not started, and the earlier
    run's notice (and PDF) of its unit stay as they were — a stop never deletes what it does
    not write again. The notice written now has no stale PDF beside it."""
    from addin import notice_pool
    from addin.workbook import notice_writer

    stop = _PipeStop()
    real = notice_writer.write_notice

    def ctrl_c_after_jia(notice, folder, stem=None):
        path = real(notice, folder, stem)
        if notice.unit == "甲":
            os.write(stop.write, b"!")
        return path

    monkeypatch.setattr(notice_writer, "write_notice", ctrl_c_after_jia)  # the forked worker too
    monkeypatch.setattr(notice_pool, "MOST_PER_CHUNK", 1)  # 甲, then 乙 on the one worker
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("整改通知_甲", "整改通知_乙"):
        (folder / f"{name}.xlsx").write_bytes(b"an earlier run's notice")
        (folder / f"{name}.pdf").write_bytes(b"%PDF an earlier run's")
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(result, folder, None, False, ["甲", "乙"], workers=1, stop=stop)
    assert result.notices == [folder / "整改通知_甲.xlsx"] and result.notices_stopped == ["乙"]
    assert load_workbook(folder / "整改通知_甲.xlsx").active["A1"].value.startswith("甲")
    assert not (folder / "整改通知_甲.pdf").exists()
    assert (folder / "整改通知_乙.xlsx").read_bytes() == b"an earlier run's notice"
    assert (folder / "整改通知_乙.pdf").read_bytes() == b"%PDF an earlier run's"


def test_a_notice_that_cannot_be_written_is_said_in_chinese_without_a_traceback(
    tmp_path, monkeypatch, capsys
):
    """A notice open in Excel cannot be replaced on Windows: the console says which unit's
    notice was not written, in Chinese; the traceback goes to the log file only."""
    import logging

    from addin.console import LogHandler
    from addin.workbook import notice_writer

    real = notice_writer.write_notice

    def open_in_excel(notice, folder, stem=None):
        if notice.unit == "甲":
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", f"{stem}.xlsx")
        return real(notice, folder, stem)

    monkeypatch.setattr(notice_writer, "write_notice", open_in_excel)  # the forked workers too
    logger = logging.getLogger("jiceng")
    console, log_file = LogHandler(logging.WARNING), logging.FileHandler(tmp_path / "jiceng.log")
    for handler in (console, log_file):
        logger.addHandler(handler)
    try:
        spool = _NoticeSpool(tmp_path / "spool", None, [])
        result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
        spool.write(result, tmp_path / "out", None, False, ["甲", "乙"], workers=1)
    finally:
        for handler in (console, log_file):
            logger.removeHandler(handler)
            handler.close()
    assert result.notices == [tmp_path / "out" / "整改通知_乙.xlsx"]
    err = capsys.readouterr().err
    assert "甲的整改通知未写出" in err and "另一个程序正在使用此文件" in err
    assert "Traceback" not in err
    assert "Traceback" in (tmp_path / "jiceng.log").read_text(encoding="utf-8")


class _SecondCtrlC(_PipeStop):
    """Ctrl-C twice: the second one (a byte in the pipe) raises KeyboardInterrupt at once."""

    @property
    def requested(self) -> bool:
        if _PipeStop.requested.fget(self):
            raise KeyboardInterrupt
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers share the pipe")
def test_a_batch_stopped_at_once_while_pdfs_are_made_leaves_the_earlier_notices_and_pdfs(
    tmp_path, monkeypatch
):
    """Ctrl-C twice while LibreOffice converts: the run writes no report, so the earlier run's
    (which said “另有 PDF”) stays — and so do the notices and PDFs it describes. An earlier
    PDF is replaced by its new one, never removed before it is made."""
    from addin.workbook import notice_writer

    stop = _SecondCtrlC()

    def converting(paths, folder, timeout=0):
        os.write(stop.write, b"!")
        time.sleep(60)  # the worker is killed at once

    monkeypatch.setattr(notice_writer, "notices_to_pdf", converting)  # the forked worker too
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "整改通知_甲.xlsx").write_bytes(b"an earlier run's notice")
    (folder / "整改通知_甲.pdf").write_bytes(b"%PDF an earlier run's")
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    with pytest.raises(KeyboardInterrupt):
        spool.write(result, folder, None, True, ["甲"], workers=1, stop=stop)
    assert (folder / "整改通知_甲.xlsx").read_bytes() == b"an earlier run's notice"
    assert (folder / "整改通知_甲.pdf").read_bytes() == b"%PDF an earlier run's"
    assert sorted(p.name for p in folder.iterdir()) == ["整改通知_甲.pdf", "整改通知_甲.xlsx"]


def test_the_closing_lines_name_the_notices_whose_pdf_a_dead_worker_did_not_make(
    tmp_path, monkeypatch, capsys
):
    """乙's worker died while LibreOffice converted: its notice is kept without a PDF. The
    batch's last lines said “（另有 PDF）” of all three; they say how many have one, and whose
    notice lacks it."""
    from addin import notice_pool
    from addin.cli import _batch_closing
    from addin.workbook import convert, notice_writer

    def converting(paths, folder, timeout=0):
        if any("乙" in p.name for p in paths):
            os._exit(3)  # as a crash of LibreOffice's worker would end it
        for path in paths:
            path.with_suffix(".pdf").write_bytes(b"%PDF")
        return [path.with_suffix(".pdf") for path in paths]

    monkeypatch.setattr(notice_writer, "notices_to_pdf", converting)  # the forked workers too
    monkeypatch.setattr(convert, "soffice", lambda: "soffice")
    monkeypatch.setattr(notice_pool, "MOST_PER_CHUNK", 1)  # one notice per chunk
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    folder = tmp_path / "out"
    spool.write(result, folder, None, True, ["甲", "乙", "丙"], workers=2)
    assert result.notice_pdfs_missing == ["乙"] and not result.interrupted
    assert sorted(p.name for p in folder.iterdir()) == [
        "整改通知_丙.pdf",
        "整改通知_丙.xlsx",
        "整改通知_乙.xlsx",
        "整改通知_甲.pdf",
        "整改通知_甲.xlsx",
    ]
    assert _batch_closing(result, tmp_path, _NotStopped(), False) == 0
    said = capsys.readouterr().out
    assert "整改通知：3 份（2 份另有 PDF），其中 0 份需要整改、3 份催交" in said
    assert "乙的整改通知没有 PDF（转换未完成），重新运行会补上" in said
    # Every PDF made: said so, and no unit named.
    whole = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    whole.notices = [folder / "整改通知_甲.xlsx", folder / "整改通知_甲.pdf"]
    _batch_closing(whole, tmp_path, _NotStopped(), False)
    said = capsys.readouterr().out
    assert "整改通知：1 份（另有 PDF）" in said and "没有 PDF" not in said


class _NotStopped:
    requested = False
