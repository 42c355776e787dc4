"""The CI recipes work as the README shows them: the pre-commit hook, run by pre-commit itself
against a temporary repository, and the composite GitHub Action's steps."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "workbooks" / "samples"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_hook_manifest_declares_jiceng_check():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "jiceng-check" and hook["entry"] == "jiceng check"
    assert hook["language"] == "python"


WHEELS = Path.home() / ".cache" / "jiceng-wheels" / f"py{sys.version_info[0]}{sys.version_info[1]}"
QUIET = {"capture_output": True, "text": True, "timeout": 600}


def wheelhouse() -> Path:
    """This package's dependencies and its build backend (hatchling) as wheels, for pre-commit
    to install from with no index. Fetched once with pip, from the indexes pip is configured
    with, into a cache outside the repository; later runs resolve offline from the cache, and
    not at all while pyproject.toml is the one the wheelhouse was completed for."""
    complete = WHEELS / f".complete-{sha256((ROOT / 'pyproject.toml').read_bytes())}"
    if complete.is_file():
        return WHEELS
    download = [sys.executable, "-m", "pip", "download", "-q", "-d", str(WHEELS)]
    download += ["--only-binary=:all:", "hatchling>=1.21", str(ROOT)]
    offline = subprocess.run([*download, "--no-index", "--find-links", str(WHEELS)], **QUIET)
    if offline.returncode != 0:
        subprocess.run(download, check=True, **QUIET)
    for old in WHEELS.glob(".complete-*"):
        old.unlink()
    complete.touch()
    return WHEELS


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PRE_COMMIT = Path.home() / ".cache" / "jiceng-pre-commit" / WHEELS.name
# What `pip install .` builds jiceng from: the hook's environment depends on these alone.
KEEP = 3  # environments kept, the most recently used (each ~300 MB)
PACKAGE = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "addin", "schemas"]


def hook_repository() -> tuple[Path, Path]:
    """A git repository holding this checkout's package as it is on disk (committed or not), and
    the PRE_COMMIT_HOME that goes with it. Both are kept under ~/.cache while those files stay
    the same: the commit is made with fixed dates, so the same files give the same revision,
    and pre-commit reuses the environment it installed for that revision instead of
    installing jiceng, pandas and numpy again. Any change to the package makes both anew."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PACKAGE],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    files = sorted({name for name in listed.split("\0") if name and (ROOT / name).is_file()})
    key = hashlib.sha256(sys.version.encode())
    for name in files:
        key.update(f"{name}\0{sha256((ROOT / name).read_bytes())}\0".encode())
    cache = PRE_COMMIT / key.hexdigest()[:16]
    if not cache.is_dir():
        PRE_COMMIT.mkdir(parents=True, exist_ok=True)
        making = Path(tempfile.mkdtemp(prefix=".making-", dir=PRE_COMMIT))
        repo = making / "jiceng"
        for name in files:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
        fixed = "2022-07-01T00:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": fixed, "GIT_COMMITTER_DATE": fixed}
        who = ["-c", "user.name=jiceng-tests", "-c", "user.email=tests@jiceng.invalid"]
        for args in (["init", "-q", "."], ["add", "."], [*who, "commit", "-q", "-m", "jiceng"]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
        (making / "pre-commit-home").mkdir()
        try:
            making.rename(cache)  # whole or not at all, even with another test run beside
        except OSError:
            shutil.rmtree(making)  # that other run made it first
    os.utime(cache)  # used now
    for old in sorted(PRE_COMMIT.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        if time.time() - old.stat().st_mtime > 3600:  # an environment of an older package
            shutil.rmtree(old, ignore_errors=True)
    return cache / "jiceng", cache / "pre-commit-home"


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_hook_blocks_a_workbook_with_errors(make_rubric, tmp_path):
    """A templates repository's .pre-commit-config.yaml names this repository's hook, as the
    README shows: pre-commit installs jiceng into its own environment — from a wheelhouse,
    with pip's build isolation as usual, nothing borrowed from this Python — and runs the hook
    on the staged workbooks. (The environment is kept between runs while the package's files
    stay the same: see hook_repository.)"""
    repo = tmp_path / "templates-repo"
    repo.mkdir()
    git("init", "-q", ".", cwd=repo)
    bad = make_rubric(edit=lambda wb: wb.active.__setitem__("D7", 6), name="bad.xlsx")
    shutil.copy(bad, repo / "第三党总支_提交.xlsx")
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", repo / "第一党总支_提交.xlsx")
    (repo / "~$第一党总支_提交.xlsx").write_bytes(b"an Excel lock file, not a workbook")
    (repo / "说明.txt").write_text("not a workbook", encoding="utf-8")
    source, home = hook_repository()
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=source, check=True, capture_output=True, text=True
    ).stdout.strip()
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": "jiceng-check"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git("add", ".", cwd=repo)
    env = {
        k: v
        for k, v in os.environ.items()
        # the installed hook only; its virtualenv sees nothing of this Python's packages
        if k not in ("PYTHONPATH", "VIRTUALENV_SYSTEM_SITE_PACKAGES", "PIP_NO_BUILD_ISOLATION")
    }
    env |= {
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",  # offline: every wheel, hatchling included, is in the wheelhouse
        "PIP_FIND_LINKS": str(wheelhouse()),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # No .pyc for numpy and pandas (the hook runs once): pip reads a --no-… switch from
        # its environment variable as the switch's *value*, so "1" turned compiling on (10 s
        # of CPU for numpy and pandas alone) and "0" is what turns it off.
        "PIP_NO_COMPILE": "0",
    }
    files = ["第三党总支_提交.xlsx", "第一党总支_提交.xlsx", "~$第一党总支_提交.xlsx", "说明.txt"]
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "jiceng-check"]
        + ["--verbose", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "jiceng 校验工作簿" in out and "Failed" in out
    assert "■ 第三党总支_提交.xlsx（有错误：1 个错误" in out
    assert "D7 第3项得分6超过分值5，应填 0～5 之间的数  (rubric.score_out_of_range)" in out
    assert "■ 第一党总支_提交.xlsx（通过" in out
    assert "共检查 2 个文件" in out  # neither the lock file nor the text file


# --- the GitHub Action ---------------------------------------------------------------------------


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_and_uploads_nothing():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    assert [s.get("uses", "").split("@")[0] for s in steps if "uses" in s] == [
        "actions/setup-python"
    ]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[-1] == 'bash "$GITHUB_ACTION_PATH/action/check.sh"'
    # Inputs reach the scripts as environment variables, never pasted into a command line.
    assert all("${{" not in run for run in runs)
    assert set(spec["inputs"]) == {"paths", "spec", "as-of", "sarif-file", "python-version"}
    assert all(i["description"] for i in spec["inputs"].values())


@pytest.fixture
def run_action_step(tmp_path):
    """The action's check step as GitHub runs it, `jiceng` being this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "jiceng"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m addin "$@"\n', encoding="utf-8")
    shim.chmod(0o755)

    def run(cwd: Path, **inputs: str) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
            "GITHUB_ACTION_PATH": str(ROOT),
            **{f"JICENG_{k.upper()}": v for k, v in inputs.items()},
        }
        step = action()["runs"]["steps"][-1]
        return subprocess.run(
            ["bash", "-c", step["run"]],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )

    return run


def test_action_step_annotates_and_fails_on_errors(run_action_step, make_rubric, tmp_path):
    import json

    work = tmp_path / "repo"
    (work / "提交 材料").mkdir(parents=True)
    bad = make_rubric(edit=lambda wb: wb.active.__setitem__("D7", 6), name="bad.xlsx")
    shutil.copy(bad, work / "提交 材料" / "第三党总支.xlsx")
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", work / "第一党总支.xlsx")
    result = run_action_step(work, paths="提交 材料\n\n第一党总支.xlsx\n", sarif="out.sarif")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith(
        "::error file=提交 材料/第三党总支.xlsx,title=rubric.score_out_of_range"
    )
    assert lines[-1] == "jiceng：发现错误（见上方注释）"
    sarif = json.loads((work / "out.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["rubric.score_out_of_range"]


def test_action_step_passes_clean_workbooks(run_action_step, tmp_path):
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(SAMPLES / "第一党总支_提交.xlsx", work / "第一党总支.xlsx")
    result = run_action_step(work, paths="", as_of="2022-07-26")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "jiceng：没有发现错误"
    assert not list(work.glob("*.sarif"))


def test_action_step_usage_error_is_exit_2(run_action_step, tmp_path):
    result = run_action_step(tmp_path, paths="不存在.xlsx")
    assert result.returncode == 2
    assert "找不到文件或文件夹：不存在.xlsx" in result.stderr
