"""The command line's own words in Chinese: help layout, usage errors, metavars, defaults.

typer (with the click it vendors) prints English: "Usage:", "Show this message and exit.",
"[required]", "[default: text]", "<list[Path]>", "Missing argument 'paths'.", "No such command
'frob'.". Nothing here forks them: `JicengTyper` makes every command a `ChineseCommand` and the
app a `ChineseGroup` (typer's `cls` hook), those subclasses set the usage prefix, metavars and
the help option's text, and the group rewrites a usage error into Chinese before typer prints it.
The panel titles and the default/required markers are typer's public-by-convention module
constants in `typer.rich_utils`, set by `install()` just before typer first uses them (a help
page or an error): rich and the markdown parser it brings cost more than a whole `check` of
one file, so a command that runs cleanly never loads them.

Written against typer 0.29 (which vendors click as `typer._click`); tests/test_cli_text.py shows
every message a person can meet, so a typer upgrade that moves them fails CI instead of
silently turning the help back into English.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any, NoReturn

import typer
from typer._click import exceptions as click_errors
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

USAGE_PREFIX = "用法："
HELP_TEXT = "显示本帮助并退出"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."

# The panels and markers of typer's rich help (module constants read at print time).
RICH_TEXT = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已弃用）",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

# Metavars by the annotation's shape; choices (text|json) stay as they are typed.
TYPE_METAVAR = {"Path": "路径", "str": "文本", "int": "整数", "float": "数字", "date": "日期"}


_installed = False


def install() -> None:
    """Set typer's rich help strings to Chinese (idempotent). The classes below call it where
    typer is about to print with rich: a help page, a usage error, an abort."""
    global _installed
    if _installed:
        return
    _installed = True
    rich_utils = _rich_utils()
    for name, text in RICH_TEXT.items():
        setattr(rich_utils, name, text)
    # The usage line is highlighted by its English prefix; highlight the Chinese one instead.
    rich_utils.OptionHighlighter.highlights = [
        pattern.replace("Usage: ", USAGE_PREFIX)
        for pattern in rich_utils.OptionHighlighter.highlights
    ]


class _OnFirstUse:
    """Stands in for a rich class that typer.rich_utils imports but a help page or an error
    panel never makes: `rich.markdown.Markdown` (only for `rich_markup_mode="markdown"`, which
    this app does not use: the markdown parser and its regexes) and `rich.traceback.Traceback`
    (only for pretty exceptions, off: pygments). Should typer ever make one, the real module is
    imported then and the real object returned."""

    module: str
    name: str

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(cls.module), cls.name)
        return real(*args, **kwargs)


class _Markdown(_OnFirstUse):
    module, name = "rich.markdown", "Markdown"


class _Traceback(_OnFirstUse):
    module, name = "rich.traceback", "Traceback"


def _rich_utils() -> ModuleType:
    """typer.rich_utils, imported without the two rich modules it names but a help page does not
    use (they are half of its import time): while it imports, `rich.markdown` and
    `rich.traceback` are modules holding `_OnFirstUse` stand-ins, removed right after so that
    anything importing them later gets the real ones."""
    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    stand_ins = {}
    for stand_in in (_Markdown, _Traceback):
        if stand_in.module not in sys.modules:
            module = ModuleType(stand_in.module)
            setattr(module, stand_in.name, stand_in)
            stand_ins[stand_in.module] = sys.modules[stand_in.module] = module
    try:
        from typer import rich_utils
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return rich_utils


def metavar_for(param: TyperOption | TyperArgument) -> str | None:
    """A Chinese metavar for a parameter that has none: "" for a flag, "路径" for a Path, ..."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return None  # typer shows <text|json>: the values a person types
    annotation = descriptor.annotation
    if descriptor.is_list:
        annotation = getattr(annotation, "__args__", (str,))[0]
    name = getattr(annotation, "__name__", str(annotation))
    return TYPE_METAVAR.get(name, "值")


@dataclass(frozen=True)
class _WhenGiven(RuntimeParam):
    """typer's conversion of a parameter's value, built when there is a value to convert.

    typer builds a pydantic TypeAdapter for each parameter it processes, even for one whose
    value is None (an option not given, the --help flag of a run without --help), before it
    looks at the value: pydantic's import alone is most of `jiceng --version`. typer's own
    `coerce` returns None (or () for a list) without converting; only a value reaches this."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _runtime_param(param: Any) -> Any:
    if param._runtime_param is None:
        descriptor = param.type_descriptor
        param._runtime_param = _WhenGiven(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            descriptor=descriptor,
        )
    return param._runtime_param


class ChineseArgument(TyperArgument):
    """An argument whose help row shows its Chinese name only (typer adds <list[Path]>)."""

    get_runtime_param = _runtime_param

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class ChineseOption(TyperOption):
    """An option as typer makes it, its conversion built only for a value (`_WhenGiven`)."""

    get_runtime_param = _runtime_param


class _ChineseParts:
    """What ChineseCommand and ChineseGroup share: usage prefix, metavars, help option."""

    options_metavar: str | None

    def _chinese_setup(self) -> None:
        if self.options_metavar == "[OPTIONS]":
            self.options_metavar = OPTIONS_METAVAR
        for param in self.params:  # type: ignore[attr-defined]
            if not isinstance(param, TyperOption | TyperArgument):
                continue
            if param.metavar is None and (metavar := metavar_for(param)) is not None:
                param.metavar = metavar
            # typer builds the parameters itself; the subclasses change an argument's help row
            # and when a conversion is built, nothing typer keeps.
            if type(param) is TyperArgument:
                param.__class__ = ChineseArgument
            elif type(param) is TyperOption:
                param.__class__ = ChineseOption

    def format_help(self, ctx: Any, formatter: Any) -> Any:
        install()
        return super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            option.metavar = ""
            if type(option) is TyperOption:
                option.__class__ = ChineseOption
        return option


class ChineseCommand(_ChineseParts, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chinese_setup()


class ChineseGroup(_ChineseParts, TyperGroup):
    """The app: Chinese help, and every usage error (of the app or a command) in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chinese_setup()
        if self.subcommand_metavar == "COMMAND [ARGS]...":
            self.subcommand_metavar = SUBCOMMAND_METAVAR

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except click_errors.UsageError as exc:
            raise _chinese_error(exc) from None
        except _PRINTED_WITH_RICH:
            install()
            raise
        except KeyboardInterrupt:  # typer would end the run with 130 and not a word
            _stopped()

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as exc:
            raise _chinese_error(exc) from None
        except _PRINTED_WITH_RICH:
            install()
            raise
        except KeyboardInterrupt:  # a Ctrl-C the command did not catch itself (`interrupt`)
            _stopped()


def _stopped() -> NoReturn:
    from .interrupt import stopped_at_once

    stopped_at_once()


# What typer prints with rich once it reaches the top (an error panel, "Aborted").
_PRINTED_WITH_RICH = (click_errors.ClickException, typer.Abort, EOFError)


def _chinese_error(exc: click_errors.UsageError) -> click_errors.UsageError:
    install()
    return in_chinese(exc)


class JicengTyper(typer.Typer):
    """typer.Typer whose app and commands use the Chinese classes unless told otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cls", ChineseGroup)
        super().__init__(*args, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", ChineseCommand)
        return super().command(*args, **kwargs)


class ChineseUsageError(click_errors.UsageError):
    """A usage error already in Chinese (typer prints it as it prints any usage error)."""


def in_chinese(exc: click_errors.UsageError) -> click_errors.UsageError:
    if isinstance(exc, click_errors.NoArgsIsHelpError | ChineseUsageError):
        return exc  # the help page itself, or already translated
    translated = ChineseUsageError(usage_message(exc), ctx=exc.ctx)
    translated.exit_code = exc.exit_code
    return translated


def usage_message(exc: click_errors.UsageError) -> str:
    """The Chinese sentence for one of click's usage errors."""
    if isinstance(exc, click_errors.MissingParameter):
        what = "参数" if isinstance(exc.param, TyperArgument) else "选项"
        message = f"缺少{what} {_hint(exc)}"
        choices = _choices(exc.param)
        return message + (f"，可选值：{choices}" if choices else "")
    if isinstance(exc, click_errors.BadParameter):
        return f"{_hint(exc)} 的值无效：{_value_problem(exc.message)}"
    if isinstance(exc, click_errors.NoSuchOption):
        message = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            message += f"，是不是 {'、'.join(sorted(exc.possibilities))}？"
        return message
    return _general(exc.message)


def _hint(exc: click_errors.BadParameter) -> str:
    hint: Any = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.opts if isinstance(exc.param, TyperOption) else exc.param.metavar
    if isinstance(hint, list | tuple):
        return " / ".join(str(h) for h in hint)
    return str(hint or "").strip("'")


def _choices(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not descriptor.is_choice or not descriptor.choices:
        return ""
    return "、".join(str(getattr(c, "value", c)) for c in descriptor.choices)


def _quoted(text: str) -> str:
    """'a', 'b' (click's list of choices or suggestions) → a、b"""
    return "、".join(re.findall(r"'([^']*)'", text))


_VALUE_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"(?:Value error, )?'(?P<v>.*)' is not one of (?P<c>.+?)\.?$", re.S),
        "“{v}”不是 {c} 之一",
    ),
    (re.compile(r"Value '?(?P<v>.*?)'? is not a valid (?P<t>\w+)\.?$", re.S), "“{v}”不是有效的{t}"),
    (re.compile(r"Input should be a valid (?P<t>\w+).*", re.S), "应为有效的{t}"),
    (re.compile(r"Input should be greater than or equal to (?P<n>\S+?)\.?$"), "应不小于 {n}"),
    (re.compile(r"Input should be greater than (?P<n>\S+?)\.?$"), "应大于 {n}"),
    (re.compile(r"Input should be less than or equal to (?P<n>\S+?)\.?$"), "应不大于 {n}"),
    (re.compile(r"Input should be less than (?P<n>\S+?)\.?$"), "应小于 {n}"),
]
_TYPE_NAMES = {
    "integer": "整数",
    "int": "整数",
    "number": "数字",
    "float": "数字",
    "boolean": "是/否值",
}


def _value_problem(message: str) -> str:
    for pattern, template in _VALUE_PROBLEMS:
        if match := pattern.match(message.strip()):
            parts = match.groupdict()
            if "c" in parts:
                parts["c"] = _quoted(parts["c"])
            if "t" in parts:
                parts["t"] = _TYPE_NAMES.get(parts["t"], parts["t"])
            return template.format(**parts)
    return message


_GENERAL: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"No such command '(?P<name>.*)'\.?(?: Did you mean (?P<maybe>.+)\?)?$", re.S),
        "没有命令“{name}”",
    ),
    (
        re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<extra>.*)\)$", re.S),
        "多余的参数：{extra}",
    ),
    (re.compile(r"Missing command\.?$"), "缺少命令"),
    (
        re.compile(r"Option '(?P<opt>[^']+)' requires (?:an argument|(?P<n>\d+) arguments)\.?$"),
        "选项 {opt} 后面需要给出值",
    ),
    (re.compile(r"Option '(?P<opt>[^']+)' does not take a value\.?$"), "选项 {opt} 不接受值"),
    (
        re.compile(r"Argument '(?P<arg>[^']+)' takes (?P<n>\d+) values\.?$"),
        "参数 {arg} 需要 {n} 个值",
    ),
]


def _general(message: str) -> str:
    for pattern, template in _GENERAL:
        if match := pattern.match(message.strip()):
            parts = {k: v or "" for k, v in match.groupdict().items()}
            text = template.format(**parts)
            if parts.get("maybe"):
                text += f"，是不是 {_quoted(parts['maybe'])}？"
            return text
    return f"用法有误：{message}"
