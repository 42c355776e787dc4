"""Presses every button and calls every worksheet function of a Lite main.py the way xlwings
Lite does (xlwings' server calls on a book built from the client's JSON), for the same requests
in Pyodide and in CPython. Runs in both: standard library and xlwings only."""

from __future__ import annotations

import json
import time


async def drive(main, request: dict) -> dict:
    """{"scripts": [[name, payload], ...], "functions": [call data, ...]} → the actions of each
    button press, each function's answer, the registered names and the seconds each call took."""
    import xlwings as xw
    from xlwings import server

    result: dict = {"scripts": [], "functions": [], "seconds": []}
    for name, payload in request["scripts"]:
        book = xw.Book(json=payload)
        start = time.perf_counter()
        await server.custom_scripts_call(main, name, typehint_to_value={xw.Book: book})
        result["seconds"].append(time.perf_counter() - start)
        result["scripts"].append(book.json()["actions"])
    for data in request["functions"]:
        start = time.perf_counter()
        result["functions"].append(await server.custom_functions_call(data, main))
        result["seconds"].append(time.perf_counter() - start)
    result["functions_meta"] = server.custom_functions_meta(main)["functions"]
    result["scripts_meta"] = server.custom_scripts_meta(main)
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))
