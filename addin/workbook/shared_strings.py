"""Cell text in a package: the shared-strings table read on demand, inline strings written.

The patcher writes new text as inline strings (`t="inlineStr"`), which every reader accepts and
which leave sharedStrings.xml byte for byte; Excel moves them into the table on its next save.
"""

from __future__ import annotations

import re

from .xml_edit import text, unescape

_ITEM = re.compile(rb"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_T = re.compile(rb"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)


class SharedStrings:
    def __init__(self, xml: bytes | None):
        self.xml = xml or b""
        self._items: list[bytes | None] | None = None
        self._texts: dict[int, str] = {}

    def get(self, index: int) -> str | None:
        if index in self._texts:
            return self._texts[index]
        if self._items is None:
            self._items = [m.group(1) for m in _ITEM.finditer(self.xml)]
        if not 0 <= index < len(self._items):
            return None
        item = self._items[index]
        text = self._texts[index] = "" if item is None else item_text(item)
        return text


def item_text(body: bytes) -> str:
    """The plain text of a string item (`<si>`/`<is>` content): its runs, without phonetics."""
    body = _PHONETIC.sub(b"", body)
    return "".join(unescape(m.group(1)) for m in _T.finditer(body) if m.group(1) is not None)


def inline_text(value: str) -> bytes:
    return b'<is><t xml:space="preserve">' + text(value) + b"</t></is>"
