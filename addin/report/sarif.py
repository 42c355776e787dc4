"""SARIF 2.1.0 for code-scanning tools: one rule per finding code, one result per finding.

A workbook is not a text file, so where a finding has a cell the result carries it twice: as a
logical location `sheet!cell` (what a person looks for) and as a region whose startLine /
startColumn are the cell's row and column in that sheet (what code-scanning viewers need to
place an alert at all; the message repeats `sheet!cell`). Findings about the whole file have
neither. Levels: error → error, warning → warning, info → note.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..findings import Finding, catalogue
from .model import Report

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def to_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), ensure_ascii=False, indent=2)


def sarif_log(report: Report) -> dict:
    kinds = catalogue()
    index = {k.code: i for i, k in enumerate(kinds)}
    rules = [
        {
            "id": k.code,
            "shortDescription": {"text": k.description},
            "defaultConfiguration": {"level": LEVEL[k.severity]},
            "properties": {"category": k.code.split(".", 1)[0]},
        }
        for k in kinds
    ]
    results = [
        _result(file.path, finding, index.get(finding.code))
        for file in report.files
        for finding in file.findings
    ]
    driver = {"name": report.tool, "version": report.version or __version__, "rules": rules}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _result(path: str, finding: Finding, rule_index: int | None) -> dict:
    where = "!".join(x for x in (finding.sheet, finding.cell) if x)
    physical: dict = {"artifactLocation": {"uri": artifact_uri(path)}}
    location: dict = {"physicalLocation": physical}
    if where:
        location["logicalLocations"] = [
            {
                "name": finding.cell or finding.sheet,
                "fullyQualifiedName": where,
                "kind": "element" if finding.cell else "module",
            }
        ]
    cell = cell_position(finding.cell)
    if cell:
        row, column = cell
        physical["region"] = {"startLine": row, "startColumn": column}
    result: dict = {
        "ruleId": finding.code,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{where} {finding.message}" if where else finding.message},
        "locations": [location],
        "partialFingerprints": {"jicengFinding/v1": _fingerprint(path, finding)},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    return result


def artifact_uri(path: str) -> str:
    """A relative path stays relative (code scanning resolves it against the repository);
    an absolute one becomes a file: URI. Non-ASCII names are percent-encoded."""
    local = Path(path)
    if local.is_absolute():
        return local.as_uri()
    return quote(local.as_posix())


def cell_position(cell: str | None) -> tuple[int, int] | None:
    """'D7' → (7, 4): the 1-based row and column of an A1 address; None for anything else."""
    match = _CELL.match(cell or "")
    if not match:
        return None
    letters, digits = match.groups()
    column = 0
    for ch in letters.upper():
        column = column * 26 + ord(ch) - ord("A") + 1
    row = int(digits)
    return (row, column) if row >= 1 else None


def _fingerprint(path: str, finding: Finding) -> str:
    key = "\x1f".join((path, finding.code, finding.sheet or "", finding.cell or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
