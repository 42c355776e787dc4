"""Shared fixtures: specs, real .xlsx submissions written with openpyxl, the CLI, LibreOffice."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from addin.cli import app
from addin.kinds.rubric.spec import RubricSpec
from addin.kinds.rubric.template import rubric_workbook
from addin.report.model import FileReport
from addin.spec import SpecSet, load_specs

SPECS_DIR = Path(__file__).parent / "specs"

# The batch saves each 整改通知 as a PDF too when LibreOffice is there: a LibreOffice start per
# batch the tests do not need (tests/test_feedback.py asks for them with --pdf).
os.environ.setdefault("JICENG_PDF", "0")

# CI explores the same examples on every run, so a landing never depends on luck; developers'
# runs keep exploring new ones (and a failure found there becomes an @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# The files that take longest, longest first (CPU seconds of one run, or seconds of waiting
# for a timeout): collected first, so that with `-n auto` (--dist loadfile, xdist's reordering
# by test count off in pyproject.toml) they start first and the run does not end with one core
# busy on one of them while the other has nothing left to do.
LONGEST_FIRST = [
    "test_hostile.py",
    "test_console.py",
    "test_excel.py",
    "test_isolation.py",
    "test_ci_recipes.py",
    "test_legacy.py",
    "test_batch_rerun.py",
    "test_lite_pyodide.py",
    "test_batch_interrupt.py",
    "test_excel_notes.py",
    "test_batch_trust.py",
    "test_readers.py",
    "test_distribute.py",
    "test_print.py",
    "test_summary.py",
    "test_tasks.py",
]


def pytest_configure(config):
    """Compile the package once, before xdist starts its workers. Where PYTHONDONTWRITEBYTECODE
    is set (CI's environment sets it) Python never caches compiled modules, so each of the
    suite's hundreds of `jiceng`/`python -c` subprocesses and spawned workers compiled all of
    addin again (≈ 0.15 s CPU each); with the .pyc files there they only read them. The
    usual mtime check keeps a changed source from running stale code."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller did it
        return
    import compileall

    import addin

    compileall.compile_dir(Path(addin.__file__).parent, quiet=1)


def pytest_collection_modifyitems(config, items):
    """The longest files first (LONGEST_FIRST); the rest in their order.

    `tests/mutate.py MODULE` names the test files selected for that module: keep only those,
    so mutmut ties each function to those tests alone."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole
    selected = os.environ.get("JICENG_MUTATION_TESTS")
    if not selected:
        return
    files = {Path(f).name for f in selected.split()}
    keep = [item for item in items if item.path.name in files]
    config.hook.pytest_deselected(items=[item for item in items if item.path.name not in files])
    items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _fresh_caches_under_mutation():
    """mutmut forks each mutant's run from a process that already ran the tests: the checks'
    lru_caches (folded labels, read numbers) and the rubric's layout cache would answer with
    the unmutated results."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        for name, module in list(sys.modules.items()):
            if name.startswith("addin"):
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)):
                        value.cache_clear()
                layouts = vars(module).get("_LAYOUTS")
                if isinstance(layouts, dict):
                    layouts.clear()


@pytest.fixture(scope="session")
def specs() -> SpecSet:
    return load_specs()


@pytest.fixture(scope="session")
def spec(specs) -> RubricSpec:
    return specs.by_id("rubric_2022")


def scores_with_losses(
    spec: RubricSpec, losses: dict[int, float] | None = None
) -> dict[int, float]:
    """Full marks on every item minus the given losses."""
    scores = {i.no: float(i.points) for i in spec.items}
    for no, lost in (losses or {}).items():
        scores[no] -= lost
    return scores


@pytest.fixture
def make_rubric(tmp_path, spec) -> Callable[..., Path]:
    """Write a real rubric submission; `edit(wb)` changes it like a person would."""

    def make(
        branches: dict[str, dict] | None = None,
        edit: Callable | None = None,
        name: str = "submission.xlsx",
        rubric: RubricSpec | None = None,
    ) -> Path:
        use = rubric or spec
        wb = rubric_workbook(use, branches or {"第一党支部": scores_with_losses(use)})
        if edit:
            edit(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codes(report: FileReport) -> list[str]:
    """The codes of a report's findings, in order."""
    return [f.code for f in report.findings]


def only(report: FileReport, code: str):
    """The one finding of `code` in the report (fails unless there is exactly one)."""
    found = [f for f in report.findings if f.code == code]
    assert len(found) == 1, report.findings
    return found[0]


# LibreOffice's file for each input it converted in this process: (content, name, target) →
# its output, kept for the session. Many tests convert the same module-scoped workbook again
# (an .xls of `original` in each test that needs one): each start of LibreOffice costs seconds.
_CONVERTED: dict[tuple[str, str, str], Path] = {}
_LIBREOFFICE: list[Path] = []  # this process's folder for those files and its one profile


@pytest.fixture(scope="session", autouse=True)
def _libreoffice_folder(tmp_path_factory):
    _LIBREOFFICE[:] = [tmp_path_factory.getbasetemp() / "libreoffice"]
    yield
    _CONVERTED.clear()


def libreoffice_profile(fallback: Path) -> str:
    """LibreOffice's option for this test process's profile, one for all its starts (a new
    profile costs a fraction of a second more); `fallback`'s outside a test session."""
    folder = _LIBREOFFICE[0] if _LIBREOFFICE else fallback
    return f"-env:UserInstallation={(folder / 'lo-profile').resolve().as_uri()}"


def soffice_convert(path: Path, outdir: Path, target: str = "xlsx") -> Path:
    """Open the file in LibreOffice Calc and save it again as `target` (a second program).
    The same bytes under the same name are converted once per test process; each call gets
    its own copy of the result in `outdir`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) 未安装：apt-get install -y libreoffice-calc")
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / (path.stem + "." + target.split(":")[0])
    key = (digest(path), path.name, target)
    kept = _CONVERTED.get(key)
    if kept is None:
        converted = (_LIBREOFFICE[0] if _LIBREOFFICE else outdir) / f"converted-{len(_CONVERTED)}"
        subprocess.run(
            [
                soffice,
                libreoffice_profile(outdir),
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(converted),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        kept = converted / out.name
        assert kept.exists(), f"LibreOffice did not write {out}"
        _CONVERTED[key] = kept
    shutil.copyfile(kept, out)
    return out
