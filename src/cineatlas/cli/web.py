"""`cineatlas serve`: the web atlas and its read-only JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from cineatlas.cli.options import DbOption
from cineatlas.store import Store


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    cold_workers: Annotated[int | None, typer.Option(
        min=1, help="Indicator computations run at once (default 2, or $CINEATLAS_COLD_WORKERS)."
    )] = None,
    cold_queue: Annotated[int | None, typer.Option(
        min=0, help="Requests waiting for a computation at most; more get 503 (default 16, or "
        "$CINEATLAS_COLD_QUEUE).")] = None,
    cold_wait: Annotated[float | None, typer.Option(
        min=0.1, help="Seconds a request waits for a computation before a 503 (default 10, or "
        "$CINEATLAS_COLD_WAIT).")] = None,
) -> None:
    """Serve the atlas read-only over HTTP: its pages, and the JSON API under /api/v1 (described
    by /openapi.json)."""
    import uvicorn

    from cineatlas.web import create_app
    from cineatlas.web.concurrency import Limits

    limits = Limits.from_env(cold_workers=cold_workers, cold_queue=cold_queue, cold_wait=cold_wait)
    # The store is opened before the server starts, so that a missing, damaged or locked store is
    # reported here as one message, not as a failed startup inside the server; the app keeps it.
    store = Store(db, read_only=True)
    uvicorn.run(create_app(store, limits, warm=True), host=host, port=port, log_level="info")
