"""The README's two opening commands stay true, and CI runs exactly its test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def opening_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.strip().splitlines()]


def test_readme_opens_with_the_main_job_and_the_test_command():
    main_job, tests = opening_commands()
    assert "jiceng" in main_job and "workbooks/samples" in main_job
    assert "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    _, tests = opening_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in [line.strip() for line in ci]


def test_the_main_job_runs_on_the_bundled_samples(tmp_path):
    import shlex
    import subprocess
    import sys

    main_job, _ = opening_commands()
    command = shlex.split(main_job.split("&&", 1)[1])
    assert command[:2] == ["jiceng", "batch"]
    args = [str(tmp_path / "out") if a == "out" else a for a in command[1:]]
    result = subprocess.run(
        [sys.executable, "-m", "addin", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "汇总报告.xlsx").exists()
    assert "共检查" in result.stdout
