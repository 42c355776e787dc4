"""Mutation testing of one pure module against the tests selected for it (README, Development).

    python tests/mutate.py deadline            # one of MODULE_TESTS; --max-children N (default 2)

mutmut runs, for each mutant, every selected test that calls the mutated function. The
end-to-end tests call nearly everything, so with all of them selected one surviving mutant of
deadline.py costs a minute. Here each module gets its own tests: `conftest.py` keeps only the
files named in JICENG_MUTATION_TESTS, and `mutants/` (mutmut's copy, with its test-to-function
map) is started afresh for each module. Prints the score and each surviving mutant's diff.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULE_TESTS = {
    "cells": ["tests/test_cells.py", "tests/test_boundaries.py"],
    "phone": ["tests/test_phone.py"],
    "task_status": ["tests/test_task_status.py", "tests/test_boundaries.py"],
    "deadline": ["tests/test_deadline.py"],
    "rubric": [
        "tests/test_boundaries.py",
        "tests/test_rubric.py",
        "tests/test_rubric_edges.py",
        "tests/test_rubric_findings.py",
        "tests/test_pass_fail.py",
        "tests/test_rubric_layout_pins.py",
        "tests/test_rubric_scoring_pins.py",
    ],
    "summary": [
        "tests/test_boundaries.py",
        "tests/test_summary.py",
        "tests/test_summary_findings.py",
        "tests/test_summary_pins.py",
        "tests/test_targets.py",
    ],
    "tasks": [
        "tests/test_boundaries.py",
        "tests/test_tasks.py",
        "tests/test_tasks_findings.py",
        "tests/test_tasks_pins.py",
    ],
}
# The module each name stands for (the kinds' checks live in their packages).
MODULE_PATH = {"rubric": "kinds.rubric.check", "summary": "kinds.summary.check"}
MODULE_PATH |= {"tasks": "kinds.tasks.check", "phone": "kinds.summary.phone"}
KILLED_CODES = {1, 3}  # a test failed; the test run crashed on the mutant
SURVIVED = 0
OTHER_STATUS = {
    5: "no tests",
    33: "no test calls it",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", choices=sorted(MODULE_TESTS))
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args(argv)

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    collected = config["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]
    missing = sorted(set(MODULE_TESTS[args.module]) - set(collected))
    if missing:  # mutmut's pytest only collects those; the rest would silently not run
        print("pyproject.toml [tool.mutmut] pytest_add_cli_args_test_selection lacks:", *missing)
        return 2
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # import the mutated copy
    env["JICENG_MUTATION_TESTS"] = " ".join(MODULE_TESTS[args.module])
    mutmut = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children)]
    module = MODULE_PATH.get(args.module, args.module)
    run = subprocess.run(
        [*mutmut, f"addin.{module}.*"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    meta = ROOT / "mutants" / "addin" / (module.replace(".", "/") + ".py.meta")
    if run.returncode != 0 or not meta.exists():
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        return run.returncode or 1
    results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    killed = sum(code in KILLED_CODES for code in results.values())
    survivors = sorted(name for name, code in results.items() if code == SURVIVED)
    other = len(results) - killed - len(survivors)  # no test, timeout, skipped
    print(
        f"addin/{module.replace('.', '/')}.py: {killed}/{len(results)} killed ({killed / len(results):.1%})"
    )
    print(f"  survived {len(survivors)}, other {other}")
    for name, code in sorted(results.items()):
        if code not in KILLED_CODES and code != SURVIVED:
            print(f"  other: {name} ({OTHER_STATUS.get(code, code)})")
    for name in survivors:
        shown = subprocess.run(
            [sys.executable, "-m", "mutmut", "show", name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
        diff = [line for line in shown.splitlines() if line[:2] in ("- ", "+ ")]
        print("  ", name, *diff, sep="\n      ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
