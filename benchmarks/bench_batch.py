"""Benchmark: `jiceng batch` with worker processes.

    python benchmarks/bench_batch.py                      # 1,000 submissions, --jobs 1 vs 2
    python benchmarks/bench_batch.py --count 200 --scale 10000

Prints, each measured in a fresh process:
- batch --jobs 1 and --jobs 2 over the same inbox, and their ratio (goal: --jobs 2 ≥ 1.8×
  faster on 2 free cores), next to a bare python-calamine read of the same files;
- the parent's peak RSS (workers excluded) for --count files and for --scale files (the
  same submissions under more names), to show what the parent holds grows little with the
  inbox (goal: flat).
Generated submissions are cached in benchmarks/_data/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_check import bare_calamine, generate

_RUN = """
import json, resource, sys, time
from pathlib import Path
from addin.batch import run_batch
from addin.spec import load_specs
folder, out, jobs, annotate = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
files = sorted(folder.glob("*.xlsx"))
start = time.perf_counter()
result = run_batch(files, out, load_specs(), root=folder, annotate=annotate, workers=jobs)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": result.files,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(folder: Path, jobs: int, annotate: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, "-c", _RUN, str(folder), out, str(jobs), "1" if annotate else "0"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _spin(_: object = None) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def machine_parallelism() -> float:
    """How much faster two processes finish two pieces of pure CPU work than one process does,
    on this machine right now (2.0 on two idle cores; less when others use the CPU)."""
    import multiprocessing

    start = time.perf_counter()
    _spin(), _spin()
    one = time.perf_counter() - start
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, range(2))
    return one / (time.perf_counter() - start)


def inbox(paths: list[Path], count: int, folder: Path) -> Path:
    """`count` submissions as links to the generated ones (no need to write them again)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        link = folder / f"{n:05d}.xlsx"
        if not link.exists():
            os.link(paths[n % len(paths)], link)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--scale", type=int, default=10000, help="files for the memory check")
    parser.add_argument("--no-annotate", action="store_true", help="timing without copies")
    args = parser.parse_args()
    annotate = not args.no_annotate
    print(f"生成/复用 {args.count} 份提交……")
    paths = generate(args.count)
    with tempfile.TemporaryDirectory() as tmp:
        small = inbox(paths, args.count, Path(tmp) / "small")
        start = time.perf_counter()
        for path in paths:
            bare_calamine(path)
        bare = time.perf_counter() - start
        one = run(small, 1, annotate)
        two = run(small, 2, annotate)
        print(f"python-calamine 读取 {args.count} 个文件        {bare:8.2f} s")
        for label, r in (("--jobs 1", one), ("--jobs 2", two)):
            print(
                f"batch {label}（{'含批注副本' if annotate else '不写副本'}）  {r['seconds']:8.2f} s"
                f"  = {r['seconds'] / bare:5.2f}× calamine   主进程峰值 {r['rss_mb']:6.0f} MB"
            )
        speedup = one["seconds"] / two["seconds"]
        bare = machine_parallelism()
        print(f"--jobs 2 比 --jobs 1 快 {speedup:4.2f}×（目标 ≥ 1.8×，需要 2 个空闲核心）")
        print(f"同一时刻两个进程做纯计算的加速：{bare:4.2f}×（机器此刻能给的上限）")
        large = inbox(paths, args.scale, Path(tmp) / "large")
        big = run(large, 2, False)
        small_rss = run(small, 2, False)["rss_mb"]
        print(
            f"主进程峰值内存：{args.count} 个文件 {small_rss:.0f} MB，{args.scale} 个文件 "
            f"{big['rss_mb']:.0f} MB（{big['seconds']:.0f} s，不写副本）"
        )
    return 0 if speedup >= 1.8 else 1


if __name__ == "__main__":
    sys.exit(main())
