"""Benchmark: `check` and `fill` against the bare libraries doing the same I/O.

    python benchmarks/bench_check.py            # 1,000 submissions × 8 branch sheets
    python benchmarks/bench_check.py --count 100

Prints seconds and ratios:
- check  / python-calamine reading every sheet of the same files (goal: ≤ 2×): the two run in
  turns (`--rounds`, each over every file), CPU time of this process; min and median of the
  rounds, since the machine is shared
- check  / openpyxl read-only load of the same files (for reference)
- fill   / openpyxl load + save of the same files (goal: ≤ 1.3×; measured on a subset)
The generated submissions are what departments send: the official template, one sheet per
党支部, each file naming its own 党支部 (a 党总支's name and its branches, e.g. 第017党总支
化学系教工第二党支部 — no two files share a name, so the rubric's layout cache is hit only by
shape, as in a real batch), full scores or half a point or a point less, and about one sheet in
ten with one score cell blank or not a plain number (6 over the points, "4分", "良").
Deterministic (seeded). Cached in benchmarks/_data/<DATA_VERSION>/ (not committed): a change
to the generator bumps the version, so files of an earlier generator are never reused.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import python_calamine
from openpyxl import load_workbook

from addin.engine import check_path
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs
from addin.workbook.openpyxl_writer import fill_file
from addin.writes import plan_for

# Bump on any change to what `generate` writes: the cache folder is per version.
DATA_VERSION = "v2-own-names"
DATA = Path(__file__).resolve().parent / "_data" / DATA_VERSION
SHEETS = 8
_UNITS = ("机关", "化学系", "物理系", "数学系", "外语学院", "图书馆", "后勤处", "附属医院")
_GROUPS = ("教工", "本科生", "研究生", "离退休", "行政", "博士生")
_ORDINALS = "一二三四五六七八九十"


def branch_names(n: int, rng: random.Random) -> list[str]:
    """The `SHEETS` 党支部 of submission `n`: its own 党总支 (numbered by `n`, so no two files
    share a name) and branches named as departments name them."""
    unit = f"第{n:03d}党总支{rng.choice(_UNITS)}"
    names = []
    for s in range(SHEETS):
        group = rng.choice(_GROUPS)
        names.append(f"{unit}{group}第{_ORDINALS[s]}党支部")
    return names


def generate(count: int) -> list[Path]:
    spec = load_specs().by_id("rubric_2022")
    DATA.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = DATA / f"submission_{n:04d}.xlsx"
        paths.append(path)
        if path.exists():
            continue
        rng = random.Random(2022_0000 + n)  # (per file: the same file whichever exist already)
        names = branch_names(n, rng)
        branches = {}
        for s in range(SHEETS):
            scores = {
                i.no: rng.choice([float(i.points), float(i.points) - 0.5, float(i.points) - 1])
                for i in spec.items
            }
            if rng.random() < 0.1:
                scores[rng.randint(1, 16)] = rng.choice([6, "4分", None, "良"])
            branches[names[s]] = scores
        rubric_workbook(spec, branches).save(path)
    return paths


def unit_name(n: int, units: int) -> str | None:
    """The 党总支 submission `n` comes from when `units` 党总支 share the submissions (round
    robin: each sends about as many files); None for `units` 0 (every file its own 党总支)."""
    return f"第{n % units + 1:02d}党总支" if units else None


def write_roster(path: Path, units: int) -> Path:
    """A roster (名单) of the `units` 党总支 of `unit_name`, as a department keeps it (.csv,
    the 党总支 listed without their 党支部): the batch names each file's 党总支 by the roster
    unit its file name contains."""
    rows = ["党总支,党支部", *(f"{unit_name(k, units)}," for k in range(units))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def timed(label: str, fn, paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        fn(path)
    seconds = time.perf_counter() - start
    print(f"{label:38} {seconds:8.2f} s  ({len(paths)} files)")
    return seconds


def cpu(fn, paths: list[Path]) -> float:
    """CPU seconds of this process for `fn` over every file (less disturbed by others' load
    than the wall clock)."""
    start = time.process_time()
    for path in paths:
        fn(path)
    return time.process_time() - start


def bare_calamine(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def bare_openpyxl_read(path: Path) -> None:
    wb = load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--fill-count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    specs = load_specs()
    print(f"生成/复用 {args.count} 份提交（每份 {SHEETS} 个党支部工作表）……")
    paths = generate(args.count)

    statuses: list[str] = []
    branches = [0]

    def jiceng_check(path: Path) -> None:
        report = check_path(path, specs).report
        statuses.append(report.status)
        branches[0] += len(report.branches)

    cal_rounds, check_rounds = [], []
    for _ in range(max(1, args.rounds)):
        cal_rounds.append(cpu(bare_calamine, paths))
        statuses.clear()
        branches[0] = 0
        check_rounds.append(cpu(jiceng_check, paths))
    for label, rounds in (
        ("python-calamine 读取全部工作表", cal_rounds),
        ("jiceng check（读取+校验+评分）", check_rounds),
    ):
        per_file = sorted(r / len(paths) * 1000 for r in rounds)
        print(
            f"{label:38} CPU {min(per_file):6.2f} ms/份（最小） {statistics.median(per_file):6.2f}"
            f" ms/份（中位），{len(rounds)} 轮 × {len(paths)} 份"
        )
    t_cal, t_check = min(cal_rounds), min(check_rounds)
    per_round = statistics.median(c / b for b, c in zip(cal_rounds, check_rounds, strict=True))
    t_opx = timed("openpyxl 只读加载", bare_openpyxl_read, paths)
    # A fast check that read nothing would be a false win: every sheet must have been graded.
    if "unreadable" in statuses or branches[0] != len(paths) * SHEETS:
        print(
            f"错误：并非所有提交都被读取（{statuses.count('unreadable')} 个无法读取，{branches[0]} 个党支部）"
        )
        return 2

    subset = paths[: args.fill_count]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsx"

        def bare_save(path: Path) -> None:
            load_workbook(path).save(out)

        def jiceng_fill(path: Path) -> None:
            evaluation = check_path(path, specs)
            plan = plan_for(evaluation.writes, evaluation.report.findings)
            fill_file(path, out, plan, evaluation.data)

        t_save = timed("openpyxl 加载+保存", bare_save, subset)
        t_fill = timed("jiceng fill（校验+写副本）", jiceng_fill, subset)

    print()
    print(
        f"check / calamine 读取   = {t_check / t_cal:5.2f}×   目标 ≤ 2.0×（CPU 最小值之比；逐轮之比中位 {per_round:.2f}×）"
    )
    print(f"check / openpyxl 读取   = {t_check / t_opx:5.2f}×（check 取 CPU，openpyxl 取墙钟）")
    print(f"fill  / openpyxl 加载保存 = {t_fill / t_save:5.2f}×   目标 ≤ 1.3×")
    ok = t_check / t_cal <= 2.0 and t_fill / t_save <= 1.3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
