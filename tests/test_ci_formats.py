"""Machine-readable reports for CI: JUnit XML, GitHub annotations and SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import scores_with_losses
from jsonschema import Draft4Validator

from addin.findings import catalogue
from addin.report.sarif import cell_position


def test_junit_has_a_failing_case_per_sheet_with_errors(make_rubric, cli, spec):
    path = make_rubric(
        {"甲": scores_with_losses(spec), "乙": {**scores_with_losses(spec), 1: 8, 2: "4分"}},
    )
    result = cli("check", path, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["甲"].find("failure") is None
    failure = cases["乙"].find("failure")
    assert failure.get("type") == "rubric.score_out_of_range"
    assert "乙!D5" in failure.text
    assert "rubric.score_normalized" in cases["乙"].find("system-out").text


def test_github_annotations_escape_and_locate(make_rubric, cli, tmp_path):
    path = make_rubric(edit=lambda wb: wb.active.__setitem__("D9", "良, 好"), name="a,b.xlsx")
    lines = cli("check", path, "--format", "github").stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=")
    assert "a%2Cb.xlsx" in lines[0] and "title=rubric.score_not_number::" in lines[0]
    assert lines[0].endswith("第一党支部!D9 第5项“得分”不是数字：良, 好，应填 0～5 之间的数")


def test_unreadable_file_is_a_failure_in_junit(cli, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"nope")
    root = ET.fromstring(cli("check", bad, "-f", "junit").stdout.split("\n", 1)[1])
    case = root.find("testsuite/testcase")
    assert case.get("name") == "（整个文件）"
    assert case.find("failure").get("type") == "file.unreadable"


# --- SARIF 2.1.0 --------------------------------------------------------------------------------

SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"


def sarif_of(cli, *paths) -> dict:
    result = cli("check", *paths, "--format", "sarif")
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=lambda e: e.path)
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    return log


def test_sarif_is_valid_and_has_one_rule_per_code(make_rubric, cli):
    log = sarif_of(cli, make_rubric())
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [k.code for k in catalogue()]
    by_id = {r["id"]: r for r in rules}
    assert (
        by_id["rubric.score_out_of_range"]["shortDescription"]["text"] == "得分为负数或超过该项分值"
    )
    assert by_id["rubric.score_normalized"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["file.hidden_sheet"]["defaultConfiguration"]["level"] == "note"
    assert run["results"] == []


def test_sarif_results_locate_sheet_and_cell(make_rubric, cli, spec):
    def edit(wb):
        wb["第一党支部"]["D7"] = 6
        wb["第二党支部"]["D9"] = "4分"
        wb["旧副本"].sheet_state = "hidden"

    path = make_rubric(
        {
            "第一党支部": scores_with_losses(spec),
            "第二党支部": scores_with_losses(spec),
            "旧副本": scores_with_losses(spec),
        },
        edit=edit,
        name="提交 1.xlsx",
    )
    log = sarif_of(cli, path)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {
        "rubric.score_out_of_range",
        "rubric.score_normalized",
        "file.hidden_sheet",
    }
    error = results["rubric.score_out_of_range"]
    assert error["level"] == "error"
    assert rules[error["ruleIndex"]]["id"] == "rubric.score_out_of_range"
    assert error["message"]["text"] == "第一党支部!D7 第3项得分6超过分值5，应填 0～5 之间的数"
    (location,) = error["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == path.as_uri()
    assert "%E6%8F%90%E4%BA%A4%201.xlsx" in physical["artifactLocation"]["uri"]
    assert physical["region"] == {"startLine": 7, "startColumn": 4}
    assert location["logicalLocations"] == [
        {"name": "D7", "fullyQualifiedName": "第一党支部!D7", "kind": "element"}
    ]
    assert results["rubric.score_normalized"]["level"] == "warning"
    hidden = results["file.hidden_sheet"]
    assert hidden["level"] == "note"
    assert "region" not in hidden["locations"][0]["physicalLocation"]
    assert hidden["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "旧副本"


def test_sarif_for_an_unreadable_file_and_relative_paths(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "收件箱").mkdir()
    (tmp_path / "收件箱" / "坏.xlsx").write_bytes(b"nope")
    log = sarif_of(cli, Path("收件箱"))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "file.unreadable" and result["level"] == "error"
    (location,) = result["locations"]
    assert location == {
        "physicalLocation": {
            "artifactLocation": {"uri": "%E6%94%B6%E4%BB%B6%E7%AE%B1/%E5%9D%8F.xlsx"}
        }
    }


@pytest.mark.parametrize(
    ("cell", "position"),
    [
        ("A1", (1, 1)),
        ("Z9", (9, 26)),
        ("AA10", (10, 27)),
        ("$D$7", (7, 4)),
        ("XFD1048576", (1048576, 16384)),
    ],
)
def test_cell_positions(cell, position):
    assert cell_position(cell) == position


@pytest.mark.parametrize("cell", [None, "", "D0", "7D", "第一党支部", "D7:E8", "ABCD1"])
def test_not_a_cell_gives_no_region(cell):
    assert cell_position(cell) is None
