"""The xlwings Lite bundle (`jiceng lite`): a main.py that carries the jiceng package inside it,
and the requirements.txt that goes with it.

Why the package travels inside main.py: xlwings Lite installs packages with Pyodide's micropip,
which takes a package name from PyPI (Jiceng is not published there) or the URL of a wheel on a
server that sends CORS headers (someone has to host it), or — on the paid self-hosted Lite only —
a private index. Code pasted into main.py needs none of these, and xlwings Lite stores it in the
workbook, so a workbook prepared once works for everyone who opens it with the free add-in.

main.py holds the sources of `addin.excel` and of every addin module it can import (found by
reading their import statements, function-level imports included) plus the bundled template
specs, as one zlib-compressed, base85-encoded JSON object. When xlwings Lite runs main.py, it
writes those files into Pyodide's in-memory file system (/tmp, once per bundle content), puts
that folder first on sys.path and imports the scripts and functions from `addin.excel`.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import sys
import zlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .atomic import write_text_atomically
from .spec import default_schema_dir

PACKAGE_DIR = Path(__file__).resolve().parent
ENTRY = "addin.excel"
# Pyodide ships pydantic (a compiled package) with a version tied to its release: never pin it
# (xlwings Lite's "Python Dependencies" page says so). xlwings is pure Python: pinned to the
# version these buttons were built and tested with.
UNPINNED = ("pydantic",)
LITE = ("xlwings", "pydantic", "pydantic_core", "typing_extensions")  # what requirements.txt brings
LINE = 100  # characters per line of the encoded package in main.py


def module_file(name: str) -> Path | None:
    """The source file of module `addin.x.y`, or None when there is no such module."""
    base = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str, path: Path, top_level_only: bool = False) -> set[str]:
    """Every module named by an import statement in `path` that can run (not under `if
    TYPE_CHECKING:`): anywhere in the file, or with `top_level_only` only what runs when the
    module is imported (not inside functions). Relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            found.add(base)
            # `from . import worksheet_functions`: the names may be modules themselves.
            found.update(f"{base}.{alias.name}" for alias in node.names)
        if isinstance(node, ast.If) and _type_checking(node.test):
            todo.extend(node.orelse)
        elif not (top_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`: a block only type checkers read."""
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    return name == "TYPE_CHECKING"


def _addin(found: set[str]) -> set[str]:
    return {m for m in found if (m == "addin" or m.startswith("addin.")) and module_file(m)}


def importable_in_lite(name: str) -> bool:
    """Whether addin module `name` can be imported in xlwings Lite: what it imports when it is
    imported is the standard library, a package of requirements.txt, or such addin modules.
    (The blank templates and the calamine reader need openpyxl / python-calamine: the Lite path
    never imports them, and they stay out of main.py.)"""
    if name not in _IMPORTABLE:
        _IMPORTABLE[name] = True  # while its own imports are looked at (no import cycles)
        found = _imports(name, module_file(name), top_level_only=True)
        outside = {m.split(".")[0] for m in found} - {"addin", *sys.stdlib_module_names, *LITE}
        own = _addin(found) - {name}
        _IMPORTABLE[name] = not outside and all(importable_in_lite(m) for m in own)
    return _IMPORTABLE[name]


_IMPORTABLE: dict[str, bool] = {}


def modules(entry: str = ENTRY) -> list[str]:
    """`entry` and every addin module it can import in Lite, with their parent packages; sorted.
    An import inside a function is followed only to a module Lite can import."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(m for m in _addin(_imports(name, module_file(name))) if importable_in_lite(m))
    return sorted(seen)


def package_files(entry: str = ENTRY) -> dict[str, str]:
    """{path inside the bundle: text}: the modules' sources and the template specs, laid out as
    in the installed wheel (addin/schemas/*.toml, where `default_schema_dir` looks first)."""
    files = {
        module_file(name).relative_to(PACKAGE_DIR.parent).as_posix(): module_file(name).read_text(
            encoding="utf-8"
        )
        for name in modules(entry)
    }
    for spec in sorted(default_schema_dir().glob("*.toml")):
        files[f"addin/schemas/{spec.name}"] = spec.read_text(encoding="utf-8")
    return files


def exported_names(entry: str = ENTRY) -> list[str]:
    """The scripts and worksheet functions of `addin.excel`: its module-level `jiceng_*`."""
    tree = ast.parse(module_file(entry).read_text(encoding="utf-8"))
    return sorted(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("jiceng_")
    )


def main_py(files: dict[str, str] | None = None) -> str:
    files = package_files() if files is None else files
    raw = json.dumps(files, ensure_ascii=False, sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    encoded = base64.b85encode(zlib.compress(raw, 9)).decode("ascii")
    # base85 uses no quote or backslash, so each chunk is a plain string literal.
    chunks = [f'    "{encoded[i : i + LINE]}"' for i in range(0, len(encoded), LINE)]
    names = exported_names()
    return "\n".join(
        [
            f'"""Jiceng {__version__}（基层组织建设年模板校验）在 xlwings Lite 中的按钮与工作表函数。',
            "",
            "由 `jiceng lite` 生成，不需要修改：把本文件全部内容粘贴到 xlwings Lite 的 main.py 标签页，",
            "把同一文件夹中的 requirements.txt 粘贴到 requirements.txt 标签页。",
            f"内含 {len(files)} 个文件（addin 包中按钮和函数用到的模块与模板规格），运行时写入",
            "Pyodide 的内存文件系统，不访问网络，也不读写你电脑上的文件。",
            '"""',
            "",
            "import base64",
            "import json",
            "import os",
            "import sys",
            "import tempfile",
            "import zlib",
            "",
            f'_DIGEST = "{digest}"',
            "_PACKAGE = (",
            *chunks,
            ")",
            "",
            "",
            "def _unpack():",
            "    root = os.path.join(tempfile.gettempdir(), f'jiceng-{_DIGEST}')",
            "    if not os.path.isdir(root):",
            "        files = json.loads(zlib.decompress(base64.b85decode(_PACKAGE)))",
            "        staging = tempfile.mkdtemp(prefix='jiceng-')",
            "        for name, text in files.items():",
            "            path = os.path.join(staging, *name.split('/'))",
            "            os.makedirs(os.path.dirname(path), exist_ok=True)",
            "            with open(path, 'w', encoding='utf-8') as handle:",
            "                handle.write(text)",
            "        os.rename(staging, root)",
            "    # A bundle of other content imported earlier in this Python: forget it.",
            "    loaded = sys.modules.get('addin')",
            "    if loaded is not None and not str(getattr(loaded, '__file__', '')).startswith(root):",
            "        for name in [m for m in sys.modules if m == 'addin' or m.startswith('addin.')]:",
            "            del sys.modules[name]",
            "    if root in sys.path:",
            "        sys.path.remove(root)",
            "    sys.path.insert(0, root)",
            "",
            "",
            "_unpack()",
            "",
            f"from addin.excel import {', '.join(names)}  # noqa: E402",
            "",
            f"__all__ = {names!r}",
            "",
        ]
    )


def requirements_txt() -> str:
    """What main.py needs from PyPI / Pyodide; jiceng itself is inside main.py."""
    try:
        xlwings = f"xlwings=={version('xlwings')}"
    except PackageNotFoundError:  # pragma: no cover - xlwings is a dependency of jiceng
        xlwings = "xlwings"
    # No comment lines: whether xlwings Lite passes them on to micropip is not documented.
    return "\n".join([xlwings, *UNPINNED, ""])


def write_bundle(out: Path | str) -> list[Path]:
    """Writes main.py and requirements.txt into `out` (created when missing); returns them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_text_atomically(out / "main.py", main_py()),
        write_text_atomically(out / "requirements.txt", requirements_txt()),
    ]
