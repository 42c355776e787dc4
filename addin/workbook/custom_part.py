"""docProps/custom.xml in a patched package: custom document properties (name → text), added
or replaced by name; the others a file has keep their bytes. With its content type and the
package relationship when the file had no such part.

Jiceng's own-output mark and the distribution stamp are such properties; whoever writes them
into a copy passes them to `patcher.write_copy(..., properties=...)`.
"""

from __future__ import annotations

import re

from .package import CT_CUSTOM, CUSTOM_PROPERTIES, Package
from .xml_edit import PatchUnsupported, attr, attributes, splice, text

PART = "docProps/custom.xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties
_PROPERTY = re.compile(rb"<(?:\w+:)?property\b[^>]*?(?:/>|>.*?</(?:\w+:)?property>)", re.S)
_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"</Properties>"
)


def custom_properties_xml(existing: bytes | None, properties: dict[str, str]) -> bytes:
    """`existing` (None: a new part) with each of `properties` set as text (vt:lpwstr)."""
    xml = existing or _EMPTY
    close = xml.rfind(b"</Properties>")
    if close < 0 or b"docPropsVTypes" not in xml:
        raise PatchUnsupported("docProps/custom.xml 的格式无法识别")
    vt = re.search(
        rb'xmlns:(\w+)="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"', xml
    )
    prefix = vt.group(1) if vt else b"vt"
    edits: list[tuple[int, int, bytes]] = []
    pids = [1]
    found: dict[str, re.Match[bytes]] = {}
    for match in _PROPERTY.finditer(xml):
        a = attributes(match.group(0).split(b">", 1)[0] + b">")
        found[a.get("name", "")] = match
        if a.get("pid", "").isdigit():
            pids.append(int(a["pid"]))
    pid = max(pids)
    added = []
    for name, value in properties.items():
        old = found.get(name)
        old_pid = attributes(old.group(0).split(b">", 1)[0] + b">").get("pid") if old else None
        if old_pid is None:
            pid += 1
        element = (
            b"<property fmtid="
            + attr(FMTID)
            + b' pid="'
            + (old_pid or str(pid)).encode()
            + b'" name='
            + attr(name)
            + b"><"
            + prefix
            + b":lpwstr>"
            + text(value)
            + b"</"
            + prefix
            + b":lpwstr></property>"
        )
        if old is not None:
            edits.append((old.start(), old.end(), element))
        else:
            added.append(element)
    edits.append((close, close, b"".join(added)))
    return splice(xml, edits)


def set_custom_properties(package: Package, properties: dict[str, str]) -> None:
    """Set custom document properties in `package` (creating docProps/custom.xml if needed)."""
    related = [r for r in package.relationships("") if r.type == CUSTOM_PROPERTIES and r.part]
    part = related[0].part if related and package.exists(related[0].part) else None
    if part is None:
        part = PART if not package.exists(PART) else package.free_name("docProps/custom%d.xml")
        package.write(part, custom_properties_xml(None, properties))
        package.add_relationship("", CUSTOM_PROPERTIES, part)
        if package.content_type(part) != CT_CUSTOM:
            package.add_content_type(part, CT_CUSTOM)
        return
    package.write(part, custom_properties_xml(package.read(part), properties))


def read_custom_properties(xml: bytes) -> dict[str, str]:
    """The text properties of a custom.xml part (name → value)."""
    found = {}
    for match in _PROPERTY.finditer(xml):
        a = attributes(match.group(0).split(b">", 1)[0] + b">")
        value = re.search(rb"<(?:\w+:)?lpwstr>(.*?)</(?:\w+:)?lpwstr>", match.group(0), re.S)
        if value is not None:
            from .xml_edit import unescape

            found[a.get("name", "")] = unescape(value.group(1))
    return found
