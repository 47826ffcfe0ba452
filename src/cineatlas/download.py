"""Fetching publishers' files into the cache, the way a user would: once, then re-used.

    path = fetch("https://…/etablissements.csv", cache_dir() / "downloads" / "cnc-cinemas")

Nothing is fetched when CINEATLAS_OFFLINE is set. A download is written to a temporary file
and renamed when complete, so an interrupted download never leaves a truncated file behind.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from cineatlas import settings
from cineatlas.errors import AtlasError
from cineatlas.version import __version__

#: Seconds to wait for the server to answer (connect and each read).
TIMEOUT = 30
CHUNK = 1 << 16

#: Called with (bytes received, total bytes or None).
ByteProgress = Callable[[int, int | None], None]


class DownloadError(AtlasError):
    """A file could not be fetched (offline, unreachable server, HTTP error).

    `offline` is True when the cause suggests no network at all (CINEATLAS_OFFLINE, a host
    name that cannot be resolved): trying other files is then pointless.
    """

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


def cached_name(url: str, fallback: str) -> str:
    """The file name a URL is cached under: its last path segment, else `fallback`."""
    name = Path(unquote(urlparse(url).path)).name
    return name if name and "." in name else fallback


def fetch(url: str, directory: str | Path, *, name: str | None = None, refresh: bool = False,
          progress: ByteProgress | None = None) -> tuple[Path, bool]:
    """Download `url` into `directory` unless already there. Returns (path, was_cached).

    Raises DownloadError when offline (CINEATLAS_OFFLINE) or when the download fails.
    """
    directory = Path(directory)
    path = directory / (name or cached_name(url, "download"))
    if path.exists() and not refresh:
        return path, True
    if settings.offline():
        raise DownloadError(
            f"Not downloading {url}: CINEATLAS_OFFLINE is set. Unset it to download, or give "
            "the file yourself (e.g. `cineatlas demo --with IMPORTER=PATH`).", offline=True)
    directory.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": f"cineatlas/{__version__}"})
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    try:
        with (os.fdopen(fd, "wb") as out,
              urllib.request.urlopen(request, timeout=TIMEOUT) as response):
            if response.headers.get_content_type() == "text/html":
                raise DownloadError(
                    f"{url} is a web page, not a data file. Open it in a browser, download the "
                    "file it links to, and give its path (e.g. `cineatlas demo --with "
                    "IMPORTER=PATH`).")
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            received = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                received += len(chunk)
                if progress:
                    progress(received, total)
        shutil.move(tmp, path)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, urllib.error.HTTPError):
            reason: object = f"HTTP {exc.code} {exc.reason}"
        else:
            reason = getattr(exc, "reason", None) or exc
        raise DownloadError(
            f"Could not download {url}: {reason}. Check the network connection (the machine "
            "may be offline) or download the file yourself and pass its path.",
            offline=isinstance(reason, socket.gaierror)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, False
