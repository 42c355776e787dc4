"""The official blank templates, generated from the specs: `workbooks/<spec id>.xlsx`.

`drift` compares committed files with what the specs generate now, by content (sheet names,
cell values, merged ranges) rather than bytes, since a saved .xlsx carries timestamps.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from .kinds import kind_of
from .spec import SpecSet, default_schema_dir
from .workbook.calamine_reader import read_workbook
from .workbook.model import UnreadableWorkbook, WorkbookData, cell_ref

FIXED_TIME = dt.datetime(2022, 4, 2)  # the plan's date: stable document properties


def spec_folder(spec_paths: list[Path] | None) -> Path:
    """The folder of the specs in use: the first --spec (a folder, or a file's folder), else
    the bundled schemas/."""
    first = Path(spec_paths[0]) if spec_paths else default_schema_dir()
    return first if first.is_dir() else first.parent


def templates_folder(spec_paths: list[Path] | None) -> Path:
    """Where the committed templates of these specs live: `workbooks/` beside the spec folder
    (the repository's layout, schemas/ ↔ workbooks/), wherever the command is run from. The
    specs bundled inside an installed package have no such sibling: there it is ./workbooks."""
    folder = spec_folder(spec_paths).resolve()
    if folder == Path(__file__).resolve().parent / "schemas":
        return Path("workbooks")
    return folder.parent / "workbooks"


def template_path(folder: Path, spec_id: str) -> Path:
    return folder / f"{spec_id}.xlsx"


def write_templates(specs: SpecSet, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs.specs:
        wb = kind_of(spec).template(spec, specs)
        wb.properties.created = wb.properties.modified = FIXED_TIME
        path = template_path(folder, spec.id)
        wb.save(path)
        written.append(path)
    written.append(write_roster_template(folder))
    return written


def write_roster_template(folder: Path) -> Path:
    """The blank 名单 for `batch --roster` (not spec-driven: the same for every scheme)."""
    from .workbook.roster_template import FILE_NAME, roster_workbook

    wb = roster_workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    path = folder / FILE_NAME
    wb.save(path)
    return path


def drift(specs: SpecSet, folder: Path) -> list[str]:
    """Chinese sentences, one per committed template that differs from its spec (empty: none)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for fresh in write_templates(specs, Path(tmp)):
            committed = folder / fresh.name
            if not committed.exists():
                problems.append(f"{committed}: 缺少由规格生成的模板文件")
                continue
            try:
                a, _ = read_workbook(committed)
            except UnreadableWorkbook as exc:
                problems.append(f"{committed}: {exc.reason}")
                continue
            b, _ = read_workbook(fresh)
            difference = _difference(a, b)
            if difference:
                problems.append(
                    f"{committed}: 与规格不一致（{difference}），请运行 jiceng templates 重新生成"
                )
    return problems


def _difference(a: WorkbookData, b: WorkbookData) -> str:
    if [s.name for s in a.sheets] != [s.name for s in b.sheets]:
        return "工作表不同"
    for sa, sb in zip(a.sheets, b.sheets, strict=True):
        height = max(sa.height, sb.height)
        width = max(sa.width, sb.width)
        for r in range(height):
            for c in range(width):
                if (sa.value(r, c) or "") != (sb.value(r, c) or ""):
                    return f"工作表“{sa.name}”{cell_ref(r, c)}"
        if sorted(map(repr, sa.merges)) != sorted(map(repr, sb.merges)):
            return f"工作表“{sa.name}”的合并单元格"
    return ""
