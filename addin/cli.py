"""`jiceng` command line (typer). Exit codes: 0 no errors, 1 errors found, 2 unreadable/usage."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .engine import check_path
from .findings import SEVERITY_LABEL, catalogue
from .report.model import Report
from .report.render import to_json, to_text
from .spec import SpecError, SpecSet, load_specs
from .templates import drift, write_templates
from .workbook.model import UnreadableWorkbook
from .writes import plan_for

app = typer.Typer(
    help="基层组织建设年模板的校验、评分与任务预警。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


class Format(StrEnum):
    text = "text"
    json = "json"


SpecOption = Annotated[
    list[Path] | None,
    typer.Option("--spec", help="模板规格文件或文件夹（默认：内置 schemas/），可重复"),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"错误：{message}", err=True)
    return typer.Exit(2)


def _specs(paths: list[Path] | None) -> SpecSet:
    try:
        return load_specs(paths or None)
    except SpecError as exc:
        raise _fail(str(exc)) from exc


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders → their workbook files (recursively), skipping Excel lock files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith("~$")
            )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise _fail(f"找不到文件或文件夹：{path}")
    if not files:
        raise _fail("没有找到要检查的工作簿文件（.xlsx / .xlsm）")
    return files


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="工作簿文件或文件夹")],
    format: Annotated[Format, typer.Option("--format", "-f", help="输出格式")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="报告写入文件")] = None,
    spec: SpecOption = None,
) -> None:
    """只读检查工作簿，列出所有问题（不修改原文件）。"""
    specs = _specs(spec)
    report = Report(files=[check_path(p, specs).report for p in expand(paths)])
    text = to_json(report) if format is Format.json else to_text(report)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)
    raise typer.Exit(report.exit_code)


@app.command()
def fill(
    file: Annotated[Path, typer.Argument(help="提交的工作簿（不会被修改）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="写出的副本")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的 --out 文件")] = False,
    spec: SpecOption = None,
) -> None:
    """写出填好计算结果、标出问题单元格并附“校验结果”表的副本。"""
    from .workbook.openpyxl_writer import fill_file

    specs = _specs(spec)
    if not file.is_file():
        raise _fail(f"找不到文件：{file}")
    if out.resolve() == file.resolve():
        raise _fail("--out 不能与原文件相同：Jiceng 从不修改原文件")
    if out.exists() and not force:
        raise _fail(f"{out} 已存在；如需覆盖请加 --force")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _fail("--out 应为 .xlsx 或 .xlsm 文件")
    evaluation = check_path(file, specs)
    report = Report(files=[evaluation.report])
    if evaluation.report.status == "unreadable":
        typer.echo(to_text(report), err=True)
        raise typer.Exit(2)
    if file.suffix.lower() not in (".xlsx", ".xlsm"):
        raise _fail(f"只能为 .xlsx / .xlsm 文件写出副本，{file.name} 是 {file.suffix} 格式")
    plan = plan_for(evaluation.writes, evaluation.report.findings)
    try:
        fill_file(file, out, plan)
    except UnreadableWorkbook as exc:
        raise _fail(f"{file}: {exc.reason}") from exc
    typer.echo(to_text(report))
    typer.echo(f"已写出：{out}")
    raise typer.Exit(report.exit_code)


@app.command()
def templates(
    out: Annotated[Path, typer.Option("--out", help="模板输出文件夹")] = Path("workbooks"),
    check_only: Annotated[
        bool, typer.Option("--check", help="只检查已提交的模板是否与规格一致（不一致时退出码 1）")
    ] = False,
    spec: SpecOption = None,
) -> None:
    """由 schemas/ 中的规格生成官方空白模板。"""
    specs = _specs(spec)
    if check_only:
        problems = drift(specs, out)
        for problem in problems:
            typer.echo(problem)
        if not problems:
            typer.echo(f"{out} 中的模板与规格一致")
        raise typer.Exit(1 if problems else 0)
    for path in write_templates(specs, out):
        typer.echo(f"已生成：{path}")


@app.command()
def codes(
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
) -> None:
    """列出所有问题代码（代码、级别、说明）。"""
    kinds = catalogue()
    if format is Format.json:
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
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for k in kinds:
        typer.echo(f"{k.code:32} {SEVERITY_LABEL[k.severity]}  {k.description}")


@app.callback(invoke_without_command=True)
def _version(
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    if version:
        typer.echo(f"jiceng {__version__}")
        raise typer.Exit(0)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
