"""`jiceng` command line (typer). Exit codes: 0 no errors, 1 errors found, 2 unreadable/usage.

The CLI's own words (help layout, usage errors) are made Chinese in cli_text.py.

Start-up is paid by every run (pre-commit, the Action, a person typing `--help`): this module
imports only typer and what the command signatures need; each command imports its own work
(pydantic, the kinds, the reader, openpyxl) in its body. tests/test_startup.py holds it to that.
The annotations are objects made once as the module is read (no `from __future__ import
annotations`): typer reads every command's signature on every run, and would otherwise compile
and evaluate each annotation's text again.
"""

import gc
import logging
import re
import tempfile
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__
from .atomic import is_temp
from .cli_text import JicengTyper
from .console import LogHandler, say, write_data
from .console import setup as setup_console
from .limits import DEFAULT_LIMITS, MIB, Limits
from .safe_text import path_text, visible_line

if TYPE_CHECKING:
    from .batch import BatchResult
    from .interrupt import Interrupt
    from .report.model import Report
    from .spec import SpecSet

app = JicengTyper(
    help="基层组织建设年模板的校验、评分与任务预警。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    """The report formats of `check`."""

    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    sarif = "sarif"


class ListFormat(StrEnum):
    """`due` and `codes` print a reading or a list, not a report: text or JSON only."""

    text = "text"
    json = "json"


# Each format's renderer (module, function): only the one asked for is imported.
RENDERERS = {
    Format.text: ("render", "to_text"),
    Format.json: ("render", "to_json"),
    Format.junit: ("ci", "to_junit"),
    Format.github: ("ci", "to_github"),
    Format.sarif: ("sarif", "to_sarif"),
}


def render(report: "Report", format: Format) -> str:
    from importlib import import_module

    module, function = RENDERERS[format]
    return getattr(import_module(f".report.{module}", __package__), function)(report)


SpecOption = Annotated[
    list[Path] | None,
    typer.Option("--spec", help="模板规格，可重复"),
]


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="检查日期（默认：今天）"),
]
YearOption = Annotated[
    str | None,
    typer.Option("--year", metavar="YYYY", help="任务清单的年度"),
]


JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="并行进程数（默认：CPU 核数）"),
]
MemoryOption = Annotated[
    int,
    typer.Option(
        "--max-memory",
        min=64,
        metavar="MB",
        help="每个文件的内存上限",
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        min=1,
        metavar="秒",
        help="每个文件的时间上限",
    ),
]


QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="不显示进度"),
]


def _limits(max_memory: int, timeout: float) -> Limits:
    return replace(DEFAULT_LIMITS, memory=max_memory * MIB, timeout=timeout)


def _as_of(text: str | None) -> date | None:
    """--as-of as a date; None when not given (a task sheet's 基准日期 cell, else today, applies).
    A bad value is a usage error (exit 2)."""
    return _date_option("--as-of", text)


def _date_option(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text)
    try:
        if match:
            return date(*map(int, match.groups()))
    except ValueError:
        pass
    raise _fail(f"{option} 的值“{text}”不是有效日期，应写作 YYYY-MM-DD，例如 2022-06-15")


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    if re.fullmatch(r"\s*\d{4}\s*", text) and int(text) >= 1900:
        return int(text)
    raise _fail(f"--year 的值“{text}”不是有效年份，应为四位数字，例如 2022")


def _fail(message: str) -> typer.Exit:
    say(f"错误：{message}", err=True)
    return typer.Exit(2)


def _specs(paths: list[Path] | None) -> "SpecSet":
    """The specs; every command that reads or writes workbooks loads them once it has imported
    its work, so start-up ends here (`_started`)."""
    from .spec import SpecError, load_specs

    try:
        return load_specs(paths or None)
    except SpecError as exc:
        raise _fail(str(exc)) from exc
    finally:
        _started()


def _started() -> None:
    """Start-up is over: what the imports made lives as long as the process, so the cyclic
    garbage collector, off while they ran (`main`: a fifth of the collections' work is looking
    at modules being imported), stops looking at it (`gc.freeze`, which also keeps those pages
    shared with forked workers) and collects what the command makes from now on. A caller that
    never turned it off (a test invoking the app) is left as it is."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def expand(paths: list[Path], skip: Path | None = None) -> list[Path]:
    """Files as given; folders → every file in them (recursively: workbooks, zips and what is
    listed as not checked, `inbox_files`), skipping Jiceng's own temporary files and cache
    (`result_cache`) and, when a batch writes its output inside an input folder, that output
    folder. A file named twice (a
    folder and a file in it) is taken once."""
    from .result_cache import CACHE_DIR as RESULT_CACHE

    files: list[Path] = []
    seen: set[Path] = set()
    skip_dir = skip.resolve() if skip else None
    for path in paths:
        if path.is_dir():
            # Only an output folder *inside* this input is skipped (`-o .` above it is not).
            inside = skip_dir if skip_dir and path.resolve() in skip_dir.parents else None
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not is_temp(p)
                and RESULT_CACHE not in p.parts  # a batch's results kept for its next run
                and not (inside and inside in p.resolve().parents)
            )
        elif path.exists():
            found = [path]
        else:
            raise _fail(f"找不到文件或文件夹：{path}")
        for p in found:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append(p)
    if not files:
        raise _fail("没有找到要检查的文件（工作簿 .xlsx / .xlsm / .xls / .xlsb / .ods，或 .zip）")
    return files


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(metavar="文件或文件夹", help="工作簿文件或文件夹")],
    format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            metavar="格式",
            help="输出格式：text json junit github sarif",
        ),
    ] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="报告写入文件")] = None,
    spec: SpecOption = None,
    as_of: AsOfOption = None,
    year: YearOption = None,
    jobs: JobsOption = None,
    max_memory: MemoryOption = DEFAULT_LIMITS.memory // MIB,
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout,
    quiet: QuietOption = False,
) -> None:
    """只读检查工作簿，列出所有问题（不修改原文件）。"""
    from .batch import FileJob, check_files
    from .inbox_files import inbox_entries
    from .isolation import default_jobs
    from .progress import progress_for
    from .report.model import Report

    specs = _specs(spec)
    options = {"as_of": _as_of(as_of), "year": _year(year)}
    limits, workers = _limits(max_memory, timeout), jobs or default_jobs()
    with tempfile.TemporaryDirectory(prefix="jiceng-check-") as work:  # nested zips
        entries = inbox_entries(
            expand(paths),
            lambda p: path_text(str(p)),
            work=Path(work),
            workers=workers,
            limits=limits,
        )
        file_jobs = [FileJob.of(entry) for entry in entries]
        outcomes = check_files(file_jobs, specs, workers=workers, limits=limits, **options)
        progress = progress_for(quiet or len(file_jobs) < 2)
        progress.start(len(file_jobs))
        reports = []
        try:
            for outcome in outcomes:
                reports.append(outcome.report)
                done = len(reports)
                following = file_jobs[done].display if done < len(file_jobs) else None
                progress.done(outcome.report, following)
        finally:
            progress.finish()
        report = Report.model_construct(files=reports)
    text = render(report, format)
    if output:
        _write_text(output, text + "\n")
    elif format is Format.text:
        say(text)
    else:
        write_data(text)
    raise typer.Exit(report.exit_code)


@app.command()
def fill(
    file: Annotated[Path, typer.Argument(metavar="文件", help="提交的工作簿（不会被修改）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="写出的副本")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的 --out 文件")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="副本写出后，工作簿仍有错误时退出码为 1（供脚本使用）")
    ] = False,
    spec: SpecOption = None,
    as_of: AsOfOption = None,
    year: YearOption = None,
    max_memory: MemoryOption = DEFAULT_LIMITS.memory // MIB,
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout,
) -> None:
    """写出填好计算结果、标出问题单元格并附“校验结果”表的副本。

    退出码：0 副本已写出（工作簿中的问题列在副本和输出里）；加 --strict 时工作簿仍有错误为 1；
    2 无法读取或用法有误（不写出副本）。
    """
    from .batch import FileJob, check_files
    from .report.model import Report
    from .report.render import to_text

    specs = _specs(spec)
    day, task_year = _as_of(as_of), _year(year)
    if not file.is_file():
        raise _fail(f"找不到文件：{file}")
    if out.resolve() == file.resolve():
        raise _fail("--out 不能与原文件相同：Jiceng 从不修改原文件")
    if out.exists() and not force:
        raise _fail(f"{out} 已存在；如需覆盖请加 --force")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _fail("--out 应为 .xlsx 或 .xlsm 文件")
    if out.is_dir():
        raise _fail(f"--out {out} 是一个文件夹，请给出文件名，例如 {out / file.name}")
    if file.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _fail(f"只能为 .xlsx / .xlsm 文件写出副本，{file.name} 是 {file.suffix} 格式")
    if out.suffix.lower() == ".xlsx" and _has_macros(file):
        raise _fail(
            f"{file.name} 含有宏，副本存为 .xlsx 会丢掉宏；"
            f"请把 --out 改为 .xlsm，例如 {out.with_suffix('.xlsm')}"
        )
    # In a worker process too: a file that aborts the reader ends in a finding, not in silence.
    job = FileJob(file, path_text(str(file)), copy_to=out, copy_always=True)
    (outcome,) = check_files(
        [job], specs, limits=_limits(max_memory, timeout), as_of=day, year=task_year
    )
    report = Report.model_construct(files=[outcome.report])
    if outcome.report.status == "unreadable":
        say(to_text(report), err=True)
        raise typer.Exit(2)
    if outcome.copy_error:
        raise _fail(f"{file}：{outcome.copy_error}")
    say(to_text(report))
    say(f"已写出：{out}")
    # The copy is the product: written means success, unless findings are failures (--strict).
    raise typer.Exit(report.exit_code if strict else 0)


def _has_macros(path: Path) -> bool:
    from .workbook.package import has_macros

    return has_macros(path)


@app.command()
def batch(
    paths: Annotated[
        list[Path], typer.Argument(metavar="文件或文件夹", help="提交的工作簿文件或文件夹")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    annotate: Annotated[
        bool, typer.Option("--annotate/--no-annotate", help="是否写出批注副本")
    ] = True,
    strict: Annotated[
        bool, typer.Option("--strict", help="有错误时退出码 1、有无法读取的文件时 2（供 CI 使用）")
    ] = False,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            metavar="名单文件",
            help="党总支、党支部名单 .xlsx 或 .csv",
        ),
    ] = None,
    last_year: Annotated[
        Path | None,
        typer.Option(
            "--last-year",
            metavar="上年结果",
            help="上年的 report.json 或其文件夹",
        ),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf/--no-pdf",
            envvar="JICENG_PDF",
            help="整改通知另存 PDF（需 LibreOffice；环境变量 JICENG_PDF=0 同 --no-pdf）",
        ),
    ] = True,
    spec: SpecOption = None,
    as_of: AsOfOption = None,
    year: YearOption = None,
    jobs: JobsOption = None,
    max_memory: MemoryOption = DEFAULT_LIMITS.memory // MIB,
    timeout: TimeoutOption = DEFAULT_LIMITS.timeout,
    quiet: QuietOption = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="全部重新检查",
        ),
    ] = False,
) -> None:
    """批量校验评分，写出批注副本和汇总报告（原文件不动）。

    Ctrl-C 写出已检查部分的报告（退出码 130）；重跑只检查改动过的文件。
    """
    from .batch import REPORT_BOOK
    from .interrupt import Interrupt

    # Ctrl-C is the batch's own from here to its last line (never a traceback): one before the
    # run starts stops it before its first file, one among the closing lines is answered.
    interrupt = Interrupt()
    result = None

    def run() -> "BatchResult":
        from .batch import run_batch
        from .isolation import default_jobs
        from .progress import progress_for
        from .report.render import file_text

        specs = _specs(spec)
        options = {"as_of": _as_of(as_of), "year": _year(year)}
        inbox = {"roster": _roster(roster), "last_year": _last_year(last_year)}
        if out.exists() and not out.is_dir():
            raise _fail(f"--out {out} 已存在且不是文件夹")
        for path in paths:
            if path.is_dir() and out.resolve() == path.resolve():
                # A sibling, not a sub-folder: outputs inside the inbox would be found by the
                # next run.
                sibling = path.resolve().parent / f"{path.resolve().name}_输出"
                raise _fail(
                    f"--out 不能是要检查的文件夹本身（{path}）：请另选一个输出文件夹，例如 {sibling}"
                )
        files = expand(paths, skip=out)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(f"无法创建输出文件夹 {out}：{exc.strerror or exc}") from exc
        handler = _log_to(out / "jiceng.log")
        root = paths[0] if len(paths) == 1 and paths[0].is_dir() else _common_parent(files)
        progress = progress_for(quiet)
        interrupt.on_request = progress.stopping
        try:
            return run_batch(
                files,
                out,
                specs,
                root=root,
                annotate=annotate,
                progress=progress,
                on_file=lambda report: say(file_text(report) + "\n"),
                workers=jobs or default_jobs(),
                limits=_limits(max_memory, timeout),
                notice_pdf=pdf,
                stop=interrupt,
                fresh=fresh,
                **inbox,
                **options,
            )
        finally:
            logging.getLogger("jiceng").removeHandler(handler)
            handler.close()

    try:
        with interrupt.catching():
            result = run()
            interrupt.on_request = None  # all is written: a Ctrl-C now is answered at the end
            code = _batch_closing(result, out, interrupt, strict)
    except KeyboardInterrupt:  # the second Ctrl-C: every file written so far is whole
        if result is None or result.nothing_written:
            say("已立即停止：本次未写出报告", err=True)
        else:
            say(f"已立即停止：报告已写出，见 {out / REPORT_BOOK}", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(code)


def _batch_closing(result: "BatchResult", out: Path, interrupt: "Interrupt", strict: bool) -> int:
    """The lines a batch ends with (Ctrl-C still the batch's: `interrupt`); its exit code."""
    from .batch import REPORT_BOOK
    from .report.render import roster_lines, totals_line

    if result.nothing_written:
        say("已中断：尚未检查完任何文件，未写出新的报告；输出文件夹中原有的文件保持不变", err=True)
        return 130
    say(
        totals_line(
            result.files, result.errors, result.warnings, result.unreadable, result.not_checked
        )
    )
    if result.reused:
        say(
            f"其中 {result.reused} 个文件自上次运行以来未改动，沿用了上次的结果（--fresh 全部重新检查）"
        )
    say(f"汇总报告：{out / REPORT_BOOK}")
    if result.annotated:
        say(f"批注副本：{len(result.annotated)} 个，位于 {out / '批注副本'}")
    workbooks = [p for p in result.notices if p.suffix == ".xlsx"]
    if workbooks:
        pdfs = len(result.notices) - len(workbooks)
        pdf = "（另有 PDF）" if pdfs == len(workbooks) else f"（{pdfs} 份另有 PDF）" if pdfs else ""
        asked = f"、{result.notices_not_received} 份催交" if result.notices_not_received else ""
        say(
            f"整改通知：{len(workbooks)} 份{pdf}，其中 {result.notices_to_fix} 份需要整改{asked}，"
            f"位于 {workbooks[0].parent}"
        )
    if result.notice_pdfs_missing and not result.notice_pdfs_stopped:  # a stop's: said below
        say(f"{_units(result.notice_pdfs_missing)}的整改通知没有 PDF（转换未完成），重新运行会补上")
    if result.notices_not_made:
        say(
            f"另有 {result.notices_not_made} 个单位的整改通知未生成（每批最多 "
            f"{DEFAULT_LIMITS.max_notices} 份），其问题见汇总报告"
        )
    for line in roster_lines(result.roster):
        say(visible_line(line))
    if result.interrupted:
        _say_stopped(result)
        return 130
    if interrupt.requested:  # "正在停止" was said, or came with these lines: nothing left out
        say("已收到 Ctrl-C，但此时已全部做完：报告和整改通知完整", err=True)
    return result.exit_code if strict else 0


def _say_stopped(result) -> None:
    """What a stopped batch (Ctrl-C) left undone, on stderr."""
    if result.notices_stopped:
        say(f"已中断：{_units(result.notices_stopped)}的整改通知未写出，重新运行会补写", err=True)
    if result.notice_pdfs_stopped:
        say(f"已中断：{result.notice_pdfs_stopped} 份整改通知未生成 PDF，重新运行会补上", err=True)
    if result.unfinished:
        done = result.total - len(result.unfinished)
        say(f"已中断：已检查 {done}/{result.total} 个文件，已写出部分报告", err=True)
    else:
        say(f"已中断：已检查全部 {result.total} 个文件，报告已写出，整改通知未写完", err=True)


def _units(units: list[str]) -> str:
    """The first few units' names, and how many there are if more."""
    names = "、".join(visible_line(unit) for unit in units[:5])
    return names + (f"等 {len(units)} 个单位" if len(units) > 5 else "")


def _roster(path: Path | None):
    """The roster, read before any file is checked: a bad one is a usage error (exit 2)."""
    if path is None:
        return None
    from .report.inbox import Roster
    from .report.roster import RosterError, read_roster

    try:
        return Roster(str(path), read_roster(path))
    except RosterError as exc:
        raise _fail(str(exc)) from exc


def _last_year(path: Path | None):
    if path is None:
        return None
    from .report.inbox import LastYear
    from .report.year_over_year import LastYearError, load_last_year

    try:
        report, file = load_last_year(path)
    except LastYearError as exc:
        raise _fail(str(exc)) from exc
    return LastYear(str(file), report)


def _write_text(path: Path, text: str) -> None:
    from .atomic import write_text_atomically

    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise _fail(f"无法写入 {path}：{exc.strerror or exc}") from exc


def _log_to(path: Path) -> logging.Handler:
    """Batch: full detail (tracebacks included) goes to OUT/jiceng.log for the maintainer."""
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger("jiceng").addHandler(handler)
    return handler


def _common_parent(files: list[Path]) -> Path:
    import os

    return Path(os.path.commonpath([str(f.resolve().parent) for f in files]))


@app.command()
def due(
    text: Annotated[
        str,
        typer.Argument(metavar="时间期限", help="时间期限的写法，如“5 月/12 月”“4 月底”“每季度”"),
    ],
    year: Annotated[
        str | None,
        typer.Option("--year", metavar="YYYY", help="按哪一年解读"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="检查日期（默认：今天）"),
    ] = None,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="输出格式：text 文字或 json")
    ] = ListFormat.text,
    spec: SpecOption = None,
) -> None:
    """显示一段时间期限被解读成什么：时间节点、周期和下一个截止日期。"""
    from .deadline import parse_deadline
    from .report.due import due_json, due_text

    day = _as_of(as_of) or date.today()
    # The year of the day asked about: "七一前" on 2026-03-01 is 2026-07-01, not the spec's 2022.
    task_year = _year(year) or day.year
    settings = _specs(spec).deadline_spec
    fixed = settings.fixed_days if settings else None
    deadline = parse_deadline(text, task_year, fixed_days=fixed)
    show = due_json if format is ListFormat.json else due_text
    # the spec's cadence_from_month is its own year's (when the plan was issued), not every year's
    since = (
        (settings.cadence_from_month, getattr(settings, "year", None)) if settings else (1, None)
    )
    (write_data if format is ListFormat.json else say)(show(deadline, day, *since))
    raise typer.Exit(0 if deadline.ok else 1)


@app.command()
def templates(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="文件夹",
            help="模板文件夹（默认：规格旁的 workbooks/）",
        ),
    ] = None,
    check_only: Annotated[bool, typer.Option("--check", help="只检查模板与规格是否一致")] = False,
    spec: SpecOption = None,
) -> None:
    """由规格生成官方空白模板，或检查已提交的模板是否过时。"""
    from .templates import drift, spec_folder, templates_folder, write_templates

    specs = _specs(spec)
    folder = out or templates_folder(spec)
    if check_only:
        compared = f"模板文件夹 {folder}，规格 {spec_folder(spec)}"
        if not folder.is_dir():
            say(f"找不到模板文件夹 {folder}（对照的规格：{spec_folder(spec)}）；")
            say("请用 --out 指定已提交模板所在的文件夹，或先运行 jiceng templates 生成")
            raise typer.Exit(1)
        problems = drift(specs, folder)
        for problem in problems:
            say(problem)
        say(f"{'有模板与规格不一致' if problems else '模板与规格一致'}（{compared}）")
        raise typer.Exit(1 if problems else 0)
    for path in write_templates(specs, folder):
        say(f"已生成：{path}")


@app.command()
def distribute(
    roster: Annotated[
        Path,
        typer.Option(
            "--roster",
            metavar="名单文件",
            help="党总支 / 党支部名单（.xlsx 或 .csv），每个党总支一份",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="文件夹", help="下发文件的输出文件夹")
    ],
    year: YearOption = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", metavar="YYYY-MM-DD", help="报送截止日期，写入填写说明"),
    ] = None,
    recipient: Annotated[
        str,
        typer.Option("--to", metavar="报送对象", help="填好后发送给谁，写入填写说明"),
    ] = "党委组织部",
    password: Annotated[
        str | None,
        typer.Option("--password", help="保护密码（默认：只保护，不设密码）"),
    ] = None,
    spec: SpecOption = None,
) -> None:
    """按名单为每个党总支生成一份预填、受保护的模板工作簿。

    工作簿中有汇总表、各党支部评分表、任务清单和填写说明。

    退出码：0 全部生成；1 有党总支在名单中没有党支部，未生成；2 名单或参数有误。"""
    from .distribute import Options, password_problem, units_of
    from .distribute import distribute as write_all
    from .stamp import roster_hash

    specs = _specs(spec)
    table = _roster(roster).table
    listed = units_of(table)
    units = [u for u in listed if u.branches]
    due = _date_option("--deadline", deadline)
    if password is not None and (why := password_problem(password)):
        raise _fail(why)
    options = Options(deadline=due, recipient=recipient, password=password, year=_year(year))
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out} 已存在且不是文件夹")
    digest = roster_hash((u.name, u.branches) for u in listed)
    try:
        written = write_all(units, specs, out, options, digest)
    except OSError as exc:
        raise _fail(f"无法写入 {out}：{exc.strerror or exc}") from exc
    for path, unit in zip(written, units, strict=True):
        typer.echo(visible_line(f"已生成：{path}（{len(unit.branches)} 个党支部）"))
    typer.echo(f"共 {len(written)} 个党总支，文件位于 {out}")
    skipped = [u.name for u in listed if not u.branches]
    if skipped:
        names = "、".join(skipped)
        typer.echo(
            visible_line(f"未生成：{names}（名单中没有列出党支部，无法生成评分表）"), err=True
        )
        raise typer.Exit(1)


@app.command()
def codes(
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="输出格式：text 文字或 json")
    ] = ListFormat.text,
) -> None:
    """列出所有问题代码（代码、级别、说明）。"""
    from .findings import SEVERITY_LABEL, catalogue

    kinds = catalogue()
    if format is ListFormat.json:
        import json

        rows = [
            {
                "code": k.code,
                "severity": k.severity,
                "template": k.template,
                "description": k.description,
            }
            for k in kinds
        ]
        write_data(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for k in kinds:
        say(f"{k.code:32} {SEVERITY_LABEL[k.severity]}  {k.description}")


@app.callback(invoke_without_command=True)
def _version(
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    if version:
        say(f"jiceng {__version__}")
        raise typer.Exit(0)


def main() -> None:
    gc.disable()  # until the command has its modules (`_started`)
    setup_console()
    console = LogHandler(logging.WARNING)
    logger = logging.getLogger("jiceng")
    logger.addHandler(console)
    logger.propagate = False
    try:
        app()
    except KeyboardInterrupt:  # before a command caught Ctrl-C (`interrupt`), or one that does not
        from .interrupt import stopped_at_once

        stopped_at_once()
    finally:
        gc.enable()


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="文件", help="写入文件而不是打印")
    ] = None,
) -> None:
    """打印 JSON 报告（check --format json）的 JSON Schema，由报告模型生成。"""
    from .report.schema import report_schema_json

    text = report_schema_json()
    if output:
        _write_text(output, text)
        say(f"已写出：{output}")
    else:
        write_data(text)


@app.command()
def lite(
    out: Annotated[
        Path,
        typer.Option("--out", metavar="文件夹", help="写入 main.py 与 requirements.txt 的文件夹"),
    ],
) -> None:
    """生成 xlwings Lite 用的 main.py（内含 Jiceng，无需另外安装）与 requirements.txt。"""
    from .lite_bundle import write_bundle

    try:
        written = write_bundle(out)
    except OSError as exc:
        raise _fail(f"无法写入 {out}：{exc.strerror or exc}") from exc
    for path in written:
        say(f"已写出：{path}")
    say("把 main.py 与 requirements.txt 的内容分别粘贴到 xlwings Lite 的同名标签页")


@app.command()
def desktop(
    out: Annotated[
        Path,
        typer.Option("--out", metavar="文件夹", help="写入四个 .xlam 加载项与同名 .py 的文件夹"),
    ],
) -> None:
    """生成桌面版 Excel 的四个按钮加载项（xlwings 功能区加载项，本机 Python）。"""
    from .desktop_bundle import write_desktop

    try:
        written = write_desktop(out)
    except OSError as exc:
        raise _fail(f"无法写入 {out}：{exc.strerror or exc}") from exc
    for path in written:
        say(f"已写出：{path}")
    say("在 Excel 中：文件 → 选项 → 加载项 → 转到… → 浏览，逐个选中这四个 .xlam")
