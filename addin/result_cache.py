"""An earlier batch's results, reused for the files that did not change.

A batch keeps each file's result in OUT/.jiceng-cache/, one small JSON file per submitted file:
the report its worker made and the annotated copy it wrote, with that copy's hash. A batch into
the same OUT reuses the result when nothing it depends on changed — the file's bytes (sha256),
its name in the report and where its copy goes, Jiceng's version and code, the specs, every
option that changes a file's result (`--as-of`, else today's date; `--year`; the limits;
whether copies are made) — and its copy is still there as it was written. The roster and last
year's report are not in the key: they change the inbox sections, which every run computes
afresh from the files' results. Anything else (a missing, unreadable, foreign or corrupt entry,
a copy edited or removed since) means the file is checked again; results that may not happen
twice (a worker that ran out of time or memory, a copy that could not be written) are not kept.
The cache holds one entry per file of the latest run: it does not grow from run to run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_text_atomically
from .limits import Limits
from .report.model import FileReport
from .spec import SpecSet

log = logging.getLogger("jiceng")

CACHE_DIR = ".jiceng-cache"
ENTRY_VERSION = 1
_CHUNK = 1 << 20


def run_key(specs: SpecSet, limits: Limits, annotate: bool, options: dict[str, Any]) -> str:
    """What every file's result depends on besides the file: a digest."""
    effective = dict(options)
    if effective.get("as_of") is None:  # task lists are judged on today's date
        effective["today"] = date.today()
    parts = {
        "jiceng": __version__,
        "code": code_fingerprint(),
        "python": sys.version,
        "libraries": _library_versions(),
        "specs": [f"{type(s).__name__}:{s.model_dump_json()}" for s in specs.specs],
        "limits": asdict(limits),
        "annotate": annotate,
        "options": {k: str(v) for k, v in sorted(effective.items())},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@cache
def code_fingerprint() -> str:
    """Jiceng's own source: a change to any module is a new version for the cache."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("python-calamine", "openpyxl", "pydantic"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "?"
    return versions


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ResultCache:
    """The cache of one batch's OUT. `lookup` before a file is checked, `store` after,
    `finish` at the end of the run (removes what this run did not keep)."""

    def __init__(self, out: Path, key: str, *, fresh: bool = False):
        self.out, self.folder, self.run_key, self.fresh = out, out / CACHE_DIR, key, fresh
        self.keys: dict[str, str] = {}  # file name in the report → its entry key this run
        self.kept: set[Path] = set()  # entries valid for this run
        self.copies: set[Path] = set()  # copies this run made or reused

    def lookup(self, display: str, path: Path, copy_to: Path | None) -> Reused | None:
        """The earlier result of this file, if it still holds."""
        try:
            content = file_digest(path)
        except OSError:
            return None  # the worker will say what is wrong with it
        key = hashlib.sha256(
            "\0".join([self.run_key, display, self._relative(copy_to) or "", content]).encode(
                "utf-8", "surrogatepass"
            )
        ).hexdigest()
        self.keys[display] = key
        if self.fresh:
            return None
        entry_path = self._entry_path(display)
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            if entry.get("version") != ENTRY_VERSION or entry.get("key") != key:
                return None
            report = FileReport.model_validate_json(entry["report"])
            copy = self._copy_still_there(entry)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # missing or corrupt: check the file again
        if copy is False:
            return None
        self.kept.add(entry_path)
        if copy:
            self.copies.add(copy)
        return Reused(report, copy or None)

    def store(self, display: str, report: FileReport, copy: Path | None) -> None:
        """Keep a file's result (as its worker made it) for the next run."""
        key = self.keys.get(display)
        if key is None:
            return
        if copy is not None:
            self.copies.add(copy.resolve())
        entry_path = self._entry_path(display)
        try:
            entry = {
                "version": ENTRY_VERSION,
                "key": key,
                "file": display,
                "report": report.model_dump_json(),
                "copy": self._relative(copy),
                "copy_sha256": file_digest(copy) if copy is not None else None,
            }
            self.folder.mkdir(exist_ok=True)
            # Not flushed to disk (a file each): an entry lost to a power cut is only a re-check.
            text = json.dumps(entry, ensure_ascii=False)
            write_text_atomically(entry_path, text, durable=False)
        except (OSError, ValueError) as exc:  # no cache, no harm: the next run checks it again
            log.info("could not keep the result of %s for the next run: %s", display, exc)
            return
        self.kept.add(entry_path)

    def finish(self, unfinished: Iterable[str] = ()) -> list[Path]:
        """Remove the entries this run did not keep (files changed, removed or not checked) and
        the copies they made that no file of this run has any more. Returns the copies removed.
        `unfinished`: the files a stopped run did not get to. Their entries and copies stay as
        they were (`--fresh` or not): a stop removes nothing it did not replace, and the
        earlier notices it did not rewrite link those copies."""
        removed: list[Path] = []
        try:
            entries = list(self.folder.glob("*.json"))
        except OSError:  # no cache folder (nothing kept), or one we may not read
            return removed
        left = {self._entry_path(display) for display in unfinished}
        for entry_path in entries:
            if entry_path in self.kept or entry_path in left:
                continue
            stale = self._old_copy(entry_path)
            try:
                if stale is not None and stale not in self.copies:
                    stale.unlink(missing_ok=True)
                    removed.append(stale)
                entry_path.unlink(missing_ok=True)
            except OSError as exc:  # a read-only folder: the report is still written
                log.info("could not tidy %s: %s", entry_path, exc)
        return removed

    def _old_copy(self, entry_path: Path) -> Path | None:
        """The copy an old entry made, if it is there unchanged and inside OUT/批注副本."""
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            copy = self._copy_still_there(entry)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return copy or None

    def _copy_still_there(self, entry: dict) -> Path | None | bool:
        """None: the entry has no copy; the copy's path when it is there as written; False
        when it is gone, changed, or not one of ours."""
        from .batch import ANNOTATED_DIR

        if entry.get("copy") is None:
            return None
        copy = (self.out / entry["copy"]).resolve()
        if (self.out / ANNOTATED_DIR).resolve() not in copy.parents or not copy.is_file():
            return False
        return copy if file_digest(copy) == entry["copy_sha256"] else False

    def _entry_path(self, display: str) -> Path:
        name = hashlib.sha256(display.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.folder / f"{name}.json"

    def _relative(self, copy: Path | None) -> str | None:
        if copy is None:
            return None
        try:
            return copy.resolve().relative_to(self.out.resolve()).as_posix()
        except ValueError:
            return copy.as_posix()


@dataclass(frozen=True)
class Reused:
    """A file's earlier result: its report and its annotated copy, if it has one."""

    report: FileReport
    copy: Path | None


class OutputMemo:
    """Outputs made again only when what they are made from changed (a unit's 整改通知 and its
    PDF): by name, a digest of the inputs and the files made, with their hashes, kept in
    OUT/.jiceng-cache. Corrupt or missing: everything is made again."""

    def __init__(self, out: Path, name: str | None = None, *, fresh: bool = False):
        """`name`: the memo's file in the cache; None: nothing remembered, nothing kept."""
        self.out = out
        self.path = out / CACHE_DIR / name if name else None
        self.earlier: dict = self._load()  # kept by a stopped run for what it did not make
        self.old: dict = {} if fresh else self.earlier
        self.new: dict = {}

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def key(*inputs: str | bytes) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        for part in inputs:
            data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
            digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def still_there(self, name: str, key: str) -> list[Path] | None:
        """The files made for `name` from `key` last time, if every one is there unchanged."""
        entry = self.old.get(name)
        try:
            if entry["key"] != key:
                return None
            files = [self.out / f for f in entry["files"]]
            if all(file_digest(f) == h for f, h in zip(files, entry["hashes"], strict=True)):
                self.new[name] = entry
                return files
        except (OSError, KeyError, TypeError, ValueError):
            pass
        return None

    def keep(self, name: str, key: str, files: list[Path]) -> None:
        try:
            relative = [f.resolve().relative_to(self.out.resolve()).as_posix() for f in files]
            hashes = [file_digest(f) for f in files]
        except (OSError, ValueError):
            return
        self.new[name] = {"key": key, "files": relative, "hashes": hashes}

    def save(self, stopped: bool = False) -> None:
        """`stopped`: a stopped run (Ctrl-C) keeps the earlier entries of what it did not make
        again (`--fresh` too): those files are as they were, and the next run keeps them."""
        if self.path is None:
            return
        entries = {**self.earlier, **self.new} if stopped else self.new
        try:
            self.path.parent.mkdir(exist_ok=True)
            text = json.dumps(entries, ensure_ascii=False)
            write_text_atomically(self.path, text, durable=False)
        except OSError as exc:
            log.info("could not keep %s for the next run: %s", self.path, exc)
