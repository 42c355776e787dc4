"""Gather a foreign corpus: .xlsx/.xlsm files from other projects' test suites (XlsxWriter,
ExcelJS, excelize, Apache POI), for `bench_copies.py`. Nothing here is committed.

The repositories are read from local git mirrors (bare or not), e.g. the ones the session's
`fetch` tool brings to /work/.mirror/<owner>+<name>/repo:

    python benchmarks/foreign_corpus.py --mirrors /work/.mirror --out /work/foreign

Per repository, every file whose name says it has what openpyxl drops (comments, pictures,
charts, shapes, buttons, macros, validations, conditional formats, tables, print settings) is
taken (spread over the list, up to two thirds of `--per-repo`), then others spread likewise.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

REPOS = ["jmcnamara+XlsxWriter", "exceljs+exceljs", "qax-os+excelize", "apache+poi"]
INTERESTING = re.compile(
    r"comment|image|picture|chart|shape|textbox|button|vml|macro|vba|xlsm|data_?valid|"
    r"cond|format|table|print|defined|hyperlink|drawing|header|protect|1904|rich|array|shared",
    re.I,
)


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={repo}", *args], check=True, capture_output=True
    ).stdout


def gather(mirrors: Path, out: Path, per_repo: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in REPOS:
        repo = mirrors / name / "repo"
        if not repo.exists():
            print(f"skip {name}: no mirror at {repo}")
            continue
        listing = git(repo, "ls-tree", "-r", "-l", "HEAD").decode("utf-8", "replace").splitlines()
        files = []
        for line in listing:
            meta, _, path = line.partition("\t")
            size = meta.split()[3]
            small = size.isdigit() and int(size) < 3_000_000
            if path.lower().endswith((".xlsx", ".xlsm")) and small:
                files.append(path)
        files.sort()
        interesting = [f for f in files if INTERESTING.search(Path(f).name)]
        rest = [f for f in files if f not in set(interesting)]
        chosen = _spread(interesting, per_repo * 2 // 3)
        chosen += _spread(rest, per_repo - len(chosen))
        for path in chosen:
            target = out / f"{name.split('+')[1]}__{path.replace('/', '__')}"
            target.write_bytes(git(repo, "show", f"HEAD:{path}"))
            written.append(target)
        print(f"{name}: {len(chosen)} of {len(files)} files")
    return written


def _spread(items: list[str], count: int) -> list[str]:
    """`count` items spread evenly over the sorted list (all when there are fewer)."""
    if count <= 0:
        return []
    if len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/work/foreign"))
    parser.add_argument("--per-repo", type=int, default=60)
    args = parser.parse_args()
    files = gather(args.mirrors, args.out, args.per_repo)
    print(f"{len(files)} files in {args.out}")


if __name__ == "__main__":
    main()
