"""The Excel buttons on a workbook `jiceng distribute` sent: protected sheets and structure,
computed cells that are live formulas. xlwings Lite / Server (remote engine) cannot lift the
protection, so the buttons write nothing there and name the findings in their message; desktop
Excel lifts the password-less protection while writing and puts it back as it was."""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from test_excel import alerts, excel  # noqa: E402, F401 — the module fixture
from xlwings_harness import book_from_xlsx, count_actions, run_script  # noqa: E402

from addin.distribute import Options, Unit, unit_workbook  # noqa: E402
from addin.spec import load_specs  # noqa: E402
from addin.workbook.xlwings_book import SheetProtected, lifted_protection  # noqa: E402
from tests.distribute_helpers import fill_rubric, item_scores, recalculate  # noqa: E402


@pytest.fixture
def sent_book(tmp_path: Path) -> Path:
    """A distributed workbook with one branch filled and one with a score left blank."""
    specs = load_specs()
    (rubric,) = specs.of_kind("rubric")
    wb = unit_workbook(Unit("机电学院党总支", ("一支部", "二支部")), specs, Options(), "r")
    fill_rubric(wb["一支部"], rubric, item_scores(rubric, Decimal(90)))
    scores = item_scores(rubric, Decimal(70))
    scores[2] = None
    fill_rubric(wb["二支部"], rubric, scores)
    path = tmp_path / "下发.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("script", ["jiceng_validate", "jiceng_score"])
def test_remote_engine_writes_nothing_and_names_the_findings(excel, sent_book, tmp_path, script):  # noqa: F811
    book, report = run_script(excel, script, sent_book, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}  # no write Excel would refuse
    (message,) = alerts(report)
    assert "二支部!D7 第3项“得分”未填写" in message
    assert "不能撤销保护" in message


def test_remote_engine_on_a_clean_form_says_the_formulas_compute(excel, tmp_path):  # noqa: F811
    schemas = Path(__file__).parent.parent / "schemas"
    specs = load_specs([schemas / "rubric_2022.toml", schemas / "summary_2022.toml"])
    (rubric,) = specs.of_kind("rubric")
    wb = unit_workbook(Unit("机电学院党总支", ("一支部",)), specs, Options(), "r")
    fill_rubric(wb["一支部"], rubric, item_scores(rubric, Decimal(90)))
    wb["汇总表"]["C4"], wb["汇总表"]["C5"] = "张三 书记", "13812345678"
    path = tmp_path / "clean.xlsx"
    wb.save(path)
    (path,) = recalculate([path], tmp_path / "lo")  # saved by a spreadsheet: formulas have values
    book, report = run_script(excel, "jiceng_validate", path, tmp_path / "out.xlsx")
    assert count_actions(book) == {"alert": 1}
    assert alerts(report) == ["校验完成：未发现问题。小计、总分和定级结果由公式即时计算"]


def test_desktop_writes_no_value_over_a_live_formula(excel, sent_book, monkeypatch):  # noqa: F811
    """Desktop Excel: the plan reaches apply_plan without the formula cells, inside the lifted
    protection of exactly the sheets it touches."""
    book = book_from_xlsx(sent_book)
    seen = {}
    monkeypatch.setattr(excel, "_pending_actions", lambda _book: None)  # as on desktop Excel

    def apply(_book, plan, **_kwargs):
        seen["writes"] = {(w.sheet, w.row, w.col) for w in plan.writes}
        return SimpleNamespace(cells=0, colour_only="", kept_notes=0)

    def lifted(_book, names):
        seen["lifted"] = set(names)
        from contextlib import nullcontext

        return nullcontext()

    monkeypatch.setattr(excel, "apply_plan", apply)
    monkeypatch.setattr(excel, "lifted_protection", lifted)
    excel.score(book)
    assert ("一支部", 22, 3) not in seen["writes"]  # D23, the 总分 formula
    assert not seen["writes"]  # every computed cell of the form is a formula
    # Only the sheets with something to mark are unprotected: 一支部 is complete and correct.
    assert seen["lifted"] == {"二支部", "汇总表", "任务清单"}


# --- lifting protection on desktop Excel (COM) --------------------------------------------------


class _Api:
    """What desktop Excel's COM object of a sheet or workbook offers about protection."""

    def __init__(self, password: str | None = None, structure: bool = False):
        self.password = password
        self.ProtectContents = not structure
        self.ProtectStructure = structure
        self.Protection = SimpleNamespace(
            AllowFormattingCells=False,
            AllowFormattingColumns=True,
            AllowFormattingRows=True,
            AllowInsertingRows=False,
            AllowDeletingRows=False,
            AllowSorting=False,
            AllowFiltering=False,
        )
        self.protected_with: dict | None = None

    def Unprotect(self):  # noqa: N802 — COM's name
        if self.password:
            raise RuntimeError("The password you supplied is not correct.")
        self.ProtectContents = self.ProtectStructure = False

    def Protect(self, **options):  # noqa: N802
        self.protected_with = options
        if "Structure" in options:
            self.ProtectStructure = True
        else:
            self.ProtectContents = True


def _book(*sheets: tuple[str, _Api], structure: _Api | None = None):
    return SimpleNamespace(
        api=structure or _Api(structure=True),
        sheets=[SimpleNamespace(name=name, api=api) for name, api in sheets],
    )


def test_protection_is_lifted_and_put_back_with_its_options() -> None:
    first, other = _Api(), _Api()
    book = _book(("一支部", first), ("汇总表", other))
    with lifted_protection(book, ["一支部"]):
        assert not first.ProtectContents and not book.api.ProtectStructure
        assert other.ProtectContents  # a sheet Jiceng does not write stays protected
    assert first.ProtectContents and book.api.ProtectStructure
    assert first.protected_with["AllowFormattingColumns"] is True
    assert first.protected_with["AllowFormattingCells"] is False
    assert first.protected_with["Contents"] is True
    assert other.protected_with is None


def test_a_password_stops_before_anything_is_written() -> None:
    locked = _Api(password="x")
    book = _book(("一支部", locked))
    with pytest.raises(SheetProtected) as raised, lifted_protection(book, ["一支部"]):
        pytest.fail("the block must not run")
    assert raised.value.sheet == "一支部"
    assert book.api.ProtectStructure  # the structure lifted first is protected again


def test_protection_comes_back_when_writing_fails() -> None:
    sheet = _Api()
    book = _book(("一支部", sheet))
    with pytest.raises(ValueError), lifted_protection(book, ["一支部"]):
        raise ValueError("write refused")
    assert sheet.ProtectContents and book.api.ProtectStructure
