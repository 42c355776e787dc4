"""Benchmark: `jiceng batch` with worker processes, and a re-run after a few files changed.

    python benchmarks/bench_batch.py                      # 1,000 submissions, --jobs 1 vs 2
    python benchmarks/bench_batch.py --count 300 --scale 10000 --changed 3
    python benchmarks/bench_batch.py --count 300 --no-jobs --scale 0 --repeat 2   # re-run only
    python benchmarks/bench_batch.py --count 1000 --scale 0 --changed 0 [--no-pdf]
    python benchmarks/bench_batch.py --count 1000 --scale 0 --changed 0 --units 0  # worst case

The submissions come from `--units` 党总支 (default 20): a college has tens of 党总支, each
sending several files, named by the roster (名单) unit in their file name, as the batch finds
them (`第03党总支_00017.xlsx`; the roster is given to the batch). The batch writes one 整改通知
per 党总支, so the notices and their PDFs (LibreOffice) cost what a department's batch pays.
`--units 0` gives every file its own 党总支 and no roster — one notice per file, up to
`Limits.max_notices` (300): the worst case for the notices' PDFs, not what a department sees.
Each timing line says how many notices and PDFs the run wrote.

Prints, each measured in a fresh process:
- batch --jobs 1 and --jobs 2 over the same inbox, and their ratio (goal: --jobs 2 ≥ 1.8×
  faster on 2 free cores), next to a bare python-calamine read of the same files and to the
  machine's own two-process speedup on pure CPU work, measured just before and just after
  (on a machine others use, --jobs 2 cannot beat that); the CPU seconds per file of the batch's
  own process and of its workers, and from them the time on two idle cores;
- a re-run into the --jobs 1 run's folder after --changed files were replaced, against the full
  run (goal: ≤ 10 %), in wall time and in CPU time of the run's process and all it started
  (workers, LibreOffice for the 整改通知 PDFs; the figure to trust on a shared machine), the
  least of --repeat runs; and whether its report.json is the fresh run's byte for byte but for
  `batch.reused`, and its 汇总报告 and 整改通知 workbooks too but for their document properties;
- the parent's peak RSS (workers excluded) for --count files and for --scale files (the
  same submissions under more names), to show what the parent holds grows little with the
  inbox (goal: flat; --scale 0 skips it).
Generated submissions are cached in benchmarks/_data/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_check import bare_calamine, generate, unit_name, write_roster

_RUN = """
import json, resource, sys, time
from pathlib import Path
from addin.batch import run_batch
from addin.spec import load_specs
folder, out, jobs, annotate = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
pdf = sys.argv[5] == "1"
roster = None
if sys.argv[6]:
    from addin.report.inbox import Roster
    from addin.report.roster import read_roster
    roster = Roster(sys.argv[6], read_roster(Path(sys.argv[6])))
files = sorted(folder.glob("*.xlsx"))
specs = load_specs()
def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
parent, workers = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
result = run_batch(
    files, out, specs, root=folder, annotate=annotate, workers=jobs, notice_pdf=pdf, roster=roster
)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "files": result.files,
                  "notices": sum(p.suffix == ".xlsx" for p in result.notices),
                  "pdfs": sum(p.suffix == ".pdf" for p in result.notices),
                  "parent_cpu": cpu(resource.RUSAGE_SELF) - parent,
                  "workers_cpu": cpu(resource.RUSAGE_CHILDREN) - workers,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(
    folder: Path,
    jobs: int,
    annotate: bool,
    out: Path | None = None,
    pdf: bool = True,
    roster: Path | None = None,
) -> dict:
    """One batch in a fresh process (given `roster`, the 名单); into `out` (kept) or a
    temporary folder. Its wall time,
    and the CPU time of its own process (`parent_cpu`, the serial part: dispatching, the
    report) and of its workers and their LibreOffice runs (`workers_cpu`), after start-up."""
    with tempfile.TemporaryDirectory() as temporary:
        target = str(out or temporary)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        flags = ["1" if annotate else "0", "1" if pdf else "0", str(roster or "")]
        done = subprocess.run(
            [sys.executable, "-c", _RUN, str(folder), target, str(jobs), *flags],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    # CPU of the run's process and everything it waited for (workers, LibreOffice).
    measured["cpu"] = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
    return measured


def comparable(out: Path) -> str:
    """report.json without what differs between a re-run and a fresh run: `batch.reused`."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report["batch"]["reused"] = 0
    return json.dumps(report, ensure_ascii=False, sort_keys=True)


def workbooks(out: Path) -> dict[str, dict[str, bytes]]:
    """汇总报告.xlsx and every 整改通知 workbook, part by part, without the document properties
    (the moment each was written)."""
    found = {}
    for path in [out / "汇总报告.xlsx", *sorted((out / "整改通知").glob("*.xlsx"))]:
        with zipfile.ZipFile(path) as archive:
            found[path.name] = {
                name: archive.read(name)
                for name in archive.namelist()
                if not name.startswith("docProps/")
            }
    return found


def changed_inbox(
    paths: list[Path], count: int, changed: int, folder: Path, units: int = 0
) -> Path:
    """The inbox of `inbox(paths, count, …, units)` with `changed` files, spread over it,
    replaced by a copy of the next submission."""
    inbox(paths, count, folder, units)
    files = sorted(folder.glob("*.xlsx"))
    step = max(1, len(files) // max(changed, 1))
    for i in range(0, len(files), step)[:changed]:
        files[i].unlink()  # a link to submission i: now a copy of another submission
        shutil.copyfile(paths[(i + 1) % len(paths)], files[i])
    return folder


def rerun(
    before: Path,
    after: Path,
    changed: int,
    annotate: bool,
    tmp: Path,
    repeat: int = 1,
    roster: Path | None = None,
) -> int:
    """`repeat` times: a full --jobs 1 run of the inbox `before`, then a re-run of `after` (the
    same inbox with `changed` files replaced) into the same folder; then a fresh run of `after`.
    Prints the least wall time and CPU time (the run's process, its workers and LibreOffice)
    of each, and whether the re-run's outputs are the fresh run's."""
    fulls, agains = [], []
    for n in range(repeat):
        out = tmp / f"rerun-{n}"
        fulls.append(run(before, 1, annotate, out, roster=roster))
        agains.append(run(after, 1, annotate, out, roster=roster))
        if n < repeat - 1:
            shutil.rmtree(out)
    fresh = tmp / "fresh"
    run(after, 1, annotate, fresh, roster=roster)
    reused = json.loads((out / "report.json").read_text(encoding="utf-8"))["batch"]["reused"]
    same = comparable(out) == comparable(fresh)
    same_books = workbooks(out) == workbooks(fresh)
    full = {key: min(r[key] for r in fulls) for key in ("seconds", "cpu")}
    again = {key: min(r[key] for r in agains) for key in ("seconds", "cpu")}
    ratio = again["seconds"] / full["seconds"]
    cpu = again["cpu"] / full["cpu"]
    print(
        f"改动 {changed} 个文件后重跑（--jobs 1，{repeat} 次中最少）：{again['seconds']:6.2f} s，"
        f"完整运行 {full['seconds']:6.2f} s，= {ratio:6.1%}（目标 ≤ 10%）；"
        f"CPU（含子进程）{again['cpu']:6.2f} s / {full['cpu']:6.2f} s = {cpu:6.1%}；沿用 {reused} 个；"
        f"report.json 与全新运行{'相同' if same else '不同！'}，汇总报告与整改通知"
        f"{'相同' if same_books else '不同！'}（文档属性中的时间除外）"
    )
    return 0 if min(ratio, cpu) <= 0.10 and same and same_books else 1


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


def compare_jobs(
    paths: list[Path],
    small: Path,
    count: int,
    annotate: bool,
    pdf: bool,
    roster: Path | None = None,
) -> int:
    """--jobs 1 against --jobs 2, the machine's own two-process speedup around them, and
    where the CPU time goes: per file, the batch's own process and its workers."""
    start = time.perf_counter()
    for path in paths:
        bare_calamine(path)
    bare = time.perf_counter() - start
    before = machine_parallelism()
    one = run(small, 1, annotate, pdf=pdf, roster=roster)
    two = run(small, 2, annotate, pdf=pdf, roster=roster)
    after = machine_parallelism()
    what = ("含批注副本" if annotate else "不写副本") + ("、整改通知 PDF" if pdf else "、无 PDF")
    print(f"python-calamine 读取 {count} 个文件        {bare:8.2f} s")
    for label, r in (("--jobs 1", one), ("--jobs 2", two)):
        print(
            f"batch {label}（{what}，{r['notices']} 份整改通知、{r['pdfs']} 个 PDF）"
            f"  {r['seconds']:8.2f} s"
            f"  = {r['seconds'] / bare:5.2f}× calamine   主进程峰值 {r['rss_mb']:6.0f} MB"
        )
        print(
            f"    CPU（含子进程）{r['cpu']:7.2f} s；主进程 {r['parent_cpu']:7.2f} s（{r['parent_cpu'] / count * 1000:5.1f} ms/文件），"
            f"工作进程 {r['workers_cpu']:7.2f} s（{r['workers_cpu'] / count * 1000:5.1f} ms/文件）"
        )
    speedup = one["seconds"] / two["seconds"]
    print(f"--jobs 2 比 --jobs 1 快 {speedup:4.2f}×（目标 ≥ 1.8×，需要 2 个空闲核心）")
    print(
        f"同一时刻两个进程做纯计算的加速：前 {before:4.2f}×，后 {after:4.2f}×（机器此刻能给的上限）"
    )
    parent, workers = two["parent_cpu"], two["workers_cpu"]
    low, high = max(parent, (parent + workers) / 2), parent + workers / 2
    per_1000 = 1000 / count
    print(
        f"两个空闲核心上 --jobs 2 的估计（按 CPU 时间）：{low:6.1f}–{high:6.1f} s，"
        f"折合 1,000 个文件 {low * per_1000:6.1f}–{high * per_1000:6.1f} s（目标 ≤ 60 s）"
        "；下限：主进程与工作进程完全重叠，上限：完全不重叠"
    )
    return 0 if speedup >= 1.8 else 1


def inbox(paths: list[Path], count: int, folder: Path, units: int = 0) -> Path:
    """`count` submissions as links to the generated ones (no need to write them again), each
    named by its 党总支 when `units` (`bench_check.unit_name`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        unit = unit_name(n, units)
        link = folder / (f"{unit}_{n:05d}.xlsx" if unit else f"{n:05d}.xlsx")
        if not link.exists():
            os.link(paths[n % len(paths)], link)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--scale", type=int, default=10000, help="files for the memory check")
    parser.add_argument(
        "--changed", type=int, default=3, help="files changed before the re-run (0: no re-run)"
    )
    parser.add_argument("--no-annotate", action="store_true", help="timing without copies")
    parser.add_argument("--no-pdf", action="store_true", help="整改通知 without their PDFs")
    parser.add_argument("--no-jobs", action="store_true", help="skip --jobs 1 vs --jobs 2")
    parser.add_argument("--repeat", type=int, default=1, help="full run and re-run, each")
    parser.add_argument(
        "--units",
        type=int,
        default=20,
        help="党总支 the files come from (a college has tens); 0: every file its own (worst case)",
    )
    args = parser.parse_args()
    annotate, pdf = not args.no_annotate, not args.no_pdf
    print(f"生成/复用 {args.count} 份提交……")
    paths = generate(args.count)
    units = max(0, args.units)
    print(f"{units} 个党总支" if units else "每个文件各为一个党总支（最坏情况）")
    with tempfile.TemporaryDirectory() as tmp:
        roster = write_roster(Path(tmp) / "名单.csv", units) if units else None
        small = inbox(paths, args.count, Path(tmp) / "small", units)
        status = 0
        if not args.no_jobs:
            status = compare_jobs(paths, small, args.count, annotate, pdf, roster)
        if args.changed:
            before = inbox(paths, args.count, Path(tmp) / "before", units)
            after = changed_inbox(paths, args.count, args.changed, Path(tmp) / "after", units)
            status |= rerun(before, after, args.changed, annotate, Path(tmp), args.repeat, roster)
        if args.scale:
            large = inbox(paths, args.scale, Path(tmp) / "large", units)
            big = run(large, 2, False, roster=roster)
            small_rss = run(small, 2, False, roster=roster)["rss_mb"]
            print(
                f"主进程峰值内存：{args.count} 个文件 {small_rss:.0f} MB，{args.scale} 个文件 "
                f"{big['rss_mb']:.0f} MB（{big['seconds']:.0f} s，不写副本）"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
