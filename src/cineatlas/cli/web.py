"""`cineatlas serve`: the web atlas and its read-only JSON API."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cineatlas import optout
from cineatlas.cli.options import DbOption, OptOutOption
from cineatlas.errors import AtlasError
from cineatlas.store import Store

if TYPE_CHECKING:
    from cineatlas.web.concurrency import Limits

HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)]


def serve_command(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    cold_workers: Annotated[int | None, typer.Option(
        min=1, help="Indicator computations run at once (default 2, or $CINEATLAS_COLD_WORKERS)."
    )] = None,
    cold_queue: Annotated[int | None, typer.Option(
        min=0, help="Requests waiting for a computation at most; more get 503 (default 16, or "
        "$CINEATLAS_COLD_QUEUE).")] = None,
    cold_wait: Annotated[float | None, typer.Option(
        min=0.1, help="Seconds a request waits for a computation before a 503 (default 10, or "
        "$CINEATLAS_COLD_WAIT).")] = None,
    prefetch: Annotated[bool, typer.Option(
        help="Compute, in the background, the first pages' figures the store does not keep "
        "(a store built by `cineatlas atlas` keeps them).")] = True,
    opt_out: OptOutOption = None,
) -> None:
    """Serve the atlas read-only over HTTP: its pages, and the JSON API under /api/v1 (described
    by /openapi.json)."""
    from cineatlas.web.concurrency import Limits

    limits = Limits.from_env(cold_workers=cold_workers, cold_queue=cold_queue, cold_wait=cold_wait)
    optout.use(opt_out)
    serve(db, host, port, limits, prefetch=prefetch)


def check_port(host: str, port: int) -> None:
    """An error naming the fix when `host:port` cannot be listened on (in use, not an address
    of this machine)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise AtlasError(
            f"Cannot serve the atlas on {host}:{port}: {exc.strerror or exc}. Another server "
            f"(an earlier `cineatlas serve` or `cineatlas atlas`?) may be using the port: stop "
            f"it, or choose another port, e.g. --port {port + 1 if port < 65535 else 8000}."
        ) from None


def serve(db: Path | None, host: str, port: int, limits: Limits | None = None, *,
          prefetch: bool = True) -> None:
    """Serve the store `db` until Ctrl+C (`prefetch`: see `create_app`)."""
    import uvicorn

    from cineatlas.web import create_app

    check_port(host, port)
    # The store is opened before the server starts, so that a missing, damaged or locked store is
    # reported here as one message, not as a failed startup inside the server; the app keeps it.
    store = Store(db, read_only=True)
    uvicorn.run(create_app(store, limits, warm=True, prefetch=prefetch), host=host, port=port,
                log_level="info")
