"""A memo of values worked out from objects, found by those very objects (`is`, not `==`).

The checks work out a few things once per spec, per header or per set of specs, and a batch
asks for them again on every sheet with the same objects. Looking them up by the objects' ids
is cheap; each entry keeps its objects, so none of those ids can be reused while it stands.
The tests' mutant guard calls every module-level `cache_clear`: a module's memo is emptied
with the others.
"""

from __future__ import annotations

from operator import is_
from typing import Any


class ByIdentity:
    """At most `size` entries; when full the memo starts over (the same few objects recur)."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int) -> None:
        self._entries: dict[Any, tuple[Any, Any]] = {}
        self._size = size

    def one(self, obj: object) -> Any:
        """The value kept for `obj`, else None."""
        entry = self._entries.get(id(obj))
        return entry[1] if entry is not None and entry[0] is obj else None

    def keep_one(self, obj: object, value: Any) -> Any:
        self._make_room()
        self._entries[id(obj)] = (obj, value)
        return value

    def two(self, first: object, second: object) -> Any:
        """The value kept for the pair (`first`, `second`), else None."""
        entry = self._entries.get((id(first), id(second)))
        if entry is not None and entry[0][0] is first and entry[0][1] is second:
            return entry[1]
        return None

    def keep_two(self, first: object, second: object, value: Any) -> Any:
        self._make_room()
        self._entries[id(first), id(second)] = ((first, second), value)
        return value

    def of(self, objects: tuple) -> Any:
        """The value kept for these objects (any number, in order), else None."""
        entry = self._entries.get(tuple(map(id, objects)))
        return entry[1] if entry is not None and all(map(is_, entry[0], objects)) else None

    def keep(self, objects: tuple, value: Any) -> Any:
        self._make_room()
        self._entries[tuple(map(id, objects))] = (tuple(objects), value)
        return value

    def _make_room(self) -> None:
        if len(self._entries) >= self._size:
            self._entries.clear()

    def cache_clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
