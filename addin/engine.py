"""Run every check on one workbook: find the templates on each sheet, evaluate, collect.

Input is plain `WorkbookData`, output a `FileReport` plus the computed cells; reading files
and writing copies happen in the adapters (`check_path` wires in the calamine reader).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from . import findings as F
from . import rubric
from .cells import fold, is_blank
from .findings import Finding
from .report.model import FileReport
from .spec import SpecSet
from .workbook.model import SheetData, UnreadableWorkbook, WorkbookData, cell_ref, parse_ref
from .writes import OWN_SHEETS, RECORD_SHEET, CellWrite


@dataclass
class Evaluation:
    report: FileReport
    writes: list[CellWrite] = field(default_factory=list)
    data: WorkbookData | None = None
    rubrics: list[rubric.RubricResult] = field(default_factory=list)


def check_path(path: Path | str, specs: SpecSet, display: str | None = None) -> Evaluation:
    """Read a file (never modifying it) and evaluate it; unreadable files become one finding."""
    from .workbook.calamine_reader import MAX_ROWS, read_workbook

    shown = display or str(path)
    try:
        data, cut = read_workbook(path)
    except UnreadableWorkbook as exc:
        finding = F.FILE_UNREADABLE(reason=exc.reason)
        return Evaluation(FileReport(path=shown, status="unreadable", findings=[finding]))
    evaluation = evaluate_workbook(data, specs, display=shown)
    for name in cut:
        evaluation.report.findings.insert(0, F.FILE_SHEET_TOO_LARGE(sheet=name, limit=MAX_ROWS))
    return evaluation


def evaluate_workbook(data: WorkbookData, specs: SpecSet, display: str | None = None) -> Evaluation:
    restored = _restore_overwritten(data)
    found: list[Finding] = []
    writes: list[CellWrite] = []
    results: list[rubric.RubricResult] = []
    for sheet in data.sheets:
        if sheet.name in OWN_SHEETS:
            continue
        match = _best_rubric(sheet, specs)
        if match is not None:
            result = rubric.evaluate(sheet, *match)
            results.append(result)
            found += result.findings
            writes += result.writes
    if not results:
        found.append(F.FILE_NO_TEMPLATE())
    writes = [_remember(w, restored) for w in writes]
    report = FileReport(
        path=display or data.path,
        status="errors" if any(f.is_error for f in found) else "ok",
        findings=found,
        branches=[r.branch for r in results],
    )
    return Evaluation(report=report, writes=writes, data=data, rubrics=results)


def _best_rubric(sheet: SheetData, specs: SpecSet):
    """The rubric spec whose header matches this sheet most fully (first wins a tie)."""
    best = None
    for spec in specs.rubrics:
        header = rubric.detect(sheet, spec)
        if header is not None and (best is None or len(header.columns) > len(best[1].columns)):
            best = (spec, header)
    return best


def _restore_overwritten(data: WorkbookData) -> dict[tuple[str, int, int], object]:
    """Put back what a person typed where an earlier `fill` overwrote it.

    The copy `fill` wrote then reads exactly like the submission it came from, so a second
    run finds the same findings and writes the same cells (idempotent), and the person's
    own value stays on record. A cell edited since (no longer what Jiceng wrote) is left alone.
    """
    record = data.sheet(RECORD_SHEET)
    restored: dict[tuple[str, int, int], object] = {}
    if record is None:
        return restored
    for line in record.rows[1:]:
        kind, sheet_name, ref, _fill, _note, original, written = (list(line) + [None] * 7)[:7]
        sheet = data.sheet(str(sheet_name))
        if kind != "overwrite" or sheet is None or is_blank(ref):
            continue
        try:
            r, c = parse_ref(str(ref))
        except ValueError:
            continue
        current = sheet.value(r, c)
        if _same_cell(current, written):
            while len(sheet.rows) <= r:
                sheet.rows.append([])
            while len(sheet.rows[r]) <= c:
                sheet.rows[r].append("")
            sheet.rows[r][c] = original
            restored[(sheet.name, r, c)] = original
    return restored


def _same_cell(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return fold(a) == fold(b)


def _remember(write: CellWrite, restored: dict[tuple[str, int, int], object]) -> CellWrite:
    original = restored.get((write.sheet, write.row, write.col))
    if original is not None and write.replaces is None:
        return replace(write, replaces=original)
    return write


__all__ = ["Evaluation", "check_path", "evaluate_workbook", "cell_ref"]
