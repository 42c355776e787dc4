"""Many `python -m addin ...` command lines, each in its own process, for one start-up.

A start of `python -m addin` costs more CPU than most of the commands the tests run (its
imports: about 0.6–0.9 s against 0.1 s for checking a small file). `run_cli` starts one Python
with the console encoding the tests ask for (PYTHONIOENCODING, read at start-up as on a real
console), imports the command line once, and forks one child per command line. Each child is a
real process with the streams given (a pipe, a file, /dev/full, a pipe whose reader is gone),
runs the command exactly as `python -m addin` does (`runpy`, so `__main__` is addin's) and ends
through the interpreter's own exit: its last flush of stdout can still fail (exit code 120), a
native abort or a signal ends only that child. The parent reports each child's exit code, what
it printed and the peak RSS of the child and the workers it started (`wait4`).

Where there is no fork (Windows), each command line is a `python -m addin` of its own.

    python tests/forked_cli.py < runs.json > results.json
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Ran:
    rc: int
    out: bytes
    err: bytes
    rss_kb: int  # the child's peak RSS, or that of a worker it started if larger
    seconds: float


PRELOAD = ("addin.cli", "addin.batch")  # what check, fill and batch import first


def run_cli(
    runs: list[dict],
    *,
    encoding: str | None = None,
    timeout: float = 300,
    preload: tuple[str, ...] = PRELOAD,
) -> list[Ran]:
    """Run each `{"args": [...], "stdout": STREAM, "stderr": STREAM, "cwd": DIR}` (stdout and
    stderr "pipe" unless given; STREAM: "pipe", "closed" (a pipe whose reader has gone) or a
    path, opened for writing) in a process of its own; `encoding`: the console's
    (PYTHONIOENCODING). `timeout`: seconds for each command line. `preload`: modules imported
    once before the forks (any a command imports itself, so only its start-up is shared)."""
    env = dict(os.environ)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    request = {"runs": [{**r, "args": [str(a) for a in r["args"]]} for r in runs]}
    for run in request["runs"]:
        for stream in ("stdout", "stderr", "cwd"):
            if isinstance(run.get(stream), os.PathLike):
                run[stream] = str(run[stream])
    request["timeout"] = timeout
    request["preload"] = list(preload)
    done = subprocess.run(
        [sys.executable, __file__],
        input=json.dumps(request).encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=timeout * len(runs) + 60,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return [
        Ran(
            rc=r["rc"],
            out=base64.b64decode(r["out"]),
            err=base64.b64decode(r["err"]),
            rss_kb=r["rss_kb"],
            seconds=r["seconds"],
        )
        for r in json.loads(done.stdout)
    ]


# --- the process that forks them ---------------------------------------------------------------
def _target(stream: str, fds: list[int], reads: dict[int, str], name: str) -> int:
    """A descriptor for a child's stdout or stderr, kept open in the parent until the fork."""
    if stream == "pipe":
        read, write = os.pipe()
        reads[read] = name
        fds.append(write)
        return write
    if stream == "closed":
        read, write = os.pipe()
        os.close(read)
        fds.append(write)
        return write
    fd = os.open(stream, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    fds.append(fd)
    return fd


def _child(run: dict, out: int, err: int, keep: set[int]) -> None:
    """In the forked child: the streams in place, then the command line as `python -m addin`
    runs it. Returns only by the SystemExit typer raises, which ends this process through the
    interpreter's normal exit (atexit, the last flush of stdout and stderr)."""
    import runpy

    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.closerange(3, max(keep | {3}) + 1)
    if run.get("cwd"):
        os.chdir(run["cwd"])
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.argv = ["-m", *run["args"]]  # runpy puts addin/__main__.py in front, as `-m` does
    runpy.run_module("addin", run_name="__main__", alter_sys=True)


def _one(run: dict, timeout: float) -> dict:
    fds: list[int] = []
    reads: dict[int, str] = {}
    out = _target(run.get("stdout", "pipe"), fds, reads, "out")
    err = _target(run.get("stderr", "pipe"), fds, reads, "err")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(run, out, err, set(fds) | set(reads))
        sys.exit(0)  # a command that returned without SystemExit
    for fd in fds:
        os.close(fd)
    got = {"out": bytearray(), "err": bytearray()}
    with selectors.DefaultSelector() as waiting:
        for fd in reads:
            waiting.register(fd, selectors.EVENT_READ)
        while waiting.get_map():
            left = started + timeout - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                break
            for key, _ in waiting.select(left):
                data = os.read(key.fd, 65536)
                if data:
                    got[reads[key.fd]] += data
                else:
                    waiting.unregister(key.fd)
    for fd in reads:
        os.close(fd)
    _pid, status, usage = os.wait4(pid, 0)
    return {
        "rc": os.waitstatus_to_exitcode(status),
        "out": base64.b64encode(bytes(got["out"])).decode(),
        "err": base64.b64encode(bytes(got["err"])).decode(),
        "rss_kb": usage.ru_maxrss,
        "seconds": time.monotonic() - started,
    }


def _spawned(run: dict, timeout: float) -> dict:
    """Without fork: the command line in a `python -m addin` of its own."""
    streams, opened = {}, []
    for name in ("stdout", "stderr"):
        stream = run.get(name, "pipe")
        if stream == "pipe":
            streams[name] = subprocess.PIPE
        elif stream == "closed":
            read, write = os.pipe()
            os.close(read)
            streams[name] = write
            opened.append(write)
        else:
            streams[name] = os.open(stream, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            opened.append(streams[name])
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "addin", *run["args"]],
            stdin=subprocess.DEVNULL,
            cwd=run.get("cwd"),
            timeout=timeout,
            **streams,
        )
    finally:
        for fd in opened:
            os.close(fd)
    return {
        "rc": done.returncode,
        "out": base64.b64encode(done.stdout or b"").decode(),
        "err": base64.b64encode(done.stderr or b"").decode(),
        "rss_kb": 0,
        "seconds": time.monotonic() - started,
    }


def _serve() -> None:
    request = json.loads(sys.stdin.buffer.read())
    runs, timeout = request["runs"], request["timeout"]
    if not hasattr(os, "fork"):
        results = [_spawned(run, timeout) for run in runs]
    else:
        import gc
        import importlib

        sys.path[0] = str(Path(__file__).resolve().parent.parent)  # as `-m` from the checkout
        for name in request["preload"]:
            importlib.import_module(name)
        gc.freeze()  # the imports stay shared with the children, as `cli.main` does for workers
        results = [_one(run, timeout) for run in runs]
    sys.stdout.buffer.write(json.dumps(results).encode("utf-8"))


if __name__ == "__main__":
    _serve()
