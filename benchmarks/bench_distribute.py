"""Benchmark: `jiceng distribute` for a college's roster.

    python benchmarks/bench_distribute.py                     # 20 党总支 × 5 党支部
    python benchmarks/bench_distribute.py --units 60 --branches 8

Prints the time per unit workbook and per rubric sheet, next to a bare openpyxl workbook with
the same number of sheets and cells written and saved (the floor: distribute is openpyxl-bound),
and their ratio (goal: ≤ 3× the bare write; a department sends a round once, but on a shared
machine a minute for sixty units is the most a clerk should wait).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from addin.distribute import Options, Unit, distribute
from addin.spec import load_specs


def bare(units: int, sheets: int, folder: Path) -> float:
    """The same number of workbooks, sheets and filled cells, unstyled."""
    start = time.perf_counter()
    for u in range(units):
        wb = Workbook()
        for s in range(sheets):
            ws = wb.create_sheet(f"s{s}")
            for r in range(1, 28):
                for c in range(1, 6):
                    ws.cell(r, c, f"{r}.{c}")
        wb.save(folder / f"bare{u}.xlsx")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--branches", type=int, default=5)
    args = parser.parse_args()
    specs = load_specs()
    units = [
        Unit(f"第{u}学院党总支", tuple(f"第{u}学院第{b}党支部" for b in range(args.branches)))
        for u in range(args.units)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        distribute(units, specs, folder / "out", Options(), roster="bench")
        took = time.perf_counter() - start
        sheets = args.branches + 3  # 填写说明, 汇总表, 任务清单 besides the rubric sheets
        floor = bare(args.units, sheets, folder)
    rubric_sheets = args.units * args.branches
    print(f"distribute: {args.units} workbooks, {rubric_sheets} rubric sheets in {took:.2f} s")
    print(
        f"  per workbook {took / args.units * 1000:.0f} ms, per rubric sheet "
        f"{took / rubric_sheets * 1000:.0f} ms"
    )
    print(f"bare openpyxl, same sheets: {floor:.2f} s; ratio {took / floor:.1f}× (goal ≤ 3×)")


if __name__ == "__main__":
    main()
