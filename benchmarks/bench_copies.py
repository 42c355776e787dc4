"""Benchmark and fidelity run of annotated copies: the patcher against openpyxl.

    python benchmarks/bench_copies.py                          # 50 generated submissions
    python benchmarks/bench_copies.py --count 1000 --foreign /work/foreign --libreoffice

Speed (generated 8-sheet submissions from bench_check.py, methods interleaved per file, the
minimum of `--repeat` runs each): a patched copy against openpyxl load + save of the same file
(goal ≤ 0.1×), and `fill_file` (today's openpyxl copy) for reference.

Fidelity (the samples, the copied hostile-corpus files and every workbook in `--foreign`, e.g.
gathered by foreign_corpus.py): each file is checked; the plan gets, besides its own findings,
a mark on two cells of the first sheet, a value in a new row and a colour rule, so that every
file has its cells, styles, notes and rules patched. Counted: copies patched or rewritten (and
why), copies that open in openpyxl, in python-calamine and (with --libreoffice) convert to PDF
in LibreOffice, copies whose cells, fills, notes and sheets equal the openpyxl copy's, and the
files whose copy lost a feature the original had (drawings, shapes, pictures, media, charts,
data validations incl. x14, conditional formats, defined names, VBA, tables, comments) — for
the patched copy and for the openpyxl copy.

The machine is shared: absolute times vary; ratios from interleaved runs hold better.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from functools import partial
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_check import generate  # noqa: E402

from addin import findings as F  # noqa: E402
from addin.engine import check_path  # noqa: E402
from addin.spec import load_specs  # noqa: E402
from addin.workbook.openpyxl_writer import fill_file  # noqa: E402
from addin.workbook.patcher import write_copy  # noqa: E402
from addin.writes import CellWrite, ConditionalFill, plan_for  # noqa: E402
from tests.copy_fidelity import features, lost, sheets_in_schema_order, snapshot  # noqa: E402
from tests.corpus import MAKERS  # noqa: E402

COPIED_CORPUS = ["clean", "gnumeric_dimension", "control_chars", "formula_text"]


def best_of(fn, repeat: int) -> tuple[float, float]:
    """The least wall time and the least CPU time of `repeat` runs (CPU time is what a shared
    machine disturbs least)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def load_and_save(path: Path, target: Path) -> None:
    load_workbook(path).save(target)


def speed(paths: list[Path], out: Path, repeat: int) -> None:
    specs = load_specs()
    times: dict[str, list[tuple[float, float]]] = {"patch": [], "save": [], "fill": []}
    for i, path in enumerate(paths):
        evaluation = check_path(path, specs)
        plan = plan_for(evaluation.writes, evaluation.report.findings, evaluation.conditional)
        data = evaluation.data
        patched, saved, filled = out / f"p{i}.xlsx", out / f"s{i}.xlsx", out / f"f{i}.xlsx"
        times["patch"].append(best_of(partial(write_copy, path, patched, plan, data), repeat))
        times["save"].append(best_of(partial(load_and_save, path, saved), repeat))
        times["fill"].append(best_of(partial(fill_file, path, filled, plan, data), repeat))
    print(f"speed over {len(paths)} generated submissions (best of {repeat} per file):")
    for clock, k in (("wall", 0), ("CPU", 1)):
        total = {name: sum(t[k] for t in ts) for name, ts in times.items()}
        ratios = [p[k] / s[k] for p, s in zip(times["patch"], times["save"], strict=True)]
        print(
            f"  {clock:4}: patched {total['patch'] * 1000 / len(paths):6.1f} ms/file, "
            f"openpyxl load+save {total['save'] * 1000 / len(paths):6.1f}, "
            f"fill_file {total['fill'] * 1000 / len(paths):6.1f}"
        )
        print(
            f"        patched / load+save {total['patch'] / total['save']:.3f}× "
            f"(median {statistics.median(ratios):.3f}×, worst {max(ratios):.3f}×; goal ≤ 0.1×), "
            f"fill_file / load+save {total['fill'] / total['save']:.2f}×"
        )


def exercising_plan(evaluation):
    """The file's own plan plus marks, a new row and a rule on its first sheet."""
    data = evaluation.data
    writes, findings, rules = (
        list(evaluation.writes),
        list(evaluation.report.findings),
        list(evaluation.conditional),
    )
    if data is not None and data.sheets:
        sheet = data.sheets[0]
        below = sheet.height + 1
        writes.append(CellWrite(sheet.name, below, 0, "Jiceng 写入的值"))
        findings.append(
            F.RUBRIC_SCORE_MISSING(sheet=sheet.name, cell="A1", no=1, column="A", fix="请填写")
        )
        findings.append(
            F.RUBRIC_SCORE_MISSING(sheet=sheet.name, cell="B2", no=2, column="B", fix="请填写")
        )
        rules.append(
            ConditionalFill(sheet.name, f"A1:A{below + 1}", '$A1="Jiceng"', "FFC7CE", "9C0006")
        )
    return plan_for(writes, findings, rules)


def fidelity(files: list[Path], out: Path, libreoffice: bool) -> None:
    specs = load_specs()
    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    lost_patched: dict[str, dict] = {}
    lost_openpyxl: dict[str, dict] = {}
    unequal: list[str] = []
    ratios = []
    copies = []
    for i, src in enumerate(files):
        evaluation = check_path(src, specs)
        if evaluation.report.status == "unreadable" or src.suffix.lower() not in (".xlsx", ".xlsm"):
            tally["not copied (check refuses the file)"] += 1
            continue
        tally["files copied"] += 1
        plan = exercising_plan(evaluation)
        patched = out / f"{i:03d}-patched{src.suffix}"
        rewritten = out / f"{i:03d}-openpyxl{src.suffix}"
        start = time.perf_counter()
        try:
            result = write_copy(src, patched, plan, evaluation.data)
        except Exception as exc:  # the openpyxl fallback itself failed
            tally["no copy at all (openpyxl fallback failed)"] += 1
            reasons[f"{type(exc).__name__}"] += 1
            continue
        patch_time = time.perf_counter() - start
        tally["patched" if result.patched else "rewritten by openpyxl"] += 1
        if result.reason:
            reasons[result.reason[:60]] += 1
        start = time.perf_counter()
        try:
            fill_file(src, rewritten, plan, evaluation.data)
            rewritten_ok = True
        except Exception:
            rewritten_ok = False
            tally["openpyxl path cannot copy it"] += 1
        if rewritten_ok and result.patched:
            ratios.append(patch_time / (time.perf_counter() - start))
        try:
            load_workbook(patched)
            tally["opens in openpyxl"] += 1
        except Exception:
            try:
                load_workbook(src)
            except Exception:
                tally["openpyxl opens neither copy nor original"] += 1
        try:
            shot = snapshot(patched)
        except Exception:
            shot = None
        try:
            book = CalamineWorkbook.from_path(str(patched))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
            tally["opens in python-calamine"] += 1
        except Exception:
            pass
        if sheets_in_schema_order(patched):
            tally["sheets in CT_Worksheet order"] += 1
        original = features(src)
        if missing := lost(original, features(patched)):
            lost_patched[src.name] = missing
        if rewritten_ok:
            if missing := lost(original, features(rewritten)):
                lost_openpyxl[src.name] = missing
            if result.patched:
                tally["compared with the openpyxl copy"] += 1
                if shot is not None and shot == snapshot(rewritten):
                    tally["equal to the openpyxl copy"] += 1
                else:
                    unequal.append(src.name)
        copies.append(patched)
    if libreoffice:
        tally["convert to PDF in LibreOffice"] = convert(copies, out / "pdf")
    print(f"fidelity over {len(files)} files:")
    for key, value in tally.items():
        print(f"  {key:45} {value}")
    for reason, n in reasons.most_common():
        print(f"    rewritten because: {reason} ({n})")
    print(
        f"  copies that lost something: patched {len(lost_patched)}, openpyxl {len(lost_openpyxl)}"
    )
    for name, missing in sorted(lost_patched.items()):
        print(f"    patched lost: {name}: {missing}")
    shown = sorted(lost_openpyxl.items())[:15]
    for name, missing in shown:
        print(f"    openpyxl lost: {name}: {missing}")
    for name in unequal[:15]:
        print(f"    differs from the openpyxl copy: {name}")
    if ratios:
        print(
            f"  patched / fill_file on these files: median {statistics.median(ratios):.3f}×, "
            f"worst {max(ratios):.3f}×"
        )


def convert(copies: list[Path], pdf: Path) -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("  (LibreOffice not installed)")
        return 0
    profile = pdf.parent / "lo-profile"
    for start in range(0, len(copies), 20):
        batch = copies[start : start + 20]
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(pdf),
                *map(str, batch),
            ],
            capture_output=True,
            timeout=60 * len(batch),
            check=False,
        )
    return sum(1 for c in copies if (pdf / (c.stem + ".pdf")).exists())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="generated submissions timed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--foreign", type=Path, help="a folder of foreign .xlsx/.xlsm files")
    parser.add_argument("--libreoffice", action="store_true", help="convert every copy to PDF")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        out = Path(tmp)
        if not args.no_speed:
            speed(generate(args.count), out, args.repeat)
        files = sorted((ROOT / "workbooks" / "samples").glob("*.xlsx"))
        corpus = out / "corpus"
        corpus.mkdir()
        files += [MAKERS[name](corpus) for name in COPIED_CORPUS]
        if args.foreign:
            files += sorted(
                p for p in args.foreign.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm")
            )
        copies = out / "copies"
        copies.mkdir()
        fidelity(files, copies, args.libreoffice)
    return 0


if __name__ == "__main__":
    sys.exit(main())
