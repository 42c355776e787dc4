"""The program a worker runs (LibreOffice) ends with the worker, however the worker ends.

LibreOffice runs in a process group of its own (`workbook.convert.run_group`): a conversion
past its time is then killed whole (`soffice` is a launcher that starts soffice.bin), and the
terminal's Ctrl-C does not reach it. Nothing else would end it with its worker: a worker killed
at its time cap, or when a stopped run's grace is over, gets SIGKILL and can clean up nothing.
So a worker notes the group it is running in a slot shared with its parent (`isolation`), and
the parent ends that group whenever it kills the worker or the worker dies. In a process with
no slot (not a worker) `run_group` ends the group itself on KeyboardInterrupt.

The program's own process notes its group before it execs (`watched`): a worker killed between
starting it and noting it leaves nothing its parent does not know of. On Linux that process
also dies with the worker, and a worker running a program learns of its own parent's death (a
batch SIGKILLed: nothing is left to end the group), or of its terminal closing, and ends the
group and removes its temporary folder itself; on macOS only the terminal's closing (SIGHUP)
reaches it. A batch killed outright on macOS or Windows leaves LibreOffice running until its
time limit (`convert.run_group`).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_slot: Any = None  # in a worker: its `slot()`, 0 while it runs no program
_scratch: str | None = None  # in a worker: its temporary folder (`isolation`)
_prctl: Any = None  # libc's prctl, once looked up (Linux)
PR_SET_PDEATHSIG = 1
# What ends a worker running a program, its parent likely with it: SIGTERM (the parent's death:
# `watched`), SIGHUP (the terminal closed: it reaches the batch and its workers at once, not
# the program, which runs in a session of its own).
ENDING = tuple(s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


def slot(context: Any) -> Any:
    """An integer (`.value`) the parent shares with a worker it starts from `context`."""
    if context.get_start_method() == "fork":
        return _Forked()
    # A spawned worker, or one from a fork server, unpickles it (ctypes: ≈ 10 ms to import,
    # where those workers import everything anyway).
    return context.RawValue("q", 0)


class _Forked:
    """8 bytes of anonymous memory, shared (not copied) by a fork: nothing to import."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, 8)

    @property
    def value(self) -> int:
        return int.from_bytes(self._memory[:8], "little", signed=True)

    @value.setter
    def value(self, number: int) -> None:
        self._memory[:8] = number.to_bytes(8, "little", signed=True)


def share(slot: Any, scratch: str | None = None) -> None:
    """In a worker, at its start: the slot its parent reads when the worker ends, and the
    worker's temporary folder."""
    global _slot, _scratch
    _slot, _scratch = slot, scratch


def die_with_parent(signum: int | None = None, parent: int | None = None) -> bool:
    """This process gets `signum` (None: SIGKILL) when its parent ends (Linux:
    PR_SET_PDEATHSIG); False where that cannot be had (Windows has no SIGKILL to name).
    `parent`: the pid of the process that started this one. Gone already (this process has
    another parent now), it never sends the signal: this process sends it to itself."""
    global _prctl
    if not sys.platform.startswith("linux"):
        return False
    if signum is None:
        signum = signal.SIGKILL
    try:
        if _prctl is None:
            import ctypes

            _prctl = ctypes.CDLL(None, use_errno=True).prctl
        armed = _prctl(PR_SET_PDEATHSIG, signum) == 0
    except (OSError, AttributeError):
        return False
    if armed and parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), signum)  # the parent died before the signal was armed
    return armed


@contextmanager
def watched() -> Iterator[Callable[[], None] | None]:
    """Around a worker's start and run of a program in a group of its own (`convert.run_group`):
    yields what the program's process runs before it execs (None outside a worker, or on
    Windows). That notes its group in the slot, and on Linux ties it to the worker (it dies
    with it; a worker gone already ends it at once). Meanwhile, on Linux, the worker's parent's
    death reaches the worker as SIGTERM, not SIGKILL (`isolation`): the worker waits for the
    program in Python, so it can end the group and remove its folder (`_parent_gone`)."""
    if _slot is None or os.name != "posix":
        yield None
        return
    worker = os.getpid()

    def in_child() -> None:
        if die_with_parent(signal.SIGKILL) and os.getppid() != worker:
            os._exit(1)  # the worker is gone already: no one would end this program
        _slot.value = os.getpid()  # its group (start_new_session made it the leader)

    # An ignored one stays ignored: `nohup jiceng batch` goes on when its terminal closes.
    ending = [s for s in ENDING if signal.getsignal(s) != signal.SIG_IGN]
    previous = {s: signal.signal(s, _parent_gone) for s in ending}
    told = die_with_parent(signal.SIGTERM)
    try:
        yield in_child
    finally:
        _slot.value = 0  # the program ended, or never started (its exec failed, once noted)
        if told:
            die_with_parent(signal.SIGKILL)
        for s, handler in previous.items():
            signal.signal(s, handler)


def remove_folder(folder: str | os.PathLike) -> bool:
    """Remove `folder`, which a program killed a moment ago may still have written to: tried
    for up to a second. Whether it is gone (no logging here: a signal handler calls this)."""
    for _ in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return True
        time.sleep(0.05)
    return False


def _parent_gone(signum: int, _frame: Any) -> None:
    """SIGTERM or SIGHUP while a worker runs a program: its parent died or is dying (or someone
    ends the worker). The program's group and the worker's temporary folder go with it: no one
    else may be left to end them."""
    end(_slot.value if _slot is not None else 0)
    if _scratch:
        remove_folder(_scratch)
    signal.signal(signum, signal.SIG_DFL)  # and end as that signal ends a worker
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)


def running(pid: int) -> None:
    """The group (led by `pid`) this worker runs now; 0: none."""
    if _slot is not None:
        _slot.value = pid


def end(pid: int, posix: bool = os.name == "posix") -> None:
    """Kill the process `pid` started in a group of its own, with every process it started.
    `posix=False` is the Windows way (taskkill the tree)."""
    if not pid:
        return
    if posix:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    else:
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
