"""The batch's 整改通知 are written by its worker processes (`notice_pool`): the same notices
whatever the number of workers, and a notice whose worker dies costs that chunk only."""

from __future__ import annotations

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
def test_a_notice_chunk_killed_at_its_time_cap_leaves_no_libreoffice_running(tmp_path, monkeypatch):
    from addin.workbook import convert, notice_writer

    # The worker's cap is 2 s; LibreOffice's own (120 s, notices_to_pdf's) is never reached.
    monkeypatch.setattr(notice_writer, "PDF_SECONDS", 0)
    monkeypatch.setattr(notice_writer, "PDF_SECONDS_PER_NOTICE", 0)
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    limits = replace(DEFAULT_LIMITS, timeout=2)
    with hanging_soffice(tmp_path / "lo") as fake:
        monkeypatch.setattr(convert, "soffice", lambda: str(fake))  # the forked workers too
        spool.write(result, tmp_path / "out", None, True, ["甲"], workers=1, limits=limits)
        assert result.notices == []  # the chunk ran out of time: not made (the next run makes it)
        for pid in libreoffice_pids(tmp_path / "lo"):
            assert gone(pid), f"LibreOffice ({pid}) still running"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_ctrl_c_twice_while_notices_are_converted_leaves_no_libreoffice_running(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", inbox)
    command = [sys.executable, "-m", "addin", "batch", str(inbox), "--out", str(tmp_path / "out")]
    with hanging_soffice(tmp_path / "lo") as fake:
        path = f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}"
        process = subprocess.Popen(
            [*command, "--pdf", "--jobs", "1"],
            env={**os.environ, "PYTHONPATH": str(SAMPLES.parent.parent), "PATH": path},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
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
