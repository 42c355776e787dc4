"""Test harness that runs xlwings code against real .xlsx files on Linux.

xlwings' *remote* engine (the one behind xlwings Server and xlwings Lite) never talks
to Excel: it builds a book from the JSON that the Office.js client sends
(``xw.Book(json=payload)``) and records every write as an *action*
(``book.json()["actions"]``) that the client then executes in Excel.

This package closes the loop without Excel:

* :func:`payload_from_xlsx` / :func:`book_from_xlsx` build that client payload from a
  real workbook (cached values via python-calamine, metadata via openpyxl);
* :func:`replay_actions` executes the recorded actions on a copy of the file with
  openpyxl, so tests can reopen the result and assert on values, fills, notes, sheets;
* :func:`run_script` / :func:`call_function` invoke ``@script`` / ``@func`` functions
  through ``xlwings.server.custom_scripts_call`` / ``custom_functions_call``, the way
  xlwings Server and xlwings Lite do.

Import this package before anything else imports xlwings, or call
:func:`ensure_remote_engine` - see its docstring for why.
"""

from __future__ import annotations

import asyncio
import os
from os import PathLike
from typing import Any

LICENSE_ENV = "XLWINGS_LICENSE_KEY"


def ensure_remote_engine():
    """Make xlwings' remote engine available and return the ``xlwings`` module.

    xlwings registers its license-gated engines ("remote", "officejs", "calamine")
    once, at the first ``import xlwings`` of the process, and only if a license key
    is found *at that moment*. If the key is set later, ``xw.Book(json=...)`` raises
    ``LicenseError: xlwings Server requires a license key``. This sets the free
    noncommercial key if none is set and registers the engines after the fact when
    xlwings was already imported without it.
    """
    os.environ.setdefault(LICENSE_ENV, "noncommercial")
    import xlwings as xw

    names = {engine.name for engine in xw.engines}
    if "remote" not in names:
        from xlwings.pro import _xlofficejs, _xlremote

        xw.engines.add(xw.Engine(impl=_xlremote.engine))
        xw.engines.add(xw.Engine(impl=_xlofficejs.engine))
    return xw


xw = ensure_remote_engine()


def as_on_server(module: Any) -> Any:
    """`module` with its ``@xw.script`` / ``@xw.func`` entry points registered as xlwings Lite
    and Server register them. xlwings picks those decorators once, at its first import, and
    they register only "on a server" (``XLWINGS_ON_SERVER=true`` at that moment): when xlwings
    was imported before, the module is reloaded under xlwings' server decorators."""
    import importlib

    from xlwings import server

    scripts = [v for v in vars(module).values() if callable(v) and hasattr(v, "__xlscript__")]
    if scripts:
        return module
    names = ("on_server", "script", "func", "arg")
    saved = {name: getattr(xw, name, None) for name in names}
    try:
        xw.on_server = True
        xw.script, xw.func, xw.arg = server.script, server.func, server.arg
        return importlib.reload(module)
    finally:
        for name, value in saved.items():
            if value is None:
                vars(xw).pop(name, None)
            else:
                setattr(xw, name, value)


from .payload import (  # noqa: E402
    book_from_xlsx,
    function_call_payload,
    merged_cells_unstyled,
    payload_from_xlsx,
    to_client_value,
)
from .replay import (  # noqa: E402
    ReplayError,
    ReplayReport,
    UnsupportedActionError,
    actions_of,
    count_actions,
    excel_input,
    replay_actions,
)


def run_script(
    module: Any,
    script_name: str,
    xlsx_in: str | PathLike[str],
    xlsx_out: str | PathLike[str] | None = None,
    *,
    args: list[Any] | None = None,
    current_user: Any = None,
    typehint_to_value: dict[Any, Any] | None = None,
    **payload_kwargs: Any,
):
    """Run a ``@script`` like an xlwings Server / Lite button click, on a file.

    Builds the client payload from ``xlsx_in`` (honouring the script's ``include`` /
    ``exclude``), calls ``await xlwings.server.custom_scripts_call(module, script_name,
    typehint_to_value={xw.Book: book}, args=args)`` and, if ``xlsx_out`` is given,
    replays the resulting actions into it.

    Returns ``(book, report)``: the remote book (``book.json()`` holds the actions) and
    the :class:`ReplayReport` (``None`` without ``xlsx_out``).
    """
    from xlwings import server

    meta = getattr(getattr(module, script_name), "__xlscript__", None) or {}
    for key in ("include", "exclude"):
        if meta.get(key) and key not in payload_kwargs:
            payload_kwargs[key] = meta[key]
    book = book_from_xlsx(xlsx_in, **payload_kwargs)
    injected = {xw.Book: book, **(typehint_to_value or {})}
    result = asyncio.run(
        server.custom_scripts_call(
            module,
            script_name,
            current_user=current_user,
            typehint_to_value=injected,
            args=args,
        )
    )
    report = replay_actions(result, xlsx_in, xlsx_out) if xlsx_out is not None else None
    return result, report


def call_function(module: Any, func_name: str, *args: Any, **data_kwargs: Any) -> Any:
    """Call a ``@func`` like Excel's custom-functions runtime would; return the result.

    ``args`` follow :func:`function_call_payload` (scalars are wrapped into 1x1
    matrices, 2D lists are ranges, ``None`` omits an optional argument). The result is
    what goes back to Excel: always a 2D list (``[["先进"]]``); dates come back as
    ``{"type": "FormattedNumber", ...}`` with runtime >= 1.4, else as serial numbers.
    """
    from xlwings import server

    data = function_call_payload(func_name, *args, **data_kwargs)
    return asyncio.run(server.custom_functions_call(data, module))


__all__ = [
    "LICENSE_ENV",
    "ReplayError",
    "ReplayReport",
    "UnsupportedActionError",
    "actions_of",
    "book_from_xlsx",
    "call_function",
    "count_actions",
    "ensure_remote_engine",
    "excel_input",
    "function_call_payload",
    "merged_cells_unstyled",
    "payload_from_xlsx",
    "replay_actions",
    "run_script",
    "to_client_value",
]
