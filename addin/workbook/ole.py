"""The compound file (OLE, CFB) that holds an Excel 97-2003 workbook: its stream names and the
bytes of one stream, read from the file's own directory (MS-CFB), not by searching its bytes.

Pure Python and bounded: a chain that loops or points outside the file ends the read, and at
most `MAX_ENTRIES` directory entries are looked at. Stream names are compared case-insensitively,
as Windows does (Excel 5 wrote "Book", others "BOOK" or "WORKBOOK").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ENTRIES = 100_000
_END = 0xFFFFFFFE  # ENDOFCHAIN; anything above MAXREGSECT ends a chain too
_MAX_SECT = 0xFFFFFFFA
_MINI_CUTOFF = 4096


class NotCompoundFile(ValueError):
    """The header or directory of the compound file cannot be followed."""


@dataclass(frozen=True)
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class CompoundFile:
    """The directory of a compound file, and its streams read on demand."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        handle.seek(0, 2)
        self.length = handle.tell()
        handle.seek(0)
        header = handle.read(512)
        if len(header) < 512 or header[:8] != MAGIC:
            raise NotCompoundFile("no compound-file header")
        shift, mini_shift = struct.unpack_from("<HH", header, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise NotCompoundFile(f"sector shift {shift}")
        self.sector = 1 << shift
        fat_count, dir_start = struct.unpack_from("<II", header, 0x2C)
        self.mini_fat_start, self.mini_fat_count = struct.unpack_from("<II", header, 0x3C)
        difat_start, difat_count = struct.unpack_from("<II", header, 0x44)
        self._fat_sectors = self._difat(header, fat_count, difat_start, difat_count)
        self._fat_cache: dict[int, tuple[int, ...]] = {}
        self.entries = self._directory(dir_start)

    @property
    def sector_count(self) -> int:
        return max(0, (self.length - 512) // self.sector)

    def names(self) -> list[str]:
        return [e.name for e in self.entries if e.kind == 2]

    def find(self, *names: str) -> Entry | None:
        """The first stream with one of `names`, compared case-insensitively."""
        wanted = [n.casefold() for n in names]
        streams = {e.name.casefold(): e for e in self.entries if e.kind == 2}
        return next((streams[n] for n in wanted if n in streams), None)

    def read(self, entry: Entry, limit: int | None = None) -> bytes:
        """The stream's bytes (at most `limit`)."""
        size = entry.size if limit is None else min(entry.size, limit)
        if entry.size < _MINI_CUTOFF and self.entries:
            return self._read_mini(entry.start, size)
        return self._read_chain(entry.start, size)

    # --- sectors -------------------------------------------------------------------------------
    def _at(self, sector: int, size: int) -> bytes:
        self.handle.seek(512 + sector * self.sector)
        return self.handle.read(size)

    def _difat(self, header: bytes, count: int, start: int, more: int) -> list[int]:
        sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAX_SECT]
        per = self.sector // 4 - 1
        seen: set[int] = set()
        while start <= _MAX_SECT and more > 0 and start not in seen and len(sectors) < count:
            seen.add(start)
            values = struct.unpack(
                f"<{per + 1}I", self._at(start, self.sector).ljust(self.sector, b"\xff")
            )
            sectors += [s for s in values[:per] if s <= _MAX_SECT]
            start, more = values[per], more - 1
        return sectors[:count]

    def _next(self, sector: int) -> int:
        per = self.sector // 4
        index, offset = divmod(sector, per)
        if index >= len(self._fat_sectors):
            return _END
        if index not in self._fat_cache:
            raw = self._at(self._fat_sectors[index], self.sector).ljust(self.sector, b"\xff")
            self._fat_cache[index] = struct.unpack(f"<{per}I", raw)
        return self._fat_cache[index][offset]

    def _chain(self, start: int) -> list[int]:
        """The sectors of a chain, stopping at its end, a loop or a sector outside the file."""
        chain: list[int] = []
        seen: set[int] = set()
        limit = self.sector_count
        sector = start
        while sector <= _MAX_SECT and sector < limit and sector not in seen:
            seen.add(sector)
            chain.append(sector)
            sector = self._next(sector)
        return chain

    def _read_chain(self, start: int, size: int) -> bytes:
        parts, have = [], 0
        for sector in self._chain(start):
            if have >= size:
                break
            parts.append(self._at(sector, self.sector))
            have += self.sector
        return b"".join(parts)[:size]

    def _directory(self, start: int) -> list[Entry]:
        entries: list[Entry] = []
        for sector in self._chain(start):
            raw = self._at(sector, self.sector)
            for offset in range(0, len(raw) - 127, 128):
                entries.append(_entry(raw[offset : offset + 128]))
                if len(entries) >= MAX_ENTRIES:
                    return entries
        if not entries or entries[0].kind != 5:
            raise NotCompoundFile("no root entry")
        return entries

    def _read_mini(self, start: int, size: int) -> bytes:
        root = self.entries[0]
        mini_fat = self._read_chain(self.mini_fat_start, self.mini_fat_count * self.sector)
        table = struct.unpack(f"<{len(mini_fat) // 4}I", mini_fat[: len(mini_fat) // 4 * 4])
        stream_sectors = self._chain(root.start)
        parts, have, seen, mini = [], 0, set(), start
        while mini < len(table) and mini not in seen and have < size:
            seen.add(mini)
            index, offset = divmod(mini * 64, self.sector)
            if index >= len(stream_sectors):
                break
            parts.append(self._at(stream_sectors[index], self.sector)[offset : offset + 64])
            have += 64
            mini = table[mini]
        return b"".join(parts)[:size]


def _entry(raw: bytes) -> Entry:
    length = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
    name = raw[: max(0, length - 2)].decode("utf-16-le", "replace")
    kind = raw[0x42]
    start, size = struct.unpack_from("<II", raw, 0x74)
    return Entry(name, kind, start, size)
