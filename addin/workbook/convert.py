"""Legacy spreadsheets (.xls, .xlsb, .ods) → .xlsx through LibreOffice, for annotated copies.

Only the batch front end calls this (a subprocess with a timeout, never in the checks, which
read the original with calamine). Each call uses its own LibreOffice profile folder, so runs
at the same time do not share (and lock) one profile.
"""

from __future__ import annotations

import shutil
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
    for i, path in enumerate(paths):
        # One folder per file: two inputs with one stem (a.xls, a.ods) must not collide.
        outdir = folder / f"{i}"
        outdir.mkdir(parents=True, exist_ok=True)
        results[path] = _convert(program, path, outdir, folder / "lo-profile")
    return results


def _convert(program: str, path: Path, outdir: Path, profile: Path) -> Path | str:
    try:
        subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=False,
            capture_output=True,
            timeout=BASE_SECONDS + SECONDS_PER_FILE,
        )
    except subprocess.TimeoutExpired:
        return f"LibreOffice 转换超过 {BASE_SECONDS + SECONDS_PER_FILE} 秒，已放弃"
    except OSError as exc:
        return f"无法运行 LibreOffice（{exc.strerror or exc}）"
    target = outdir / f"{path.stem}.xlsx"
    return target if target.is_file() else "LibreOffice 未能把该文件转换为 .xlsx"
