"""The workbook an annotated copy is written from, for a file openpyxl cannot open as it is:
a legacy spreadsheet (.xls, .xlsb, .ods) → .xlsx through LibreOffice, a workbook encrypted with
Excel's default password → its decrypted bytes.

Only the front ends' worker processes call this, after the file was checked and only when it
gets a copy (never in the checks, which read the original with calamine). LibreOffice runs as a
subprocess with a timeout, with one profile folder per worker process, so conversions in
parallel workers do not share (and lock) one profile; a conversion that hangs is killed with
every process it started, and that worker's next conversion gets a fresh profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .. import helper_process
from .decrypt import decrypt_default
from .model import UnreadableWorkbook
from .sniff import ENCRYPTED, sniff

SECONDS = 90  # one conversion, at most (less when the file's own time is running out)
_fresh_profiles = 0  # in this process: conversions killed so far, each leaving its profile locked


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def copy_source(path: Path, folder: Path, profiles: Path, seconds: float = SECONDS) -> Path | str:
    """The .xlsx/.xlsm a copy of `path` is written from — the file itself, its decrypted bytes,
    LibreOffice's .xlsx of a legacy file — or the reason (Chinese) there can be none. Work
    files go to `folder`, which the caller removes; LibreOffice profiles to `profiles`, which
    outlives this call (starting LibreOffice on a new profile costs seconds)."""
    try:
        kind, source = sniff(path), path
        if kind == ENCRYPTED:
            source = folder / f"decrypted{path.suffix.lower()}"
            source.write_bytes(decrypt_default(path).getvalue())
            kind = sniff(source)
    except UnreadableWorkbook as exc:
        return exc.reason
    if kind != "xlsx":  # by what the file is, not by its name
        return to_xlsx(source, folder, profiles, seconds)
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        return source
    named = folder / "workbook.xlsx"  # an .xlsx under another name: openpyxl goes by the name
    shutil.copyfile(source, named)
    return named


def to_xlsx(path: Path, folder: Path, profiles: Path, seconds: float = SECONDS) -> Path | str:
    """The file converted by LibreOffice into `folder`, or the reason (Chinese) it was not."""
    global _fresh_profiles
    program = soffice()
    if program is None:
        return "未安装 LibreOffice，无法把旧格式转换为 .xlsx"
    outdir = folder / "converted"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = profiles / f"lo-profile-{os.getpid()}-{_fresh_profiles}"
    command = [
        program,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(outdir),
        str(path),
    ]
    try:
        finished = run_group(command, seconds)
    except OSError as exc:
        return f"无法运行 LibreOffice（{exc.strerror or exc}）"
    if not finished:
        _fresh_profiles += 1  # a killed LibreOffice leaves its profile locked
        return timed_out(seconds)
    target = outdir / f"{path.stem}.xlsx"
    return target if target.is_file() else "LibreOffice 未能把该文件转换为 .xlsx"


def timed_out(seconds: float) -> str:
    return f"LibreOffice 转换超过 {seconds:.0f} 秒，已放弃"


def run_group(command: list[str], timeout: float, posix: bool = os.name == "posix") -> bool:
    """Run `command` with its output discarded; past `timeout` seconds kill it and every
    process it started (`soffice` is a script that starts soffice.bin: killing the script
    alone leaves LibreOffice running), and so does the parent of a worker killed meanwhile
    (`helper_process`). False when it had to be killed. `posix=False` is the Windows way
    (taskkill the tree); tests force it on Linux."""
    # LibreOffice's own temporary folder (lu*.tmp, left by a LibreOffice killed) goes with
    # ours: in a worker, the folder its parent removes when the worker ends (`isolation`).
    temp = tempfile.gettempdir()
    with helper_process.watched() as noted:  # its group known to the worker's parent at once
        process = subprocess.Popen(
            command,
            env={**os.environ, "TMPDIR": temp, "TMP": temp, "TEMP": temp},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=posix,  # its own process group, killed as one
            # Windows: a new process group (the flag exists only there; elsewhere 0 is required)
            creationflags=0 if posix else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            preexec_fn=partial(_before_exec, noted) if posix else None,
        )
        helper_process.running(process.pid)  # a worker killed meanwhile: its parent ends it
        try:
            process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            helper_process.end(process.pid, posix)
            process.kill()
            process.wait()
            return False
        except BaseException:  # Ctrl-C in a process of our own: its own group does not get it
            helper_process.end(process.pid, posix)
            raise
        finally:
            helper_process.running(0)


def _before_exec(noted: Callable[[], None] | None) -> None:
    """In the program's process, before it execs: no memory cap; its group noted (a worker's)."""
    _uncap_memory()
    if noted is not None:
        noted()


def _uncap_memory() -> None:
    """In the child, before LibreOffice starts: the worker's address-space cap (isolation) is
    for our reader; LibreOffice maps more than that without using it."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
