"""Jiceng on a Chinese Windows console, the way it runs there: stdout and stderr redirected to
a pipe or a file take the locale's code page (GBK, cp936; here forced by PYTHONIOENCODING).

No character may crash a run: an emoji in a sheet name, a GB18030-only character in a branch
name, a control character in a cell. Machine formats are UTF-8 whatever the console; text for
people is escaped where the code page has no character; a failed print (closed pipe, full disk)
never stops a batch from writing its report and copies. Every command runs as a real process
(`forked_cli`: forked from one start-up of Python with the console's encoding).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from corpus import control_characters
from forked_cli import Ran, run_cli
from summary_helpers import FIELDS, submission

from addin import console
from addin.batch import ANNOTATED_DIR, REPORT_BOOK, REPORT_JSON
from addin.kinds.rubric.template import rubric_workbook
from addin.spec import load_specs

EMOJI = "😀"
RARE = "\U00020000"  # 𠀀: in GB18030 (four bytes), not in GBK
EMOJI_BRANCH = f"机关第一党支部{EMOJI}"
RARE_BRANCH = f"第二党支部{RARE}"
FORMATS = ["text", "json", "junit", "github", "sarif"]


def test_the_characters_are_what_gbk_cannot_encode():
    for text in (EMOJI, RARE, "␇"):
        with pytest.raises(UnicodeEncodeError):
            text.encode("gbk")
    assert RARE.encode("gb18030").decode("gb18030") == RARE


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """A folder with a space and Chinese in its name and in its files' names."""
    folder = tmp_path_factory.mktemp("console") / "2022 收件箱"
    folder.mkdir()
    spec = load_specs().by_id("rubric_2022")
    scores = {i.no: float(i.points) for i in spec.items}
    scores[1] = 6.0  # above its 5 points: a finding on each of these sheets
    rubric_workbook(spec, {EMOJI_BRANCH: scores}).save(folder / "机关 党委.xlsx")
    rubric_workbook(spec, {RARE_BRANCH: scores}).save(folder / "生僻字 党支部.xlsx")
    control_characters(folder)  # control_chars.xlsx: BEL in the branch name, 2 errors
    return folder


# Every command line below, each a process of its own forked from one start-up per console
# encoding (`forked_cli`): the console's encoding is set as a real one sets it, when Python
# starts (PYTHONIOENCODING), and each child has its own stdout and stderr.
PRELOAD = ("addin.cli", "addin.batch", "addin.report.inbox")
COMMANDS = [
    (["--help"], 0),
    (["--version"], 0),
    (["check", "--help"], 0),
    (["batch", "--help"], 0),
    (["codes"], 0),
    (["due", "5 月/12 月", "--year", "2022", "--as-of", "2022-06-15"], 0),
    (["check", "--as-of", "去年", "x.xlsx"], 2),  # a usage error in Chinese on stderr
    (["frob"], 2),
]
JSON_COMMANDS = {
    "codes": ["codes", "-f", "json"],
    "due": ["due", "4 月底", "-f", "json", "--year", "2022"],
    "schema": ["schema"],
}
TYPER_PRINTS = [
    (["--help"], 0, "stdout"),
    (["check", "--help"], 0, "stdout"),
    (["frob"], 2, "stderr"),  # the usage error typer prints itself
    (["codes", "-f", "json"], 0, "stdout"),
]
FULL = Path("/dev/full")


def _command_lines(inbox: Path, roster_inbox: Path, work: Path) -> dict[tuple, tuple[str, dict]]:
    """key → (console encoding, command line with its streams) for every test of this file."""
    lines: dict[tuple, tuple[str, dict]] = {}
    for format in FORMATS:
        lines["check", format, "gbk", "pipe"] = ("gbk", {"args": ["check", inbox, "-f", format]})
        stdout = work / f"check-{format}" / "stdout.txt"
        stdout.parent.mkdir()
        lines["check", format, "cp936", "file"] = (
            "cp936",
            {"args": ["check", inbox, "-f", format], "stdout": stdout},
        )
    report = work / "结果 文件.json"
    lines["check to a file"] = ("gbk", {"args": ["check", inbox, "-f", "json", "-o", report]})
    for encoding, stdout in [("gbk", "pipe"), ("cp936", "file")]:
        out = work / f"batch-{encoding}" / "输出 文件夹"
        target = "pipe" if stdout == "pipe" else out.parent / "stdout.txt"
        out.parent.mkdir()
        lines["batch", encoding, stdout] = (
            encoding,
            {"args": ["batch", inbox, "-o", out], "stdout": target},
        )
    if FULL.exists():
        out = work / "full" / "out"
        lines["batch on a full disk"] = (
            "gbk",
            {"args": ["batch", inbox, "-o", out, "--strict"], "stdout": FULL, "stderr": FULL},
        )
    for command, extra in [("batch", ["-o", work / "closed" / "out"]), ("check", ["-f", "json"])]:
        lines["closed pipe", command] = (
            "gbk",
            {"args": [command, inbox, *extra], "stdout": "closed"},
        )
    for args, _expected, broken in TYPER_PRINTS:
        for how in ["full disk", "closed pipe"]:
            if how == "full disk" and not FULL.exists():
                continue
            target = FULL if how == "full disk" else "closed"
            lines["typer", *args, how] = ("gbk", {"args": args, broken: target})
    lines["roster"] = (
        "gbk",
        {
            "args": [
                "batch",
                roster_inbox,
                "-o",
                roster_inbox.parent / "输出",
                "--roster",
                roster_inbox.parent / "名单 2022.csv",
            ]
        },
    )
    for args, _expected in COMMANDS:
        lines["command", *args] = ("gbk", {"args": args})
    for name, args in JSON_COMMANDS.items():
        lines["json", name] = ("gbk", {"args": args})
    made = work / "made"
    made.mkdir()
    copy = made / "副本 文件夹" / "机关 党委.xlsx"
    copy.parent.mkdir()
    lines["fill"] = ("gbk", {"args": ["fill", inbox / "机关 党委.xlsx", "--out", copy]})
    lines["templates"] = ("gbk", {"args": ["templates", "--out", made / "模板 2022"]})
    lines["lite"] = ("gbk", {"args": ["lite", "--out", made / "精简 版"]})
    lines["desktop"] = ("gbk", {"args": ["desktop", "--out", made / "桌面 版"]})
    return lines


@pytest.fixture(scope="module")
def ran(inbox, roster_inbox, tmp_path_factory) -> dict[tuple, tuple[dict, Ran]]:
    """key → (command line, what its process did), the runs of each console encoding in one go."""
    lines = _command_lines(inbox, roster_inbox, tmp_path_factory.mktemp("runs"))
    done: dict[tuple, tuple[dict, Ran]] = {}
    for encoding in ("gbk", "cp936"):
        keys = [key for key, (enc, _line) in lines.items() if enc == encoding]
        runs = run_cli([lines[key][1] for key in keys], encoding=encoding, preload=PRELOAD)
        for key, run in zip(keys, runs, strict=True):
            done[key] = (lines[key][1], run)
    return done


def jiceng(ran, key, encoding: str = "gbk") -> tuple[int, bytes, str]:
    """The run of `key`: (exit code, stdout bytes (the file's, when stdout was a file), stderr
    text decoded with the console's encoding, which must work)."""
    line, run = ran[key]
    stdout = line.get("stdout", "pipe")
    out = Path(stdout).read_bytes() if isinstance(stdout, Path) and stdout != FULL else run.out
    err = run.err.decode(encoding)
    assert "Traceback" not in err, err
    return run.rc, out, err


@pytest.mark.parametrize(
    "format, encoding, stdout",
    [(f, "gbk", "pipe") for f in FORMATS] + [(f, "cp936", "file") for f in FORMATS],
)
def test_check_prints_every_format_on_a_gbk_console(ran, format, encoding, stdout):
    code, out, err = jiceng(ran, ("check", format, encoding, stdout), encoding)
    assert code == 1, err  # control_chars.xlsx has errors: exit 1, as documented
    if format == "text":
        text = out.decode(encoding)  # the console's code page, escapes where it has no character
        assert "机关第一党支部\\U0001f600" in text and "第二党支部\\U00020000" in text
        assert "第1项“得分”不是数字：5\\u2407" in text
        assert "共检查 3 个文件：4 个错误" in text
        return
    text = out.decode("utf-8")  # machine formats: UTF-8 bytes whatever the console
    assert EMOJI_BRANCH in text and RARE_BRANCH in text and "5␇" in text
    if format in ("json", "sarif"):
        data = json.loads(text)
        if format == "json":
            sheets = {b["sheet"] for f in data["files"] for b in f["branches"]}
            assert {EMOJI_BRANCH, RARE_BRANCH} <= sheets
            assert {Path(f["path"]).name for f in data["files"]} >= {"机关 党委.xlsx"}
    elif format == "junit":
        names = {case.get("name") for case in ET.fromstring(out).iter("testcase")}
        assert {EMOJI_BRANCH, RARE_BRANCH} <= names
    else:
        lines = text.splitlines()
        assert all(line.startswith("::") for line in lines)
        assert sum(f"::{EMOJI_BRANCH}!D5 " in line for line in lines) == 1


def test_output_files_are_utf8_whatever_the_console(ran):
    code, out, _err = jiceng(ran, "check to a file")
    assert (code, out) == (1, b"")
    report = ran["check to a file"][0]["args"][-1]
    files = json.loads(report.read_bytes().decode("utf-8"))["files"]
    assert {b["name"] for f in files for b in f["branches"]} >= {EMOJI_BRANCH, RARE_BRANCH}


def batch_outputs_written(out: Path) -> None:
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert {b["name"] for f in report["files"] for b in f["branches"]} >= {
        EMOJI_BRANCH,
        RARE_BRANCH,
    }
    assert (out / REPORT_BOOK).is_file()
    copies = {p.name for p in (out / ANNOTATED_DIR).iterdir()}
    assert copies == {"机关 党委.xlsx", "生僻字 党支部.xlsx", "control_chars.xlsx"}


@pytest.mark.parametrize("encoding, stdout", [("gbk", "pipe"), ("cp936", "file")])
def test_batch_on_a_gbk_console_writes_everything(ran, encoding, stdout):
    code, printed, err = jiceng(ran, ("batch", encoding, stdout), encoding)
    assert code == 0, err
    text = printed.decode(encoding)
    assert "工作表“机关第一党支部\\U0001f600”" in text and "共检查 3 个文件" in text
    assert "已检查 机关 党委.xlsx" not in err  # progress: a line now and then, not one per file
    batch_outputs_written(ran["batch", encoding, stdout][0]["args"][3])


def test_batch_writes_everything_when_stdout_and_stderr_are_a_full_disk(ran):
    if not FULL.exists():
        pytest.skip("no /dev/full on this system")
    line, done = ran["batch on a full disk"]
    assert done.rc == 1  # --strict: errors found (not 120, a failed flush at exit)
    batch_outputs_written(line["args"][3])


@pytest.mark.parametrize("command", ["batch", "check"])
def test_a_closed_pipe_stops_no_run(ran, command):
    """`jiceng batch 收件箱 | head -1`: the reader is gone before the first line."""
    line, done = ran["closed pipe", command]
    err = done.err.decode("gbk")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if command == "batch":
        assert done.rc == 0
        batch_outputs_written(line["args"][3])
    else:
        assert done.rc == 1  # the report's exit code, not a crash's


@pytest.mark.parametrize("args, expected, broken", TYPER_PRINTS)
@pytest.mark.parametrize("how", ["full disk", "closed pipe"])
def test_what_typer_prints_itself_cannot_fail_either(ran, args, expected, broken, how):
    if how == "full disk" and not FULL.exists():
        pytest.skip("no /dev/full on this system")
    _line, done = ran["typer", *args, how]  # `jiceng --help | head -0`: the reader is gone
    seen = done.out + done.err
    assert b"Traceback" not in seen and b"Exception ignored" not in seen, seen.decode("gbk")
    assert done.rc == expected


@pytest.fixture(scope="module")
def roster_inbox(tmp_path_factory) -> Path:
    """Submissions beside 名单 2022.csv, a roster saved by Excel in GBK with CRLF."""
    tmp = tmp_path_factory.mktemp("roster")
    inbox = tmp / "收件 箱"
    inbox.mkdir()
    rows = [("教工党支部", 90, None), (EMOJI_BRANCH, 70, None)]
    fields = {**FIELDS, "unit": "计算机学院党总支"}
    rubrics = {"教工党支部": 90, EMOJI_BRANCH: 70}
    submission(inbox, rows, rubrics=rubrics, fields=fields, name="计算机 学院.xlsx")
    lines = [
        "党总支,党支部",
        "计算机学院党总支,教工党支部",
        ",学生第一党支部",
        "外语学院党总支,外语党支部",
    ]
    (tmp / "名单 2022.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return inbox


def test_a_roster_saved_by_excel_in_gbk_with_crlf(ran, roster_inbox):
    code, printed, err = jiceng(ran, "roster")
    assert code == 0, err
    printed.decode("gbk")
    out = roster_inbox.parent / "输出"
    found = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["batch"]["roster"]
    assert found["missing_units"] == ["外语学院党总支"]
    assert found["units_submitted"] == 1
    assert [(e["unit"], e["branch"]) for e in found["missing_branches"]] == [
        ("计算机学院党总支", "学生第一党支部")
    ]
    assert [e["branch"] for e in found["unknown_branches"]] == [EMOJI_BRANCH]


@pytest.mark.parametrize("args, expected", COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_every_command_prints_text_on_a_gbk_console(ran, args, expected):
    code, out, err = jiceng(ran, ("command", *args))
    assert code == expected, err
    text = out.decode("gbk")
    assert (text if expected == 0 else err).strip()


@pytest.mark.parametrize("name", list(JSON_COMMANDS))
def test_json_of_every_command_is_utf8(ran, name):
    code, out, err = jiceng(ran, ("json", name))
    assert code == 0, err
    assert json.loads(out.decode("utf-8"))


def test_commands_that_write_files_on_a_gbk_console(ran):
    code, out, err = jiceng(ran, "fill")
    copy = ran["fill"][0]["args"][-1]
    assert code == 0, err
    assert "工作表“机关第一党支部\\U0001f600”" in out.decode("gbk") and copy.is_file()
    code, out, err = jiceng(ran, "templates")
    assert code == 0 and "已生成：" in out.decode("gbk"), err
    code, out, err = jiceng(ran, "lite")
    made = ran["lite"][0]["args"][-1]
    assert code == 0 and (made / "main.py").is_file(), err
    code, out, err = jiceng(ran, "desktop")
    assert code == 0 and "逐个选中这四个 .xlam" in out.decode("gbk"), err


# --- the module itself, in this process -------------------------------------------------------
class _Broken:
    """A stream whose every write fails like a full disk."""

    encoding = "gbk"

    def __init__(self):
        self.tries = 0

    def write(self, text):
        self.tries += 1
        raise OSError(28, "No space left on device")

    def flush(self):
        pass

    def isatty(self):
        return False


def test_a_failed_write_silences_only_that_stream(monkeypatch, capsys):
    broken = _Broken()
    monkeypatch.setattr(sys, "stderr", broken)
    console.say("第一行", err=True)
    console.say("第二行", err=True)
    assert broken.tries == 1  # given up after the first failure, never raised
    console.say(f"照常 {EMOJI}")
    assert capsys.readouterr().out == f"照常 {EMOJI}\n"


def test_text_is_escaped_only_where_the_encoding_has_no_character():
    assert console.fit(f"党支部{EMOJI}", "gbk") == "党支部\\U0001f600"
    assert console.fit(f"党支部{EMOJI}", "utf-8") == f"党支部{EMOJI}"
    assert console.fit(RARE, "gb18030") == RARE
    assert console.fit("党支部", "no-such-codec") == "党支部"


def test_a_rich_console_over_the_safe_stream(monkeypatch):
    broken = _Broken()
    monkeypatch.setattr(sys, "stderr", broken)
    rich = console.rich_console()
    rich.print(f"进度 {EMOJI}")  # a full disk: no exception
    rich.print("再一行")
    assert broken.tries == 1
