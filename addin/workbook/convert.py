"""Legacy spreadsheets (.xls, .xlsb, .ods) → .xlsx through LibreOffice, for annotated copies.

Only the batch front end calls this (a subprocess with a timeout, never in the checks, which
read the original with calamine). Each run uses its own LibreOffice profile folder, so runs
at the same time do not share (and lock) one profile; a conversion that hangs is killed with
every process it started, and the next file gets a fresh profile.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

LEGACY = {".xls", ".xlsb", ".ods"}
SECONDS_PER_FILE = 30
BASE_SECONDS = 60


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_xlsx(paths: list[Path], folder: Path) -> dict[Path, Path | str]:
    """Each path → its .xlsx in `folder`, or the reason (Chinese) it could not be converted."""
    if not paths:
        return {}
    program = soffice()
    if program is None:
        return dict.fromkeys(paths, "未安装 LibreOffice，无法把旧格式转换为 .xlsx")
    results: dict[Path, Path | str] = {}
    profiles = 0
    for i, path in enumerate(paths):
        # One folder per file: two inputs with one stem (a.xls, a.ods) must not collide.
        outdir = folder / f"{i}"
        outdir.mkdir(parents=True, exist_ok=True)
        result = _convert(program, path, outdir, folder / f"lo-profile-{profiles}")
        if result == TIMED_OUT:  # a killed LibreOffice leaves its profile locked
            profiles += 1
        results[path] = result
    return results


TIMED_OUT = f"LibreOffice 转换超过 {BASE_SECONDS + SECONDS_PER_FILE} 秒，已放弃"


def _convert(program: str, path: Path, outdir: Path, profile: Path) -> Path | str:
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
        finished = run_group(command, BASE_SECONDS + SECONDS_PER_FILE)
    except OSError as exc:
        return f"无法运行 LibreOffice（{exc.strerror or exc}）"
    if not finished:
        return TIMED_OUT
    target = outdir / f"{path.stem}.xlsx"
    return target if target.is_file() else "LibreOffice 未能把该文件转换为 .xlsx"


def run_group(command: list[str], timeout: float, posix: bool = os.name == "posix") -> bool:
    """Run `command` with its output discarded; past `timeout` seconds kill it and every
    process it started (`soffice` is a script that starts soffice.bin: killing the script
    alone leaves LibreOffice running). False when it had to be killed. `posix=False` is the
    Windows way (taskkill the tree); tests force it on Linux."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=posix,  # its own process group, killed as one
        # Windows: a new process group (the flag exists only there; elsewhere 0 is required)
        creationflags=0 if posix else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows: the whole tree
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        process.kill()
        process.wait()
        return False
