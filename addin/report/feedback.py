"""Each unit's own feedback (整改通知): per 党总支, one short workbook (and a PDF when LibreOffice
is there) with its files, each branch's grade and every problem to fix — sheet, cell, what is
wrong, what to type — and the names of the annotated copies. Ready to mail: nobody filters the
department-wide 问题清单 by hand.

A renderer of the same report model as the text, JSON and the consolidated workbook: a file's
`FileReport` becomes its `NoticePart` (plain data, written to the batch's spool as JSON), the
parts of one unit become one `UnitNotice`, which `write_notice` lays out on one A4 page where
the findings allow.

Units without anything to fix still get their notice: their files and grades, and the one
line “经检查，未发现需要整改的问题，无需整改。” — or, when some branch is below the top grade, that
there is no error to correct but the 薄弱环节 below need attention — the unit learns its result
either way, and the folder holds one notice per unit that sent something. With a roster, a unit that sent nothing
gets a notice of one line asking for its files (“尚未收到本单位提交的材料”).

Each branch below the top grade gets its 薄弱环节 and the 帮扶 partner proposed for it (or
why none), and the 党委委员 包扶 when the roster names one: taken from the batch's one analysis
(`batch.support`, `report.support`), never computed again here — `support_by_file` hands each
file's rows to its `notice_part`; they print in a section of their own (薄弱环节与帮扶). A unit
whose branches are all at the top grade has no such section. The partner's own unit learns of
the pairing too: a line under 其他事项 for the top-grade branch (“建议结对帮扶…”).

The seam for further per-branch lines: `notice_part(..., notes=)` per file (the batch takes a
`notice_notes(report)` function giving them), or `unit_notice(..., branch_notes=)`; they print
in a section of their own (其他事项) under the problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import findings as F
from ..cells import fold
from ..findings import Finding
from ..kinds import KINDS
from ..safe_text import path_text
from ..support import percent
from .consolidated import UNNAMED_UNIT, general_branch
from .model import FileReport
from .render import STATUS_LABEL

if TYPE_CHECKING:
    from .inbox_model import SupportBranch, SupportReport

NOTICE_DIR = "整改通知"
# The one notice for the files no unit can be identified for (no stamp, no 填报单位, no roster
# unit in the file name or path): the department reads it, no 党总支 is sent it.
UNIDENTIFIED_UNIT = "未能识别单位的文件"
NO_FIXES = "经检查，未发现需要整改的问题，无需整改。"
# No error to correct, but branches below the top grade: their 薄弱环节 still ask for work.
NO_ERRORS_BUT_WEAK = (
    "经检查，材料中未发现需要更正的错误；下列党支部的薄弱环节请重点关注（见“薄弱环节与帮扶”）。"
)
NOT_RECEIVED = "截至检查日期，尚未收到本单位提交的材料，请尽快提交。"
NOTES_TITLE = "其他事项"
# Files and problems one notice lists (the rest are counted): the notice of the files of no
# identified unit may gather thousands, which nobody reads and openpyxl lays out in minutes.
MAX_LISTED = 500
SUPPORT_TITLE = "薄弱环节与帮扶"
NO_GRADE = "无法定级"
# Findings a unit acts on: errors and warnings, and the note that more were not listed.
_LISTED = {"error", "warning"}
_ALWAYS = {F.FILE_FINDINGS_OMITTED.code}
LEVEL = {"error": "错误", "warning": "请核实", "info": "提示"}
# Where a message says what to type: “…，应填 0～5 之间的数”, “…；请删除多余的一行”.
_FIX = re.compile(r"[，；：]\s*((?:应填|应为|请|如已完成|更正后|按[^，；：]*应[填为]).*)$")
_FIX_IN_BRACKETS = re.compile(r"（((?:请|用 Excel).*)）$")


@dataclass
class NoticeLine:
    file: str
    sheet: str
    cell: str
    level: str
    problem: str
    fix: str


@dataclass
class NoticeBranch:
    name: str
    file: str
    total: float | int | None
    grade: str | None


@dataclass
class NoticeFile:
    name: str
    status: str
    copy: str | None = None


@dataclass
class NoticeSupport:
    """A branch below the top grade (or not graded): its 薄弱环节 as the analysis worded them,
    the 帮扶 partner proposed (or why none) and the 包扶 committee member when known."""

    branch: str
    grade: str | None
    lines: list[str]
    partner: str
    baofu: str | None = None


@dataclass
class FileSupport:
    """What the batch's 薄弱环节与帮扶 says about one file's branches."""

    rows: list[NoticeSupport] = field(default_factory=list)  # below the top grade, worst first
    helping: dict[str, list[str]] = field(default_factory=dict)  # partner → whom it may help


@dataclass
class NoticePart:
    """What one file adds to its unit's notice."""

    unit: str
    file: NoticeFile
    branches: list[NoticeBranch] = field(default_factory=list)
    lines: list[NoticeLine] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # 党支部 → further lines
    support: list[NoticeSupport] = field(default_factory=list)  # 薄弱环节与帮扶, worst first

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> NoticePart:
        return cls(
            unit=data["unit"],
            file=NoticeFile(**data["file"]),
            branches=[NoticeBranch(**b) for b in data["branches"]],
            lines=[NoticeLine(**line) for line in data["lines"]],
            notes=data.get("notes") or {},
            support=[NoticeSupport(**row) for row in data.get("support") or []],
        )


@dataclass
class UnitNotice:
    unit: str
    files: list[NoticeFile] = field(default_factory=list)
    branches: list[NoticeBranch] = field(default_factory=list)
    lines: list[NoticeLine] = field(default_factory=list)
    checked_on: date | None = None
    branch_notes: dict[str, list[str]] = field(default_factory=dict)
    support: list[NoticeSupport] = field(default_factory=list)
    files_unlisted: int = 0  # over MAX_LISTED: counted, not listed
    lines_unlisted: int = 0
    errors_unlisted: int = 0

    @property
    def errors(self) -> int:
        listed = sum(1 for line in self.lines if line.level == LEVEL["error"])
        return listed + self.errors_unlisted

    @property
    def problems(self) -> int:
        """Every problem of the unit's files, listed or not."""
        return len(self.lines) + self.lines_unlisted

    @property
    def needs_fixing(self) -> bool:
        return bool(self.lines)

    @property
    def no_fixes_text(self) -> str:
        """What a notice without problems says: nothing to do, unless some branch has its
        薄弱环节 listed below (then: no errors, but those need attention)."""
        return NO_ERRORS_BUT_WEAK if self.support else NO_FIXES

    @property
    def received(self) -> bool:
        """False: a roster unit that sent nothing (its notice asks for the files)."""
        return bool(self.files)


def split_fix(message: str) -> tuple[str, str]:
    """A finding's message as (what is wrong, what to type): the catalogue's messages end with
    the fix (“应填 0～5 之间的数”); one without a fix gives an empty second part."""
    found = _FIX.search(message) or _FIX_IN_BRACKETS.search(message)
    if not found:
        return message, ""
    return message[: found.start()].rstrip("，；： "), found.group(1)


def notice_part(
    file: FileReport,
    copy: str | None = None,
    unit: str | None = None,
    superseded: bool = False,
    notes: Mapping[str, Sequence[str]] | None = None,
    support: FileSupport | None = None,
) -> NoticePart:
    """One file's share of its unit's notice. `copy`: the annotated copy's name; `unit`: the
    unit it speaks for (default: its summary's 填报单位, else its file name); `superseded`: a
    resubmission replaced by a later file — listed, its problems not (they are moot);
    `notes`: further lines per 党支部 of this file; `support`: its branches' 薄弱环节与帮扶
    (`support_by_file`: the rows, and the pairings of its top-grade branches among the notes)."""
    name = path_text(file.path)
    status = "已被较新的提交取代，未计入" if superseded else STATUS_LABEL[file.status]
    part = NoticePart(unit=unit or general_branch(file), file=NoticeFile(name, status, copy))
    if superseded:
        return part
    part.branches = [NoticeBranch(b.name, name, b.total, b.grade) for b in file.branches]
    graded = {b.name for b in file.branches}
    if file.summary is not None:
        part.branches += [
            NoticeBranch(row.name, name, row.score, row.grade)
            for row in file.summary.rows
            if row.name and row.name not in graded
        ]
    part.lines = [_line(name, f) for f in file.findings if _listed(f)]
    support = support or FileSupport()
    part.notes = {name: list(lines) for name, lines in support.helping.items()}
    for branch, lines in (notes or {}).items():
        part.notes.setdefault(branch, []).extend(lines)
    part.notes = {branch: lines for branch, lines in part.notes.items() if lines}
    part.support = list(support.rows)
    return part


def support_by_file(support: SupportReport | None) -> dict[str, FileSupport]:
    """The batch's 薄弱环节与帮扶 by file (worst grade first, as the analysis ranked them): what
    each file's `notice_part` takes. Superseded files have no rows there (not counted)."""
    files: dict[str, FileSupport] = {}
    for branch in support.branches if support is not None else []:
        files.setdefault(branch.file, FileSupport()).rows.append(
            NoticeSupport(
                branch=branch.branch,
                grade=branch.grade,
                lines=list(branch.lines),
                partner=partner_text(branch),
                baofu=branch.baofu,
            )
        )
        if branch.partner is not None:
            helping = files.setdefault(branch.partner.file, FileSupport()).helping
            helping.setdefault(branch.partner.branch, []).append(helping_text(branch))
    return files


def helping_text(branch: SupportBranch) -> str:
    """For the partner's notice: “建议结对帮扶学生第三党支部（本党总支），重点是群众反映（对方
    5/20，本支部 18/20）” (no unit: a pass/fail scheme counts criteria, not points)."""
    partner, weak = branch.partner, branch.weakest[0]
    where = "本党总支" if partner.same_unit else branch.unit
    return (
        f"建议结对帮扶{branch.branch}（{where}），重点是{weak.name}"
        f"（对方 {weak.score}/{weak.maximum}，本支部 {partner.area.score}/{weak.maximum}）"
    )


def partner_text(branch: SupportBranch) -> str:
    """The proposed partner on two lines — “机关第一党支部（本党总支）” (or its 党总支 when
    from elsewhere) and its own score in the weakest area — or why none is proposed."""
    partner = branch.partner
    if partner is None:
        return branch.partner_note or ""
    where = "本党总支" if partner.same_unit else partner.unit
    area = partner.area
    share = percent(Fraction(str(area.share)))
    return f"{partner.branch}（{where}）\n{area.name} {area.score}/{area.maximum}（得分率 {share}）"


def _listed(finding: Finding) -> bool:
    return finding.severity in _LISTED or finding.code in _ALWAYS


def _line(file: str, finding: Finding) -> NoticeLine:
    problem, fix = split_fix(finding.message)
    return NoticeLine(
        file=file,
        sheet=finding.sheet or "整个文件",
        cell=finding.cell or "",
        level=LEVEL[finding.severity],
        problem=problem,
        fix=fix,
    )


def unit_notice(
    unit: str,
    parts: Iterable[NoticePart],
    checked_on: date | None = None,
    branch_notes: Mapping[str, Sequence[str]] | None = None,
) -> UnitNotice:
    """The parts of one unit (its files, in order) as one notice; `branch_notes`: extra lines
    per 党支部 (only those of this unit's branches are kept)."""
    notice = UnitNotice(unit=unit, checked_on=checked_on)
    notes: dict[str, list[str]] = {}
    for part in parts:
        notice.files.append(part.file)
        notice.branches += part.branches
        notice.lines += part.lines
        notice.support += part.support
        for name, lines in part.notes.items():
            notes.setdefault(name, []).extend(lines)
    for name, lines in (branch_notes or {}).items():
        notes.setdefault(name, []).extend(lines)
    names = {b.name for b in notice.branches}
    notice.branch_notes = {name: lines for name, lines in notes.items() if name in names and lines}
    notice.files_unlisted = max(0, len(notice.files) - MAX_LISTED)
    notice.files = notice.files[:MAX_LISTED]
    unlisted = notice.lines[MAX_LISTED:]
    notice.lines_unlisted = len(unlisted)
    notice.errors_unlisted = sum(1 for line in unlisted if line.level == LEVEL["error"])
    notice.lines = notice.lines[:MAX_LISTED]
    return notice


def unit_for(file: FileReport, roster_units: Mapping[str, str] | None = None) -> str:
    """The unit a file's notice goes to: its stamp's, else its summary's 填报单位 — with a
    roster (folded name → name), the roster unit of that name — else the roster unit its file
    name contains (the longest: 机电工程学院党总支 before 工程学院党总支), or its folder or zip
    names (第一党总支材料.zip/提交.xlsx), as `report.roster` matches them. Without a roster a
    file read as a template speaks for its file name. Any other file — unreadable, no template,
    no unit anywhere — goes to the one notice `UNIDENTIFIED_UNIT` for the department, not to a
    notice of its own (10,000 broken members of a zip are one notice, not 10,000)."""
    unit = general_branch(file)
    declared = file.stamp is not None or (
        file.summary is not None and file.summary.unit and fold(file.summary.unit)
    )
    if roster_units:
        key = fold(unit)
        if key in roster_units:
            return roster_units[key]
        if declared:
            return unit
        for name in (key, fold(file.path)):
            contained = [k for k in roster_units if k and k in name]
            if contained:
                return roster_units[max(contained, key=len)]
        return UNIDENTIFIED_UNIT
    if declared or not read_nothing(file):
        return unit
    return UNIDENTIFIED_UNIT


def read_nothing(file: FileReport) -> bool:
    """No template was read from the file (unreadable, or none of its sheets is one)."""
    return not any(getattr(file, kind.report_field) for kind in KINDS)


def notice_name(unit: str) -> str:
    """The notice's file name (without suffix): “整改通知_机关党总支”, safe on every disk."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(" .") or UNNAMED_UNIT
    return f"{NOTICE_DIR}_{safe[:60]}"
