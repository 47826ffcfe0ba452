"""Run the real `cineatlas` command in a subprocess, as a person types it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The worktree's sources first; logs, cache and terminal width under control."""
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "300", "CINEATLAS_OFFLINE": "1",
            "CINEATLAS_CACHE": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state"),
            **extra}


def cineatlas(tmp_path: Path, *args: str, timeout: float = 180, max_file_bytes: int | None = None,
              code: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m cineatlas ARGS` (or `python -c CODE ARGS`), its output captured.

    `max_file_bytes` sets the file-size limit of the process (`ulimit -f`): a write past it
    fails as on a full disk.
    """
    limit = None
    if max_file_bytes is not None:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "cineatlas"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout,
                          env=environment(tmp_path, **env), preexec_fn=limit, check=False)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr
