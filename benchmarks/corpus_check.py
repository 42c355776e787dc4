"""`jiceng check` on every spreadsheet under a folder — other projects' test files, say — as a
table of outcomes with time and memory percentiles.

    python benchmarks/corpus_check.py /work/foreign            # every .xlsx/.xlsm/.xls/.xlsb/.ods
    python benchmarks/corpus_check.py /work/foreign --list crash,internal_error,timeout

Each file is checked exactly as `jiceng check FILE --format json` does (its worker process, its
limits), in a process forked from this one after the imports, so a file costs its check and not
an interpreter start. Outcomes: ok (read and checked: no error or warning beyond “no template
found”), findings, unreadable, too_large,
timeout, internal_error, and crash (no report at all: the run itself died). Peak RSS is that of
the check's process tree (the largest of the front end and its worker). Keep the corpus outside
the repository; the script is not part of the test run. The README's reliability section holds
its last table.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
OUTCOMES = ["ok", "findings", "unreadable", "too_large", "timeout", "internal_error", "crash"]
_BY_CODE = {
    "file.unreadable": "unreadable",
    "file.too_large": "too_large",
    "file.timeout": "timeout",
    "file.internal_error": "internal_error",
}


def check_one(path: Path, grace: float) -> tuple[str, float, float, str]:
    """(outcome, seconds, peak RSS in MB, detail) of `jiceng check path`."""
    from addin.cli import main

    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the check, as the command line runs it
        os.close(read)
        os.setpgid(0, 0)
        os.dup2(write, 1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        code = 3
        sys.argv = ["jiceng", "check", str(path), "--format", "json"]
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 3
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write)
    output, deadline = b"", time.monotonic() + grace
    while time.monotonic() < deadline:
        ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        output += chunk
    else:
        with _quiet():
            os.killpg(pid, signal.SIGKILL)
    os.close(read)
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    outcome, detail = _outcome(output, status)
    return outcome, seconds, usage.ru_maxrss / 1024, detail


def _outcome(output: bytes, status: int) -> tuple[str, str]:
    try:
        (report,) = json.loads(output)["files"]
    except (ValueError, KeyError, TypeError):
        signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        return "crash", f"signal {signal_number}" if signal_number else f"exit {status >> 8}"
    codes = [f["code"] for f in report["findings"]]
    for code, outcome in _BY_CODE.items():
        if code in codes:
            return outcome, next(f["message"] for f in report["findings"] if f["code"] == code)
    serious = [  # another project's test file holds no template: that alone is ok
        f
        for f in report["findings"]
        if f["severity"] in ("error", "warning") and f["code"] != "file.no_template_found"
    ]
    return ("findings" if serious else "ok"), ""


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        return kind is not None and issubclass(kind, ProcessLookupError)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--list", default="crash,internal_error,timeout", help="outcomes to list")
    parser.add_argument("--grace", type=float, default=180.0, help="seconds before a run is killed")
    args = parser.parse_args()
    files = sorted(
        p for p in args.folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
    )
    import addin.cli  # noqa: F401  (imported once, before the forks)

    results = []
    for n, path in enumerate(files, 1):
        outcome, seconds, rss, detail = check_one(path, args.grace)
        results.append((path, outcome, seconds, rss, detail))
        print(f"\r{n}/{len(files)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print_table(args.folder, results)
    for label, index, unit in (("slowest", 2, "s"), ("largest", 3, "MB")):
        top = sorted(results, key=lambda r: r[index], reverse=True)[:3]
        shown = ", ".join(f"{r[0].relative_to(args.folder)} {r[index]:.1f} {unit}" for r in top)
        print(f"{label}: {shown}")
    wanted = set(args.list.split(","))
    for path, outcome, _s, _r, detail in results:
        if outcome in wanted:
            print(f"- {outcome}: {path.relative_to(args.folder)} {detail[:160]}")
    return 0


def print_table(folder: Path, results: list) -> None:
    by_format: dict[str, Counter] = defaultdict(Counter)
    for path, outcome, *_ in results:
        by_format[path.suffix.lower()][outcome] += 1
        by_format["all"][outcome] += 1
    formats = [f for f in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods") if f in by_format] + ["all"]
    print(f"{len(results)} spreadsheets under {folder}")
    print("| format | files | " + " | ".join(OUTCOMES) + " |")
    print("| --- " * (len(OUTCOMES) + 2) + "|")
    for name in formats:
        counts = by_format[name]
        cells = " | ".join(str(counts[o]) for o in OUTCOMES)
        print(f"| {name} | {sum(counts.values())} | {cells} |")
    times = [r[2] for r in results]
    rss = [r[3] for r in results]
    print()
    print("| per file | p50 | p90 | p99 | max |")
    print("| --- | --- | --- | --- | --- |")
    shares = (0.5, 0.9, 0.99)
    print(
        "| time | "
        + " | ".join(f"{percentile(times, s):.2f} s" for s in shares)
        + f" | {max(times, default=0):.2f} s |"
    )
    print(
        "| peak RSS | "
        + " | ".join(f"{percentile(rss, s):.0f} MB" for s in shares)
        + f" | {max(rss, default=0):.0f} MB |"
    )


if __name__ == "__main__":
    sys.exit(main())
