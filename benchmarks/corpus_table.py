"""The hostile corpus (tests/corpus/) through `jiceng check`, one process per file, as a table.

    python benchmarks/corpus_table.py

Prints a Markdown table: case, exit code, finding codes, peak RSS of the run's largest process
(parent or worker) and wall time. The same cases are asserted in tests/test_hostile.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus import make_corpus  # noqa: E402

_MEASURE = (
    "import json,resource,subprocess,sys\n"
    "p=subprocess.run(sys.argv[1:],capture_output=True)\n"
    "print(json.dumps({'rc':p.returncode,'out':p.stdout.decode('utf-8','replace'),"
    "'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
)


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(Path(tmp) / "corpus")
        print("| case | file size | exit | findings | peak RSS | time |")
        print("| --- | --- | --- | --- | --- | --- |")
        for case, path in corpus.items():
            command = [sys.executable, "-m", "addin", "check", str(path), "--format", "json"]
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, env=env
            )
            seconds = time.perf_counter() - start
            run = json.loads(done.stdout)
            (report,) = json.loads(run["out"])["files"]
            codes = sorted({f["code"] for f in report["findings"]}) or ["—"]
            size = path.stat().st_size
            print(
                f"| {case} | {size / 1024:,.0f} KB | {run['rc']} | {', '.join(codes)} "
                f"| {run['rss'] / 1024:,.0f} MB | {seconds:.1f} s |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
