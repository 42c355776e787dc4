"""Benchmark: a legacy inbox (.xls) through `jiceng batch`, with and without copies.

    python benchmarks/bench_legacy.py                    # 100 .xls with a template + 100 without
    python benchmarks/bench_legacy.py --count 5 --jobs 2

Half the inbox are submissions with a template (each gets an annotated copy, converted to
.xlsx by LibreOffice in the workers), half are spreadsheets without one (no copy, so no
conversion). Prints the batch time with copies, with `--no-annotate`, and their ratio, plus
how many LibreOffice conversions ran (should equal the files with a template). Needs
LibreOffice (`soffice`). The .xls files are made once by LibreOffice and cached in
benchmarks/_data/legacy/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "_data" / "legacy"

_RUN = """
import json, sys, time
from pathlib import Path
from addin.batch import run_batch
from addin.spec import load_specs
from addin.workbook import convert
folder, out, jobs, annotate = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
files = sorted(folder.glob("*.xls"))
start = time.perf_counter()
result = run_batch(files, out, load_specs(), root=folder, annotate=annotate, workers=jobs,
                   notice_pdf=False)  # the copies' cost alone: no 整改通知 PDFs
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": result.files, "copies": len(result.annotated)}))
"""


def sources() -> tuple[Path, Path]:
    """One .xls submission with a template and one .xls without any, made by LibreOffice."""
    with_template, without = DATA / "甲.xls", DATA / "记录.xls"
    if with_template.exists() and without.exists():
        return with_template, without
    sys.path.insert(0, str(ROOT / "tests"))
    from openpyxl import Workbook
    from summary_helpers import submission

    DATA.mkdir(parents=True, exist_ok=True)
    xlsx = submission(
        DATA,
        [("一支部", 90, "一般"), ("二支部", 70, None)],
        {"一支部": 90, "二支部": 70},
        name="甲.xlsx",
    )
    wb = Workbook()
    for row in range(40):
        wb.active.append([f"会议记录 {row}", row, "2022-05-01"])
    wb.save(DATA / "记录.xlsx")
    for path in (xlsx, DATA / "记录.xlsx"):
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation={(DATA / 'lo-profile').resolve().as_uri()}",
                "--headless",
                "--convert-to",
                "xls",
                "--outdir",
                str(DATA),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return with_template, without


def make_inbox(folder: Path, count: int) -> None:
    with_template, without = sources()
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        os.link(with_template, folder / f"党总支{n:04d}.xls")
        os.link(without, folder / f"其他{n:04d}.xls")


def run(folder: Path, jobs: int, annotate: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-c", _RUN, str(folder), out, str(jobs), "1" if annotate else "0"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=100, help="files with a template (and as many without)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        print("LibreOffice (soffice) is needed: apt-get install -y libreoffice-calc")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inbox"
        make_inbox(folder, args.count)
        copies = run(folder, args.jobs, annotate=True)
        plain = run(folder, args.jobs, annotate=False)
    files = 2 * args.count
    print(
        f"legacy inbox: {args.count} .xls with a template + {args.count} without, --jobs {args.jobs}"
    )
    print(f"  batch with copies     {copies['seconds']:7.1f} s  ({copies['copies']} copies)")
    print(f"  batch --no-annotate   {plain['seconds']:7.1f} s")
    print(f"  copies cost           {copies['seconds'] / plain['seconds']:7.1f}× the check alone")
    print(f"  per file with a copy  {(copies['seconds'] - plain['seconds']) / args.count:7.2f} s")
    assert copies["files"] == plain["files"] == files
    assert copies["copies"] == args.count, "every file with a template gets its copy"
    return 0


if __name__ == "__main__":
    sys.exit(main())
