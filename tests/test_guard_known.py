"""The guard remembers the parts other than sheets that passed (the theme, styles and
relationships every submission of a template carries byte for byte) by their packed bytes,
and does not inflate them again: the limits still hold on them exactly, at each call's figures."""

from __future__ import annotations

import random
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import inspect_at_limit
from corpus import _with_doctype, base_rubric

from addin.limits import DEFAULT_LIMITS
from addin.workbook import guard
from addin.workbook.guard import inspect_archive
from addin.workbook.model import UnreadableWorkbook

EXTRA = "xl/extra.xml"
EXTRA_SIZE = 200_000


def with_extra(tmp_path: Path, name: str = "extra.xlsx", text: bytes | None = None) -> Path:
    """The rubric template with one more part: 200,000 bytes that pack to a few thousand (more
    than a part whose head alone is read: it is inflated whole)."""
    base = base_rubric(tmp_path / f"base-{name}")
    path = tmp_path / name
    body = text if text is not None else b"<extra>" + _filler(EXTRA_SIZE - 15) + b"</extra>"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr(EXTRA, body)
    return path


def _filler(size: int) -> bytes:
    rng = random.Random(19)
    block = bytes(rng.choice(b"abcdefghij") for _ in range(3000))
    return (block * (size // len(block) + 1))[:size]


def remembered(path: Path) -> None:
    """Inspect once with the default limits: the extra part passes and is remembered."""
    inspect_archive(path, DEFAULT_LIMITS)
    with zipfile.ZipFile(path) as z:
        key = guard._known_key(z, z.getinfo(EXTRA))
    assert key in guard._KNOWN


@pytest.mark.parametrize("refused", [False, True])
def test_a_remembered_part_at_and_past_the_member_limit(tmp_path, refused):
    path = with_extra(tmp_path)
    remembered(path)
    limits = replace(DEFAULT_LIMITS, max_member=EXTRA_SIZE - refused)
    inspect_at_limit(path, limits, refused, f"文件部件 {EXTRA} 解压后超过 {EXTRA_SIZE - 1} 字节")


@pytest.mark.parametrize("refused", [False, True])
def test_a_remembered_part_at_and_past_the_ratio_limit(tmp_path, refused):
    path = with_extra(tmp_path)
    remembered(path)
    with zipfile.ZipFile(path) as z:
        packed = z.getinfo(EXTRA).compress_size
    ratio = EXTRA_SIZE // packed  # the part's own ratio, rounded down: it passes one above
    limits = replace(DEFAULT_LIMITS, ratio_floor=1, max_ratio=ratio + (not refused))
    inspect_at_limit(path, limits, refused, f"文件部件 {EXTRA} 的压缩比超过 {ratio}:1")


@pytest.mark.parametrize("refused", [False, True])
def test_a_remembered_part_counts_in_the_total(tmp_path, refused):
    path = with_extra(tmp_path)
    remembered(path)
    with zipfile.ZipFile(path) as z:
        total = sum(i.file_size for i in z.infolist())
    limits = replace(DEFAULT_LIMITS, max_inflated=total - refused)
    inspect_at_limit(path, limits, refused, "文件解压后超过")


@pytest.mark.parametrize("size", [5_000, EXTRA_SIZE])  # only its head read; inflated whole
def test_a_part_with_a_dtd_is_never_remembered(tmp_path, size):
    xml = b'<?xml version="1.0"?><extra>' + _filler(size) + b"</extra>"
    path = with_extra(tmp_path, "dtd.xlsx", _with_doctype(xml, b"<!DOCTYPE extra []>"))
    for _ in range(2):
        with pytest.raises(UnreadableWorkbook, match=f"文件部件 {EXTRA} 含有文档类型声明"):
            inspect_archive(path, DEFAULT_LIMITS)
