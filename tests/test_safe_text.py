"""Names and terminal lines from submitted files cannot reorder what a person reads: a
bidirectional override in a file name (“a + U+202E + gpj.xlsx” shows as “axslx.jpg”) is named, in the
terminal, in the JSON and in the archive listing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from addin.cli import app
from addin.safe_text import path_text, visible, visible_line, visible_name

RLO = "\u202e"


@pytest.mark.parametrize("control", ["\u202a", "\u202e", "\u2066", "\u2069", "\u200f", "\u061c"])
def test_bidirectional_controls_are_named_in_names_and_lines(control: str) -> None:
    name = f"a{control}gpj.xlsx"
    shown = f"a<U+{ord(control):04X}>gpj.xlsx"
    assert visible_name(name) == path_text(name) == shown
    assert visible_line(f"已检查 {name}") == f"已检查 {shown}"


def test_neighbours_of_the_bidirectional_controls_stay() -> None:
    """Characters just outside the ranges (zero-width joiner, narrow no-break space, word
    joiner) are not controls that reorder: kept as they are; cell texts keep them all."""
    for kept in ("\u200d", "\u202f", "\u2060", "\u206a"):
        assert visible_name(f"a{kept}b") == f"a{kept}b"
    assert visible(f"a{RLO}b") == f"a{RLO}b"


def test_a_member_name_with_an_override_is_named_in_every_output(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "材料.zip", "w") as archive:
        archive.writestr(f"a\x1b[31m{RLO}gpj.xlsx", b"not a workbook")
    runner = CliRunner()
    text = runner.invoke(app, ["check", str(inbox)])
    assert RLO not in text.output and "\x1b" not in text.output
    assert "a␛[31m<U+202E>gpj.xlsx" in text.output
    out = tmp_path / "r.json"
    runner.invoke(app, ["check", str(inbox), "--format", "json", "-o", str(out)])
    paths = [f["path"] for f in json.loads(out.read_text(encoding="utf-8"))["files"]]
    assert any(p.endswith("a␛[31m<U+202E>gpj.xlsx") for p in paths), paths
