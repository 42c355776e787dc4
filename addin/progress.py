"""How far a long run is, for people: a bar on a terminal, a plain line now and then elsewhere.

Everything goes through `console` (its `say` and the rich Console it makes): a console that
cannot show a character (a GBK Windows console, a name in another script) gets an escape, and
one that cannot be written at all (a closed pipe) loses the progress, never the run. A bar that
fails to draw is given up. Front ends only (cli): the checks print nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .console import fit, rich_console, say
from .safe_text import visible_line

if TYPE_CHECKING:
    from .report.model import FileReport

# Without a terminal (CI logs, a pipe): a line after this many files or seconds, whichever first.
EVERY_FILES = 100
EVERY_SECONDS = 15.0
NAME_WIDTH = 40  # characters of the current file's name on the bar
BAR_WIDTH = 20
STOPPING = "正在停止：不再开始新的文件，进行中的文件做完后写出部分报告（再按一次 Ctrl-C 立即退出）"
STOPPING_SHORT = "正在停止……（再按 Ctrl-C 立即退出）"
# Ctrl-C once the files are checked, while the 整改通知 are written (the report is closed after
# them): no bar any more, and a second Ctrl-C now costs the report.
STOPPING_NOTICES = (
    "正在停止：不再开始新的整改通知，进行中的做完后写出报告（再按一次 Ctrl-C 立即退出，不写出报告）"
)


class Progress:
    """Counts of a run as its files are done; shows nothing (`--quiet`). The subclasses show it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.total = self.done_files = self.checked = 0
        self.errors = self.unreadable = 0
        self.began = clock()
        self.finished = False  # the checking is over (`finish`)

    def start(self, total: int, reused: Sequence[FileReport] = ()) -> None:
        """`total` files; `reused`: the reports of files done already (an earlier run's)."""
        self.total, self.began = total, self.clock()
        for report in reused:
            self._count(report)

    def done(self, report: FileReport, current: str | None = None) -> None:
        """One file checked; `current`: the file the run now waits for, if any."""
        self._count(report)
        self.checked += 1

    def finish(self) -> None:
        """The run's checking is over (done, interrupted or failed)."""
        self.finished = True

    def stopping(self) -> None:
        """Ctrl-C: the run finishes the files under way, then writes what it has."""

    def _count(self, report: FileReport) -> None:
        self.done_files += 1
        self.errors += report.status == "errors"
        self.unreadable += report.status == "unreadable"

    def problems(self) -> str:
        text = f"有错误 {self.errors} 个"
        return text + (f"，无法读取 {self.unreadable} 个" if self.unreadable else "")

    def remaining(self) -> float | None:
        """Seconds left at the pace of the files checked so far (reused ones take none)."""
        if not self.checked:
            return None
        left = self.total - self.done_files
        return (self.clock() - self.began) / self.checked * left


class LineProgress(Progress):
    """No terminal: a plain line every `every_files` files or `every_seconds`, not one per file."""

    def __init__(
        self,
        every_files: int = EVERY_FILES,
        every_seconds: float = EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        write: Callable[[str], None] = lambda line: say(line, err=True),
    ):
        super().__init__(clock)
        self.every_files, self.every_seconds, self.write = every_files, every_seconds, write
        self.last_files, self.last_time = 0, clock()

    def start(self, total: int, reused: Sequence[FileReport] = ()) -> None:
        super().start(total, reused)
        self.last_files, self.last_time = self.done_files, self.clock()

    def done(self, report: FileReport, current: str | None = None) -> None:
        super().done(report, current)
        now = self.clock()
        due = (
            self.done_files - self.last_files >= self.every_files
            or now - self.last_time >= self.every_seconds
        )
        if due and self.done_files < self.total:
            self.last_files, self.last_time = self.done_files, now
            self.write(self.line())

    def stopping(self) -> None:
        self.write(STOPPING_NOTICES if self.finished else STOPPING)

    def line(self) -> str:
        percent = self.done_files * 100 // max(self.total, 1)
        text = (
            f"进度：已检查 {self.done_files}/{self.total} 个文件（{percent}%），{self.problems()}；"
            f"已用 {clock_text(self.clock() - self.began)}"
        )
        left = self.remaining()
        return text + (f"，预计还需 {clock_text(left)}" if left is not None else "")


class BarProgress(Progress):
    """A terminal: a rich bar — files done / total, errors so far, elapsed and remaining time,
    the file the run waits for. A bar that cannot be drawn is given up, not the run."""

    def __init__(self, target=None, clock: Callable[[], float] = time.monotonic):
        super().__init__(clock)
        self.target = target if target is not None else rich_console()
        self.bar: Any = None
        self.task: Any = None

    def start(self, total: int, reused: Sequence[FileReport] = ()) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar
        from rich.table import Column

        super().start(total, reused)
        fit = self._fit
        self.bar = Bar(
            TextColumn(fit("检查")),
            BarColumn(bar_width=BAR_WIDTH),
            MofNCompleteColumn(),
            TextColumn("{task.fields[problems]}", markup=False),
            TextColumn(fit("已用")),
            TimeElapsedColumn(),
            TextColumn(fit("剩余")),
            TimeRemainingColumn(),
            # The file's name gives way first on a narrow terminal.
            TextColumn(
                "{task.fields[current]}",
                markup=False,
                table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
            ),
            console=self.target,
            expand=True,
            redirect_stdout=False,
            redirect_stderr=False,
            refresh_per_second=4,
        )
        self._safely(lambda: self._begin(len(reused)))

    def _begin(self, reused: int) -> None:
        self.task = self.bar.add_task(
            "", total=self.total, completed=reused, problems=self._fit(self.problems()), current=""
        )
        self.bar.start()

    def done(self, report: FileReport, current: str | None = None) -> None:
        super().done(report, current)
        shown = self._fit(_shorten(current)) if current else ""
        self._safely(
            lambda: self.bar.update(
                self.task, advance=1, problems=self._fit(self.problems()), current=shown
            )
        )

    def finish(self) -> None:
        super().finish()
        self._safely(lambda: self.bar.stop())

    def stopping(self) -> None:
        if self.finished:  # the bar is gone: a line of its own
            line = self._fit(STOPPING_NOTICES)
            self._safely(lambda: self.target.print(line, markup=False, highlight=False))
            return
        self._safely(lambda: self.bar.update(self.task, current=self._fit(STOPPING_SHORT)))

    def _safely(self, step: Callable[[], object]) -> None:
        if self.bar is None:
            return
        try:
            step()
        except Exception:  # the console cannot show it: no bar from here on
            bar, self.bar = self.bar, None
            with contextlib.suppress(Exception):
                bar.stop()

    def _fit(self, text: str) -> str:
        return fit(visible_line(text), getattr(self.target, "encoding", None))


def progress_for(quiet: bool = False, target=None) -> Progress:
    """Nothing with `quiet`; a bar when `target` (a rich Console, default: stderr's) is a
    terminal; else plain lines on stderr."""
    if quiet:
        return Progress()
    target = target if target is not None else rich_console()
    if target.is_terminal:
        return BarProgress(target)
    return LineProgress(EVERY_FILES, EVERY_SECONDS)


def clock_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _shorten(text: str) -> str:
    return text if len(text) <= NAME_WIDTH else "…" + text[-(NAME_WIDTH - 1) :]
