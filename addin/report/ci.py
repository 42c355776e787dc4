"""Reports for CI systems: JUnit XML (one test case per file and sheet) and GitHub annotations."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from ..findings import SEVERITY_LABEL, Finding
from ..safe_text import visible
from .model import Report


def to_junit(report: Report) -> str:
    """A failing test case for every file/sheet with errors; warnings go to system-out."""
    suites = ET.Element("testsuites", name="jiceng")
    for file in report.files:
        by_sheet: dict[str, list[Finding]] = defaultdict(list)
        for finding in file.findings:
            by_sheet[finding.sheet or "（整个文件）"].append(finding)
        for branch in file.branches:
            by_sheet.setdefault(branch.sheet, [])
        if not by_sheet:
            by_sheet["（整个文件）"] = []
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file.path,
            tests=str(len(by_sheet)),
            failures=str(sum(1 for fs in by_sheet.values() if any(f.is_error for f in fs))),
            errors="0",
        )
        for sheet, found in by_sheet.items():
            case = ET.SubElement(suite, "testcase", classname=file.path, name=sheet)
            errors = [f for f in found if f.is_error]
            if errors:
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=errors[0].code,
                    message=f"{len(errors)} 个错误：{errors[0].message}",
                )
                failure.text = "\n".join(_line(f) for f in errors)
            others = [f for f in found if not f.is_error]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    ET.indent(suites)
    # A control character from a file would make the XML invalid: shown as its picture.
    xml = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + visible(xml)


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: one ::error/::warning/::notice line per finding."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for file in report.files:
        for f in file.findings:
            where = "!".join(x for x in (f.sheet, f.cell) if x)
            message = f"{where} {f.message}" if where else f.message
            lines.append(
                f"::{level[f.severity]} file={_prop(file.path)},title={_prop(f.code)}::{_data(message)}"
            )
    return "\n".join(lines)


def _line(f: Finding) -> str:
    where = f"{f.sheet or ''}!{f.cell}" if f.cell else (f.sheet or "")
    return f"[{SEVERITY_LABEL[f.severity]}] {where} {f.message} ({f.code})".replace("  ", " ")


def _data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
