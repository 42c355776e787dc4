"""Start-up: a command loads only what it needs (issue 19).

Every `jiceng` run pays its imports before it does anything: pre-commit and the Action for each
push, a person for each `--help`. pandas, openpyxl (with numpy), rich, pydantic and the kinds
together cost seconds on a busy machine, so the CLI loads them in the commands that use them.
Each test runs a fresh interpreter (the test process itself has loaded everything) and looks
at `sys.modules` afterwards; the times themselves are measured by benchmarks/bench_startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "samples" / "第一党总支_提交.xlsx"

HEAVY = ("pandas", "openpyxl", "numpy", "rich", "pydantic")


def run_fresh(code: str, *args: str) -> tuple[set[str], str]:
    """Run `code` in a new interpreter; (top-level and addin modules it loaded, its output)."""
    script = f"""
import json, sys
try:
{"".join("    " + line + chr(10) for line in code.strip().splitlines())}
except SystemExit:
    pass
sys.stdout.flush()
print(chr(10) + "MODULES " + json.dumps(sorted(sys.modules)))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    output, _, modules = done.stdout.rpartition("MODULES ")
    assert modules, done.stderr
    return set(json.loads(modules)), output + done.stderr


def loaded(modules: set[str], *names: str) -> set[str]:
    """Which of `names` (packages, with their submodules) are in `modules`."""
    return {n for n in names if any(m == n or m.startswith(n + ".") for m in modules)}


def test_importing_the_cli_loads_no_heavy_library():
    modules, _ = run_fresh("import addin.cli")
    assert loaded(modules, *HEAVY, "python_calamine") == set()
    assert loaded(modules, "addin.batch", "addin.engine", "addin.kinds", "addin.spec") == set()


def test_help_is_chinese_and_loads_neither_checks_nor_pydantic():
    modules, output = run_fresh(
        "from addin.cli import main\nsys.argv = ['jiceng', '--help']\nmain()"
    )
    assert "用法：jiceng [选项] 命令 [参数]..." in output
    assert "选项" in output and "命令" in output and "check" in output
    assert "Usage" not in output and "Options" not in output
    assert loaded(modules, "rich") == {"rich"}  # the help page is rich's
    assert loaded(modules, "pydantic", "addin.engine", "addin.kinds", "openpyxl") == set()
    # typer's rich help names a markdown parser and pretty tracebacks; a help page uses neither
    assert loaded(modules, "markdown_it", "pygments", "rich.markdown", "rich.traceback") == set()


def test_version_loads_neither_pydantic_nor_rich():
    """typer would build a pydantic converter even for the --help flag a run does not give."""
    modules, output = run_fresh(
        "from addin.cli import main\nsys.argv = ['jiceng', '--version']\nmain()"
    )
    assert "jiceng 0.1.0" in output
    assert loaded(modules, "pydantic", "rich") == set()


def test_the_rich_classes_help_leaves_out_are_the_real_ones_when_made():
    """Should typer make a Markdown or a Traceback after all, it gets rich's own."""
    code = (
        "from addin.cli_text import install\n"
        "install()\n"
        "from typer import rich_utils\n"
        "import rich.markdown, rich.traceback\n"
        "made = rich_utils.Markdown('*a*')\n"
        "print(type(made) is rich.markdown.Markdown, rich_utils.Traceback is not None)\n"
        "print(rich.markdown.Markdown.__module__, rich.traceback.Traceback.__module__)"
    )
    modules, output = run_fresh(code)
    assert "True True" in output
    assert "rich.markdown rich.traceback" in output
    assert loaded(modules, "markdown_it") == {"markdown_it"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nosuch"], "没有命令“nosuch”"),
        (["check", "--format", "bad", "x.xlsx"], "“bad”不是 text、json、junit、github、sarif 之一"),
        ([], "用法：jiceng [选项] 命令 [参数]..."),  # no arguments: the help page, as an error
    ],
)
def test_usage_errors_in_a_fresh_process_are_chinese(argv, message):
    """The Chinese panel titles are set just before typer first prints with rich: an error
    must find them set in a process that printed nothing before."""
    _, output = run_fresh(f"from addin.cli import main\nsys.argv = ['jiceng', *{argv!r}]\nmain()")
    assert message in output
    assert "Error" not in output and "Usage" not in output and "Try " not in output
    assert "Options" not in output and "Commands" not in output
    if not argv:
        assert "╭─ 选项" in output and "╭─ 命令" in output
    else:
        assert "错误" in output and "运行 'jiceng" in output


def test_check_loads_no_writer_and_no_rich():
    """`check` reads: the parent renders text without rich, the worker reads without openpyxl
    (the worker is forked with what the parent loaded: what it holds, the worker holds)."""
    modules, output = run_fresh(
        "from addin.cli import main\nsys.argv = ['jiceng', 'check', '--jobs', '1', sys.argv[1]]\n"
        "main()",
        str(SAMPLE),
    )
    assert "共检查 1 个文件" in output
    assert loaded(modules, "pandas", "openpyxl", "numpy", "rich") == set()
    assert loaded(modules, "ssl", "http", "urllib.request") == set()  # no network for a file
    # nor what only a batch writes: the consolidated report, the notices, the copies' notes
    batch_only = ("addin.report.consolidated", "addin.report.feedback", "addin.support")
    assert loaded(modules, *batch_only) == set()


def test_a_check_worker_loads_openpyxl_neither_to_check_nor_to_patch_a_copy(tmp_path):
    """The copy is patched part by part (workbook/patcher.py): openpyxl only writes one the
    patcher cannot make."""
    task = (
        "from pathlib import Path\n"
        "from addin.batch import CheckTask, FileJob\n"
        "from addin.spec import load_specs\n"
        "path = Path(sys.argv[1])\n"
        "copy = Path(sys.argv[2]) if len(sys.argv) > 2 else None\n"
        "outcome = CheckTask(load_specs())(FileJob(path, path.name, copy_to=copy))\n"
        "print(outcome.report.status, outcome.copy)"
    )
    checked, output = run_fresh(task, str(SAMPLE))
    assert output.startswith("ok None")
    assert loaded(checked, "openpyxl", "numpy", "pandas") == set()

    copy = tmp_path / "copy.xlsx"
    copied, output = run_fresh(task, str(SAMPLE), str(copy))
    assert copy.is_file() and str(copy) in output
    assert loaded(copied, "openpyxl") == set()


def test_the_collector_is_off_while_starting_and_on_once_the_files_are_checked():
    """Start-up runs without the cyclic garbage collector; the work (a batch of thousands of
    files in this process) runs with it."""
    code = (
        "import gc\n"
        "from addin import batch\n"
        "seen = []\n"
        "real = batch.check_files\n"
        "def spy(*args, **kwargs):\n"
        "    seen.append(gc.isenabled())\n"
        "    return real(*args, **kwargs)\n"
        "batch.check_files = spy\n"
        "import addin.cli\n"
        "starting = []\n"
        "real_specs = addin.cli._specs\n"
        "def specs(paths):\n"
        "    starting.append(gc.isenabled())\n"
        "    return real_specs(paths)\n"
        "addin.cli._specs = specs\n"
        "sys.argv = ['jiceng', 'check', '--jobs', '1', sys.argv[1]]\n"
        "try:\n"
        "    addin.cli.main()\n"
        "finally:\n"
        "    print('starting', starting, 'checking', seen)"
    )
    _, output = run_fresh(code, str(SAMPLE))
    assert "starting [False] checking [True]" in output
