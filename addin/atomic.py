"""Writes that cannot be half-done.

Every output file (annotated copies, 汇总报告.xlsx, report.json, `-o` reports) is written to
a temporary file in the destination folder, flushed to disk and renamed over the target in
one step: a reader sees the old file or the new one, never a truncated one, even when the run
is killed. Temporary files carry a mark, so the next run into the same folder removes what a
killed run left. The new file's mode follows the umask like any other file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_MARK = ".jiceng-tmp-"


def write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """`write(temp_path)` writes the content; then it replaces `target` in one rename.
    The folder must exist (a mistyped folder is an error, not a new folder)."""
    with atomic_path(target) as temp:
        write(temp)
    return target


@contextmanager
def atomic_path(target: Path, *, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it when the block ends without error
    (and removed when it raises): for outputs written over a longer time, e.g. file by file.
    `durable=False` skips flushing to disk: still never half-written, but after a power cut
    possibly empty (for files that are checked when read, such as the batch's cache)."""
    target = Path(target)
    temp = target.parent / f".{target.stem}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    temp = temp.with_name(temp.name + target.suffix)
    # Created by us with 0o666 & ~umask, the mode a plain open() would give.
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temp
        if durable:
            _fsync(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_dir(target.parent)


def write_text_atomically(target: Path, text: str, *, durable: bool = True) -> Path:
    with atomic_path(target, durable=durable) as temp:
        temp.write_text(text, encoding="utf-8")
    return target


def remove_stale(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left anywhere under `folder`."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.rglob(f"*{TEMP_MARK}*"):
        if path.is_file() and path.name.startswith("."):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def is_temp(path: Path) -> bool:
    return TEMP_MARK in path.name


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder; its rename is durable enough
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
