"""xlwings Lite in real Pyodide: the main.py `jiceng lite` writes runs in Pyodide (the npm
package `pyodide`, under Node) with xlwings and pydantic installed by micropip from local wheels,
and every button and worksheet function gives exactly what the installed package gives in
CPython — on the samples and the blank templates. Pyodide 314 is Python 3.14: this is also the
suite's run of the checks on a newer Python than the 3.11 of the rest.

Downloads (cached outside the repository, reused offline): the npm package, micropip's pure
wheel, xlwings' pure wheel, pydantic-core's WebAssembly wheel and pydantic's pure ones from PyPI.
Pyodide starts from scratch on every run (its private memory-snapshot options would save ≈ 2 s
CPU only where a snapshot is already cached, and cost a start more on a fresh machine).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from xlwings_harness import as_on_server, function_call_payload, payload_from_xlsx

from addin.lite_bundle import modules, write_bundle

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "pyodide"
PYODIDE = "314.0.8"  # npm `pyodide`: Python 3.14.2, platform pyemscripten_2026_0_wasm32
CACHE = Path(os.environ.get("JICENG_PYODIDE_CACHE", Path.home() / ".cache" / "jiceng-pyodide"))
BUTTONS = ["jiceng_validate", "jiceng_score", "jiceng_refresh_tasks", "jiceng_clear"]
BOOKS = sorted((ROOT / "workbooks" / "samples").glob("*.xlsx")) + sorted(
    (ROOT / "workbooks").glob("*.xlsx")
)
FUNCTIONS = [
    ("jiceng_grade", 85),
    ("jiceng_grade", 84.99),
    ("jiceng_grade", "64.5分"),
    ("jiceng_grade", [[None]]),
    ("jiceng_grade", "优秀"),
    ("jiceng_grade", 101),
    ("jiceng_due", "5 月/12 月", "2022-06-15"),
    ("jiceng_due", "6 月/12 月", "2022年6月15日"),
    ("jiceng_due", "每季度", "2022-06-15"),
    ("jiceng_due", "七一前", "2022-03-01"),
    ("jiceng_due", "4 月底", "2022-06-15"),
    ("jiceng_due", "待定", "2022-06-15"),
    ("jiceng_due", "4 月底", "下周"),
    ("jiceng_status", "4 月底", "进行中", None, "2022-06-15"),
    ("jiceng_status", "6 月/12 月", "进行中", None, "2022-06-25"),
    ("jiceng_status", "5 月/12 月", "进行中", [["2022-05-20"], [None]], "2022-06-15"),
    ("jiceng_status", "4 月底", "已完成", "2022-05-03", "2022-06-15"),
    ("jiceng_status", "待定", "未开始", None, "2022-06-15"),
    ("jiceng_status", "4 月底", "差不多", None, "2022-06-15"),
]


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    command = [str(part) for part in command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    assert done.returncode == 0, f"{command[:3]}: {done.stdout[-2000:]}{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def pyodide() -> Path:
    """The npm package's folder (installed once into the cache)."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' 和 '.join(missing)} 未安装：无法在真实的 Pyodide 中运行 xlwings Lite 的 main.py"
        )
    prefix = CACHE / PYODIDE
    package = prefix / "node_modules" / "pyodide"
    if not (package / "pyodide.mjs").is_file():
        prefix.mkdir(parents=True, exist_ok=True)
        run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund"]
            + [f"pyodide@{PYODIDE}"]
        )
    return package


def wheels(pyodide: Path) -> list[str]:
    """The wheel files to install in Pyodide, micropip's first: micropip at this Pyodide's own
    version; pydantic-core (its WebAssembly build for this Pyodide), pydantic, its pure
    dependencies and xlwings at the versions this CPython runs, so both sides run the same code.
    (xlwings Lite would take pydantic from Pyodide's own repository, which is not on PyPI.)"""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    info = lock["info"]
    python = ".".join(info["python"].split(".")[:2])
    wasm = ["--platform", f"pyemscripten_{info['abi_version']}_{info['arch']}"]
    wasm += ["--implementation", "cp", "--abi", f"cp{python.replace('.', '')}"]
    wanted = [("micropip", lock["packages"]["micropip"]["version"], ["--platform", "any"])]
    wanted.append(("pydantic_core", version("pydantic_core"), wasm))
    for name in ("pydantic", "typing_extensions", "annotated_types", "typing_inspection"):
        wanted.append((name, version(name), ["--platform", "any"]))
    wanted.append(("xlwings", version("xlwings"), ["--platform", "any"]))
    folder = CACHE / "wheels"
    names = []
    for name, release, platform in wanted:
        found = sorted(folder.glob(f"{name}-{release}-*.whl"))
        if not found:
            run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder)]
                + ["--only-binary=:all:", "--python-version", python, *platform]
                + [f"{name.replace('_', '-')}=={release}"]
            )
            found = sorted(folder.glob(f"{name}-{release}-*.whl"))
        assert len(found) == 1, (name, release, found)
        names.append(found[0].name)
    assert "pyemscripten" in names[1] and names[-1].endswith("-py3-none-any.whl")
    return names


def request() -> dict:
    return {
        "scripts": [[name, payload_from_xlsx(book)] for book in BOOKS for name in BUTTONS],
        "functions": [function_call_payload(*call) for call in FUNCTIONS],
    }


def in_pyodide(package: Path, work: Path) -> dict:
    names = wheels(package)
    (work / "wheels.json").write_text(json.dumps(names), encoding="utf-8")
    shutil.copy(HERE / "driver.py", work / "driver.py")
    run(["node", HERE / "run.mjs", package, CACHE / "wheels", work])
    return json.loads((work / "result.json").read_text(encoding="utf-8"))


def in_cpython(work: Path) -> dict:
    """The same requests through the installed package's addin.excel in this Python, its
    buttons and functions registered as on xlwings Lite."""
    import addin.excel

    spec = importlib.util.spec_from_file_location("pyodide_driver", HERE / "driver.py")
    driver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(driver)
    request = json.loads((work / "request.json").read_text(encoding="utf-8"))
    return asyncio.run(driver.drive(as_on_server(addin.excel), request))


@pytest.fixture(scope="module")
def both(pyodide, tmp_path_factory) -> tuple[dict, dict]:
    work = tmp_path_factory.mktemp("pyodide")
    (main,) = [p for p in write_bundle(work / "lite") if p.name == "main.py"]
    shutil.move(main, work / "main.py")
    (work / "request.json").write_text(json.dumps(request(), ensure_ascii=False), encoding="utf-8")
    (work / "modules.json").write_text(json.dumps(modules()), encoding="utf-8")
    return in_pyodide(pyodide, work), in_cpython(work)


def test_main_py_runs_in_pyodide_on_python_3_14_from_its_own_unpacked_copy(both):
    lite, _ = both
    assert lite["platform"] == "emscripten" and lite["python"].startswith("3.14.")
    assert lite["addin"].startswith("/tmp/jiceng-")  # unpacked by main.py, not from /work
    assert set(lite["loaded"]) <= set(modules())  # what the buttons imported was in main.py
    assert lite["import_failures"] == {}  # and all main.py carries imports in Pyodide
    assert lite["packages"]["xlwings"] == version("xlwings")
    assert lite["packages"]["pydantic"] == version("pydantic")


def test_every_button_leaves_exactly_the_actions_cpython_leaves(both):
    lite, cpython = both
    assert len(lite["scripts"]) == len(BOOKS) * len(BUTTONS) == len(cpython["scripts"])
    for i, (pyodide_actions, cpython_actions) in enumerate(
        zip(lite["scripts"], cpython["scripts"], strict=True)
    ):
        book, button = BOOKS[i // len(BUTTONS)].name, BUTTONS[i % len(BUTTONS)]
        assert pyodide_actions == cpython_actions, (book, button)
    # The comparison saw real work: findings marked on the samples, a findings sheet written.
    written = json.dumps(lite["scripts"], ensure_ascii=False)
    assert "校验结果" in written and "addNote" in written


def test_every_function_answers_as_in_cpython(both):
    lite, cpython = both
    assert lite["functions"] == cpython["functions"]
    assert lite["functions"][:3] == [[["先进"]], [["一般"]], [["后进"]]]
    names = [f["name"] for f in lite["functions_meta"]]
    assert sorted(names) == ["JICENG_DUE", "JICENG_GRADE", "JICENG_STATUS"]
    assert lite["functions_meta"] == cpython["functions_meta"]
    assert lite["scripts_meta"] == cpython["scripts_meta"]
