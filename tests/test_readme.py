"""The README's two opening commands stay true, and CI runs exactly its test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def opening_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.strip().splitlines()]


def test_readme_opens_with_a_venv_the_main_job_and_the_test_command():
    venv, main_job, tests = opening_commands()
    assert venv.startswith("python3 -m venv .venv && . .venv/bin/activate")
    assert "jiceng" in main_job and "workbooks/samples" in main_job
    assert "pytest" in tests and "--durations=15" in tests


def ci_lines() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines]


def test_ci_runs_exactly_the_readme_commands_in_a_fresh_venv():
    _, main_job, tests = opening_commands()
    ci = ci_lines()
    steps = ["python3 -m venv --clear .ci-venv", ". .ci-venv/bin/activate", main_job, tests]
    assert all(step in ci for step in steps), steps
    assert [ci.index(step) for step in steps] == sorted(ci.index(step) for step in steps)
    assert tests == ci[-1]  # pytest's summary closes CI's output
    # Nothing is installed outside the venv (a test needing the base interpreter fails in CI).
    activated = ci.index(". .ci-venv/bin/activate")
    assert not [line for line in ci[:activated] if "pip install" in line]


def test_ci_checks_the_main_jobs_outputs():
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "out/汇总报告.xlsx out/report.json" in text


def test_the_main_job_runs_on_the_bundled_samples(tmp_path, cli, monkeypatch):
    """The README's `jiceng batch` line, run from the repository as typed there (in this
    process: the command as a real process is tested in test_batch_trust.py and others)."""
    import shlex

    _, main_job, _ = opening_commands()
    command = shlex.split(main_job.split("&&", 1)[1])
    assert command[:2] == ["jiceng", "batch"]
    args = [str(tmp_path / "out") if a == "out" else a for a in command[1:]]
    monkeypatch.chdir(ROOT)
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "汇总报告.xlsx").exists()
    assert (tmp_path / "out" / "report.json").exists()
    assert "共检查" in result.stdout
