"""Run every check on one workbook: find the templates on each sheet, evaluate, collect.

Input is plain `WorkbookData`, output a `FileReport` plus the computed cells; reading files
and writing copies happen in the adapters (`check_path` wires in the calamine reader).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from . import findings as F
from . import rubric, summary, tasks
from .cells import fold, is_blank
from .findings import Finding
from .limits import DEFAULT_LIMITS, Limits
from .report.model import FileReport
from .spec import SpecSet
from .workbook.model import (
    SheetData,
    TooLarge,
    UnreadableWorkbook,
    WorkbookData,
    cell_ref,
    parse_ref,
)
from .writes import OWN_SHEETS, RECORD_SHEET, CellWrite, ConditionalFill


@dataclass
class Evaluation:
    report: FileReport
    writes: list[CellWrite] = field(default_factory=list)
    data: WorkbookData | None = None
    rubrics: list[rubric.RubricResult] = field(default_factory=list)
    tasks: list[tasks.TasksResult] = field(default_factory=list)
    summaries: list[summary.SummaryResult] = field(default_factory=list)
    conditional: list[ConditionalFill] = field(default_factory=list)


def check_path(
    path: Path | str,
    specs: SpecSet,
    display: str | None = None,
    as_of: date | None = None,
    year: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Evaluation:
    """Read a file (never modifying it) and evaluate it; unreadable files become one finding.

    `as_of` (default today) and `year` (default: the task sheet's title, else the spec's) are
    what task lists are judged against.
    """
    from .workbook.calamine_reader import MAX_ROWS, read_workbook

    shown = display or str(path)
    try:
        data, cut = read_workbook(path, limits=limits)
    except TooLarge as exc:
        finding = F.FILE_TOO_LARGE(reason=exc.reason)
        return Evaluation(FileReport(path=shown, status="unreadable", findings=[finding]))
    except UnreadableWorkbook as exc:
        finding = F.FILE_UNREADABLE(reason=exc.reason)
        return Evaluation(FileReport(path=shown, status="unreadable", findings=[finding]))
    evaluation = evaluate_workbook(data, specs, display=shown, as_of=as_of, year=year)
    for name in cut:
        evaluation.report.findings.insert(0, F.FILE_SHEET_TOO_LARGE(sheet=name, limit=MAX_ROWS))
    return evaluation


def evaluate_workbook(
    data: WorkbookData,
    specs: SpecSet,
    display: str | None = None,
    as_of: date | None = None,
    year: int | None = None,
) -> Evaluation:
    restored = _restore_overwritten(data)
    task_lists: list[tasks.TasksResult] = []
    found: list[Finding] = []
    writes: list[CellWrite] = []
    results: list[rubric.RubricResult] = []
    pending_summaries = []
    for sheet in data.sheets:
        if sheet.name in OWN_SHEETS:
            continue
        if sheet.hidden:
            # Nobody sees a hidden sheet: usually an old copy. Say it is there, don't grade it.
            if any(_best(sheet, group, fn) for group, fn in _detectors(specs)):
                found.append(F.FILE_HIDDEN_SHEET(sheet=sheet.name))
            continue
        match = _best(sheet, specs.rubrics, rubric.detect)
        if match is not None:
            result = rubric.evaluate(sheet, *match)
            results.append(result)
            found += result.findings
            writes += result.writes
            continue
        task_match = _best(sheet, specs.tasks, tasks.detect)
        if task_match is not None:
            task_list = tasks.evaluate(sheet, *task_match, as_of=as_of, year=year)
            task_lists.append(task_list)
            found += task_list.findings
            writes += task_list.writes
            continue
        summary_match = _best(sheet, specs.summaries, summary.detect)
        if summary_match is not None:
            pending_summaries.append((sheet, *summary_match))
    # Summaries come after every rubric: they are cross-checked against the rubric results.
    branches = [r.branch for r in results]
    summaries = [
        summary.evaluate(sheet, spec, specs.rubric_for(spec), header, branches)
        for sheet, spec, header in pending_summaries
    ]
    for result in summaries:
        found += result.findings
        writes += result.writes
    found += summary.unlisted_rubrics(summaries, branches)
    if not results and not task_lists and not summaries:
        found.append(F.FILE_NO_TEMPLATE())
    writes = [_remember(w, restored) for w in writes]
    report = FileReport(
        path=display or data.path,
        status="errors" if any(f.is_error for f in found) else "ok",
        findings=found,
        branches=branches,
        summary=summaries[0].summary if summaries else None,
        tasks=[t for task_list in task_lists for t in task_list.tasks] if task_lists else None,
        as_of=task_lists[0].as_of if task_lists else None,
    )
    return Evaluation(
        report=report,
        writes=writes,
        data=data,
        rubrics=results,
        tasks=task_lists,
        summaries=summaries,
        conditional=[rule for task_list in task_lists for rule in task_list.conditional],
    )


def _best(sheet: SheetData, candidates, detect):
    """The spec whose header matches this sheet most fully (first wins a tie), with its header."""
    best = None
    for spec in candidates:
        header = detect(sheet, spec)
        if header is not None and (best is None or len(header.columns) > len(best[1].columns)):
            best = (spec, header)
    return best


def _detectors(specs: SpecSet):
    return [
        (specs.rubrics, rubric.detect),
        (specs.tasks, tasks.detect),
        (specs.summaries, summary.detect),
    ]


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
        if kind not in ("overwrite", "formula") or sheet is None or is_blank(ref):
            continue
        try:
            r, c = parse_ref(str(ref))
        except ValueError:
            continue
        current = sheet.value(r, c)
        if kind == "formula":
            # A copy written by fill holds the formula without its result; the record has it.
            if is_blank(current):
                _put(sheet, r, c, "" if original is None else original)
                sheet.known_formula_value(r, c)
            continue
        if _same_cell(current, written):
            _put(sheet, r, c, original)
            restored[(sheet.name, r, c)] = original
    return restored


def _put(sheet: SheetData, r: int, c: int, value: object) -> None:
    while len(sheet.rows) <= r:
        sheet.rows.append([])
    while len(sheet.rows[r]) <= c:
        sheet.rows[r].append("")
    sheet.rows[r][c] = value


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
