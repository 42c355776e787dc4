"""docProps/custom.xml in a patched package: custom document properties added or replaced by
name, the others a file has kept byte for byte; with its content type and the package
relationship when the file had no such part. The properties' XML is `docprops.custom_xml`'s.

Jiceng's own-output mark and the distribution stamp are such properties; whoever writes them
into a copy passes them to `patcher.write_copy(..., properties=...)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .docprops import CONTENT_TYPE, PART, RELATIONSHIP, Value, custom_xml
from .package_patch import Package
from .xml_edit import PatchUnsupported, attributes, splice

_PROPERTY = re.compile(rb"<(?:\w+:)?property\b[^>]*?(?:/>|>.*?</(?:\w+:)?property>)", re.S)
_VT = re.compile(
    rb'xmlns:(\w+)="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"'
)


def custom_properties_xml(existing: bytes | None, properties: Mapping[str, Value]) -> bytes:
    """`existing` (None: a new part) with each of `properties` set."""
    if existing is None:
        return custom_xml(properties)
    close = existing.rfind(b"</Properties>")
    vt = _VT.search(existing)
    if close < 0 or vt is None:
        raise PatchUnsupported("docProps/custom.xml 的格式无法识别")
    found: dict[str, re.Match[bytes]] = {}
    pids = [1]  # 0 and 1 are reserved
    for match in _PROPERTY.finditer(existing):
        a = attributes(match.group(0).split(b">", 1)[0] + b">")
        found[a.get("name", "")] = match
        if a.get("pid", "").isdigit():
            pids.append(int(a["pid"]))
    pid = max(pids)
    edits: list[tuple[int, int, bytes]] = []
    added = []
    for name, value in properties.items():
        element = _PROPERTY.search(custom_xml({name: value})).group(0)
        element = re.sub(rb"<(/?)vt:", rb"<\1" + vt.group(1) + b":", element)
        old = found.get(name)
        old_pid = attributes(old.group(0).split(b">", 1)[0] + b">").get("pid") if old else None
        if old_pid is None:
            pid += 1
        element = re.sub(rb'pid="\d+"', b'pid="' + (old_pid or str(pid)).encode() + b'"', element)
        if old is not None:
            edits.append((old.start(), old.end(), element))
        else:
            added.append(element)
    edits.append((close, close, b"".join(added)))
    return splice(existing, edits)


def set_custom_properties(package: Package, properties: Mapping[str, Value]) -> None:
    """Set custom document properties in `package` (creating docProps/custom.xml if needed)."""
    related = [r for r in package.relationships("") if r.type == RELATIONSHIP and r.part]
    part = related[0].part if related and package.exists(related[0].part) else None
    if part is None:
        part = PART if not package.exists(PART) else package.free_name("docProps/custom%d.xml")
        package.write(part, custom_properties_xml(None, properties))
        package.add_relationship("", RELATIONSHIP, part)
        if package.content_type(part) != CONTENT_TYPE:
            package.add_content_type(part, CONTENT_TYPE)
        return
    package.write(part, custom_properties_xml(package.read(part), properties))
