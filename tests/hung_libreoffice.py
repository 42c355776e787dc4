"""A stand-in `soffice` that hangs, like LibreOffice's launcher (a script that starts the real
program and waits for it), and what a test asks of it: its pids, and whether they are gone."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# It notes its first argument (the profile) in `pids`/profiles, then hangs halfway through
# its first file: what it wrote of it so far is in --outdir. The sleep ends by itself should a
# failing test leave it behind.
HANGING_SOFFICE = """#!/bin/sh
echo "$1" >> "{pids}/profiles"
outdir=.
first=
while [ $# -gt 0 ]; do
    case "$1" in
        --outdir|--convert-to) [ "$1" = --outdir ] && outdir="$2"; shift ;;
        -*) ;;
        *) [ -z "$first" ] && first="$1" ;;
    esac
    shift
done
name=$(basename "$first")
[ -n "$first" ] && printf '%%PDF-1.7 half' > "$outdir/${{name%.*}}.pdf"
sh -c 'echo $$ > "{pids}/child"; exec sleep 120' &
echo $$ > "{pids}/script"
wait
"""


@contextmanager
def hanging_soffice(folder: Path) -> Iterator[Path]:
    """The stand-in, as `folder`/bin/soffice; `folder`/pids gets its pids (the last run's) and
    its profiles (every run's). What a failed test leaves running of it is ended on the way
    out."""
    (folder / "bin").mkdir(parents=True)
    (folder / "pids").mkdir()
    fake = folder / "bin" / "soffice"
    fake.write_text(HANGING_SOFFICE.format(pids=folder / "pids"))
    fake.chmod(0o755)
    try:
        yield fake
    finally:
        for name in ("script", "child"):
            with contextlib.suppress(OSError, ValueError):
                pid = int((folder / "pids" / name).read_text())
                if not gone(pid, seconds=0):
                    os.kill(pid, signal.SIGKILL)


def libreoffice_pids(folder: Path, seconds: float = 30) -> list[int]:
    """The stand-in's launcher and program, once both have started."""
    deadline = time.monotonic() + seconds
    files = [folder / "pids" / name for name in ("script", "child")]
    while not all(f.is_file() and f.read_text().strip() for f in files):
        assert time.monotonic() < deadline, "LibreOffice never started"
        time.sleep(0.05)
    return [int(f.read_text()) for f in files]


def gone(pid: int, seconds: float = 10) -> bool:
    """Dead (or a zombie) within `seconds`: on a busy machine SIGKILL takes a moment (Linux)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ")[1][0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def group_gone(group: int, seconds: float = 10) -> bool:
    """No process of process group `group` left (but zombies) within `seconds` (Linux)."""
    deadline = time.monotonic() + seconds
    while True:
        left = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError):
                state, _ppid, pgrp = stat.read_text().rsplit(") ", 1)[1].split()[:3]
                if int(pgrp) == group and state != "Z":
                    left.append(stat.parent.name)
        if not left:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
