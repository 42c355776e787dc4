"""Progress people can read: a bar on a terminal, a line now and then in a log, nothing with
--quiet; printing never stops a run."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from addin import progress as P
from addin.report.model import FileReport


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def report(status: str = "ok", name: str = "甲.xlsx") -> FileReport:
    return FileReport(path=name, status=status)


def lines_of(every_files=3, every_seconds=15.0):
    clock, lines = Clock(), []
    progress = P.LineProgress(every_files, every_seconds, clock=clock, write=lines.append)
    return progress, clock, lines


def test_a_line_every_n_files_not_one_per_file():
    progress, clock, lines = lines_of(every_files=3)
    progress.start(10)
    for status in ("errors", "ok"):
        clock.now += 1
        progress.done(report(status))
    assert lines == []  # 2 files: below 3
    clock.now += 1
    progress.done(report("unreadable"))
    assert lines == [
        "进度：已检查 3/10 个文件（30%），有错误 1 个，无法读取 1 个；已用 0:03，预计还需 0:07"
    ]
    for _ in range(2):
        progress.done(report())
    assert len(lines) == 1  # 2 more since the last line
    progress.done(report())
    assert len(lines) == 2 and lines[1].startswith("进度：已检查 6/10 个文件（60%），有错误 1 个")


def test_a_line_every_n_seconds_on_a_slow_run():
    progress, clock, lines = lines_of(every_files=100, every_seconds=15)
    progress.start(50)
    clock.now += 14.9
    progress.done(report())
    assert lines == []
    clock.now += 0.1  # 15 s since the start
    progress.done(report())
    assert lines == ["进度：已检查 2/50 个文件（4%），有错误 0 个；已用 0:15，预计还需 6:00"]


def test_no_line_for_the_last_file_the_totals_follow():
    progress, _clock, lines = lines_of(every_files=1)
    progress.start(2)
    progress.done(report())
    progress.done(report())
    assert len(lines) == 1 and "1/2" in lines[0]


def test_reused_files_count_as_done_but_not_for_the_pace():
    progress, clock, lines = lines_of(every_files=1)
    progress.start(10, [report("errors")] * 6)
    clock.now += 2
    progress.done(report())  # 1 checked in 2 s, 3 left: 6 s
    assert lines == ["进度：已检查 7/10 个文件（70%），有错误 6 个；已用 0:02，预计还需 0:06"]


def test_the_time_reads_as_a_clock():
    assert P.clock_text(0) == "0:00"
    assert P.clock_text(59.6) == "1:00"
    assert P.clock_text(3599) == "59:59"
    assert P.clock_text(3600) == "1:00:00"


def terminal(encoding="utf-8") -> tuple[Console, io.TextIOWrapper]:
    """A terminal writing in `encoding` (gbk: a Windows console in code page 936)."""
    screen = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    return Console(file=screen, force_terminal=True, width=160, color_system=None), screen


def shown(screen: io.TextIOWrapper) -> str:
    screen.flush()
    return screen.buffer.getvalue().decode(screen.encoding)


def test_the_bar_shows_count_problems_and_the_file_waited_for():
    console, screen = terminal()
    bar = P.BarProgress(console)
    bar.start(300, [report()] * 96)
    bar.done(report("errors"), "submission_0098.xlsx")
    bar.bar.refresh()
    bar.finish()
    text = shown(screen)
    assert "97/300" in text and "有错误 1 个" in text
    assert "submission_0098.xlsx" in text and "剩余" in text


def test_the_bar_and_the_lines_say_when_the_run_is_stopping():
    console, screen = terminal()
    bar = P.BarProgress(console)
    bar.start(10)
    bar.stopping()
    bar.bar.refresh()
    bar.finish()
    assert "正在停止……（再按 Ctrl-C 立即退出）" in shown(screen)
    progress, _clock, lines = lines_of()
    progress.stopping()
    assert lines == [P.STOPPING]


def test_a_gbk_console_gets_stand_ins_not_a_crash():
    console, screen = terminal("gbk")
    bar = P.BarProgress(console)
    bar.start(2)
    bar.done(report(), "第一党总支\u2603\x1b[31m.xlsx")  # a snowman GBK has not; an ESC
    bar.bar.refresh()
    bar.finish()
    assert bar.bar is not None  # still drawing
    assert "第一党总支\\u2603\\u241b[31m.xlsx" in shown(screen)  # ␛ is not in GBK either


class Broken(io.StringIO):
    def write(self, text):
        raise OSError("the console is gone")


def test_a_bar_that_cannot_draw_is_given_up_not_the_run():
    console = Console(file=Broken(), force_terminal=True)
    bar = P.BarProgress(console)
    bar.start(3)
    for _ in range(3):
        bar.done(report(), "x.xlsx")
    bar.finish()
    assert bar.done_files == 3


def test_a_terminal_gets_the_bar_a_pipe_lines_quiet_nothing(monkeypatch):
    assert type(P.progress_for(quiet=True)) is P.Progress
    assert type(P.progress_for(target=Console(file=io.StringIO()))) is P.LineProgress
    assert type(P.progress_for(target=Console(force_terminal=True))) is P.BarProgress
    monkeypatch.setattr(P, "rich_console", lambda: Console(force_terminal=True))
    assert type(P.progress_for()) is P.BarProgress


@pytest.fixture
def folder(tmp_path, make_rubric):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for i in range(3):
        make_rubric(name=f"{i}.xlsx").rename(inbox / f"{i}.xlsx")
    return inbox


def test_batch_and_check_print_progress_lines_not_one_per_file(cli, folder, tmp_path, monkeypatch):
    monkeypatch.setattr(P, "EVERY_FILES", 2)
    monkeypatch.setattr(P, "EVERY_SECONDS", 1e9)  # however busy the machine is
    result = cli("batch", folder, "--out", tmp_path / "o", "--jobs", "1")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        line for line in result.stderr.splitlines() if line.startswith("进度：已检查 2/3 个文件")
    ]
    assert len(result.stderr.splitlines()) == 1
    checked = cli("check", folder, "--jobs", "1")
    assert checked.stderr.startswith("进度：已检查 2/3 个文件（66%），有错误 0 个；已用")
    assert cli("check", folder, "--jobs", "1", "--quiet").stderr == ""
    assert cli("batch", folder, "--out", tmp_path / "o", "--fresh", "-q").stderr == ""


def test_a_stop_after_the_checking_is_said_on_a_terminal_too():
    """Ctrl-C while the 整改通知 are written (the bar is gone by then): a line says the run is
    stopping and that a second Ctrl-C leaves no report, not silence that invites one."""
    console, screen = terminal()
    bar = P.BarProgress(console)
    bar.start(2)
    bar.done(report(), "x.xlsx")
    bar.finish()
    before = shown(screen)
    bar.stopping()
    assert P.STOPPING_NOTICES in shown(screen)[len(before) :]
    progress, _clock, lines = lines_of()
    progress.start(2)
    progress.finish()
    progress.stopping()
    assert lines == [P.STOPPING_NOTICES]
