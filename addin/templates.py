"""The official blank templates, generated from the specs: `workbooks/<spec id>.xlsx`.

`drift` compares committed files with what the specs generate now by what a person filling
them in meets — sheets, cells (values, formulas, formats, locked or not), merged ranges, data
validations with their input messages, protection, widths, print settings — rather than bytes,
since a saved .xlsx carries timestamps.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from .kinds import kind_of
from .spec import SpecSet, default_schema_dir
from .workbook.calamine_reader import read_workbook
from .workbook.model import UnreadableWorkbook

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
                read_workbook(committed)  # the guard's limits, before openpyxl opens it
            except UnreadableWorkbook as exc:
                problems.append(f"{committed}: {exc.reason}")
                continue
            difference = _difference(committed, fresh)
            if difference:
                problems.append(
                    f"{committed}: 与规格不一致（{difference}），请运行 jiceng templates 重新生成"
                )
    return problems


def _difference(committed: Path, fresh: Path) -> str:
    """Where (Chinese) the committed template first differs from the fresh one; "" nowhere."""
    from openpyxl import load_workbook

    a, b = load_workbook(committed), load_workbook(fresh)
    if a.sheetnames != b.sheetnames:
        return "工作表不同"
    if _names(a) != _names(b):
        return "定义的名称"
    if repr(a.security) != repr(b.security):
        return "工作簿保护"
    for sa, sb in zip(a.worksheets, b.worksheets, strict=True):
        where = f"工作表“{sa.title}”"
        if _merges(sa) != _merges(sb):  # before the cells: a merge's cells take its borders
            return f"{where}的合并单元格"
        for row in range(1, max(sa.max_row, sb.max_row) + 1):
            for column in range(1, max(sa.max_column, sb.max_column) + 1):
                ca, cb = sa.cell(row, column), sb.cell(row, column)
                if ca.value != cb.value:
                    return f"{where}{ca.coordinate}"
                if _look(ca) != _look(cb):
                    return f"{where}{ca.coordinate}的格式或锁定"
        for part, read in _SHEET_PARTS.items():
            if read(sa) != read(sb):
                return f"{where}的{part}"
    return ""


def _names(wb) -> dict[str, str]:
    return {name: d.attr_text for name, d in wb.defined_names.items()}


def _look(cell) -> tuple:
    """A cell's format, locking and note, as comparable text (openpyxl's style reprs)."""
    styles = (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)
    note = cell.comment.text if cell.comment else None
    return (cell.number_format, *map(repr, styles), note)


def _merges(ws) -> list[str]:
    return sorted(map(str, ws.merged_cells.ranges))


def _validations(ws) -> list[tuple]:
    """Each rule (its cells, type, bounds, error and input messages), in a stable order."""
    rules = ws.data_validations.dataValidation
    return sorted((sorted(dict(v).items()), v.formula1, v.formula2) for v in rules)


_SHEET_PARTS = {
    "数据验证（含输入信息）": _validations,
    "工作表保护": lambda ws: (dict(ws.protection), ws.protection.password),
    "条件格式": lambda ws: [
        (str(cf.sqref), [repr(rule) for rule in cf.rules]) for cf in ws.conditional_formatting
    ],
    "列宽与行高": lambda ws: (
        {key: dict(d) for key, d in ws.column_dimensions.items()},
        {key: dict(d) for key, d in ws.row_dimensions.items()},
    ),
    "冻结窗格": lambda ws: ws.freeze_panes,
    "打印设置": lambda ws: (
        ws.print_area,
        ws.print_title_rows,
        dict(ws.page_setup),
        dict(ws.print_options),
        dict(ws.page_margins),
        repr(ws.sheet_properties.pageSetUpPr),
    ),
    "可见性": lambda ws: ws.sheet_state,
}
