"""One file, one worker process: whatever a file does to its reader stays with that file.

A submitted workbook can make a native reader abort the process, exhaust memory or loop. Each
item of a run is therefore handled in a pool of worker processes. A worker that dies (native
abort, a signal, MemoryError), passes the memory cap (RLIMIT_AS, where the system has it) or
the time cap gives a `Failure` for its item; the pool starts a new worker and the run goes on.
Results come back in the order of the items, whatever the workers' timing. A worker's temporary
files (LibreOffice's profile among them) go to a folder the parent made for it and removes when
the worker ends, however it ends: a worker killed at its time cap cleans up nothing itself.

Front ends only (cli, batch): the checks themselves stay free of processes, so they also run
inside Excel (xlwings Lite has no processes).

Starting a worker must not cost a second start-up (the imports are most of a file's time).
On Linux a worker is forked from the parent, with whatever the parent imported and the modules
every worker needs (`preload`) imported once beforehand. A parent that runs other threads is
not forked (a lock held by another thread would stay held in the child): a fork server,
started once with `preload` imported, forks the workers instead. Elsewhere workers are
spawned (Windows has nothing else; on macOS fork is unsafe) and import what they need.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Literal, Protocol

from . import helper_process
from .limits import MIB, Limits

FailureKind = Literal["too_large", "timeout", "crashed"]

# What a native allocator prints before it aborts (Rust, glibc, C++): the file needed too much.
_OUT_OF_MEMORY = ("memory allocation of", "Cannot allocate memory", "bad_alloc", "MemoryError")


@dataclass(frozen=True)
class Failure:
    """Why an item has no result."""

    kind: FailureKind
    detail: str


@dataclass
class Outcome:
    """An item's result, with the log lines its worker wrote meanwhile."""

    value: Any
    log: list[tuple[int, str]] = field(default_factory=list)


# Items handed out ahead of the first unfinished one, per worker: results that arrive out of
# order wait in the parent until that one is done, and one slow file must not let them pile up.
AHEAD_PER_WORKER = 8
# Seconds the running items get to finish once a run is asked to stop (Ctrl-C, SIGTERM).
GRACE_SECONDS = 5.0


class Stop(Protocol):
    """A request to stop handing out items (`interrupt.Interrupt`). `fileno()`: a descriptor
    that becomes readable when it is requested, so a wait for the workers wakes at once."""

    @property
    def requested(self) -> bool: ...

    def fileno(self) -> int: ...


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_isolated(
    items: Sequence[Any],
    work: Callable[[Any], Any],
    *,
    jobs: int,
    limits: Limits,
    preload: Sequence[str] = (),
    stop: Stop | None = None,
    grace: float = GRACE_SECONDS,
) -> Iterator[tuple[int, Any | Failure]]:
    """Yield (index, work(item) or Failure) for every item, in the order of `items`.

    `work` must be picklable where processes are spawned (Windows, macOS) or come from a fork
    server: a module-level function or an instance of a module-level class. `preload`: modules
    every worker imports, imported once before the workers are forked. At most
    `AHEAD_PER_WORKER` items per worker are started past the first one not yet finished: the
    parent holds no more results than that.

    `stop`: once it is `requested` (Ctrl-C, SIGTERM), no item is handed out any more; the
    running ones get `grace` seconds, then their workers are killed. What finished is yielded,
    still in index order but with gaps: the items without a result were not done.
    """
    pool = _Pool(work, max(1, min(jobs, len(items) or 1)), limits, preload if items else ())
    ahead = AHEAD_PER_WORKER * pool.size
    pending = deque(enumerate(items))
    finished: dict[int, Any] = {}
    next_out = 0
    try:
        while next_out < len(items) and not (stop and stop.requested):
            pool.assign(pending, below=next_out + ahead)
            for index, result in pool.collect(stop):
                finished[index] = result
            # The workers just done start on their next items before the caller handles these
            # results: its work on them overlaps the workers' instead of leaving them idle.
            ready = next_out
            while ready in finished:
                ready += 1
            if not (stop and stop.requested):
                pool.assign(pending, below=ready + ahead)
            while next_out in finished:
                yield next_out, finished.pop(next_out)
                next_out += 1
        if next_out < len(items):  # stopped: the running items get their grace, no more
            for index, result in pool.drain(time.monotonic() + grace):
                finished[index] = result
            for index in sorted(finished):
                yield index, finished.pop(index)
    except BaseException:  # a second Ctrl-C, or the caller gave up on us: no waiting
        pool.kill()
        raise
    pool.close()


def start_method() -> str:
    """How workers start here and now (see the module's docstring). Tests force spawn and the
    fork server on Linux, so those paths cannot rot unseen."""
    if not sys.platform.startswith("linux"):
        return "spawn"
    return "fork" if threading.active_count() == 1 else "forkserver"


def _context(preload: Sequence[str], work: Callable[[Any], Any] | None = None) -> Any:
    """The multiprocessing context for the workers, with `preload` and the module that defines
    `work` imported once where the workers start from: this process before it forks, or the
    fork server (a worker from the server unpickles `work`: without its module preloaded, every
    worker would import it, and for a check that is the whole engine)."""
    method = start_method()
    home = getattr(work, "__module__", None)
    if home and home != "__main__" and home not in preload:
        preload = [*preload, home]
    context = multiprocessing.get_context(method)
    if method == "fork":
        for name in preload:
            importlib.import_module(name)
    elif method == "forkserver":
        context.set_forkserver_preload(list(preload))  # read when the server first starts
    return context


class _Pool:
    def __init__(
        self, work: Callable[[Any], Any], size: int, limits: Limits, preload: Sequence[str] = ()
    ):
        self.work, self.size, self.limits = work, size, limits
        self.context = _context(preload, work)
        self.workers: list[_Worker] = []
        self.log = logging.getLogger("jiceng")

    def assign(self, pending: deque, below: int) -> None:
        """Start idle workers on the pending items whose index is below `below`."""
        kept = [w for w in self.workers if w.busy or (w.alive and not w.retired)]
        for worker in self.workers:
            if worker not in kept:
                worker.stop()
        self.workers = kept
        for worker in self.workers:
            if pending and pending[0][0] < below and not worker.busy:
                worker.start(*pending.popleft(), self.limits.timeout)
        while pending and pending[0][0] < below and len(self.workers) < self.size:
            worker = _Worker(self.context, self.work, self.limits)
            self.workers.append(worker)
            worker.start(*pending.popleft(), self.limits.timeout)

    def collect(
        self, stop: Stop | None = None, until: float | None = None
    ) -> list[tuple[int, Any]]:
        """Wait for a result (a death, a time cap) and return what is done. The wait ends
        early when `stop` is requested or at the monotonic time `until`."""
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return []
        ends = (
            min(w.deadline for w in busy)
            if until is None
            else min(until, *(w.deadline for w in busy))
        )
        waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        if stop is not None and not stop.requested:
            if os.name == "posix":
                waitables.append(stop)
            else:  # Windows waits on handles only: look at the request twice a second
                ends = min(ends, time.monotonic() + 0.5)
        ready = set(wait(waitables, max(0.0, ends - time.monotonic())))
        results = []
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                results.append(worker.finish())
            elif time.monotonic() >= worker.deadline:
                results.append(worker.expire(self.limits.timeout))
        for _index, result in results:
            if isinstance(result, Outcome):
                for level, line in result.log:
                    self.log.log(level, line)
        return [(i, r.value if isinstance(r, Outcome) else r) for i, r in results]

    def drain(self, until: float) -> list[tuple[int, Any]]:
        """The results of the running items that end before `until`; the others are killed."""
        results = []
        while any(w.busy for w in self.workers) and time.monotonic() < until:
            results += self.collect(until=until)
        self.kill()
        return results

    def kill(self) -> None:
        for worker in self.workers:
            worker.index = None
            worker._kill()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()


class _Worker:
    def __init__(self, context, work: Callable[[Any], Any], limits: Limits):
        # The worker's temporary folder (its LibreOffice profiles among what it holds): ours,
        # removed whenever the worker ends, killed too (a SIGKILL leaves it no time to clean).
        self.scratch = Path(tempfile.mkdtemp(prefix="jiceng-worker-"))
        self.err = self.scratch / "stderr"
        self.err.touch()
        self.conn, child = context.Pipe()
        # The group of the program the worker runs (LibreOffice), if any: ended with the worker.
        self.helper = helper_process.slot(context)
        self.process = context.Process(
            target=_serve,
            args=(child, work, limits.memory, str(self.scratch), self.helper, _starter(context)),
            daemon=True,
            name="jiceng-worker",
        )
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0
        self.retired = False  # the worker said it ends after this item

    @property
    def busy(self) -> bool:
        return self.index is not None

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def start(self, index: int, item: Any, timeout: float) -> None:
        self.index, self.deadline = index, time.monotonic() + timeout
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send((index, item))  # if it died already, finish() reports that

    def finish(self) -> tuple[int, Any]:
        index, self.index = self.index, None
        try:
            if self.conn.poll():
                got, result, self.retired = self.conn.recv()
                if got == index:
                    return index, result
        except (EOFError, OSError):
            pass
        self.process.join(5)
        return index, self._death()

    def expire(self, seconds: float) -> tuple[int, Failure]:
        index, self.index = self.index, None
        self._kill()
        return index, Failure("timeout", f"{seconds:g}")

    def _death(self) -> Failure:
        code = self.process.exitcode
        tail = self._stderr_text()
        self._kill()
        return death_failure(code, tail)

    def _stderr_text(self) -> str:
        """The start and the end of what the worker wrote to fd 2 for this item (a native
        abort puts its reason first and a long backtrace after it)."""
        try:
            with self.err.open("rb") as handle:
                head = handle.read(4096)
                handle.seek(max(len(head), self.err.stat().st_size - 4096))
                return (head + handle.read()).decode("utf-8", "replace")
        except OSError:
            return ""

    def _kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        helper_process.end(self.helper.value)  # what it ran, which no SIGKILL of it reaches
        self.helper.value = 0
        self.conn.close()
        _remove(self.scratch)  # its stderr text was read before, where it mattered

    def stop(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
            self.process.join(2)
        self._kill()


def _starter(context: Any) -> int | None:
    """The pid of the process that starts a worker from `context`: this one, or the fork
    server (started now if need be). None: not known (a private name of multiprocessing's)."""
    if context.get_start_method() != "forkserver":
        return os.getpid()
    from multiprocessing import forkserver

    with contextlib.suppress(Exception):
        forkserver.ensure_running()
        return getattr(forkserver._forkserver, "_forkserver_pid", None)
    return None


def _remove(folder: Path) -> None:
    """Remove `folder` (`helper_process.remove_folder`), logged when it stays."""
    if not helper_process.remove_folder(folder):
        logging.getLogger("jiceng").info("could not remove %s", folder)


def death_failure(code: int | None, tail: str) -> Failure:
    """What a worker's unexpected end means for its item: its exit code (negative: the
    signal that ended it) and the end of what it wrote to stderr. Windows has no SIGKILL: a
    worker ended from outside there reports -SIGTERM."""
    if any(sign in tail for sign in _OUT_OF_MEMORY):
        return Failure("too_large", "读取时需要的内存超过上限")
    if code is not None and code < 0:
        name = _signal_name(-code)
        killed = -code == getattr(signal, "SIGKILL", None)
        hint = "（可能是系统内存不足）" if killed else ""
        return Failure("crashed", f"处理进程被信号 {name} 终止{hint}")
    return Failure("crashed", f"处理进程意外退出（退出码 {code}）")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


# --- inside the worker -----------------------------------------------------------------------
class _Collect(logging.Handler):
    """Log records of the current item, sent back with its result (the parent writes them)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        self.lines.append((record.levelno, text))


def _serve(
    conn: Connection,
    work: Callable[[Any], Any],
    memory: int,
    scratch: str,
    helper: Any,
    starter: int | None = None,
) -> None:
    import faulthandler

    faulthandler.disable()  # a native crash is reported by the parent, not dumped by us
    gc.enable()  # off in a parent still starting (cli.main); a worker frees what it reads
    # A killed run leaves no workers behind (Linux; elsewhere they end with the pipe), even
    # one killed before this line (`starter`: the process that started this one, gone by then).
    helper_process.die_with_parent(parent=starter)  # SIGKILL
    helper_process.share(helper, scratch)
    tempfile.tempdir = scratch  # what the work puts in temporary files: removed with the worker
    # Ctrl-C reaches the whole process group: the parent decides (stop, grace, kill); SIGTERM
    # ends a worker as it always did (a forked worker inherits the parent's handlers), one
    # running LibreOffice after ending it (`helper_process.watched`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _cap_memory(memory)
    _capture_stderr(os.path.join(scratch, "stderr"))
    _fresh_stdio()
    collect = _Collect()
    logger = logging.getLogger("jiceng")
    logger.handlers = [collect]
    logger.propagate = False
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        index, item = message
        collect.lines = []
        _rewind_stderr()
        try:
            result: Any = Outcome(work(item), collect.lines)
        except MemoryError:
            result = Failure("too_large", f"处理时超过内存上限 {memory // MIB} MB")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # work() should not raise (a native reader's panic is a
            # BaseException too); if it does, the item says so and the worker lives on
            logger.exception("worker failed on item %s", index)
            result = Outcome(
                Failure("crashed", f"{type(exc).__name__}: {exc}"[:200]), collect.lines
            )
        # After running out of memory: a fresh process for the next item, not a fragmented heap.
        retire = isinstance(result, Failure) and result.kind == "too_large"
        try:
            conn.send((index, result, retire))
        except (BrokenPipeError, OSError):
            return
        if retire:
            return


def _cap_memory(memory: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the time cap still applies (tests force this path too)
        return
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # macOS refuses RLIMIT_AS
        pass


def _capture_stderr(path: str) -> None:
    """A native abort writes its reason to fd 2 and nothing else: keep it for the parent."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)


def _fresh_stdio() -> None:
    """New sys.stdout / sys.stderr objects on the same descriptors. A forked worker inherits the
    parent's, and with them a lock another thread of the parent (the progress bar drawing) may
    have held at the fork: the worker's first warning would wait for it for ever."""
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        encoding = getattr(old, "encoding", None) or "utf-8"
        with contextlib.suppress(OSError, ValueError):
            fresh = open(  # noqa: SIM115
                fd, "w", encoding=encoding, errors="backslashreplace", closefd=False, buffering=1
            )
            setattr(sys, name, fresh)


def _rewind_stderr() -> None:
    try:
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
    except OSError:
        pass
