"""At most so many findings per file, listed one by one; the rest counted in one finding.

A sheet filled wrongly from top to bottom (or a hostile file with many such sheets) gives a
finding per row: tens of thousands nobody reads, which would also swell report.json, the
report workbook and the memory of the batch. The findings kept are the errors first, then the
warnings, then the notes, each in the order the checks gave them; the file's error and warning
counts still include the omitted ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import findings as F
from .findings import Finding

_RANK = {"error": 0, "warning": 1, "info": 2}
_CODES_SHOWN = 5


@dataclass(frozen=True)
class Capped:
    findings: list[Finding]  # what is listed, in the checks' order, plus the summary finding
    omitted_errors: int = 0
    omitted_warnings: int = 0


def cap_findings(findings: list[Finding], limit: int) -> Capped:
    """The first `limit` findings by severity; beyond that one `file.findings_omitted`."""
    if len(findings) <= limit:
        return Capped(list(findings))
    order = sorted(range(len(findings)), key=lambda i: (_RANK[findings[i].severity], i))
    kept = set(order[:limit])
    listed = [f for i, f in enumerate(findings) if i in kept]
    omitted = [f for i, f in enumerate(findings) if i not in kept]
    errors = sum(f.severity == "error" for f in omitted)
    warnings = sum(f.severity == "warning" for f in omitted)
    counts = Counter(f.code for f in omitted).most_common()
    codes = "；".join(f"{code} {n:,} 条" for code, n in counts[:_CODES_SHOWN])
    if len(counts) > _CODES_SHOWN:
        codes += f"；另 {len(counts) - _CODES_SHOWN} 种"
    summary = F.FILE_FINDINGS_OMITTED(
        count=f"{len(omitted):,}",
        limit=f"{limit:,}",
        errors=f"{errors:,}",
        warnings=f"{warnings:,}",
        codes=codes,
    )
    return Capped([*listed, summary], errors, warnings)
