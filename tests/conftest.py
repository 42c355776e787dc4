"""Shared fixtures: specs, real .xlsx submissions written with openpyxl, the CLI, LibreOffice."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
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
from addin.workbook.calamine_reader import read_workbook
from addin.workbook.guard import inspect_archive
from addin.workbook.model import SheetData, TooLarge

SPECS_DIR = Path(__file__).parent / "specs"

# The batch saves each 整改通知 as a PDF too when LibreOffice is there: a LibreOffice start per
# batch the tests do not need (tests/test_feedback.py asks for them with --pdf).
os.environ.setdefault("JICENG_PDF", "0")

# CI explores the same examples on every run, so a landing never depends on luck; developers'
# runs keep exploring new ones (and a failure found there becomes an @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# The files that take longest, longest first: collected first, so that with `-n auto` (--dist
# loadfile, xdist's reordering by test count off in pyproject.toml) they start first and the
# run does not end with one core busy on one of them while the others have nothing left to do.
# The first two install on a fresh machine (the pre-commit hook's environment ≈ 30 s when the
# package changed, the npm package `pyodide`); the rest by the wall seconds of their tests on
# one worker (`--durations=0` of `-n 3`, CI=true, 2026-12-07: test_cli 80 s … test_cli_text
# 16 s, on a machine busy with other work too).
LONGEST_FIRST = [
    "test_ci_recipes.py",
    "test_lite_pyodide.py",
    "test_cli.py",
    "test_hostile.py",
    "test_excel.py",
    "test_distribute.py",
    "test_batch_rerun.py",
    "test_legacy.py",
    "test_summary.py",
    "test_console.py",
    "test_tasks.py",
    "test_excel_notes.py",
    "test_readers.py",
    "test_patcher.py",
    "test_batch_trust.py",
    "test_inbox.py",
    "test_archives.py",
    "test_isolation.py",
    "test_deadline.py",
    "test_feedback.py",
    "test_cells.py",
    "test_startup.py",
    "test_print.py",
    "test_batch_interrupt.py",
    "test_rubric_plan.py",
    "test_distribute_excel.py",
    "test_notice_pool.py",
    "test_locate_once.py",
    "test_own_output.py",
    "test_distribute_formulas.py",
    "test_xlwings_harness.py",
    "test_cli_text.py",
]


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores. Much of the suite waits — for LibreOffice,
    for a `jiceng` subprocess, for a worker's time cap — and with one worker a core, a core
    stood idle through each wait (2 cores: 220 s with 2 workers, 189 s with 3, same tests)."""
    return (os.cpu_count() or 1) + 1


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
    if getattr(config.option, "numprocesses", None):
        rewrite_once_for_the_workers(config)


def rewrite_once_for_the_workers(config) -> None:
    """Each xdist worker imports every test module through pytest's assertion rewriting, and
    where PYTHONDONTWRITEBYTECODE is set pytest never writes the rewritten module down: each of
    the 3 workers parsed and rewrote the whole suite again (≈ 6 s CPU of its 10 s collection on
    a 2-core machine), and the plugins' packages too. Rewritten here once, into the cache pytest reads even when it may not
    write (hash-checked, so an edited test is rewritten as usual); the helper modules beside
    them compiled the same way. pytest's private helpers: if they move, workers rewrite as
    before."""
    import compileall

    try:
        from _pytest.assertion.rewrite import (
            PYC_TAIL,
            _read_pyc,
            _rewrite_test,
            _write_pyc,
            assertstate_key,
            get_cache_dir,
        )

        state = config.stash[assertstate_key]
    except (ImportError, KeyError):  # another pytest, or --assert=plain
        return
    here = Path(__file__).parent
    compileall.compile_dir(here, quiet=2, rx=re.compile(r"[/\\]test_[^/\\]*\.py$"))
    # With the test modules: what the controller rewrote itself (this conftest and the pytest
    # plugins' packages — all of hypothesis and anyio, ≈ 2 s CPU a worker).
    rewritten = getattr(state.hook, "_rewritten_names", {}).values()
    for source in sorted({*modules_to_collect(config, here), *map(Path, rewritten)}):
        cache = get_cache_dir(source)
        pyc = cache / (source.name[:-3] + PYC_TAIL)
        if _read_pyc(source, pyc) is None:
            cache.mkdir(exist_ok=True)
            source_hash, code = _rewrite_test(source, config)
            _write_pyc(state, code, source_hash, pyc)


def modules_to_collect(config, here: Path) -> set[Path]:
    """The test modules the run collects: all of them, or those of the files and folders
    named on its command line."""
    every = set(here.glob("test_*.py"))
    named = [config.invocation_params.dir / arg.split("::")[0] for arg in config.args]
    if not named:
        return every
    chosen = set()
    for path in map(Path.resolve, named):
        chosen |= {path} if path.is_file() else set(path.glob("**/test_*.py"))
    return {path.resolve() for path in every} & chosen


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
        forget_memos()


def forget_memos() -> None:
    """Every memo of the checks emptied: each `cache_clear` of an `addin` module's functions
    (an lru_cache's own, or a module's function emptying its dict memos) and any `_LAYOUTS`."""
    for name, module in list(sys.modules.items()):
        if name.startswith("addin"):
            for value in list(vars(module).values()):
                # (a memo class's own cache_clear needs an instance)
                if not isinstance(value, type) and callable(getattr(value, "cache_clear", None)):
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


def rubric_file(
    path: Path,
    spec: RubricSpec,
    branches: dict[str, dict] | None = None,
    edit: Callable | None = None,
) -> Path:
    """A real rubric submission at `path` (full marks for 第一党支部 unless `branches` say other
    scores); `edit(wb)` changes it like a person would."""
    wb = rubric_workbook(spec, branches or {"第一党支部": scores_with_losses(spec)})
    if edit:
        edit(wb)
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def template_sheet(tmp_path_factory, spec) -> SheetData:
    """The official rubric's sheet at full marks, as read from a real .xlsx (never changed:
    tests build their sheets from copies of its rows)."""
    path = tmp_path_factory.mktemp("template") / "rubric.xlsx"
    rubric_workbook(spec, {"第一党支部": {i.no: float(i.points) for i in spec.items}}).save(path)
    data, _cut = read_workbook(path)
    return data.sheets[0]


@pytest.fixture
def make_rubric(tmp_path, spec) -> Callable[..., Path]:
    """Write a real rubric submission; `edit(wb)` changes it like a person would."""

    def make(
        branches: dict[str, dict] | None = None,
        edit: Callable | None = None,
        name: str = "submission.xlsx",
        rubric: RubricSpec | None = None,
    ) -> Path:
        return rubric_file(tmp_path / name, rubric or spec, branches, edit)

    return make


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


def inspect_at_limit(path: Path, limits, refused: bool, message: str) -> None:
    """The guard on one side of a limit's boundary: `path` passes `limits`, or (`refused`)
    is refused with a `TooLarge` whose message matches `message` (a regular expression)."""
    if refused:
        with pytest.raises(TooLarge, match=message):
            inspect_archive(path, limits)
    else:
        inspect_archive(path, limits)


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
# The run's shared workbooks (`lo_books`) by their sources' content: a test's
# conversion of one of those sources is the shared one, made once for all the workers.
_SHARED: dict[str, tuple[LibreOfficeBooks, str]] = {}


@pytest.fixture(scope="session", autouse=True)
def _libreoffice_folder(tmp_path_factory):
    _LIBREOFFICE[:] = [tmp_path_factory.getbasetemp() / "libreoffice"]
    yield
    _CONVERTED.clear()
    _SHARED.clear()


def libreoffice_profile(fallback: Path) -> str:
    """LibreOffice's option for this test process's profile, one for all its starts (a new
    profile costs a fraction of a second more); `fallback`'s outside a test session."""
    folder = _LIBREOFFICE[0] if _LIBREOFFICE else fallback
    return f"-env:UserInstallation={(folder / 'lo-profile').resolve().as_uri()}"


def soffice_convert_all(paths: list[Path], outdir: Path, target: str = "xlsx") -> list[Path]:
    """Each file opened in LibreOffice Calc and saved again as `target` into `outdir`, all in
    one start of LibreOffice (the start costs more than a small file's conversion). The files'
    names must differ in their stems."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) 未安装：apt-get install -y libreoffice-calc")
    assert len({p.stem for p in paths}) == len(paths), paths
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            libreoffice_profile(outdir),
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    written = [outdir / (p.stem + "." + target.split(":")[0]) for p in paths]
    for out in written:
        assert out.exists(), f"LibreOffice did not write {out}"
    return written


def soffice_convert(path: Path, outdir: Path, target: str = "xlsx") -> Path:
    """Open the file in LibreOffice Calc and save it again as `target` (a second program).
    The same bytes under the same name are converted once per test process (once per run for
    the sources of `lo_books`); each call gets its own copy of the result in `outdir`."""
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / (path.stem + "." + target.split(":")[0])
    content = digest(path)
    key = (content, path.name, target)
    kept = _CONVERTED.get(key)
    if kept is None:
        shared = _SHARED.get(content)
        if shared is not None and shared[1] == path.name:
            kept = shared[0].converted(path.name, target)
        else:
            converted = (
                _LIBREOFFICE[0] if _LIBREOFFICE else outdir
            ) / f"converted-{len(_CONVERTED)}"
            (kept,) = soffice_convert_all([path], converted, target)
        _CONVERTED[key] = kept
    shutil.copyfile(kept, out)
    return out


@contextlib.contextmanager
def _run_lock(path: Path):
    """Held by one test process of the run at a time (fcntl: POSIX; elsewhere each process
    has its own folder, see `lo_books`)."""
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Workbooks a test has LibreOffice save again as .xlsx (`round_trip`), registered as the test
# modules are imported: every xdist worker collects them all, so one start saves them all.
ROUND_TRIPS: dict[str, Callable[[Path], None]] = {}


def round_trip(name: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    """Registers `make(folder)`, which writes the workbook `name` into `folder`: LibreOffice's
    .xlsx of it is made with every other registered one (`lo_books`), and
    `soffice_convert(lo_books.source(name), ...)` hands out a copy."""

    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        assert name not in ROUND_TRIPS, name
        ROUND_TRIPS[name] = make
        return make

    return register


class LibreOfficeBooks:
    """The workbooks of tests/legacy_books.py and of `round_trip` in `folder`, shared by the
    run's test processes: the sources made by the first process that needs one, each format's
    conversions by the first that needs one of them — all of a format in one LibreOffice start."""

    def __init__(self, folder: Path, lock: Path | None):
        self.folder, self.lock = folder, lock

    def _once(self, name: str, make: Callable[[Path], None]) -> Path:
        done = self.folder / name / ".done"
        with _run_lock(self.lock) if self.lock else contextlib.nullcontext():
            if not done.exists():
                shutil.rmtree(done.parent, ignore_errors=True)
                done.parent.mkdir(parents=True)
                make(done.parent)
                done.touch()
        return done.parent

    def source(self, name: str) -> Path:
        """The generated workbook `name` (read it or copy it; never change it)."""
        from legacy_books import SOURCES

        make = SOURCES.get(name) or ROUND_TRIPS.get(name)
        assert make, f"{name}: in neither legacy_books.SOURCES nor a round_trip"
        path = self._once(f"source-{name}", make) / name
        _SHARED[digest(path)] = (self, name)
        return path

    def converted(self, name: str, target: str) -> Path:
        """LibreOffice's `target` of the source `name` (soffice_convert hands out copies)."""
        from legacy_books import CONVERSIONS

        names = sorted(ROUND_TRIPS) if target == "xlsx" else CONVERSIONS[target]
        sources = [self.source(n) for n in names]
        folder = self._once(target, lambda folder: soffice_convert_all(sources, folder, target))
        return folder / f"{Path(name).stem}.{target}"


@pytest.fixture(scope="session")
def lo_books(tmp_path_factory) -> LibreOfficeBooks:
    """The workbooks of tests/legacy_books.py and of `round_trip`, with what LibreOffice makes
    of them: made once for the run, whichever xdist worker needs them first (the workers'
    temporary folders share their parent)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and os.name == "posix":
        return LibreOfficeBooks(base.parent / "lo-books", base.parent / "lo-books.lock")
    return LibreOfficeBooks(base / "lo-books", None)
