"""Windows' own ways, forced on Linux so they cannot rot unseen: LibreOffice killed with its
whole tree by taskkill. (Spawned workers and the missing memory cap: test_isolation.py; a GBK
console: test_console.py.)"""

from __future__ import annotations

import subprocess
import sys
import time

from addin.workbook import convert


def test_a_hung_conversion_is_killed_with_taskkill_on_windows(monkeypatch):
    calls = []
    real_run = subprocess.run

    def record(command, **kwargs):
        if command[0] == "taskkill":
            calls.append(command)
            return subprocess.CompletedProcess(command, 0)
        return real_run(command, **kwargs)

    monkeypatch.setattr(convert.subprocess, "run", record)
    started = time.monotonic()
    hung = [sys.executable, "-c", "import time; time.sleep(30)"]
    assert convert.run_group(hung, 0.5, posix=False) is False
    assert time.monotonic() - started < 10  # killed, not waited for
    assert len(calls) == 1
    assert calls[0][:4] == ["taskkill", "/F", "/T", "/PID"] and calls[0][4].isdigit()


def test_a_conversion_that_ends_in_time_is_not_killed(monkeypatch):
    monkeypatch.setattr(convert.subprocess, "run", lambda *a, **k: pytest_fail())
    assert convert.run_group([sys.executable, "-c", "pass"], 20, posix=False) is True


def pytest_fail():
    raise AssertionError("taskkill must not run for a conversion that finished")
