"""Ctrl-C (or SIGTERM) in the middle of a batch: what was checked is reported, nothing is torn,
and the next run picks up from there."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import scores_with_losses
from isolation_work import behave
from openpyxl import load_workbook

from addin.atomic import TEMP_MARK
from addin.interrupt import Interrupt
from addin.isolation import run_isolated
from addin.kinds.rubric.template import rubric_workbook
from addin.limits import DEFAULT_LIMITS
from addin.result_cache import CACHE_DIR

ROOT = Path(__file__).resolve().parent.parent
FILES = 16


@pytest.fixture(scope="module")
def submitted(tmp_path_factory, spec) -> Path:
    """The inbox's files, written once for the module (≈ 1.5 s): each test gets a copy."""
    folder = tmp_path_factory.mktemp("interrupt") / "收件箱"
    folder.mkdir()
    for i in range(FILES):
        losses = {17: i % 11, 18: (i * 3) % 11}
        branches = {f"第{i}-{s}党支部": scores_with_losses(spec, losses) for s in range(4)}
        rubric_workbook(spec, branches).save(folder / f"{i:02d}.xlsx")
    return folder


@pytest.fixture
def inbox(submitted, tmp_path) -> Path:
    return Path(shutil.copytree(submitted, tmp_path / "收件箱"))


def start(folder: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "addin", "batch", str(folder), "--out", str(out), *extra]
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def wait_for_results(out: Path, count: int, process: subprocess.Popen) -> None:
    """Until `count` files are done (their results kept in the cache)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        folder = out / CACHE_DIR
        if folder.is_dir() and len(list(folder.glob("*.json"))) >= count:
            return
        time.sleep(0.05)
    raise AssertionError("the batch did not get going")


def nothing_torn(out: Path) -> None:
    assert not [p for p in out.rglob("*") if TEMP_MARK in p.name]
    for path in out.rglob("*.xlsx"):
        zipfile.ZipFile(path).testzip()
    if (out / "report.json").exists():
        json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c", "sigterm"],
)
def test_a_stopped_batch_reports_what_it_checked(cli, inbox, tmp_path, signum, whole_group):
    out = tmp_path / "输出"
    process = start(inbox, out, "--jobs", "1")
    wait_for_results(out, 3, process)
    if whole_group:  # Ctrl-C reaches the workers too; they leave it to the batch
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    err = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, err

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    checked = [f["path"] for f in report["files"]]
    stopped = report["batch"]["interrupted"]
    assert 3 <= len(checked) < FILES
    # the file a worker had when Ctrl-C came was finished, not killed into a false finding
    assert {f["status"] for f in report["files"]} <= {"ok", "errors"}
    assert stopped["files"] == FILES and stopped["checked"] == len(checked)
    assert checked + stopped["not_checked"] == [f"{i:02d}.xlsx" for i in range(FILES)]
    assert err.count("正在停止：不再开始新的文件") == 1  # said at once, before the grace
    assert err.index("正在停止") < err.index("已中断")
    assert f"已中断：已检查 {len(checked)}/{FILES} 个文件，已写出部分报告" in err
    assert f"共检查 {len(checked)} 个文件" in stdout.decode("utf-8")

    wb = load_workbook(out / "汇总报告.xlsx")
    rows = list(wb["文件"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [f"{i:02d}.xlsx" for i in range(FILES)]
    assert [r[0] for r in rows if r[2] == "未检查（已中断）"] == stopped["not_checked"]
    overview = dict(r[:2] for r in wb["概览"].iter_rows(min_row=2, values_only=True))
    assert overview["文件数"] == len(checked)
    assert overview["已中断：已检查的文件 / 全部文件"] == f"{len(checked)}/{FILES}"
    assert sorted(p.name for p in (out / "批注副本").iterdir()) == checked
    nothing_torn(out)

    # The next run checks only the files not done yet (in this process: the one above was
    # stopped; this one need not be).
    rerun = cli("batch", inbox, "--out", out, "--jobs", "2")
    assert rerun.exit_code == 0, rerun.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["files"]) == FILES and report["batch"]["interrupted"] is None
    assert report["batch"]["reused"] == len(checked)


def test_a_file_only_listed_is_not_counted_as_checked_when_the_batch_is_stopped(inbox, tmp_path):
    """A non-workbook in the inbox (说明.txt) is listed as 未检查 at once: after a Ctrl-C the
    run must not count it among the files checked (“共检查 0 个文件” then “已检查 1/17”)."""
    (inbox / "说明.txt").write_text("请于7月底前报送", encoding="utf-8")
    out = tmp_path / "输出"
    process = start(inbox, out, "--jobs", "1")
    wait_for_results(out, 3, process)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    err = stderr.decode("utf-8", "replace")
    assert process.returncode == 130, err

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    checked = [f["path"] for f in report["files"] if f["status"] != "skipped"]
    assert [f["path"] for f in report["files"] if f["status"] == "skipped"] == ["说明.txt"]
    assert 3 <= len(checked) < FILES
    stopped = report["batch"]["interrupted"]
    assert (stopped["checked"], stopped["files"]) == (len(checked), FILES)
    assert f"共检查 {len(checked)} 个文件" in stdout.decode("utf-8")
    assert f"已中断：已检查 {len(checked)}/{FILES} 个文件，已写出部分报告" in err
    overview = dict(
        r[:2] for r in load_workbook(out / "汇总报告.xlsx")["概览"].iter_rows(values_only=True)
    )
    assert overview["文件数"] == len(checked)
    assert overview["已中断：已检查的文件 / 全部文件"] == f"{len(checked)}/{FILES}"


def test_a_second_ctrl_c_stops_at_once_and_tears_nothing(inbox, tmp_path):
    out = tmp_path / "输出"
    process = start(inbox, out, "--jobs", "2")
    wait_for_results(out, 2, process)
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 130
    time.sleep(0.3)  # workers killed by the batch, or dying with it
    nothing_torn(out)


def test_the_first_signal_asks_the_second_raises():
    told = []
    interrupt = Interrupt(on_request=lambda: told.append("stopping"))
    before = signal.getsignal(signal.SIGINT)
    with interrupt.catching():
        assert not interrupt.requested
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
        assert interrupt.requested and interrupt.signal == signal.SIGINT
        assert told == ["stopping"]
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
    assert told == ["stopping"]  # once
    assert signal.getsignal(signal.SIGINT) is before


class _StopAfter:
    """A stop request the test sets itself (`requested`), with the wake-up pipe of a real one."""

    def __init__(self) -> None:
        self.interrupt = Interrupt()
        self.requested = False

    def fileno(self) -> int:
        return self.interrupt.fileno()


def test_a_stop_lets_running_items_finish_within_the_grace_and_starts_no_more():
    stop = _StopAfter()
    limits = replace(DEFAULT_LIMITS, timeout=30)
    items = ["slow0.3", "slow1"] + ["slow0.3"] * 4 + ["a"] * 4
    got = []
    for index, result in run_isolated(items, behave, jobs=2, limits=limits, stop=stop, grace=5):
        got.append(index)
        stop.requested = True  # after the first result
        assert result.startswith("done")
    # the first; the one the other worker was still running; the one the first worker was
    # given as it finished the first, before that result (and the stop after it) came back;
    # nothing started after the stop
    assert got == [0, 1, 2]


def test_past_the_grace_a_running_item_is_dropped_not_waited_for():
    stop = _StopAfter()
    limits = replace(DEFAULT_LIMITS, timeout=30)
    began = time.monotonic()
    got = []
    for index, _ in run_isolated(
        ["a", "hang", "b"], behave, jobs=2, limits=limits, stop=stop, grace=0.5
    ):
        got.append(index)
        stop.requested = True
    # the hang is dropped; "b" was handed to the first worker as it finished "a", before that
    # result (and the stop after it) came back, and ends within the grace
    assert got == [0, 2]
    assert time.monotonic() - began < 10  # the hang was killed after its grace, not waited 30 s


@pytest.mark.parametrize("ctrl_c", [True, False], ids=["ctrl-c-at-the-end", "no-ctrl-c"])
def test_a_ctrl_c_that_comes_when_all_is_done_is_answered(cli, tmp_path, monkeypatch, ctrl_c):
    """“正在停止……写出部分报告” was printed, then a whole report and exit 0 without a word: the
    run must say that the stop came too late to leave anything out."""
    import addin.batch

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(ROOT / "workbooks" / "samples" / "第一党总支_提交.xlsx", inbox)
    whole = addin.batch.run_batch

    def ctrl_c_at_the_end(*args, **kwargs):
        result = whole(*args, **kwargs)
        if ctrl_c:
            os.kill(os.getpid(), signal.SIGINT)  # the report and notices are written by now
        return result

    monkeypatch.setattr(addin.batch, "run_batch", ctrl_c_at_the_end)
    run = cli("batch", inbox, "--out", tmp_path / "输出", "--no-pdf")
    assert run.exit_code == 0, run.stderr
    assert "已中断" not in run.stderr
    late = "已收到 Ctrl-C，但此时已全部做完：报告和整改通知完整"
    assert (late in run.stderr) is ctrl_c


def outputs(out: Path) -> dict[Path, bytes]:
    """Every file a batch wrote into `out` (its log aside: each run adds to it)."""
    return {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "jiceng.log"}


def test_a_fresh_run_stopped_loses_nothing_of_the_earlier_run(cli, tmp_path, monkeypatch):
    """`--fresh`, then Ctrl-C. Before any file is done: a report of 0 files would stand beside
    the earlier run's notices (and the cache would drop its copies): the folder keeps the
    earlier run's outputs as they were, and the console says so. After a file or two: the
    report covers those; the file not got to keeps its earlier copy (its earlier notice, not
    rewritten, links it) and its result."""
    import addin.batch
    from addin.result_cache import ResultCache

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in ("第一党总支_提交.xlsx", "第二党总支_提交.xlsx", "组织部_任务清单.xlsx"):
        shutil.copy(ROOT / "workbooks" / "samples" / name, inbox)
    out = tmp_path / "输出"
    assert cli("batch", inbox, "--out", out, "--no-pdf", "--jobs", "1").exit_code == 0
    earlier = outputs(out)
    last = out / "批注副本" / "组织部_任务清单.xlsx"
    assert {"汇总报告.xlsx", "整改通知_第一党总支.xlsx", last.name} <= {p.name for p in earlier}
    listed = addin.batch.inbox_entries

    def ctrl_c_first(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # the batch's own handler: a stop before any file
        return listed(*args, **kwargs)

    monkeypatch.setattr(addin.batch, "inbox_entries", ctrl_c_first)
    stopped = cli("batch", inbox, "--out", out, "--no-pdf", "--jobs", "1", "--fresh")
    assert stopped.exit_code == 130, stopped.stderr
    assert (
        "已中断：尚未检查完任何文件，未写出新的报告；输出文件夹中原有的文件保持不变"
        in stopped.stderr
    )
    assert "汇总报告" not in stopped.stdout
    assert outputs(out) == earlier

    monkeypatch.setattr(addin.batch, "inbox_entries", listed)
    store = ResultCache.store

    def ctrl_c_after_the_first(self, *args):
        store(self, *args)
        os.kill(os.getpid(), signal.SIGINT)  # the second file is under way, the third not
        monkeypatch.setattr(ResultCache, "store", store)

    monkeypatch.setattr(ResultCache, "store", ctrl_c_after_the_first)
    stopped = cli("batch", inbox, "--out", out, "--no-pdf", "--jobs", "1", "--fresh")
    assert stopped.exit_code == 130, stopped.stderr
    assert "已中断：已检查 2/3 个文件，已写出部分报告" in stopped.stderr
    assert last.read_bytes() == earlier[last]
    assert len(list((out / CACHE_DIR).glob("*.json"))) == 3  # its result is kept too
    # The notices it did not write, the earlier run's, stay known: the next run keeps them
    # (LibreOffice converts only the changed units' notices), not all written again.
    memo = json.loads((out / CACHE_DIR / "notices.memo").read_text(encoding="utf-8"))
    assert sorted(memo) == sorted(
        p.stem for p in earlier if p.suffix == ".xlsx" and "整改通知_" in p.name
    )


# A fresh interpreter that gets a Ctrl-C at one point of its start, then runs `jiceng batch`
# as the installed command does (`addin.__main__.run`).
EARLY_CTRL_C = """
import builtins, os, signal, sys

def ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)

# Python's own Ctrl-C, as in a terminal (a test runner started in the background ignores it).
signal.signal(signal.SIGINT, signal.default_int_handler)
where = sys.argv.pop(1)
sys.argv[0] = "jiceng"
if where == "import":  # while the command line is imported
    imported = builtins.__import__

    def importing(name, *args, **kwargs):
        if name == "typer":
            builtins.__import__ = imported
            ctrl_c()
        return imported(name, *args, **kwargs)

    builtins.__import__ = importing
elif where == "parse":  # while typer reads the command line
    import typer.core

    parse = typer.core.TyperGroup.parse_args

    def parsing(self, ctx, args):
        ctrl_c()
        return parse(self, ctx, args)

    typer.core.TyperGroup.parse_args = parsing
else:  # as the batch reads its specs, before its first file
    import addin.cli

    specs = addin.cli._specs

    def reading(*args):
        ctrl_c()
        return specs(*args)

    addin.cli._specs = reading
from addin.__main__ import run

run()
"""


def test_a_ctrl_c_as_the_batch_starts_is_answered_in_a_sentence_never_a_traceback(tmp_path):
    """Before the batch's handler (imports, reading the command line) Python's own Ctrl-C
    printed a traceback or nothing at all (exit 130 in silence)."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(ROOT / "workbooks" / "samples" / "第一党总支_提交.xlsx", inbox)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    runs = {
        where: subprocess.Popen(
            [sys.executable, "-c", EARLY_CTRL_C, where, "batch", str(inbox)]
            + ["--out", str(tmp_path / where), "--no-pdf", "--jobs", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for where in ("import", "parse", "batch")
    }
    said = {}
    for where, process in runs.items():
        stdout, stderr = process.communicate(timeout=120)
        said[where] = (process.returncode, stdout.decode("utf-8"), stderr.decode("utf-8"))
    assert said["import"] == (130, "", "已停止（Ctrl-C）\n")
    assert said["parse"] == (130, "", "已停止（Ctrl-C）\n")
    rc, stdout, stderr = said["batch"]
    assert (rc, stdout) == (130, ""), stderr
    assert stderr == "已中断：尚未检查完任何文件，未写出新的报告；输出文件夹中原有的文件保持不变\n"
    assert not (tmp_path / "batch" / "汇总报告.xlsx").exists()


@pytest.mark.parametrize("presses", [1, 2], ids=["once", "twice"])
def test_a_ctrl_c_among_the_closing_lines_is_answered_never_a_traceback(
    cli, tmp_path, monkeypatch, presses
):
    """The closing lines ran under Python's own Ctrl-C (typer ended the run with 130 in
    silence, or a traceback): once, the lines go on and the end says all is done; twice, the
    run ends saying the report is written."""
    from addin.report import render

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(ROOT / "workbooks" / "samples" / "第一党总支_提交.xlsx", inbox)
    totals = render.totals_line

    def ctrl_c_then_totals(*args):
        for _ in range(presses):
            os.kill(os.getpid(), signal.SIGINT)
        return totals(*args)

    monkeypatch.setattr(render, "totals_line", ctrl_c_then_totals)
    out = tmp_path / "输出"
    run = cli("batch", inbox, "--out", out, "--no-pdf", "--jobs", "1")
    assert "正在停止" not in run.stderr and "Traceback" not in run.stderr
    if presses == 1:
        assert run.exit_code == 0, run.stderr
        assert f"汇总报告：{out / '汇总报告.xlsx'}" in run.stdout
        assert run.stderr.endswith("已收到 Ctrl-C，但此时已全部做完：报告和整改通知完整\n")
    else:
        assert run.exit_code == 130
        assert run.stderr.endswith(f"已立即停止：报告已写出，见 {out / '汇总报告.xlsx'}\n")
