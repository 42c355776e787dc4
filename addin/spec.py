"""Template specs: the data files in schemas/ loaded into pydantic models.

A spec is the source of truth for one official template. A new scheme (another grading
scale, several raters, another year's items) is a new TOML file, not new code. The models
reject an inconsistent spec with a message that names the file and the problem.

This module is the shared part: the base model, loading, and the set of specs in force. Each
kind's own model lives in its package (`addin/kinds/<kind>/spec.py`); the `kind` tag of a
file picks the model through the registry.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)


class SpecError(Exception):
    """A spec file is missing, unreadable or inconsistent."""


class SpecModel(BaseModel):
    """Base of every spec model: unknown keys are errors, loaded specs never change."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    def named_years(self) -> set[int]:
        """The years a spec says it is for (`year`, `years`); empty: any year."""
        year = getattr(self, "year", None)
        return ({year} if year else set()) | set(getattr(self, "years", ()))


def _fraction(value: object) -> Fraction:
    """“1/3”, "0.2", 0.2 or 1 as an exact fraction (a TOML float by its shortest text: 0.2 is 1/5)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError('应为数字或分数，如 0.2 或 "1/3"')
    try:
        if isinstance(value, float):
            return Fraction(repr(value))
        if isinstance(value, int | Decimal):
            return Fraction(value)
        if isinstance(value, str):
            return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        pass
    raise ValueError(f'“{value}”不是数字或分数（应写作 0.2 或 "1/3"）')


# An exact number in a spec: weights and shares that thirds cannot be written as decimals for.
ExactNumber = Annotated[
    Fraction,
    BeforeValidator(_fraction),
    PlainSerializer(lambda f: str(f), return_type=str),
    WithJsonSchema({"type": ["string", "number"], "examples": ["1/3", 0.2]}),
]


def default_schema_dir() -> Path:
    """schemas/ inside an installed wheel, else the repository's schemas/ folder."""
    packaged = resources.files("addin") / "schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas"


def load_spec(path: Path | str) -> Any:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"{path}: 找不到模板规格文件") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: 不是有效的 TOML 文件：{exc}") from exc
    return spec_from_dict(data, source=str(path))


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter:
    """One model per kind, chosen by the file's `kind` tag (kinds from the registry)."""
    from .kinds import KINDS

    union = Union[tuple(k.spec for k in KINDS)]  # noqa: UP007 — built from a runtime tuple
    return TypeAdapter(Annotated[union, Field(discriminator="kind")])


def spec_from_dict(data: dict, source: str = "<spec>") -> Any:
    try:
        return _adapter().validate_python(data)
    except ValidationError as exc:
        problems = "；".join(_describe(err) for err in exc.errors())
        raise SpecError(f"{source}: 模板规格有误：{problems}") from exc


def _describe(err: dict) -> str:
    from .kinds import KINDS

    tags = {k.name for k in KINDS}  # the union tag pydantic puts first in an error location
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in tags)
    msg = err.get("msg", "")
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


class SpecSet(BaseModel):
    """All specs in force for a run."""

    model_config = ConfigDict(frozen=True)

    specs: list[Any]

    def of_kind(self, name: str) -> list[Any]:
        """The specs of one kind, in load order."""
        return [s for s in self.specs if s.kind == name]

    @model_validator(mode="after")
    def _references(self) -> SpecSet:
        # Each kind checks what its specs name in others (a summary's rubric). SpecError, not
        # ValueError: pydantic lets it through unwrapped, message intact.
        from .kinds import kind_of

        for spec in self.specs:
            kind_of(spec).check_set(spec, self)
        return self

    @property
    def grade_names(self) -> list[str]:
        """Grade names, best first, of the first spec with a grading scale (report columns)."""
        return next((s.grading.names for s in self.specs if hasattr(s, "grading")), [])

    @property
    def deadline_spec(self) -> Any:
        """The first spec that reads 时间期限 wordings (its fixed days and cadence start), if any."""
        return next((s for s in self.specs if hasattr(s, "fixed_days")), None)

    def by_id(self, spec_id: str) -> Any:
        for spec in self.specs:
            if spec.id == spec_id:
                return spec
        raise SpecError(f"没有 id 为“{spec_id}”的模板规格")


def load_specs(paths: list[Path | str] | None = None) -> SpecSet:
    """Load the given spec files or folders (default: the bundled schemas/)."""
    files: list[Path] = []
    for entry in [Path(p) for p in (paths or [default_schema_dir()])]:
        if entry.is_dir():
            files.extend(sorted(entry.glob("*.toml")))
        else:
            files.append(entry)
    if not files:
        raise SpecError(f"{', '.join(map(str, paths or []))}: 没有找到任何 .toml 模板规格")
    specs = [load_spec(f) for f in files]
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise SpecError(f"模板规格 id 重复：{ids}")
    return SpecSet(specs=specs)
