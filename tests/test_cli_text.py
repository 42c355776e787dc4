"""Everything the command line itself says is Chinese: help pages, usage errors, metavars.

The English that typer/click would print is listed in ENGLISH; a help page may otherwise hold
only the ASCII words the app itself declares (command and option names, format values, words
of our own help texts such as JSON or SARIF), so a new English string from a typer upgrade
fails here.
"""

from __future__ import annotations

import re
from typing import Annotated

import pytest
import typer
from rich.cells import cell_len
from typer.main import get_command
from typer.testing import CliRunner

from addin.cli import app
from addin.cli_text import JicengTyper

ENGLISH = [
    "Usage",
    "Show this message",
    "[required]",
    "[default",
    "Options",
    "Arguments",
    "Commands",
    "Error",
    "Try ",
    "Missing",
    "No such",
    "Invalid value",
    "Got unexpected",
    "Did you mean",
    "<list[",
    "<Path>",
    "<path>",
    "<str>",
    "<bool>",
    "COMMAND",
    "[OPTIONS]",
]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Rich wraps and clips help at the terminal width; wide, no word is cut in two."""
    monkeypatch.setenv("COLUMNS", "400")


COMMANDS = ["check", "fill", "batch", "due", "templates", "codes", "schema"]


def flat(text: str) -> str:
    """Output without the panels' frame and line breaks: rich wraps Chinese at any width."""
    return re.sub(r"[\s│╭╮╰╯─]+", "", text)


def declared_words() -> set[str]:
    """ASCII words the app itself puts on its help pages."""
    group = get_command(app)
    texts = [group.help or "", "jiceng python addin root --help"]  # root: CliRunner's prog name
    for name, command in group.commands.items():
        texts += [name, command.help or ""]
        for param in command.params:
            texts += [*param.opts, *getattr(param, "secondary_opts", []), param.help or ""]
            texts += [str(param.metavar or ""), str(param.default or "")]
            choices = getattr(param.type_descriptor, "choices", None) or []
            texts += [str(getattr(c, "value", c)) for c in choices]
    for param in group.params:
        texts += [*param.opts, param.help or ""]
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", " ".join(texts))}


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_pages_are_chinese(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    page = result.stdout
    assert "用法：" in page and "显示本帮助并退出" in page
    assert [e for e in ENGLISH if e in page] == []
    stray = {w for w in re.findall(r"[A-Za-z]{2,}", page) if w.lower() not in declared_words()}
    assert stray == set()


def test_help_shows_chinese_metavars_and_markers(cli):
    page = flat(cli("check", "--help").stdout)
    assert "用法：" in page and "[选项]{文件或文件夹}..." in page
    assert "*文件或文件夹工作簿文件或文件夹[必填]" in page
    assert "--output-o路径报告写入文件" in page
    assert "[默认：text]" in page
    # The choices in the description, whole: as a metavar they were cut "github|sa / rif".
    assert "--format-f格式输出格式：textjsonjunitgithubsarif[默认：text]" in page
    top = flat(cli("--help").stdout)
    assert "[选项]命令[参数]..." in top and "╭─" not in top


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check"], "缺少参数文件或文件夹"),
        (["fill", "a.xlsx"], "缺少选项--out/-o"),
        (["frob"], "没有命令“frob”"),
        (["chek", "x"], "没有命令“chek”，是不是check"),
        (["check", "--format", "xml", "a.xlsx"], "--format/-f的值无效：“xml”不是text、json、junit"),
        (["check", "--frmat", "json", "a.xlsx"], "没有选项--frmat，是不是--format？"),
        (["fill", "a.xlsx", "--out"], "选项--out后面需要给出值"),
        (["codes", "extra"], "多余的参数：extra"),
        (["due", "4 月底", "--format", "junit"], "“junit”不是text、json之一"),
        (["codes", "--format", "junit"], "“junit”不是text、json之一"),
    ],
)
def test_usage_errors_are_one_chinese_sentence(cli, args, said):
    result = cli(*args)
    assert result.exit_code == 2
    assert said in flat(result.stderr)
    assert [e for e in ENGLISH if e in result.stderr] == []
    assert "Traceback" not in result.stderr


def test_usage_error_points_to_help_in_chinese(cli):
    err = flat(cli("check").stderr)
    assert "用法：" in err and "check[选项]{文件或文件夹}..." in err
    assert "运行'" in err and "check--help'查看帮助。" in err
    assert "错误" in err


def test_no_arguments_prints_the_help(cli):
    result = cli()
    assert "用法：" in result.stdout + result.stderr
    assert "显示本帮助并退出" in result.stdout + result.stderr


def test_new_commands_get_the_chinese_text_too():
    """Any command of a JicengTyper app, e.g. numeric options added later, is covered."""
    demo = JicengTyper()

    @demo.command()
    def run(
        jobs: Annotated[int, typer.Option("--jobs", min=1, help="并行数")] = 2,
        timeout: Annotated[float, typer.Option("--timeout", max=600, help="秒")] = 1.5,
    ) -> None:
        typer.echo(f"{jobs} {timeout}")

    @demo.command()
    def other() -> None:
        pass

    runner = CliRunner()
    cases = {
        ("--jobs", "x"): "--jobs的值无效：应为有效的整数",
        ("--jobs", "0"): "--jobs的值无效：应不小于1",
        ("--timeout", "abc"): "--timeout的值无效：应为有效的数字",
        ("--timeout", "601"): "--timeout的值无效：应不大于600",
    }
    for args, said in cases.items():
        result = runner.invoke(demo, ["run", *args])
        assert result.exit_code == 2 and said in flat(result.stderr), result.stderr
    assert runner.invoke(demo, ["run", "--jobs", "1", "--timeout", "600"]).stdout == "1 600.0\n"
    page = flat(runner.invoke(demo, ["run", "--help"]).stdout)
    assert "--jobs整数" in page and "[默认：2]" in page and "--timeout数字" in page


def test_help_fits_an_80_column_terminal_uncut(cli, monkeypatch):
    """Rich cuts a description that does not fit with "…" (Chinese has no spaces to wrap at):
    in an 80-column terminal every help page is whole — short texts, details in the README."""
    monkeypatch.setenv("COLUMNS", "80")
    for command in [[], *([name] for name in get_command(app).commands)]:
        page = cli(*command, "--help").stdout
        assert "…" not in page, page
        assert max(map(cell_len, page.splitlines())) <= 80  # a CJK character is two cells
