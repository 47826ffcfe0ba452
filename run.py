#!/usr/bin/env python3
"""The two commands of cineatlas, from nothing but Python 3.11+:

    python3 run.py atlas [ARGS...]   build the demo atlas (and print its summary)
    python3 run.py test  [ARGS...]   run the test suite
    python3 run.py lint  [PATHS...]  ruff check, with the project's configuration (CI runs it)

Each sets up a virtual environment in .venv (once; again when pyproject.toml changes),
installs cineatlas into it, then runs. ARGS go to `cineatlas demo` or to pytest (the tests
run on every core: pass `-n 0` to run them in one process).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
MARKER = VENV / ".cineatlas-installed"


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def setup(extras: str) -> None:
    """Create .venv and install cineatlas with `extras`, unless already done for this pyproject."""
    # Deliberate: run.py may be started by any python3, and must say that it needs 3.11.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"cineatlas needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if MARKER.exists() and wanted in MARKER.read_text().split():
        return
    if not _python().exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installing cineatlas{extras} and its dependencies …", flush=True)
    subprocess.run([str(_python()), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(_python()), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}"],
                   check=True)
    done = set(MARKER.read_text().split()) if MARKER.exists() else set()
    MARKER.write_text("\n".join(sorted(done | {wanted})) + "\n")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"atlas", "test", "lint"}:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "atlas":
        setup("")
        return subprocess.call([str(BIN / "cineatlas"), "demo", *args])
    setup("[test]")
    if command == "lint":
        return subprocess.call([str(_python()), "-m", "ruff", "check", *(args or [
            "src", "tests", "benchmarks", "run.py"])], cwd=ROOT)
    # The suite is spread over every core unless the caller says otherwise (-n 0: in process).
    parallel = ([] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args)
                else ["-n", "auto"])
    return subprocess.call([str(_python()), "-m", "pytest", *parallel, *args], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
