#!/usr/bin/env python3
"""The two commands of cineatlas, from nothing but Python 3.11+:

    python3 run.py atlas [ARGS...]   build the atlas from real public data and serve it
                                     at http://127.0.0.1:8000 (offline; --no-serve: build only)
    python3 run.py test  [ARGS...]   run the test suite (installs Debian's chromium for the
                                     browser tests, and poppler-utils for the report tests,
                                     when they are missing)
    python3 run.py lint  [PATHS...]  ruff check, with the project's configuration (CI runs it)

Each sets up a virtual environment in .venv (once; again when pyproject.toml changes),
installs cineatlas into it, then runs. ARGS go to `cineatlas atlas` (see
`python3 run.py atlas --help`) or to pytest (the tests run on every core: pass `-n 0` to run
them in one process).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BROWSER_TESTS = ROOT / "tests" / "test_web_browser.py"
REPORT_TESTS = ROOT / "tests" / "test_reports.py"
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


def browser_tests_selected(args: list[str]) -> bool:
    """Whether pytest `args` run the browser tests: yes unless they name test paths, none of
    which holds tests/test_web_browser.py."""
    paths = [ROOT / a.split("::")[0] for a in args
             if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    return not paths or any(BROWSER_TESTS.is_relative_to(p.resolve()) for p in paths)


def tests_selected(args: list[str], test_file: Path) -> bool:
    """Whether pytest `args` run `test_file`: yes unless they name test paths, none of which
    holds it."""
    paths = [ROOT / a.split("::")[0] for a in args
             if not a.startswith("-") and (ROOT / a.split("::")[0]).exists()]
    return not paths or any(test_file.is_relative_to(p.resolve()) for p in paths)


def ensure_chromium() -> bool:
    """Debian's chromium, which the browser tests drive: installed with apt-get (through sudo
    when not root) when missing. When it cannot be, says why and how to do it by hand, and
    returns False (the browser tests then fail with CI=true, and are skipped otherwise)."""
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return True
    by_hand = ("Install it yourself (`sudo apt-get install chromium` on Debian or Ubuntu; any "
               "`chromium` on the PATH will do), then run the tests again.")
    apt = shutil.which("apt-get")
    if apt is None:
        return _cannot("this machine has no apt-get (not Debian or Ubuntu)", by_hand)
    prefix: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if shutil.which("sudo") is None:
            return _cannot("installing needs root rights and sudo is not installed", by_hand)
        prefix = ["sudo"]
    print("Installing Debian's chromium for the browser tests (apt-get) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "chromium"]):
        done = subprocess.run([*prefix, apt, *step], env=env, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()[-3:]
            why = ("no rights to install packages" if "permission" in " ".join(said).lower()
                   or "lock" in " ".join(said).lower() else "the machine may be offline")
            return _cannot(f"`{' '.join([*prefix, 'apt-get', *step])}` failed ({why}): "
                           + " / ".join(said), by_hand)
    if shutil.which("chromium") is None:
        return _cannot("apt-get installed no `chromium` command", by_hand)
    return True


def _cannot(why: str, fix: str, what: str = "Debian's chromium for the browser tests") -> bool:
    print(f"Could not install {what}: {why}. {fix}", file=sys.stderr, flush=True)
    return False


def ensure_poppler() -> bool:
    """Debian's poppler-utils (pdftotext, pdftoppm), which the report tests read PDFs with:
    installed with apt-get (through sudo when not root) when missing; when it cannot be, says
    why and returns False (those tests then fail with CI=true, and are skipped otherwise)."""
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return True
    what = "Debian's poppler-utils for the report tests"
    by_hand = ("Install it yourself (`sudo apt-get install poppler-utils`), then run the tests "
               "again.")
    apt = shutil.which("apt-get")
    if apt is None:
        return _cannot("this machine has no apt-get (not Debian or Ubuntu)", by_hand, what)
    prefix = [] if not hasattr(os, "geteuid") or os.geteuid() == 0 else ["sudo"]
    if prefix and shutil.which("sudo") is None:
        return _cannot("installing needs root rights and sudo is not installed", by_hand, what)
    print("Installing Debian's poppler-utils for the report tests (apt-get) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "poppler-utils"]):
        done = subprocess.run([*prefix, apt, *step], env=env, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return _cannot(f"`{' '.join([*prefix, 'apt-get', *step])}` failed: "
                           + " / ".join(said), by_hand, what)
    return bool(shutil.which("pdftotext")) or _cannot("apt-get installed no `pdftotext`",
                                                      by_hand, what)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"atlas", "test", "lint"}:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "atlas":
        setup("")
        return subprocess.call([str(BIN / "cineatlas"), "atlas", *args])
    setup("[test]")
    if command == "lint":
        return subprocess.call([str(_python()), "-m", "ruff", "check", *(args or [
            "src", "tests", "benchmarks", "run.py"])], cwd=ROOT)
    if browser_tests_selected(args):
        ensure_chromium()
    if tests_selected(args, REPORT_TESTS):
        ensure_poppler()
    # The suite is spread over every core unless the caller says otherwise (-n 0: in process).
    parallel = ([] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args)
                else ["-n", "auto"])
    return subprocess.call([str(_python()), "-m", "pytest", *parallel, *args], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
