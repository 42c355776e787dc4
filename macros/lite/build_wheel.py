"""Build the wheel xlwings Lite installs: the jiceng package with only what Pyodide can load.

    python macros/lite/build_wheel.py            # → dist/jiceng_lite-<version>-py3-none-any.whl

The regular jiceng wheel also declares the command line's dependencies (python-calamine,
typer, rich, pandas, openpyxl), which Pyodide cannot all install; the buttons and functions need
none of them. This wheel holds the same `addin` package and the bundled schemas, and declares
only pydantic and xlwings. Host it where Excel can fetch it (see macros/README.md) and put its
URL in macros/lite/requirements.txt.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "jiceng_lite"
REQUIRES = ["pydantic>=2.6", "xlwings>=0.37.5"]


def version() -> str:
    text = (ROOT / "addin" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def files() -> list[tuple[str, bytes]]:
    """(path in the wheel, content): addin/**/*.py and schemas/*.toml as addin/schemas/."""
    found = [
        (p.relative_to(ROOT).as_posix(), p.read_bytes())
        for p in sorted((ROOT / "addin").rglob("*.py"))
        if "__pycache__" not in p.parts
    ]
    found += [
        (f"addin/schemas/{p.name}", p.read_bytes())
        for p in sorted((ROOT / "schemas").glob("*.toml"))
    ]
    return found


def build(out_dir: Path | str = ROOT / "dist") -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ver = version()
    info = f"{NAME}-{ver}.dist-info"
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {NAME.replace('_', '-')}",
            f"Version: {ver}",
            "Summary: Jiceng 基层组织建设年模板校验（xlwings Lite 版：按钮与工作表函数）",
            "Requires-Python: >=3.11",
            *[f"Requires-Dist: {r}" for r in REQUIRES],
            "",
        ]
    ).encode("utf-8")
    wheel = b"Wheel-Version: 1.0\nGenerator: jiceng build_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [*files(), (f"{info}/METADATA", metadata), (f"{info}/WHEEL", wheel)]
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in entries]
    record.append(f"{info}/RECORD,,")
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    target = out_dir / f"{NAME}-{ver}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as whl:
        for path, data in entries:
            whl.writestr(zipfile.ZipInfo(path, date_time=(2022, 4, 2, 0, 0, 0)), data)
    return target


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist"))
