"""`jiceng desktop`: the four buttons as Excel add-ins built from xlwings' own ribbon add-in.

A VBA project (vbaProject.bin) cannot be written or edited honestly without Excel, so Jiceng
adds no VBA. xlwings ships a ready add-in, quickstart_addin_ribbon.xlam (what `xlwings quickstart
NAME --addin --ribbon` copies), whose VBA needs no editing: it carries xlwings' VBA module (no
`xlwings addin install`, no VBA reference), and its one ribbon callback runs
`import <add-in file name>; <add-in file name>.main()` with the add-in's folder on sys.path.

So each button becomes one copy of that add-in, named after a small Python module written next
to it (jiceng_validate.xlam + jiceng_validate.py, whose `main` is `addin.excel.validate_button`),
with the ribbon part replaced: one button in a tab the four add-ins share (`idQ`, the Office
ribbon's way for several add-ins to fill one tab). Only the ribbon XML and the file name
differ from xlwings' file; the VBA project is copied byte for byte.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .atomic import write_atomically, write_text_atomically

TEMPLATE = "quickstart_addin_ribbon.xlam"
RIBBON_PART = "customUI/customUI.xml"
CALLBACK = "RibbonMyAddin.RunMain"  # the Sub in xlwings' add-in that runs <name>.main()
NAMESPACE = "urn:jiceng:ribbon"  # shared by the four add-ins: one tab, one group

# (module / add-in name, addin.excel function, label, icon, tooltip)
BUTTONS = [
    (
        "jiceng_validate",
        "validate_button",
        "校验",
        "ReviewAcceptChange",
        "检查本工作簿中的评分表、汇总表和任务清单：标出问题单元格并生成“校验结果”工作表。",
    ),
    (
        "jiceng_score",
        "score_button",
        "评分",
        "AutoSum",
        "填写小计、总分、定级结果，以及汇总表的定级与合计。",
    ),
    (
        "jiceng_refresh_tasks",
        "refresh_tasks_button",
        "刷新任务状态",
        "Refresh",
        "按“基准日期”（没有则按今天）填写截止日期、状态、逾期天数和预警。",
    ),
    (
        "jiceng_clear",
        "clear_button",
        "清除标记",
        "Delete",
        "去掉 Jiceng 添加的底色、批注、状态配色和“校验结果”工作表。",
    ),
]


def xlwings_addin() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent / TEMPLATE


def ribbon_xml(name: str, label: str, icon: str, tip: str) -> str:
    return (
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"'
        f' xmlns:j="{NAMESPACE}">\n'
        "  <ribbon>\n    <tabs>\n"
        '      <tab idQ="j:jiceng" label="基层组织建设">\n'
        '        <group idQ="j:jicengChecks" label="校验与评分">\n'
        f'          <button id="{name}" label={quoteattr(label)} size="large" imageMso="{icon}"'
        f" screentip={quoteattr(label)} supertip={quoteattr(tip)} onAction={quoteattr(CALLBACK)}/>\n"
        "        </group>\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n"
    )


def module_py(name: str, function: str, label: str) -> str:
    return (
        f'"""The {label} button: xlwings\' VBA in {name}.xlam runs `import {name}; {name}.main()`."""\n\n'
        f"from addin.excel import {function} as main\n\n"
        '__all__ = ["main"]\n'
    )


def _copy_with_ribbon(source: Path, target: Path, xml: str) -> Path:
    def write(temp: Path) -> None:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(temp, "w") as dst:
            for item in src.infolist():
                data = xml.encode("utf-8") if item.filename == RIBBON_PART else src.read(item)
                dst.writestr(item, data)

    return write_atomically(target, write)


def write_desktop(out: Path | str, source: Path | None = None) -> list[Path]:
    """Writes the four .xlam add-ins and their .py modules into `out`; returns them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    source = source or xlwings_addin()
    written = []
    for name, function, label, icon, tip in BUTTONS:
        xml = ribbon_xml(name, label, icon, tip)
        written.append(_copy_with_ribbon(source, out / f"{name}.xlam", xml))
        written.append(write_text_atomically(out / f"{name}.py", module_py(name, function, label)))
    return written
