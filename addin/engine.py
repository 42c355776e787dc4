"""Run every check on one workbook: find the templates on each sheet, evaluate, collect.

Input is plain `WorkbookData`, output a `FileReport` plus the computed cells; reading files
and writing copies happen in the adapters (`check_path` wires in the calamine reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from . import findings as F
from .cells import fold, is_blank
from .finding_cap import cap_findings
from .findings import Finding
from .kind import Context, Kind, KindResult
from .kinds import KINDS
from .limits import DEFAULT_LIMITS, Limits
from .locate import Header, find_headers
from .memo import ByIdentity
from .report.model import FileReport
from .sheet_dates import as_of_year, sheet_year
from .spec import SpecSet
from .stamp import stamp_findings, stamp_of
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
    results: dict[str, list[KindResult]] = field(default_factory=dict)  # kind name → sheets
    conditional: list[ConditionalFill] = field(default_factory=list)

    def of_kind(self, name: str) -> list:
        return self.results.get(name, [])

    @property
    def found_template(self) -> bool:
        return any(self.results.values())


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
    cut_notes = [F.FILE_SHEET_TOO_LARGE(sheet=name, limit=MAX_ROWS) for name in reversed(cut)]
    stamp = stamp_of(data.properties)  # a workbook `jiceng distribute` sent out says where it went
    evaluation = evaluate_workbook(
        data,
        specs,
        display=shown,
        as_of=as_of,
        year=year,
        first=cut_notes,
        last=stamp_findings(stamp, data, specs) if stamp else (),
        max_findings=limits.max_findings,
    )
    if stamp is not None:  # (the report's own default otherwise)
        evaluation.report.stamp = stamp
    return evaluation


def evaluate_workbook(
    data: WorkbookData,
    specs: SpecSet,
    display: str | None = None,
    as_of: date | None = None,
    year: int | None = None,
    first: Sequence[Finding] = (),
    max_findings: int = DEFAULT_LIMITS.max_findings,
    last: Sequence[Finding] = (),
) -> Evaluation:
    """`first`: findings about the file put before the checks' (sheets cut by the reader);
    `last`: after them, except on a cell a check already reported (the stamp's edited cells:
    a changed 分值 is the rubric's finding); at most `max_findings` are listed one by one
    (`finding_cap`)."""
    restored = _restore_overwritten(data)
    found: list[Finding] = list(first)
    results: dict[str, list[KindResult]] = {kind.name: [] for kind in KINDS}
    deferred: list[tuple[Kind, SheetData, object, Header]] = []
    context = Context(specs=specs, as_of=as_of, year=year, earlier=results)
    candidates = _candidates(specs)
    for sheet in data.sheets:
        if sheet.name in OWN_SHEETS:
            continue
        match, choice = _best(sheet, specs, candidates)
        if sheet.hidden:
            # Nobody sees a hidden sheet: usually an old copy. Say it is there, don't grade it.
            if match is not None:
                found.append(F.FILE_HIDDEN_SHEET(sheet=sheet.name))
            continue
        if match is None:
            continue
        found += choice
        kind, spec, header = match
        if kind.after:
            deferred.append((kind, sheet, spec, header))
        else:
            results[kind.name].append(kind.evaluate(sheet, spec, header, context))
    # Kinds that read others' results (a summary reads the rubric sheets) come after them.
    for kind, sheet, spec, header in deferred:
        results[kind.name].append(kind.evaluate(sheet, spec, header, context))
    evaluated = [(kind, r) for kind in KINDS for r in results[kind.name]]
    if deferred or sum(map(bool, results.values())) > 1:
        # (one kind's results are in the sheets' order already)
        index = _sheet_indexes(data)
        evaluated.sort(key=lambda pair: (bool(pair[0].after), index[pair[1].sheet_name]))
    writes: list[CellWrite] = []
    conditional: list[ConditionalFill] = []
    for _kind, result in evaluated:
        found += result.findings
        writes += result.writes
        conditional += result.conditional
    for kind in KINDS:
        found += kind.finish(results)
    if last:
        reported = {(f.sheet, f.cell) for f in found if f.cell}
        found += [f for f in last if not f.cell or (f.sheet, f.cell) not in reported]
    if not any(results.values()):
        found.append(F.FILE_NO_TEMPLATE())
    if restored:
        writes = [_remember(w, restored) for w in writes]
    sections = {kind.report_field: kind.section(results[kind.name]) for kind in KINDS}
    capped = cap_findings(found, max_findings)
    report = FileReport(
        path=display or data.path,
        status="errors" if any(f.is_error for f in found) else "ok",
        findings=capped.findings,
        omitted_errors=capped.omitted_errors,
        omitted_warnings=capped.omitted_warnings,
        **sections,
        # The date dated sheets (task lists, stage plans) were judged on: the first one's.
        as_of=next(
            (r.as_of for rs in results.values() for r in rs if getattr(r, "as_of", None)), None
        ),
    )
    return Evaluation(
        report=report, writes=writes, data=data, results=results, conditional=conditional
    )


def _sheet_indexes(data: WorkbookData) -> dict[str, int]:
    """Each sheet name's position (the first sheet of that name's)."""
    index: dict[str, int] = {}
    for i, sheet in enumerate(data.sheets):
        index.setdefault(sheet.name, i)
    return index


@dataclass(frozen=True)
class _Candidates:
    """Every (kind, spec) a sheet may be read with: kinds in the registry's order, each kind's
    specs in load order. The header labels of those whose kind locates its header by labels
    alone (`Kind.header_labels`) are searched for on a sheet at once (`find_headers`)."""

    pairs: tuple[tuple[Kind, object], ...]
    searches: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    slots: tuple[int | None, ...]  # each pair's place in `searches`; None: its kind's `detect`
    by_labels: bool  # every candidate's header is located by its labels alone


def _candidates(specs: SpecSet) -> _Candidates:
    """The candidates of a spec set; the last ones are kept, for the registry and the very
    spec objects they were made of (a batch checks every file with one set; loaded specs
    never change)."""
    objects = (KINDS, *specs.specs)
    found = _CANDIDATES.of(objects)
    if found is None:
        found = _CANDIDATES.keep(objects, _candidates_of(specs))
    return found


_CANDIDATES = ByIdentity(1)


def _candidates_of(specs: SpecSet) -> _Candidates:
    pairs = tuple((kind, spec) for kind in KINDS for spec in specs.of_kind(kind.name))
    searches = []
    slots: list[int | None] = []
    for kind, spec in pairs:
        if kind.header_labels is None:
            slots.append(None)
        else:
            slots.append(len(searches))
            searches.append(kind.header_labels(spec))
    return _Candidates(pairs, tuple(searches), tuple(slots), None not in slots)


def _matches(sheet: SheetData, candidates: _Candidates) -> list[tuple[Kind, object, Header]]:
    """Each candidate whose header is on this sheet, with that header, in the candidates' order."""
    headers = find_headers(sheet, candidates.searches) if candidates.searches else ()
    if candidates.by_labels:
        # Nothing but the headers decides: the sheets of one template, one list (the header
        # search hands equal sheets the same headers).
        found = _MATCHES.two(candidates, headers)
        if found is None:
            found = _MATCHES.keep_two(candidates, headers, _matched(candidates, sheet, headers))
        return found
    return _matched(candidates, sheet, headers)


def _matched(
    candidates: _Candidates, sheet: SheetData, headers: tuple[Header | None, ...]
) -> list[tuple[Kind, object, Header]]:
    found = []
    for (kind, spec), slot in zip(candidates.pairs, candidates.slots, strict=True):
        header = kind.detect(sheet, spec) if slot is None else headers[slot]
        if header is not None:
            found.append((kind, spec, header))
    return found


# (candidates, headers found) → the matches: a few entries serve a batch.
_MATCHES = ByIdentity(64)


def _best(
    sheet: SheetData, specs: SpecSet, candidates: _Candidates | None = None
) -> tuple[tuple[Kind, object, Header] | None, list[Finding]]:
    """The spec to read this sheet with, its kind and header, and a finding when the choice
    was not clear. The header matched most fully wins; among equals, a spec naming the sheet's
    year (title, else 基准日期) beats one naming none, which beats one naming another year;
    what is still tied goes to the kind first in the registry, then to the spec loaded first —
    and is reported, since that pick says nothing about the sheet."""
    found = _matches(sheet, candidates if candidates is not None else _candidates(specs))
    if len(found) < 2:
        return (found[0] if found else None), []
    year = sheet_year(sheet, found[0][2]) or as_of_year(sheet)

    def rank(match) -> tuple[int, int]:
        named = match[1].named_years()
        fits = 0 if not named else (1 if year in named else -1)
        return (len(match[2].columns), fits)

    best = max(rank(m) for m in found)
    tied = [m for m in found if rank(m) == best]
    if len(tied) == 1:
        return tied[0], []
    finding = F.FILE_SPEC_AMBIGUOUS(
        sheet=sheet.name,
        specs="、".join(m[1].id for m in tied),
        year=f"{year}年" if year else "未写明年度",
        used=tied[0][1].id,
    )
    return tied[0], [finding]


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
    sheet.top_labels = None  # the header search reads the rows as they are now
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
