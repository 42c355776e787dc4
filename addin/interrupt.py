"""Ctrl-C and SIGTERM during a long run: the first asks it to stop, the second ends it at once.

The first signal only sets `requested` (and makes `fileno()` readable, so a wait for worker
processes wakes up): the run stops handing out files, lets the running ones finish for a
moment and writes its report for what was done. The second raises KeyboardInterrupt wherever
the program is; every output is written atomically (`atomic`), so even then no file is left
half-written. Front ends only (cli): the checks never see a signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

SIGNALS = tuple(
    s
    for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGBREAK", None))
    if s is not None
)


# Ctrl-C before a command has its own way with it (`catching`): the run ends at once.
STOPPED = "已停止（Ctrl-C）"


def stopped_at_once() -> NoReturn:
    """End the program on a Ctrl-C no command caught: a sentence and exit code 130, not a
    traceback (another Ctrl-C meanwhile is ignored: the program is ending anyway)."""
    with contextlib.suppress(ValueError):  # not the main thread: signals keep their way
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .console import say

    say(STOPPED, err=True)
    sys.exit(130)


class Interrupt:
    """A stop request, set by the first SIGINT / SIGTERM while `catching()`. `on_request`: told
    once, when the request comes (from the signal handler: it must be quick and not raise)."""

    def __init__(self, on_request: Callable[[], None] | None = None) -> None:
        self.on_request = on_request
        self.requested = False
        self.signal: int | None = None
        self._read, self._write = os.pipe()  # one byte is written, once: it never blocks

    def fileno(self) -> int:
        """Readable once a stop is requested (for `multiprocessing.connection.wait`)."""
        return self._read

    def request(self, signum: int | None = None) -> None:
        if not self.requested:
            self.requested, self.signal = True, signum
            with contextlib.suppress(OSError):
                os.write(self._write, b"!")
            if self.on_request is not None:
                with contextlib.suppress(Exception):
                    self.on_request()

    def _handle(self, signum: int, _frame) -> None:
        if self.requested:  # the second one: stop now
            raise KeyboardInterrupt
        self.request(signum)

    @contextmanager
    def catching(self) -> Iterator[Interrupt]:
        """Handle SIGINT and SIGTERM (main thread only; elsewhere signals keep their way)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.signal(s, self._handle) for s in SIGNALS}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            for fd in (self._read, self._write):
                with contextlib.suppress(OSError):
                    os.close(fd)
