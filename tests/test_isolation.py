"""One file, one worker: a crash, a memory blow-up or a hang is that item's failure only."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from isolation_work import behave

from addin.isolation import AHEAD_PER_WORKER, Failure, run_isolated, start_method
from addin.limits import DEFAULT_LIMITS, MIB

# 6 s: room for a fresh worker to start on a busy machine (the suite runs on every core) before
# the clock of its first item runs out; "hang" sleeps ten times as long.
LIMITS = replace(DEFAULT_LIMITS, memory=1024 * MIB, timeout=6)
# The time cap of the runs that wait for a "hang" to time out: that wait is most of their time.
# A fresh worker starts in well under 0.5 s on a loaded machine (spawned: a new interpreter);
# should one still miss this cap, the run is made again with LIMITS' 6 s.
QUICK_CAP = 2


def run(items, jobs=2, limits=LIMITS):
    return list(run_isolated(items, behave, jobs=jobs, limits=limits))


def run_with_a_hang(items, jobs=2):
    """The results of a run whose "hang" the time cap stops, and that cap as its Failure says
    it. First with QUICK_CAP; once more with LIMITS' cap when an item that does not hang timed
    out too (the machine was too busy to start its worker in time)."""
    for cap in (QUICK_CAP, LIMITS.timeout):
        results = run(items, jobs, replace(LIMITS, timeout=cap))
        timed_out = Failure("timeout", f"{cap:g}")
        late = {item for item, (_, r) in zip(items, results, strict=True) if r == timed_out}
        if late <= {"hang"}:
            break
    return results, f"{cap:g}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_kind_of_death_is_one_failure_and_the_rest_goes_on(jobs):
    items = ["a", "abort", "b", "segfault", "c", "hang", "d", "memory", "e", "huge", "f", "bug"]
    results, cap = run_with_a_hang(items, jobs=jobs)
    assert [i for i, _ in results] == list(range(len(items)))  # the order of the items
    by_item = dict(zip(items, (r for _, r in results), strict=True))
    for ok in "abcdef":
        assert by_item[ok].startswith(f"done {ok}")
    assert by_item["abort"] == Failure("too_large", "读取时需要的内存超过上限")
    assert by_item["segfault"].kind == "crashed" and "SIGSEGV" in by_item["segfault"].detail
    assert by_item["hang"] == Failure("timeout", cap)
    assert by_item["memory"] == Failure("too_large", "处理时超过内存上限 1024 MB")
    assert by_item["huge"] == Failure("too_large", "处理时超过内存上限 1024 MB")
    assert by_item["bug"] == Failure("crashed", "ValueError: a defect")


def test_one_slow_item_does_not_hold_back_the_others_order():
    results = run(["slow1.0", "x", "y", "z"], jobs=2)
    assert [r.split()[1] for _, r in results] == ["slow1.0", "x", "y", "z"]


def test_one_slow_item_holds_at_most_a_few_results_back():
    """While item 0 takes 1.5 s, the other worker runs the items up to 2 × 8 ahead, then waits:
    the parent never holds more finished results than that, however long the inbox."""
    items = ["stamp1.5"] + ["stamp0"] * 30
    ends = [float(r) for _, r in run(items, jobs=2)]
    before = [i for i, end in enumerate(ends[1:], start=1) if end < ends[0]]
    assert before == list(range(1, 2 * AHEAD_PER_WORKER))


def test_a_worker_is_reused_until_it_dies():
    results = [r for _, r in run(["a", "b", "abort", "c"], jobs=1)]
    pids = [r.split()[-1] for r in results if isinstance(r, str)]
    assert pids[0] == pids[1] != pids[2]  # the abort took the first worker; a new one took c


def test_a_panic_of_native_code_is_that_items_failure_and_the_worker_lives_on():
    results = [r for _, r in run(["a", "panic", "b"], jobs=1)]
    assert results[1] == Failure("crashed", "PanicException: no entry found for key")
    assert results[0].split()[-1] == results[2].split()[-1]  # the same worker went on


def test_time_cap_at_and_past_the_limit():
    limits = replace(LIMITS, timeout=2)
    (_, within), (_, past) = run(["slow0.5", "slow4"], limits=limits)
    assert within.startswith("done slow0.5")
    assert past == Failure("timeout", "2")


def test_no_items_no_workers():
    assert run([]) == []


@pytest.fixture
def another_thread():
    """A parent running a second thread (a progress display, a watcher) while workers start."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_workers_are_forked_only_from_a_parent_without_other_threads(another_thread):
    assert start_method() == ("forkserver" if sys.platform.startswith("linux") else "spawn")


def test_a_parent_with_threads_gets_workers_from_a_fork_server(another_thread, monkeypatch):
    """Forking beside another thread could copy a lock it holds; the fork server has none, and
    isolation is as strong: an abort, a hang and a bug are each one item's failure."""
    if not sys.platform.startswith("linux"):
        pytest.skip("workers are spawned here")
    # The server (Python 3.11) does not take the parent's sys.path: the work module is found
    # through PYTHONPATH, as an installed jiceng is found through site-packages.
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    results, cap = run_with_a_hang(["a", "abort", "b", "hang", "c", "bug"], jobs=2)
    results = [r for _, r in results]
    assert [r.split()[:2] for r in results[::2]] == [["done", "a"], ["done", "b"], ["done", "c"]]
    assert results[1] == Failure("too_large", "读取时需要的内存超过上限")
    assert results[3] == Failure("timeout", cap)
    assert results[5] == Failure("crashed", "ValueError: a defect")


def test_what_every_worker_needs_is_imported_once_before_they_fork():
    """A forked worker starts with the preloaded modules: it does not import them again."""
    if start_method() != "fork":
        pytest.skip("workers are not forked here")
    sys.modules.pop("isolation_preloaded", None)
    results = [
        r
        for _, r in run_isolated(
            ["modules"], behave, jobs=1, limits=LIMITS, preload=["isolation_preloaded"]
        )
    ]
    assert "isolation_preloaded" in sys.modules
    assert results == ["preloaded"]


def test_a_worker_collects_garbage_even_when_its_parent_does_not():
    """The command line starts with the collector off (cli.main); a worker forked meanwhile
    must still free what it reads, within its memory cap."""
    import gc

    gc.disable()
    try:
        results = [r for _, r in run(["collector"], jobs=1)]
    finally:
        gc.enable()
    assert results == ["collects"]
    assert [r for _, r in run(["collector"], jobs=1)] == ["collects"]


# --- the paths Windows takes, forced here so that they cannot rot unseen ----------------------
def test_spawned_workers_do_the_work_and_report_every_death(monkeypatch):
    """Windows has no fork: workers start as fresh interpreters that import the work."""
    import addin.isolation as isolation

    monkeypatch.setattr(isolation, "start_method", lambda: "spawn")
    items = ["start_method", "a", "abort", "b", "hang", "bug"]
    results, cap = run_with_a_hang(items)
    results = dict(zip(items, (r for _, r in results), strict=True))
    assert results["start_method"] == "spawn"
    assert results["a"].startswith("done a") and results["b"].startswith("done b")
    assert results["abort"] == Failure("too_large", "读取时需要的内存超过上限")
    assert results["hang"] == Failure("timeout", cap)
    assert results["bug"] == Failure("crashed", "ValueError: a defect")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_a_spawned_worker_killed_at_its_time_cap_takes_its_libreoffice_with_it(
    monkeypatch, tmp_path
):
    """The program is noted where the parent reads it (a forked worker: notice_pool's tests)."""
    from hung_libreoffice import gone, hanging_soffice, libreoffice_pids

    import addin.isolation as isolation

    monkeypatch.setattr(isolation, "start_method", lambda: "spawn")
    with hanging_soffice(tmp_path) as fake:
        # QUICK_CAP first; LIMITS' cap when the worker was too slow to start it in time.
        for cap in (QUICK_CAP, LIMITS.timeout):
            results = run([f"libreoffice:{fake}"], jobs=1, limits=replace(LIMITS, timeout=cap))
            if (tmp_path / "pids" / "child").is_file():  # it got as far as LibreOffice
                break
        assert results == [(0, Failure("timeout", f"{cap:g}"))]
        for pid in libreoffice_pids(tmp_path, seconds=0):
            assert gone(pid), f"LibreOffice ({pid}) still running"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
def test_a_worker_killed_before_it_notes_its_libreoffice_still_takes_it_with_it(
    monkeypatch, tmp_path
):
    """The worker dies between starting LibreOffice and noting its group (where a Ctrl-C's
    kill or the time cap can land): the program's own process noted it before it ran."""
    import signal

    from hung_libreoffice import group_gone, hanging_soffice

    from addin import helper_process

    noted = helper_process.running

    def killed_first(pid: int) -> None:
        if pid:  # the worker, before it notes the group: it tells the test which, and dies
            (tmp_path / "group").write_text(str(pid))
            os.kill(os.getpid(), signal.SIGKILL)
        noted(pid)

    monkeypatch.setattr(helper_process, "running", killed_first)  # the forked worker's too
    with hanging_soffice(tmp_path / "lo") as fake:
        ((_, failure),) = run([f"libreoffice:{fake}"], jobs=1)
        assert failure.kind == "crashed"
        group = int((tmp_path / "group").read_text())
        assert group_gone(group), f"LibreOffice (group {group}) still running"


# A worker as `isolation` makes it, as far as LibreOffice is concerned (its slot, its folder),
# running the program at argv[1]; its parent (the test) ends nothing.
CONVERTING_WORKER = """
import sys
from addin import helper_process
from addin.workbook.convert import run_group

helper_process.share(helper_process._Forked(), sys.argv[2])
run_group([sys.argv[1]], 60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; a shell script")
@pytest.mark.parametrize("signum", ["SIGTERM", "SIGHUP"])
def test_a_worker_ended_with_its_batch_ends_its_libreoffice_itself(tmp_path, signum):
    """SIGTERM: how a worker converting learns that its batch died (PR_SET_PDEATHSIG); SIGHUP:
    the terminal closed (the batch, dying too, ends nothing). LibreOffice runs in a session of
    its own that neither reaches: the worker ends it, removes its folder, and dies of the
    signal as before."""
    import signal

    from hung_libreoffice import gone, hanging_soffice, libreoffice_pids

    scratch = tmp_path / "worker"
    scratch.mkdir()
    with hanging_soffice(tmp_path / "lo") as fake:
        worker = subprocess.Popen(
            [sys.executable, "-c", CONVERTING_WORKER, str(fake), str(scratch)],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
        try:
            pids = libreoffice_pids(tmp_path / "lo")
            worker.send_signal(getattr(signal, signum))
            assert worker.wait(30) == -getattr(signal, signum)
        finally:
            worker.kill()
        for pid in pids:
            assert gone(pid), f"LibreOffice ({pid}) still running"
    assert not scratch.exists()


# A worker whose program does not start: what its parent would end when the worker ends.
NOT_STARTED = """
import sys
from addin import helper_process
from addin.workbook.convert import run_group

helper_process.share(helper_process._Forked(), sys.argv[2])
try:
    run_group([sys.argv[1]], 60)
except OSError:
    print(helper_process._slot.value)
"""


@pytest.mark.skipif(os.name != "posix", reason="a program's group noted before it execs")
def test_a_program_that_does_not_start_leaves_no_group_for_the_parent_to_end(tmp_path):
    """Its process noted its group, then failed to exec: the slot kept that pid, which the
    worker's parent kills as a group when the worker ends (by then maybe someone else's)."""
    program = tmp_path / "soffice"
    program.write_text("not a program")  # not executable: exec fails
    scratch = tmp_path / "worker"
    scratch.mkdir()
    ran = subprocess.run(
        [sys.executable, "-c", NOT_STARTED, str(program), str(scratch)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.stdout == "0\n", ran.stderr


# LibreOffice as far as the worker can tell: it starts, then ends once the test says so.
WAITING_PROGRAM = """#!/bin/sh
touch "{folder}/started"
while [ ! -e "{folder}/go" ]; do sleep 0.02; done
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a shell script; SIGHUP")
def test_a_batch_run_with_nohup_keeps_its_libreoffice_when_the_terminal_closes(tmp_path):
    """`nohup jiceng batch …` (SIGHUP ignored): a closed terminal hangs up the batch and its
    workers, which go on. The worker converting went on too, not only the others: it used to
    end LibreOffice and die of the SIGHUP (a notice without its PDF, a legacy file "crashed")."""
    import signal

    program = tmp_path / "soffice"
    program.write_text(WAITING_PROGRAM.format(folder=tmp_path))
    program.chmod(0o755)
    scratch = tmp_path / "worker"
    scratch.mkdir()
    nohup = "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
    worker = subprocess.Popen(
        [sys.executable, "-c", nohup + CONVERTING_WORKER, str(program), str(scratch)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        while not (tmp_path / "started").exists() and worker.poll() is None:
            threading.Event().wait(0.02)
        worker.send_signal(signal.SIGHUP)
        (tmp_path / "go").touch()
        assert worker.wait(30) == 0
    finally:
        worker.kill()
    assert scratch.is_dir()


def test_a_spawned_worker_checks_a_real_workbook(monkeypatch, make_rubric, specs):
    import addin.isolation as isolation
    from addin.batch import FileJob, check_files

    monkeypatch.setattr(isolation, "start_method", lambda: "spawn")
    path = make_rubric()
    (outcome,) = check_files([FileJob(path, path.name)], specs, limits=LIMITS)
    assert outcome.report.status == "ok"
    assert outcome.report.branches[0].grade == "先进"


def test_the_memory_cap_is_set_where_the_system_has_one():
    (_, default), (_, lower) = [
        *run(["address_space"], limits=LIMITS),
        *run(["address_space"], limits=replace(LIMITS, memory=512 * MIB)),
    ]
    assert (int(default), int(lower)) == (1024 * MIB, 512 * MIB)


def test_without_a_memory_cap_time_and_deaths_still_end_in_failures(monkeypatch):
    """Windows has no RLIMIT_AS: `resource` cannot be imported, no cap is set, and the time
    cap and the death reports still hold (only a runaway allocation is no longer stopped)."""
    monkeypatch.setitem(__import__("sys").modules, "resource", None)  # import → ImportError
    items = ["address_space", "hang", "memory", "abort", "a"]
    results, cap = run_with_a_hang(items)
    results = dict(zip(items, (r for _, r in results), strict=True))
    assert results["address_space"] == "unlimited"
    assert results["hang"] == Failure("timeout", cap)
    assert results["memory"] == Failure("too_large", "处理时超过内存上限 1024 MB")
    assert results["abort"] == Failure("too_large", "读取时需要的内存超过上限")
    assert results["a"].startswith("done a")


def test_a_worker_from_the_fork_server_does_not_import_its_work_again():
    """The server is started with the work's module imported: a worker unpickles the work from
    what it inherited (for a check, the engine) instead of importing it once per worker."""
    if not sys.platform.startswith("linux"):
        pytest.skip("workers are spawned here")
    code = (
        "import threading, sys\n"
        "from isolation_work import behave\n"
        "from addin.isolation import run_isolated, start_method\n"
        "from addin.limits import DEFAULT_LIMITS\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        "items = ['inherited', 'inherited']\n"
        "print(start_method(), [r for _, r in run_isolated(items, behave, jobs=2,"
        " limits=DEFAULT_LIMITS)])\n"
        "stop.set()\n"
    )
    here = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": here},
        cwd=here,
        timeout=120,
    )
    assert done.stdout.strip() == "forkserver ['inherited', 'inherited']", done.stderr


def test_a_worker_from_the_fork_server_checks_a_real_workbook(another_thread, make_rubric, specs):
    from addin.batch import FileJob, check_files

    if start_method() != "forkserver":
        pytest.skip("no fork server here")
    path = make_rubric()
    (outcome,) = check_files([FileJob(path, path.name)], specs, limits=LIMITS)
    assert outcome.report.status == "ok"
    assert outcome.report.branches[0].grade == "先进"


def test_a_worker_ended_from_outside_on_windows_is_a_crash_not_a_traceback(monkeypatch):
    """Windows has no SIGKILL; a worker ended there by another program reports -SIGTERM."""
    import signal

    from addin.isolation import death_failure

    monkeypatch.delattr(signal, "SIGKILL", raising=False)
    assert death_failure(-signal.SIGTERM, "") == Failure("crashed", "处理进程被信号 SIGTERM 终止")


# A worker started where the signal module has no SIGKILL nor SIGHUP and the platform is not
# Linux, as on Windows (forked, not spawned: it keeps what this process changed).
WINDOWS_SIGNALS = """
import signal, sys
import addin.isolation
from addin.isolation import run_isolated
from addin.limits import DEFAULT_LIMITS
from isolation_work import behave

addin.isolation.start_method = lambda: "fork"
del signal.SIGKILL, signal.SIGHUP
sys.platform = "win32"
((_, outcome),) = run_isolated(["fine"], behave, jobs=1, limits=DEFAULT_LIMITS)
print(outcome.split(" in ")[0] if isinstance(outcome, str) else outcome)
"""


@pytest.mark.skipif(os.name != "posix", reason="forks a worker")
def test_a_worker_starts_where_signal_has_no_sigkill_as_on_windows(tmp_path):
    """Every worker on Windows died at its start (`signal.SIGKILL`): every file "crashed"."""
    here = Path(__file__).resolve().parent
    ran = subprocess.run(
        [sys.executable, "-c", WINDOWS_SIGNALS],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parent), str(here)])},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.stdout == "done fine\n", ran.stderr


def test_a_worker_killed_by_sigkill_hints_at_memory_and_others_do_not():
    import signal

    from addin.isolation import death_failure

    hint = "（可能是系统内存不足）"
    assert death_failure(-signal.SIGKILL, "").detail.endswith(hint)
    assert not death_failure(-signal.SIGTERM, "").detail.endswith(hint)
    assert death_failure(3, "") == Failure("crashed", "处理进程意外退出（退出码 3）")


# Arms the parent-death signal (SIGTERM here, to be seen) naming argv[1] as the parent.
ARMING = """
import os, signal, sys
from addin import helper_process

signal.signal(signal.SIGTERM, lambda *_: print("as if the parent died"))
parent = os.getppid() if sys.argv[1] == "mine" else int(sys.argv[1])
print(helper_process.die_with_parent(signal.SIGTERM, parent=parent))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_worker_whose_parent_died_before_it_armed_the_signal_gets_it_anyway():
    """The batch killed between a worker's start and its PR_SET_PDEATHSIG: the signal would
    never come (the worker has a new parent), its LibreOffice would run to its time cap."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def arming(parent: str) -> str:
        command = [sys.executable, "-c", ARMING, parent]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).stdout

    assert arming(str(os.getpid() + 1_000_000)) == "as if the parent died\nTrue\n"
    assert arming("mine") == "True\n"  # its parent alive: no signal
