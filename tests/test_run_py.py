"""run.py, the README's commands: `test` installs Debian's chromium for the browser tests when
it is missing (apt-get, through sudo when not root), and says why when it cannot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_script", ROOT / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chromium_is_wanted_when_the_browser_tests_are_to_run(run: ModuleType) -> None:
    assert run.browser_tests_selected([])
    assert run.browser_tests_selected(["-k", "map", "-x", "-n", "0"])
    assert run.browser_tests_selected(["tests"])
    assert run.browser_tests_selected(["tests/test_web_browser.py::test_english_switch"])
    assert not run.browser_tests_selected(["tests/test_demo.py", "-k", "seed"])
    assert not run.browser_tests_selected(["tests/test_datasets.py::test_pack_round_trips"])


def fake_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apt_get: str | None) -> Path:
    """A PATH holding only `sudo` (runs its arguments) and, unless None, an `apt-get` running
    the shell lines `apt_get` (its arguments logged to apt.log)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    if apt_get is not None:
        (bin_dir / "apt-get").write_text(
            f'#!/bin/sh\necho "$@" >> {tmp_path}/apt.log\n{apt_get}\n')
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def test_chromium_is_installed_with_apt_get_when_missing(run, tmp_path, monkeypatch,
                                                         capsys) -> None:
    bin_dir = fake_machine(tmp_path, monkeypatch, (
        f'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > {tmp_path}/bin/chromium; '
        f"/bin/chmod +x {tmp_path}/bin/chromium; fi"))
    assert run.ensure_chromium() is True
    assert (tmp_path / "apt.log").read_text().splitlines() == ["update -qq",
                                                               "install -y -qq chromium"]
    assert (bin_dir / "chromium").exists()
    assert "Installing Debian's chromium for the browser tests" in capsys.readouterr().out
    assert run.ensure_chromium() is True  # there now: nothing run again
    assert len((tmp_path / "apt.log").read_text().splitlines()) == 2


def test_no_rights_to_install_is_said_with_the_fix(run, tmp_path, monkeypatch, capsys) -> None:
    fake_machine(tmp_path, monkeypatch, (
        'echo "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission '
        'denied)" >&2; exit 100'))
    assert run.ensure_chromium() is False
    said = " ".join(capsys.readouterr().err.split())
    assert said.startswith("Could not install Debian's chromium for the browser tests:")
    assert "apt-get update -qq` failed (no rights to install packages)" in said
    assert "Permission denied" in said and "sudo apt-get install chromium" in said


def test_offline_is_said_with_the_fix(run, tmp_path, monkeypatch, capsys) -> None:
    fake_machine(tmp_path, monkeypatch, (
        'if [ "$1" = install ]; then echo "E: Unable to locate package chromium" >&2; '
        "exit 100; fi"))
    assert run.ensure_chromium() is False
    said = " ".join(capsys.readouterr().err.split())
    assert "apt-get install -y -qq chromium` failed (the machine may be offline)" in said
    assert "Unable to locate package chromium" in said


def test_a_machine_without_apt_get_is_told_what_to_do(run, tmp_path, monkeypatch,
                                                      capsys) -> None:
    fake_machine(tmp_path, monkeypatch, None)
    assert run.ensure_chromium() is False
    said = " ".join(capsys.readouterr().err.split())
    assert "this machine has no apt-get (not Debian or Ubuntu)" in said
    assert "any `chromium` on the PATH will do" in said


def test_poppler_is_wanted_when_the_report_tests_are_to_run(run: ModuleType) -> None:
    assert run.tests_selected([], run.REPORT_TESTS)
    assert run.tests_selected(["tests/test_reports.py::test_english_html_report"],
                              run.REPORT_TESTS)
    assert not run.tests_selected(["tests/test_demo.py"], run.REPORT_TESTS)


def test_poppler_is_installed_with_apt_get_when_missing(run, tmp_path, monkeypatch,
                                                        capsys) -> None:
    bin_dir = fake_machine(tmp_path, monkeypatch, (
        f'if [ "$1" = install ]; then for c in pdftotext pdftoppm; do '
        f'printf "#!/bin/sh\\n" > {tmp_path}/bin/$c; /bin/chmod +x {tmp_path}/bin/$c; done; fi'))
    assert run.ensure_poppler() is True
    assert (tmp_path / "apt.log").read_text().splitlines() == ["update -qq",
                                                               "install -y -qq poppler-utils"]
    assert (bin_dir / "pdftotext").exists()
    assert "Installing Debian's poppler-utils for the report tests" in capsys.readouterr().out
    assert run.ensure_poppler() is True  # there now: nothing run again
    assert len((tmp_path / "apt.log").read_text().splitlines()) == 2


def test_poppler_that_cannot_be_installed_is_said_with_the_fix(run, tmp_path, monkeypatch,
                                                               capsys) -> None:
    fake_machine(tmp_path, monkeypatch, 'echo "E: Unable to locate package" >&2; exit 100')
    assert run.ensure_poppler() is False
    said = " ".join(capsys.readouterr().err.split())
    assert said.startswith("Could not install Debian's poppler-utils for the report tests:")
    assert "sudo apt-get install poppler-utils" in said
