"""The batch's 整改通知 are written by its worker processes (`notice_pool`): the same notices
whatever the number of workers, and a notice whose worker dies costs that chunk only."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from openpyxl import load_workbook

from addin.batch import BatchResult, _NoticeSpool, run_batch
from addin.spec import load_specs

SAMPLES = Path(__file__).resolve().parent.parent / "workbooks" / "samples"


def contents(notices: list[Path]) -> dict[str, list]:
    return {
        p.name: [row for row in load_workbook(p).active.iter_rows(values_only=True)]
        for p in notices
    }


def test_two_workers_write_the_notices_one_worker_writes(tmp_path, monkeypatch):
    from addin import notice_pool

    monkeypatch.setattr(notice_pool, "LEAST_PER_CHUNK", 1)  # the few sample units shared out
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in SAMPLES.glob("*.xlsx"):
        shutil.copy(path, inbox / path.name)
    made = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        files = sorted(inbox.iterdir())
        result = run_batch(files, out, load_specs(), root=inbox, workers=jobs, notice_pdf=False)
        made[jobs] = contents(result.notices)
    assert len(made[1]) >= 2  # several units, so two workers share them
    assert made[2] == made[1]


def test_a_notice_whose_worker_dies_costs_its_chunk_not_the_batch(tmp_path, monkeypatch):
    from addin import notice_pool
    from addin.workbook import notice_writer

    real = notice_writer.write_notice

    def dies_on_yi(notice, folder, stem=None):
        if notice.unit == "乙":
            os._exit(3)  # as a native crash would end the worker
        return real(notice, folder, stem)

    monkeypatch.setattr(notice_writer, "write_notice", dies_on_yi)  # the forked workers too
    monkeypatch.setattr(notice_pool, "MOST_PER_CHUNK", 1)  # one notice per chunk
    spool = _NoticeSpool(tmp_path / "spool", None, [])
    result = BatchResult(tmp_path / "r.xlsx", tmp_path / "r.json")
    spool.write(result, tmp_path / "out", None, False, ["甲", "乙", "丙"], workers=2)
    assert sorted(p.name for p in result.notices) == ["整改通知_丙.xlsx", "整改通知_甲.xlsx"]
    assert result.notices_not_received == 2  # counted for the notices made only
    assert not (tmp_path / "out" / "整改通知_乙.xlsx").exists()


def test_a_second_libreoffice_start_only_for_enough_notices():
    from addin.notice_pool import LEAST_PER_CHUNK, MOST_PER_CHUNK, chunks

    few = 2 * LEAST_PER_CHUNK - 1
    assert chunks(few, 2) == [range(few)]  # one LibreOffice start
    assert [len(c) for c in chunks(few + 1, 2)] == [LEAST_PER_CHUNK, LEAST_PER_CHUNK]
    assert chunks(few + 1, 1) == [range(few + 1)]
    assert [len(c) for c in chunks(2 * MOST_PER_CHUNK, 2)] == [MOST_PER_CHUNK] * 2
    assert [len(c) for c in chunks(2 * MOST_PER_CHUNK + 1, 2)] == [76, 75, 75, 75]
    assert chunks(0, 2) == []
