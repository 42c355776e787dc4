"""Put the 基层组织建设 ribbon tab (customUI.xml) into an .xlsm / .xlam.

    python macros/add_ribbon.py Jiceng.xlsm

Does what Office RibbonX Editor does, without it: stores customUI.xml as the workbook's
customUI/customUI14.xml part and links it from _rels/.rels. Running it again replaces the tab.
Close the workbook in Excel first; everything else in the file (VBA project included) is copied
unchanged.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

PART = "customUI/customUI14.xml"
REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL = f'<Relationship Id="jicengRibbon" Type="{REL_TYPE}" Target="{PART}"/>'
XML_DEFAULT = '<Default Extension="xml" ContentType="application/xml"/>'
RIBBON = Path(__file__).with_name("customUI.xml")


def add_ribbon(workbook: Path | str, ribbon: Path | str = RIBBON) -> None:
    workbook = Path(workbook)
    xml = Path(ribbon).read_bytes()
    with zipfile.ZipFile(workbook) as src:
        items = [(info, src.read(info)) for info in src.infolist() if info.filename != PART]
    fd, tmp = tempfile.mkstemp(suffix=workbook.suffix, dir=workbook.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info, data in items:
                if info.filename == "_rels/.rels":
                    data = _with_relationship(data.decode("utf-8")).encode("utf-8")
                elif info.filename == "[Content_Types].xml":
                    data = _with_xml_default(data.decode("utf-8")).encode("utf-8")
                dst.writestr(info, data)
            dst.writestr(PART, xml)
        os.replace(tmp, workbook)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _with_relationship(rels: str) -> str:
    rels = re.sub(r'<Relationship[^>]*Type="[^"]*/ui/extensibility"[^>]*/>', "", rels)
    return rels.replace("</Relationships>", REL + "</Relationships>")


def _with_xml_default(types: str) -> str:
    if 'Extension="xml"' in types:
        return types
    return types.replace("</Types>", XML_DEFAULT + "</Types>")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python macros/add_ribbon.py 工作簿.xlsm")
    add_ribbon(sys.argv[1])
    print(f"已加入“基层组织建设”选项卡：{sys.argv[1]}")
