"""Jiceng on a Chinese Windows console, the way it runs there: stdout and stderr redirected to
a pipe or a file take the locale's code page (GBK, cp936; here forced by PYTHONIOENCODING).

No character may crash a run: an emoji in a sheet name, a GB18030-only character in a branch
name, a control character in a cell. Machine formats are UTF-8 whatever the console; text for
people is escaped where the code page has no character; a failed print (closed pipe, full disk)
never stops a batch from writing its report and copies. Every command runs as a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from corpus import control_characters
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


def jiceng(*args, encoding="gbk", stdout="pipe", cwd=None, tmp=None) -> tuple[int, bytes, str]:
    """Run `python -m addin ARGS` with the console's encoding forced. stdout a pipe, a file
    (`tmp` holds it), or a path (/dev/full); stderr a pipe. Returns (exit code, stdout bytes,
    stderr text decoded with the console's encoding, which must work)."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    command = [sys.executable, "-m", "addin", *map(str, args)]
    if stdout == "pipe":
        done = subprocess.run(command, capture_output=True, env=env, cwd=cwd, timeout=300)
        out = done.stdout
    else:
        target = tmp / "stdout.txt" if stdout == "file" else Path(stdout)
        with target.open("wb") as handle:
            done = subprocess.run(
                command, stdout=handle, stderr=subprocess.PIPE, env=env, cwd=cwd, timeout=300
            )
        out = target.read_bytes() if stdout == "file" else b""
    err = done.stderr.decode(encoding)
    assert "Traceback" not in err, err
    return done.returncode, out, err


@pytest.mark.parametrize(
    "format, encoding, stdout",
    [(f, "gbk", "pipe") for f in FORMATS] + [(f, "cp936", "file") for f in FORMATS],
)
def test_check_prints_every_format_on_a_gbk_console(inbox, tmp_path, format, encoding, stdout):
    code, out, err = jiceng(
        "check", inbox, "-f", format, encoding=encoding, stdout=stdout, tmp=tmp_path
    )
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


def test_output_files_are_utf8_whatever_the_console(inbox, tmp_path):
    report = tmp_path / "结果 文件.json"
    code, out, _err = jiceng("check", inbox, "-f", "json", "-o", report)
    assert (code, out) == (1, b"")
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
def test_batch_on_a_gbk_console_writes_everything(inbox, tmp_path, encoding, stdout):
    out = tmp_path / "输出 文件夹"
    code, printed, err = jiceng(
        "batch", inbox, "-o", out, encoding=encoding, stdout=stdout, tmp=tmp_path
    )
    assert code == 0, err
    text = printed.decode(encoding)
    assert "工作表“机关第一党支部\\U0001f600”" in text and "共检查 3 个文件" in text
    assert "已检查 机关 党委.xlsx" in err  # the progress lines
    batch_outputs_written(out)


def test_batch_writes_everything_when_stdout_and_stderr_are_a_full_disk(inbox, tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "addin", "batch", str(inbox), "-o", str(out), "--strict"],
            stdout=full,
            stderr=full,
            env=env,
            timeout=300,
        )
    assert done.returncode == 1  # --strict: errors found (not 120, a failed flush at exit)
    batch_outputs_written(out)


@pytest.mark.parametrize("command", ["batch", "check"])
def test_a_closed_pipe_stops_no_run(inbox, tmp_path, command):
    """`jiceng batch 收件箱 | head -1`: the reader is gone before the first line."""
    read, write = os.pipe()
    os.close(read)
    out = tmp_path / "out"
    extra = ["-o", out] if command == "batch" else ["-f", "json"]
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "addin", command, str(inbox), *map(str, extra)],
            stdout=write,
            stderr=subprocess.PIPE,
            env=env,
            timeout=300,
        )
    finally:
        os.close(write)
    err = done.stderr.decode("gbk")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if command == "batch":
        assert done.returncode == 0
        batch_outputs_written(out)
    else:
        assert done.returncode == 1  # the report's exit code, not a crash's


@pytest.mark.parametrize(
    "args, expected, broken",
    [
        (["--help"], 0, "stdout"),
        (["check", "--help"], 0, "stdout"),
        (["frob"], 2, "stderr"),  # the usage error typer prints itself
        (["codes", "-f", "json"], 0, "stdout"),
    ],
)
@pytest.mark.parametrize("how", ["full disk", "closed pipe"])
def test_what_typer_prints_itself_cannot_fail_either(args, expected, broken, how):
    if how == "full disk" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    if how == "closed pipe":  # `jiceng --help | head -0`: the reader is gone
        read, target = os.pipe()
        os.close(read)
    else:
        target = os.open("/dev/full", os.O_WRONLY)
    other = subprocess.PIPE
    streams = (
        {"stdout": target, "stderr": other}
        if broken == "stdout"
        else {"stdout": other, "stderr": target}
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "addin", *args], env=env, timeout=120, **streams
        )
    finally:
        os.close(target)
    seen = (done.stdout or b"") + (done.stderr or b"")
    assert b"Traceback" not in seen and b"Exception ignored" not in seen, seen.decode("gbk")
    assert done.returncode == expected


def test_a_roster_saved_by_excel_in_gbk_with_crlf(tmp_path):
    inbox = tmp_path / "收件 箱"
    inbox.mkdir()
    rows = [("教工党支部", 90, None), (EMOJI_BRANCH, 70, None)]
    fields = {**FIELDS, "unit": "计算机学院党总支"}
    rubrics = {"教工党支部": 90, EMOJI_BRANCH: 70}
    submission(inbox, rows, rubrics=rubrics, fields=fields, name="计算机 学院.xlsx")
    roster = tmp_path / "名单 2022.csv"
    lines = [
        "党总支,党支部",
        "计算机学院党总支,教工党支部",
        ",学生第一党支部",
        "外语学院党总支,外语党支部",
    ]
    roster.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    out = tmp_path / "输出"
    code, printed, err = jiceng("batch", inbox, "-o", out, "--roster", roster, stdout="pipe")
    assert code == 0, err
    printed.decode("gbk")
    found = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["batch"]["roster"]
    assert found["missing_units"] == ["外语学院党总支"]
    assert found["units_submitted"] == 1
    assert [(e["unit"], e["branch"]) for e in found["missing_branches"]] == [
        ("计算机学院党总支", "学生第一党支部")
    ]
    assert [e["branch"] for e in found["unknown_branches"]] == [EMOJI_BRANCH]


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


@pytest.mark.parametrize("args, expected", COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_every_command_prints_text_on_a_gbk_console(args, expected):
    code, out, err = jiceng(*args)
    assert code == expected, err
    text = out.decode("gbk")
    assert (text if expected == 0 else err).strip()


@pytest.mark.parametrize(
    "args",
    [["codes", "-f", "json"], ["due", "4 月底", "-f", "json", "--year", "2022"], ["schema"]],
    ids=["codes", "due", "schema"],
)
def test_json_of_every_command_is_utf8(args):
    code, out, err = jiceng(*args)
    assert code == 0, err
    assert json.loads(out.decode("utf-8"))


def test_commands_that_write_files_on_a_gbk_console(inbox, tmp_path):
    copy = tmp_path / "副本 文件夹" / "机关 党委.xlsx"
    copy.parent.mkdir()
    code, out, err = jiceng("fill", inbox / "机关 党委.xlsx", "--out", copy)
    assert code == 0, err
    assert "工作表“机关第一党支部\\U0001f600”" in out.decode("gbk") and copy.is_file()
    code, out, err = jiceng("templates", "--out", tmp_path / "模板 2022")
    assert code == 0 and "已生成：" in out.decode("gbk"), err
    code, out, err = jiceng("lite", "--out", tmp_path / "精简 版")
    assert code == 0 and (tmp_path / "精简 版" / "main.py").is_file(), err
    code, out, err = jiceng("desktop", "--out", tmp_path / "桌面 版")
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
