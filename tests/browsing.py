"""What the browser tests share besides their fixtures (those are in conftest.py): Debian's
chromium, an atlas served in a thread, and screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from cineatlas.web import create_app

ARTIFACTS = Path(os.environ.get("CINEATLAS_ARTIFACTS",
                                Path(__file__).parents[1] / "test-artifacts"))
#: Chromium as root in a container, with no network: no sandbox, no background requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    """Debian's chromium; its absence fails in CI and skips elsewhere."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextlib.contextmanager
def serving(db: Path) -> Iterator[str]:
    """Base URL of the atlas on `db` served by uvicorn in a thread of this process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the atlas server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def shot(page, name: str, width: int | None = None) -> None:
    """A full-page screenshot under ARTIFACTS/screenshots/; with `width`, the page is first
    laid out at that width (named `NAME-WIDTH.png`)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    if width is not None:
        page.set_viewport_size({"width": width, "height": 900})
        name = f"{name}-{width}"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
