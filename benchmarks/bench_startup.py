"""Benchmark: how long the real `jiceng` commands take to start, as separate processes.

    python benchmarks/bench_startup.py               # 10 runs of each command
    python benchmarks/bench_startup.py --runs 30 --file my.xlsx

Runs each command as a fresh process several times, interleaved, and prints wall time (min and
median) and CPU time (user + system, min) next to two floors:
- `python -c pass`: the interpreter's own start;
- a bare python-calamine read of the same workbook (import + every sheet).
Goals (issue 19): `jiceng --help` ≤ 0.3 s and `jiceng check one.xlsx` ≤ 0.6 s wall.

The commands run with their bytecode cached (`PYTHONDONTWRITEBYTECODE` is dropped from their
environment): an installed Jiceng has its .pyc files, and compiling every module on each run
would add a tenth of a second that no user pays.

Wall times on a shared machine are noisy (other processes take the cores): read the minimum,
and the CPU time, which the load hardly changes. A worker process's CPU time is counted too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "samples" / "第一党总支_提交.xlsx"
GOALS = {"jiceng --help": 0.3, "jiceng check 一个文件": 0.6}

_BARE_READ = """
import sys, python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def commands(file: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "python-calamine 读取（含 import）": [python, "-c", _BARE_READ, str(file)],
        "jiceng --help": [python, "-m", "addin", "--help"],
        "jiceng --version": [python, "-m", "addin", "--version"],
        "jiceng check 一个文件": [python, "-m", "addin", "check", str(file)],
    }


_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=_ENV
    )
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode not in (0, 1):  # check exits 1 when the file has errors
        raise SystemExit(
            f"{' '.join(argv)} 失败（{done.returncode}）：{done.stderr.decode()[-500:]}"
        )
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--file", type=Path, default=SAMPLE, help="the workbook `check` reads")
    args = parser.parse_args()
    table = commands(args.file.resolve())
    walls: dict[str, list[float]] = {name: [] for name in table}
    cpus: dict[str, list[float]] = {name: [] for name in table}
    for argv in table.values():  # warm the file cache and the .pyc files once
        run_once(argv)
    for _ in range(args.runs):  # interleaved: a burst of load hits every command alike
        for name, argv in table.items():
            wall, cpu = run_once(argv)
            walls[name].append(wall)
            cpus[name].append(cpu)

    base = min(walls["python -c pass"])
    print(f"{args.runs} 次，文件 {args.file.name}；单位：秒（共享机器上看最小值与 CPU 时间）")
    print(f"{'命令':34} {'最小':>7} {'中位':>7} {'CPU最小':>8} {'最小-空启动':>10}  目标")
    met = True
    for name in table:
        low, mid, cpu = min(walls[name]), statistics.median(walls[name]), min(cpus[name])
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            ok = low <= goal
            met &= ok
            verdict = f"≤ {goal:g}  {'达到' if ok else '未达到'}"
        print(f"{name:34} {low:7.3f} {mid:7.3f} {cpu:8.3f} {low - base:10.3f}  {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
