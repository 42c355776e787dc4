"""Jiceng inside the real xlwings Server (the `xlwings-server` package from PyPI, test extra).

The server is built the way it is deployed: its FastAPI app imports ``custom_scripts`` and
``custom_functions`` from the project folder named by XLWINGS_PROJECT_DIR — here
macros/server/. It runs in a subprocess (the app changes sys.path, the environment and imports
modules named ``custom_scripts``), and is driven through its HTTP routes with TestClient, with
the bodies the Office.js client posts. The actions it answers are replayed onto the file and
compared with what `jiceng fill` writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import scores_with_losses
from tasks_helpers import make_tasks
from test_excel import FIRST, SECOND, fill_copy, visible
from xlwings_harness import function_call_payload, payload_from_xlsx, replay_actions

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "macros" / "server"

_SERVER = """
import json, sys
from fastapi.testclient import TestClient
from xlwings_server.main import app

client = TestClient(app)
answers = []
for method, path, body in json.loads(sys.stdin.read()):
    response = client.request(method, path, json=body)
    answers.append([response.status_code, response.json()])
print(json.dumps(answers, ensure_ascii=False))
"""


def serve(requests: list[tuple[str, str, object]], cwd: Path) -> list[tuple[int, object]]:
    """Send (method, path, JSON body) requests to a freshly built xlwings Server app."""
    env = {
        **os.environ,
        "XLWINGS_PROJECT_DIR": str(PROJECT),
        "XLWINGS_LICENSE_KEY": "noncommercial",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SERVER)],
        input=json.dumps(requests, ensure_ascii=False),
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,  # no .env or pyproject.toml of ours is read as server settings
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [tuple(answer) for answer in json.loads(done.stdout.splitlines()[-1])]


def script(name: str, src: Path, **payload) -> tuple[str, str, object]:
    return ("POST", f"/xlwings/custom-scripts-call/{name}", payload_from_xlsx(src, **payload))


def function(name: str, *args) -> tuple[str, str, object]:
    return ("POST", "/xlwings/custom-functions-call", function_call_payload(name, *args))


def alerts(actions: list[dict]) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def test_the_server_runs_the_buttons_and_functions_like_jiceng_fill(
    make_rubric, spec, specs, tmp_path, cli
):
    bad = scores_with_losses(spec, {5: 0.5})
    bad[3] = 6

    def wrong_total(wb):
        wb[SECOND]["D23"] = 99

    rubric = make_rubric(
        {FIRST: bad, SECOND: scores_with_losses(spec, {1: 2})}, edit=wrong_total, name="r.xlsx"
    )

    def as_of(ws):
        ws["N1"], ws["O1"] = "基准日期", dt.date(2022, 6, 29)

    filled = {1: {"完成情况": "进行中", "完成日期": "2022-05-20"}, 3: {"完成情况": "差不多"}}
    tasks = make_tasks(tmp_path, specs.by_id("tasks_2022"), filled, edit=as_of)
    scored = fill_copy(cli, rubric, tmp_path / "fill-r.xlsx")
    refreshed = fill_copy(cli, tasks, tmp_path / "fill-t.xlsx", "--as-of", "2022-06-29")

    answers = serve(
        [
            ("GET", "/xlwings/custom-scripts-meta", None),
            ("GET", "/xlwings/custom-functions-meta", None),
            script("jiceng_score", rubric),
            script("jiceng_refresh_tasks", tasks),
            script("jiceng_validate", rubric, notes_supported=False),
            script("jiceng_clear", scored),
            function("jiceng_grade", 85),
            function("jiceng_grade", [[85, 60]]),
            function("jiceng_due", "5 月/12 月", "2022-06-15", -3),
            function("jiceng_status", "5 月/12 月", "进行中", [[44701, ""]], "2022-06-15"),
        ],
        tmp_path,
    )
    assert all(status == 200 for status, _ in answers), answers
    bodies = [body for _, body in answers]
    assert {s["function_name"]: s["name"] for s in bodies[0]} == {
        "jiceng_validate": "校验",
        "jiceng_score": "评分",
        "jiceng_refresh_tasks": "刷新任务状态",
        "jiceng_clear": "清除标记",
    }
    names = {f["name"] for f in bodies[1]["functions"]}
    assert names == {"JICENG_GRADE", "JICENG_DUE", "JICENG_STATUS"}

    # 评分 and 刷新任务状态: the same workbook as `jiceng fill`.
    replay_actions(bodies[2]["actions"], rubric, tmp_path / "server-r.xlsx")
    assert visible(tmp_path / "server-r.xlsx") == visible(scored)
    assert alerts(bodies[2]["actions"])[0].startswith("评分完成：2 个党支部")
    replay_actions(bodies[3]["actions"], tasks, tmp_path / "server-t.xlsx")
    assert visible(tmp_path / "server-t.xlsx") == visible(refreshed)

    # 校验 on an Excel without notes: colours only, every message on 校验结果.
    validated = bodies[4]["actions"]
    assert not {"addNote", "setNoteText", "deleteNote"} & {a["func"] for a in validated}
    replay_actions(validated, rubric, tmp_path / "server-v.xlsx")
    got, expected = visible(tmp_path / "server-v.xlsx"), visible(scored)
    assert got["校验结果"] == expected["校验结果"]
    assert "此版本 Excel 不能显示单元格批注" in alerts(validated)[0]

    # 清除标记 on a copy `jiceng fill` wrote: its marks go, its computed values stay.
    replay_actions(bodies[5]["actions"], scored, tmp_path / "server-c.xlsx")
    cleared = visible(tmp_path / "server-c.xlsx")
    assert "校验结果" not in cleared
    assert all(look[2] is None for look in cleared[FIRST][1].values())  # no note left
    assert alerts(bodies[5]["actions"])[0].startswith("已清除 ")

    # The functions: answers in the cell, never an HTTP 500.
    assert bodies[6] == {"result": [["先进"]]}
    assert bodies[7] == {"result": [["总分只能是一个单元格，所选区域中有 2 个单元格有内容"]]}
    assert bodies[8] == {"result": [["年度应在 2000～2100 之间，不是 -3"]]}
    assert bodies[9] == {"result": [["正常推进"]]}
