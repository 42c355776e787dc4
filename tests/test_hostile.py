"""A batch you can trust with any inbox: the generated hostile corpus (tests/corpus/) end to end.

Each command runs as a real process (a native abort must not take the test run with it), and its
peak RSS is that of every process it started: the batch and the CI formats each as a `python -m
addin` of its own under a small wrapper (RUSAGE_CHILDREN), `check` and `fill` on each file each
in a process forked from one start-up (`forked_cli`: the same command line, exit code and
streams, for a tenth of the CPU).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import digest
from corpus import make_corpus
from forked_cli import run_cli
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
GIB_KB = 1024 * 1024

# case → (exit code of `jiceng check` on that file alone, the one finding code it must carry)
EXPECTED = {
    "clean": (0, None),
    "gnumeric_dimension": (0, None),  # huge <dimension>, little content: read normally
    "far_corner": (2, "file.too_large"),
    "far_row": (2, "file.too_large"),
    "rows_200k": (2, "file.too_large"),
    "whitespace_bomb": (2, "file.too_large"),
    "laughs_sheet": (2, "file.unreadable"),
    "laughs_sst": (2, "file.unreadable"),
    "laughs_core": (2, "file.unreadable"),
    "xxe_sheet": (2, "file.unreadable"),
    "xxe_sst": (2, "file.unreadable"),
    "xxe_core": (2, "file.unreadable"),
    "control_chars": (1, "rubric.score_not_number"),
    "raw_control_chars": (0, None),
    "formula_text": (1, "rubric.score_not_number"),
    "formula_file_name": (0, None),
    "encrypted": (2, "file.unreadable"),
    "legacy_xls": (0, None),  # read by calamine like the .xlsx it was made from
    "docx_renamed": (2, "file.unreadable"),
    "empty": (2, "file.unreadable"),
    "truncated": (2, "file.unreadable"),
}


@dataclass
class Run:
    rc: int
    out: str
    err: str
    rss_kb: int  # the largest process of the run (parent or worker)
    seconds: float


_MEASURE = (
    "import json,resource,subprocess,sys,time\n"
    "t=time.monotonic()\n"
    "p=subprocess.run(sys.argv[1:],capture_output=True)\n"
    "print(json.dumps({'rc':p.returncode,'out':p.stdout.decode('utf-8','replace'),"
    "'err':p.stderr.decode('utf-8','replace'),"
    "'rss_kb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    "'seconds':time.monotonic()-t}))"
)


def jiceng(*args: object, timeout: float = 600) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "addin", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return Run(**json.loads(done.stdout))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    made = make_corpus(tmp_path_factory.mktemp("corpus") / "收件箱")
    if "legacy_xls" not in made:
        EXPECTED.pop("legacy_xls")
    return made


@pytest.fixture(scope="module")
def batch_run(corpus, tmp_path_factory):
    folder = next(iter(corpus.values())).parent
    before = {p: digest(p) for p in folder.iterdir()}
    out = tmp_path_factory.mktemp("batch") / "输出"
    run = jiceng("batch", folder, "--out", out, "--jobs", "2")
    return run, out, before


def report_files(out: Path) -> dict[str, dict]:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {f["path"]: f for f in data["files"]}


def test_batch_survives_the_whole_corpus(batch_run, corpus):
    run, out, before = batch_run
    assert run.rc == 0, run.err
    assert "Traceback" not in run.err + run.out
    assert {p: digest(p) for p in before} == before  # no original touched
    assert run.rss_kb < GIB_KB, f"peak RSS {run.rss_kb // 1024} MB"
    files = report_files(out)
    assert sorted(files) == sorted(p.name for p in corpus.values())
    assert list(files) == sorted(files)  # sorted file order, whatever the worker timing


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_case_gets_its_finding_in_the_batch_report(batch_run, corpus, case):
    if case not in corpus:
        pytest.skip("LibreOffice is needed to make a real .xls")
    _run, out, _ = batch_run
    report = report_files(out)[corpus[case].name]
    _rc, code = EXPECTED[case]
    codes = [f["code"] for f in report["findings"]]
    if code is None:
        assert not [c for c in codes if c != "file.annotate_failed"], codes
    else:
        assert code in codes
    if code in ("file.too_large", "file.unreadable"):
        assert report["status"] == "unreadable" and codes == [code]


def test_too_large_names_the_member_and_the_figure(batch_run, corpus):
    _run, out, _ = batch_run
    files = report_files(out)
    far = files[corpus["far_corner"].name]["findings"][0]["message"]
    assert "xl/worksheets/sheet1.xml" in far and "XFD1048576" in far and "100000" in far
    bomb = files[corpus["whitespace_bomb"].name]["findings"][0]["message"]
    assert "xl/worksheets/sheet1.xml" in bomb and "100:1" in bomb
    dtd = files[corpus["xxe_sst"].name]["findings"][0]["message"]
    assert "xl/sharedStrings.xml" in dtd and "DTD" in dtd


def test_the_report_is_readable_and_holds_no_formula(batch_run):
    import python_calamine

    _run, out, _ = batch_run
    book = out / "汇总报告.xlsx"
    wb = load_workbook(book)
    assert wb.sheetnames[0] == "概览"
    python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("问题清单").to_python()
    assert formula_cells(book) == set()
    names = [row[0] for row in wb["文件"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http---evil","x").xlsx' in names  # the file name, shown as typed
    cell = next(c for c in wb["文件"]["A"] if c.value == '=HYPERLINK("http---evil","x").xlsx')
    assert cell.data_type == "s" and cell.quotePrefix


def test_hostile_text_is_text_in_report_and_copies(batch_run, corpus):
    _run, out, _ = batch_run
    wb = load_workbook(out / "汇总报告.xlsx")
    branches = {row[1] for row in wb["党支部"].iter_rows(min_row=2, values_only=True)}
    assert "第一␇党支部␛[31m" in branches  # control characters made visible
    assert '=HYPERLINK("http://evil.example","click")' in branches
    copy = out / "批注副本" / corpus["formula_text"].name
    assert formula_cells(copy) <= formula_cells(corpus["formula_text"])
    sheet = load_workbook(copy)["第一党支部"]
    assert sheet["B3"].value == '=HYPERLINK("http://evil.example","click")'
    assert sheet["B3"].data_type == "s"
    findings = load_workbook(copy)["校验结果"]
    texts = [c.value for row in findings.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=cmd|' /C calc'!A0" in texts
    assert all(c.data_type != "f" for row in findings.iter_rows() for c in row)


def legacy_copy(corpus) -> set[str]:
    """The .xls gets its copy as .xls.xlsx (converted by LibreOffice, which made the .xls)."""
    return {corpus["legacy_xls"].name + ".xlsx"} if "legacy_xls" in corpus else set()


def test_copies_only_for_files_with_a_template(batch_run, corpus):
    _run, out, _ = batch_run
    copies = {p.name for p in (out / "批注副本").iterdir()}
    assert copies == {
        corpus[c].name
        for c in (
            "clean",
            "gnumeric_dimension",
            "control_chars",
            "formula_text",
            "formula_file_name",
        )
    } | legacy_copy(corpus)
    files = report_files(out)
    raw = [f["code"] for f in files[corpus["raw_control_chars"].name]["findings"]]
    assert raw == ["file.annotate_failed"]  # checked, but openpyxl cannot parse the bad XML


def test_copy_of_a_far_dimension_costs_nothing(batch_run, corpus):
    _run, out, _ = batch_run
    copy = out / "批注副本" / corpus["gnumeric_dimension"].name
    assert copy.stat().st_size < 4 * corpus["gnumeric_dimension"].stat().st_size
    assert load_workbook(copy)["第一党支部"]["D24"].value == "先进"


def test_formula_cells_sees_formulas(corpus):
    assert formula_cells(corpus["control_chars"]) == {("xl/worksheets/sheet1.xml", "D6")}


def formula_cells(path: Path) -> set[tuple[str, str]]:
    """(part, cell) of every formula cell in an .xlsx, read from the XML itself."""
    found = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*<f[ >/]', xml, re.S):
                    found.add((name, m.group(1)))
    return found


@pytest.fixture(scope="module")
def checked(corpus) -> dict[str, tuple[str, Run]]:
    """`jiceng check FILE --format json` on each file of the corpus, each in its own process:
    case → (the file's digest before, the run)."""
    before = {case: digest(path) for case, path in corpus.items()}
    runs = run_cli([{"args": ["check", path, "--format", "json"]} for path in corpus.values()])
    return {
        case: (before[case], Run(r.rc, r.out.decode(), r.err.decode(), r.rss_kb, r.seconds))
        for case, r in zip(corpus, runs, strict=True)
    }


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_check_on_each_file(corpus, checked, case):
    if case not in corpus:
        pytest.skip("LibreOffice is needed to make a real .xls")
    path = corpus[case]
    before, run = checked[case]
    rc, code = EXPECTED[case]
    assert run.rc == rc, run.err
    assert "Traceback" not in run.err
    (report,) = json.loads(run.out)["files"]
    codes = [f["code"] for f in report["findings"]]
    assert (code in codes) if code else not codes
    assert digest(path) == before
    assert run.rss_kb < GIB_KB


FILLED = ["far_corner", "whitespace_bomb", "control_chars", "formula_text"]


@pytest.fixture(scope="module")
def filled(corpus, tmp_path_factory) -> dict[str, tuple[Path, Run]]:
    """`jiceng fill FILE --out COPY --strict` on each of FILLED, each in its own process:
    case → (the copy's path, the run)."""
    targets = {case: tmp_path_factory.mktemp(f"fill-{case}") / "copy.xlsx" for case in FILLED}
    runs = run_cli(
        [{"args": ["fill", corpus[case], "--out", targets[case], "--strict"]} for case in FILLED]
    )
    return {
        case: (targets[case], Run(r.rc, r.out.decode(), r.err.decode(), r.rss_kb, r.seconds))
        for case, r in zip(FILLED, runs, strict=True)
    }


@pytest.mark.parametrize("case", FILLED)
def test_fill_on_hostile_files(corpus, filled, case):
    path = corpus[case]
    target, run = filled[case]
    rc, code = EXPECTED[case]
    assert run.rc == rc, run.err
    assert "Traceback" not in run.err
    assert code in run.out + run.err
    if rc == 2:
        assert not target.exists()
    else:
        wb = load_workbook(target)
        assert "校验结果" in wb.sheetnames
        assert formula_cells(target) <= formula_cells(path)
    assert run.rss_kb < GIB_KB


def test_ci_formats_stay_valid_on_hostile_text(corpus):
    from xml.etree import ElementTree as ET

    folder = corpus["control_chars"]
    runs = run_cli(
        [
            {"args": ["check", folder, corpus["formula_text"], "--format", "junit"]},
            {"args": ["check", folder]},
            {"args": ["check", folder, "--format", "github"]},
        ]
    )
    assert runs[0].rc == 1
    junit, text, github = (run.out.decode() for run in runs)
    ET.fromstring(junit.encode("utf-8"))  # well-formed despite BEL and ESC in the file
    assert "␇" in junit
    assert "\x1b" not in text and "\x07" not in text and "第一␇党支部␛[31m" in text
    assert all(line.startswith("::") for line in github.splitlines())


def test_a_native_abort_of_the_reader_is_a_finding_not_silence(corpus):
    """With the content limits lifted, the far corner reaches calamine, which asks for ~550 GB
    and aborts the process: the worker's death becomes file.too_large, and the next file is
    still checked."""
    from dataclasses import replace

    from addin.batch import FileJob, check_files
    from addin.limits import DEFAULT_LIMITS, MIB
    from addin.spec import load_specs

    limits = replace(
        DEFAULT_LIMITS, max_rows=2_000_000, max_cols=20_000, max_cells=1 << 40, memory=1024 * MIB
    )
    jobs = [FileJob(corpus[c], c) for c in ("far_corner", "clean")]
    far, clean = check_files(jobs, load_specs(), workers=1, limits=limits)
    assert [f.code for f in far.report.findings] == ["file.too_large"]
    assert far.report.findings[0].message == "文件超出处理上限，未检查：读取时需要的内存超过上限"
    assert clean.report.status == "ok" and clean.report.branches[0].grade == "先进"
