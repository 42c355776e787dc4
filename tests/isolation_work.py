"""Work functions for the isolation tests: module level, so spawned workers can import them."""

from __future__ import annotations

import os
import sys
import time

IMPORTED_BY = os.getpid()  # the process that imported this module: a worker, or where it came from


def behave(item: str) -> str:
    """Do what the item says: return, abort natively, hang, run out of memory, or raise."""
    if item == "abort":
        os.write(2, b"memory allocation of 549755813888 bytes failed\n")
        os.abort()
    if item == "segfault":
        import ctypes

        ctypes.string_at(0)
    if item == "hang":
        time.sleep(60)
    if item == "memory":
        raise MemoryError
    if item == "huge":
        # 4 GB of address space: past any cap in the tests. bytes(n) is calloc'd, its pages
        # reserved and never written, so the cap is reached at once (a bytearray's zeroed
        # pages took a loaded machine seconds to write on the way to it).
        blocks = [bytes(64 << 20) for _ in range(64)]
        return str(len(blocks))
    if item == "bug":
        raise ValueError("a defect")
    if item == "panic":  # what pyo3 raises when Rust code panics: not an Exception
        raise type("PanicException", (BaseException,), {})("no entry found for key")
    if item.startswith("stamp"):  # sleep, then say when it ended (one clock for all processes)
        time.sleep(float(item[5:]))
        return f"{time.monotonic()}"
    if item == "modules":  # was the module preloaded before this worker started?
        return "preloaded" if "isolation_preloaded" in sys.modules else "not preloaded"
    if item == "inherited":  # was this module imported before the worker started?
        return "inherited" if os.getpid() != IMPORTED_BY else "imported by the worker"
    if item == "collector":  # does the worker collect cyclic garbage?
        import gc

        return "collects" if gc.isenabled() else "does not collect"
    if item == "start_method":  # set in a spawned worker by multiprocessing's preparation
        import multiprocessing

        return str(multiprocessing.get_start_method(allow_none=True))
    if item == "address_space":  # the worker's memory cap as the kernel holds it (Linux)
        with open("/proc/self/limits") as limits:
            line = next(x for x in limits if x.startswith("Max address space"))
        return line.split()[3]
    if item.startswith("libreoffice:"):  # run the program at this path, as LibreOffice is run
        from addin.workbook.convert import run_group

        return str(run_group([item.partition(":")[2]], 120))
    if item.startswith("slow"):
        time.sleep(float(item[4:]))
    return f"done {item} in {os.getpid()}"
