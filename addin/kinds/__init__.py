"""The registry of template kinds: the one place that names them.

The report lists each file's kinds in this order, and a sheet carrying the headers of two
kinds equally fully goes to the first. A kind that reads another's results (`after`) is
evaluated once every sheet of those kinds is.
"""

from __future__ import annotations

from ..kind import Kind
from . import rubric, stages, summary, tasks

KINDS: tuple[Kind, ...] = (rubric.KIND, summary.KIND, tasks.KIND, stages.KIND)


def kind_of(spec) -> Kind:
    """The kind of a loaded spec (by its `kind` tag)."""
    return next(k for k in KINDS if k.name == spec.kind)


def kind_named(name: str) -> Kind:
    return next(k for k in KINDS if k.name == name)


def or_list(words: list[str]) -> str:
    """“甲、乙或丙”."""
    return words[0] if len(words) == 1 else "、".join(words[:-1]) + "或" + words[-1]


__all__ = ["KINDS", "Kind", "kind_named", "kind_of", "or_list"]
