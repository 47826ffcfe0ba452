"""Run the `cineatlas` command in process, as a user would type it."""

from __future__ import annotations

import sys

import pytest

from cineatlas.cli import main, output


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `cineatlas ARGS...`, on a 200-column terminal."""
    monkeypatch.setattr(sys, "argv", ["cineatlas", *args])
    monkeypatch.setenv("COLUMNS", "200")
    # the console is made at import, with whatever width the first importer had: set it here
    monkeypatch.setattr(output.console, "width", 200)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
