"""下发: from the roster, one pre-filled, protected workbook per 党总支.

Each workbook holds a 填写说明 sheet, then the sheets every kind of the spec set writes for the
unit (`Kind.form`: the summary with its branches, one rubric sheet per 党支部, the task list),
in the order the kinds read each other. Only the cells a kind names as inputs are unlocked
(and shaded); every sheet is protected, the workbook's structure too. The workbook carries a
stamp (custom document properties, `stamp.py`) and, on a very hidden sheet, what each
protected cell held when it was sent, so the batch can name a cell someone changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.styles import Alignment, Font, Protection
from openpyxl.workbook import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import write_atomically
from .cells import fold
from .form import FormContext, FormSheet
from .kinds import kind_of
from .spec import SpecSet
from .stamp import SENT_SHEET, Stamp, formula_cells, sent_cells, spec_hash, write_stamp
from .workbook.sheet_style import (
    BOLD,
    BORDER,
    COMPUTED_FILL,
    HEADER_FILL,
    INPUT_FILL,
    TITLE_FONT,
    WRAP,
    print_setup,
)

INSTRUCTIONS = "填写说明"
MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel refuses a sheet named History; the record of what was sent has its own name.
_RESERVED = {"history", SENT_SHEET.lower()}
DEFAULT_RECIPIENT = "党委组织部"


@dataclass(frozen=True)
class Unit:
    """One 党总支 of the roster and its 党支部, in roster order."""

    name: str
    branches: tuple[str, ...] = ()


@dataclass(frozen=True)
class Options:
    deadline: date | None = None
    recipient: str = DEFAULT_RECIPIENT
    password: str | None = None
    year: int | None = None
    sent: date = field(default_factory=date.today)


MAX_PASSWORD = 255  # what Excel takes in its 保护工作表 dialog


def password_problem(password: str) -> str | None:
    """Why `--password` cannot be used, or None. openpyxl stores Excel's 16-bit legacy hash,
    which Excel computes from the password in the computer's code page: only printable ASCII
    gives the same hash everywhere (a Chinese password would lock the sheets for good)."""
    if not 1 <= len(password) <= MAX_PASSWORD:
        return f"--password 应为 1～{MAX_PASSWORD} 个字符"
    if not all(" " <= ch <= "~" for ch in password):
        return (
            "--password 只能使用英文字母、数字和英文符号（中文等字符的密码在 Excel 中无法解除保护）"
        )
    return None


def sheet_name(wanted: str, taken: Sequence[str]) -> str:
    """A legal sheet name close to `wanted`, not among `taken` (compared as Excel does,
    ignoring case): forbidden characters become “_”, 31 characters at most, no leading or
    trailing apostrophe; a clash gets “(2)”, “(3)” … within the 31."""
    name = _FORBIDDEN.sub("_", wanted).strip().strip("'").strip() or "Sheet"
    if name.lower() in _RESERVED:
        name += "_"
    used = {t.lower() for t in taken}
    candidate = name[:MAX_SHEET_NAME]
    n = 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    return candidate


def _new_sheet(wb: Workbook, wanted: str) -> Worksheet:
    return wb.create_sheet(sheet_name(wanted, wb.sheetnames))


def unit_workbook(unit: Unit, specs: SpecSet, options: Options, roster: str) -> Workbook:
    """The outgoing workbook of one unit (`roster`: the roster's hash, for the stamp)."""
    wb = Workbook()
    wb.remove(wb.active)
    guide = wb.create_sheet(INSTRUCTIONS)
    earlier: dict[str, list[FormSheet]] = {}
    context = FormContext(
        specs=specs,
        unit=unit.name,
        branches=unit.branches,
        year=options.year,
        earlier=earlier,
        new_sheet=_new_sheet,
    )
    # Kinds that read others' sheets (the summary reads the rubric sheets) come after them.
    ordered = sorted(specs.specs, key=lambda s: bool(kind_of(s).after))
    collecting: list[FormSheet] = []
    for spec in ordered:
        kind = kind_of(spec)
        if kind.form is None:
            continue
        written = kind.form(wb, spec, context)
        earlier.setdefault(kind.name, []).extend(written)
        if kind.after:
            collecting += written
    forms = [f for sheets in earlier.values() for f in sheets]
    # Reading order: the instructions, the collecting sheets (the summary), then the rest.
    order = [INSTRUCTIONS, *(f.sheet for f in collecting)]
    order += [name for name in wb.sheetnames if name not in order]
    wb._sheets = [wb[name] for name in order]  # openpyxl has no public reordering
    forms.sort(key=lambda f: order.index(f.sheet))
    _instructions(guide, unit, forms, options)
    for form in forms:
        _protect(wb[form.sheet], form, options.password)
    _protect(guide, FormSheet(sheet=INSTRUCTIONS, spec=""), options.password)
    cells = sent_cells(wb, forms)
    stamp = Stamp(
        unit=unit.name,
        specs=",".join(s.id for s in specs.specs),
        spec_hash=spec_hash(specs),
        roster_hash=roster,
        sent=options.sent.isoformat(),
        deadline=options.deadline.isoformat() if options.deadline else "",
    )
    write_stamp(wb, stamp, cells, formula_cells(forms))
    wb.security = WorkbookProtection(lockStructure=True)
    if options.password:
        wb.security.workbookPassword = options.password
        wb[SENT_SHEET].protection.password = options.password
    wb.active = 0
    return wb


def _protect(ws: Worksheet, form: FormSheet, password: str | None) -> None:
    """Lock everything but the inputs (shaded), shade the computed cells grey, protect the
    sheet; rows and columns may still be resized and the sheet printed, as a secretary needs."""
    for ref in form.formulas:
        ws[ref].fill = COMPUTED_FILL
    _names_as_text(ws, form.formulas)
    for area in form.inputs:
        for row in ws[area] if ":" in area else ((ws[area],),):
            for cell in row:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
    if password:
        ws.protection.password = password


def _names_as_text(ws: Worksheet, formulas) -> None:
    """A name from the roster that starts with “=” (“=支部” or worse) stays text: only the
    formulas a kind wrote are formulas in what Jiceng sends out."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" and cell.coordinate not in formulas:
                cell.data_type = "s"


def _instructions(ws: Worksheet, unit: Unit, forms: list[FormSheet], options: Options) -> None:
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    ws.merge_cells("A1:B1")
    ws["A1"] = f"{unit.name} 填报说明"
    ws["A1"].font = TITLE_FONT
    ws.row_dimensions[1].height = 30
    deadline = _chinese_date(options.deadline) if options.deadline else "见通知"
    sheets = "、".join(f"“{f.sheet}”" for f in forms)
    rows = [
        ("填报单位", unit.name),
        ("截止日期", f"{deadline}前报送"),
        ("报送对象", options.recipient),
        ("下发日期", _chinese_date(options.sent)),
        ("工作表", sheets),
        ("党支部", f"共 {len(unit.branches)} 个：" + "、".join(unit.branches)),
    ]
    r = 3
    for label, text in rows:
        _row(ws, r, label, text)
        r += 1
    r += 1
    ws.cell(r, 1, "颜色说明").font = BOLD
    r += 1
    for fill, text in (
        (INPUT_FILL, "淡黄色：需要填写的单元格，只有这些单元格可以输入"),
        (COMPUTED_FILL, "灰色：自动计算（小计、总分、定级结果、评分分数、合计等），随填写即时更新"),
        (HEADER_FILL, "蓝色：表头；其余单元格（项目、分值、党支部名称等）已锁定，不能修改"),
    ):
        ws.cell(r, 1).fill = fill
        ws.cell(r, 1).border = BORDER
        ws.cell(r, 2, text).alignment = WRAP
        r += 1
    r += 1
    ws.cell(r, 1, "填写步骤").font = BOLD
    r += 1
    steps = [
        "1. 逐个工作表填写淡黄色单元格；选中单元格会显示填写提示，超出范围的分数和列表外的内容无法输入。",
        "2. 灰色单元格随填写自动计算：填完一个党支部的全部得分，即可看到总分和定级结果，汇总表同步更新。",
        "3. 请勿重命名工作表、另存为其他格式或把内容复制到新工作簿：文件中带有下发标记，"
        "组织部据此识别填报单位并核对模板。文件名可以修改。",
        f"4. 填好后保存为 .xlsx，于{deadline}前发送给{options.recipient}。",
    ]
    for step in steps:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(r, 1, step).alignment = WRAP
        ws.row_dimensions[r].height = 34
        r += 1
    print_setup(ws, landscape=False)


def _row(ws: Worksheet, r: int, label: str, text: str) -> None:
    ws.cell(r, 1, label).font = BOLD
    ws.cell(r, 1).alignment = Alignment(vertical="top")
    cell = ws.cell(r, 2, text)
    cell.alignment = WRAP
    cell.font = Font(bold=label == "截止日期")
    lines = max(1, -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) // 68))
    ws.row_dimensions[r].height = 16 * lines + 2


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# The file name before “.xlsx”, in UTF-8 bytes: file systems take 255 (a Chinese character is
# 3), and the temporary name of the atomic write adds about 30.
MAX_NAME_BYTES = 200


def file_name(unit: str, n: int = 1) -> str:
    """The workbook's file name: the unit's name, with what no file system takes replaced,
    cut at whole characters to 120 characters and MAX_NAME_BYTES; the n-th of names alike
    ends in “(n)” within the same bounds."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(" .") or "党总支"
    suffix = f"({n})" if n > 1 else ""
    name = name[: 120 - len(suffix)]
    while len((name + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" .") or "党总支"  # cut before a space or dot: Windows drops those
    return f"{name}{suffix}.xlsx"


def distribute(
    units: Sequence[Unit], specs: SpecSet, out: Path, options: Options, roster: str
) -> list[Path]:
    """Write one workbook per unit into `out`; two units whose names give the same file name
    get “(2)” … (never one overwriting another)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for unit in units:
        n = 1
        name = file_name(unit.name)
        while fold(name).lower() in used:
            n += 1
            name = file_name(unit.name, n)
        used.add(fold(name).lower())
        wb = unit_workbook(unit, specs, options, roster)
        path = out / name
        write_atomically(path, wb.save)
        written.append(path)
    return written


def units_of(table) -> list[Unit]:
    """The units of a roster table (`report.roster.read_roster`), branches in roster order."""
    units: dict[str, tuple[str, list[str]]] = {}
    for row in table.itertuples():
        name, branches = units.setdefault(row.unit_key, (row.unit, []))
        branch = row.branch if isinstance(row.branch, str) else None  # NaN: a unit alone
        if branch and fold(branch) not in {fold(b) for b in branches}:
            branches.append(branch)
    return [Unit(name, tuple(branches)) for name, branches in units.values()]


__all__ = ["Options", "SENT_SHEET", "Unit", "distribute", "sheet_name", "unit_workbook", "units_of"]
