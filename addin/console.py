"""The one place where Jiceng's output reaches the terminal.

On Chinese Windows, stdout and stderr redirected to a file or a pipe use the locale's code page
(GBK, cp936), which has no emoji, no GB18030-only characters and no control pictures (␈); a
closed pipe (`| head`) or a full disk fails any write. Two kinds of output, two rules:

- **Machine formats** (JSON, SARIF, JUnit, GitHub workflow commands) are UTF-8 by their
  specifications: `write_data` puts UTF-8 bytes on stdout's buffer, whatever the console.
- **Text for people** degrades and never fails: what the stream's encoding cannot show becomes
  an escape (`\\U0001f600`), and a write that fails silences that stream for the rest of the run
  (printing is the last and least important output: a batch still writes its report and
  copies). `say`, `SafeStream` (a file for rich's `Console`: `rich_console`) and `LogHandler`
  all write this way.

The streams are looked up at every write (`sys.stdout` as it is then), so a test runner's
captured streams work as well as the process's own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console

StreamName = Literal["stdout", "stderr"]


def fit(text: str, encoding: str | None) -> str:
    """`text` as `encoding` can carry it: every character it has no code for escaped."""
    try:
        return text.encode(encoding or "utf-8", "backslashreplace").decode(
            encoding or "utf-8", "replace"
        )
    except LookupError:  # an encoding Python does not know: UTF-8 escapes what it must
        return fit(text, "utf-8")


class SafeStream:
    """A text stream for people over sys.stdout or sys.stderr: unencodable characters escaped,
    and after a failed write (closed pipe, full disk, closed file) every later write is
    dropped. Has what rich's Console asks of a file (write, flush, isatty, encoding)."""

    def __init__(self, name: StreamName):
        self.name = name
        self._dead: object | None = None  # the stream a write failed on

    @property
    def stream(self):
        return getattr(sys, self.name)

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    @property
    def broken(self) -> bool:
        return self.broken_at(self.stream)

    def broken_at(self, stream) -> bool:
        """Has a write to `stream` (or to the stream it guards) failed?"""
        if isinstance(stream, _Guarded):
            stream = stream._stream
        return self._dead is not None and self._dead is stream

    def write(self, text: str) -> int:
        if not self.broken:
            stream = self.stream
            try:
                stream.write(fit(text, self.encoding))
            except (OSError, ValueError):
                self.give_up(stream)
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            stream = self.stream
            try:
                stream.flush()
            except (OSError, ValueError):
                self.give_up(stream)

    def isatty(self) -> bool:
        try:
            return not self.broken and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def give_up(self, stream) -> None:
        """No more writes to `stream`. Its file descriptor is pointed at the null device, so
        that the interpreter's last flush at exit does not fail (and turn the exit code to
        120) on what is still in its buffer."""
        if isinstance(stream, _Guarded):
            stream = stream._stream
        self._dead = stream
        with contextlib.suppress(Exception):
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, stream.fileno())
            finally:
                os.close(null)


STDOUT = SafeStream("stdout")
STDERR = SafeStream("stderr")


def say(text: str = "", *, err: bool = False) -> None:
    """One line (or block) of text for people, on stdout or (err=True) stderr."""
    stream = STDERR if err else STDOUT
    stream.write(text + "\n")
    stream.flush()


def write_data(text: str) -> None:
    """A machine-readable report on stdout as UTF-8 bytes, ending with one line break."""
    stream = sys.stdout
    if STDOUT.broken_at(stream):
        return
    data = text if text.endswith("\n") else text + "\n"
    try:
        stream.flush()  # what was said before comes first
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream (io.StringIO) has no encoding to avoid
            stream.write(data)
        else:
            buffer.write(data.encode("utf-8", "replace"))
            buffer.flush()
    except (OSError, ValueError):
        STDOUT.give_up(stream)


def rich_console(*, err: bool = True, **options) -> Console:
    """A rich Console over the safe stream (stderr unless err=False), e.g. for a progress bar."""
    from rich.console import Console

    return Console(file=STDERR if err else STDOUT, **options)


class LogHandler(logging.Handler):
    """Log records for people on stderr: the message only (a traceback goes to the log file);
    a failure to print is no logging error."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string in a message: show it as it was written
            text = str(record.msg)
        # A worker's record (`isolation`) comes with its traceback in the text: the log's too.
        text, relayed, _traceback = text.partition("\nTraceback (most recent call last):")
        say(f"提示：{text}（详情见日志）" if record.exc_info or relayed else text, err=True)


class _Guarded:
    """sys.stdout / sys.stderr during a command-line run: what typer and rich print themselves
    (help pages, usage errors) escapes what the encoding lacks and, like `say`, drops a write
    that fails instead of ending the run with a traceback. Everything else is the stream's."""

    def __init__(self, stream, guard: SafeStream):
        self._stream, self._guard = stream, guard

    def write(self, text: str) -> int:
        if not self._guard.broken_at(self._stream):
            try:
                return self._stream.write(text)
            except (OSError, ValueError):
                self._guard.give_up(self._stream)
        return len(text)

    def flush(self) -> None:
        if not self._guard.broken_at(self._stream):
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._guard.give_up(self._stream)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def setup() -> None:
    """For a run of the command line (`cli.main`), not for a library caller: the process's
    own streams escape what they cannot encode and survive a failed write."""
    for name, guard in (("stdout", STDOUT), ("stderr", STDERR)):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, _Guarded):
            continue
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, _Guarded(stream, guard))
