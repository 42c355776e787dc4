"""The program a worker runs (LibreOffice) ends with the worker, however the worker ends.

LibreOffice runs in a process group of its own (`workbook.convert.run_group`): a conversion
past its time is then killed whole (`soffice` is a launcher that starts soffice.bin), and the
terminal's Ctrl-C does not reach it. Nothing else would end it with its worker: a worker killed
at its time cap, or when a stopped run's grace is over, gets SIGKILL and can clean up nothing.
So a worker notes the group it is running in a slot shared with its parent (`isolation`), and
the parent ends that group whenever it kills the worker or the worker dies. In a process with
no slot (not a worker) `run_group` ends the group itself on KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import subprocess
from typing import Any

_slot: Any = None  # in a worker: its `slot()`, 0 while it runs no program


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


def share(slot: Any) -> None:
    """In a worker, at its start: the slot its parent reads when the worker ends."""
    global _slot
    _slot = slot


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
