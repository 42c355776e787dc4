"""Custom document properties (docProps/custom.xml): read from the zip, write into a package.

Jiceng marks the workbooks it writes with a few custom properties: the stamp on the templates
`jiceng distribute` sends out (template, specs, unit, roster, date) and the mark on its own
outputs. Excel shows them under 文件 → 属性 → 自定义 and keeps them when the file is saved;
WPS and LibreOffice keep them too.

Reading takes the package apart with `zipfile` only (no openpyxl: the batch reads the stamp of
every submission), and trusts nothing: a part that is too large, packed too tightly, declares
a DTD or is not well-formed XML reads as "no properties" — a submission is never refused
because of its properties. Writing goes through openpyxl for new workbooks (`set_properties`)
or produces the part itself for a package patched in place (`custom_xml`, `CONTENT_TYPE`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

PART = "docProps/custom.xml"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
RELATIONSHIP = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id every custom property carries (ECMA-376 Part 1, 22.3.2.1).
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

MAX_PART = 256 * 1024  # bytes unpacked: a few dozen properties take a few kilobytes
MAX_RATIO = 100  # unpacked / packed: more is a zip bomb, not a property list
MAX_PROPERTIES = 256
MAX_VALUE = 4096  # characters kept of one value
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)

Value = str | int | float | bool


def read_properties(source: Path | str | IO[bytes]) -> dict[str, Value]:
    """The custom properties of an .xlsx (a path or an open binary file): name → value.

    Text, whole numbers, decimals and yes/no come back as str, int, float and bool; other
    types (dates, blobs) as their text. Anything unreadable gives {} — never an exception."""
    try:
        with zipfile.ZipFile(source) as archive:
            return archive_properties(archive)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return {}


def archive_properties(archive: zipfile.ZipFile) -> dict[str, Value]:
    """`read_properties` of a package already open (one read of its directory serves a caller
    that also reads other parts); {} when the part is missing, too large or unreadable."""
    try:
        info = archive.getinfo(PART)
        if info.file_size > MAX_PART or info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return {}
        with archive.open(info) as part:
            data = part.read(MAX_PART + 1)
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return {}
    if len(data) > MAX_PART:
        return {}
    return parse_custom_xml(data)


def parse_custom_xml(data: bytes) -> dict[str, Value]:
    """The properties of a custom.xml part; {} when it is not one we can read safely."""
    if _DOCTYPE.search(data):
        return {}  # no DTDs, no entities: nothing to expand
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {}
    found: dict[str, Value] = {}
    for prop in root.findall(f"{{{_NS}}}property")[:MAX_PROPERTIES]:
        name = prop.get("name")
        if not name or len(prop) == 0:
            continue
        found[name] = _value(prop[0])
    return found


def _value(element: ET.Element) -> Value:
    tag = element.tag.rpartition("}")[2]
    text = (element.text or "")[:MAX_VALUE]
    try:
        if tag in ("i1", "i2", "i4", "i8", "int", "ui1", "ui2", "ui4", "ui8", "uint"):
            return int(text)
        if tag in ("r4", "r8", "decimal"):
            return float(text)
        if tag == "bool":
            return text.strip().lower() in ("true", "1")
    except ValueError:
        pass
    return text


def custom_xml(properties: Mapping[str, Value]) -> bytes:
    """The custom.xml part holding `properties` (for a package written or patched by hand)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<Properties xmlns="{_NS}" xmlns:vt="{_VT}">',
    ]
    for pid, (name, value) in enumerate(properties.items(), start=2):  # pid 0, 1 are reserved
        lines.append(
            f'<property fmtid="{_FMTID}" pid="{pid}" name="{_escape(name).replace(chr(34), "&quot;")}">'
            f"{_typed(value)}</property>"
        )
    lines.append("</Properties>")
    return "".join(lines).encode("utf-8")


def _typed(value: Value) -> str:
    if isinstance(value, bool):
        return f"<vt:bool>{'true' if value else 'false'}</vt:bool>"
    if isinstance(value, int):
        return f"<vt:i4>{value}</vt:i4>"
    if isinstance(value, float):
        return f"<vt:r8>{value!r}</vt:r8>"
    return f"<vt:lpwstr>{_escape(str(value))}</vt:lpwstr>"


def _escape(text: str) -> str:
    """& < > as entities (what xml.sax.saxutils.escape does; importing that module loads
    urllib, http and ssl into every check worker, which reads this module for the stamp)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def set_properties(workbook, properties: Mapping[str, Value]) -> None:
    """Add (or replace) custom properties of an openpyxl workbook before it is saved."""
    from openpyxl.packaging.custom import (
        BoolProperty,
        FloatProperty,
        IntProperty,
        StringProperty,
    )

    kept = [p for p in workbook.custom_doc_props.props if p.name not in properties]
    workbook.custom_doc_props.props = kept
    for name, value in properties.items():
        if isinstance(value, bool):
            prop = BoolProperty(name=name, value=value)
        elif isinstance(value, int):
            prop = IntProperty(name=name, value=value)
        elif isinstance(value, float):
            prop = FloatProperty(name=name, value=value)
        else:
            prop = StringProperty(name=name, value=str(value))
        workbook.custom_doc_props.append(prop)


__all__ = [
    "CONTENT_TYPE",
    "PART",
    "RELATIONSHIP",
    "custom_xml",
    "parse_custom_xml",
    "read_properties",
    "set_properties",
]
