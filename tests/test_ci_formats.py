"""Machine-readable reports for CI: JUnit XML and GitHub annotations."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from conftest import scores_with_losses


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
    assert lines[0].endswith("第一党支部!D9 第5项“得分”不是数字：良, 好")


def test_unreadable_file_is_a_failure_in_junit(cli, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"nope")
    root = ET.fromstring(cli("check", bad, "-f", "junit").stdout.split("\n", 1)[1])
    case = root.find("testsuite/testcase")
    assert case.get("name") == "（整个文件）"
    assert case.find("failure").get("type") == "file.unreadable"
