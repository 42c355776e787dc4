"""Benchmark: reading every member of a big zip in an inbox, one member after another.

    python benchmarks/bench_archive.py                  # 10,000 tiny members (the limit)
    python benchmarks/bench_archive.py --members 2000

A worker reads the members of a zip one by one (`archive.read_member`, one job per member).
Prints the time to list the zip, the time per member read, next to one `zipfile` read of the
same member from an archive opened once (the floor), and their ratio (goal: ≤ 3×; a zip of
10,000 members once took 117 ms a member — its directory parsed again for each, 20 minutes
for the zip — and now takes about a quarter of a millisecond).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path

from addin.archive import list_archive, read_member
from addin.file_kinds import WORKBOOK_SUFFIXES
from addin.limits import DEFAULT_LIMITS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=2_000, help="members read and timed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "材料.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for i in range(args.members):
                archive.writestr(f"材料/{i:05d}.xlsx", f"member {i}".encode())
        start = time.perf_counter()
        listing = list_archive(path, DEFAULT_LIMITS, Path(tmp), WORKBOOK_SUFFIXES)
        listed = time.perf_counter() - start
        members = listing.members[: args.reads]
        start = time.perf_counter()
        for member in members:
            read_member(member.source, member.index, DEFAULT_LIMITS)
        ours = (time.perf_counter() - start) / len(members)
        start = time.perf_counter()
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            for member in members:
                archive.read(infos[member.index])
        floor = (time.perf_counter() - start) / len(members)
    print(f"{args.members} members: listed in {listed:.2f} s")
    print(f"read_member: {ours * 1000:.3f} ms a member; bare zipfile read {floor * 1000:.3f} ms")
    print(f"ratio {ours / floor:.1f}× (goal ≤ 3×)")


if __name__ == "__main__":
    main()
