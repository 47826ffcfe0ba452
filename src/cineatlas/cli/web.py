"""`cineatlas serve`: the atlas' read-only JSON API (the pages come with the web atlas)."""

from __future__ import annotations

from typing import Annotated

import typer

from cineatlas.cli.options import DbOption
from cineatlas.store import Store


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the store read-only over HTTP: the JSON API under /api/v1, described by /openapi.json."""
    import uvicorn

    from cineatlas.web import create_app

    # Open the store once before the server starts, so that a missing, damaged or locked store
    # is reported here as one message, not as a failed startup inside the server.
    with Store(db, read_only=True) as store:
        path = store.path
    uvicorn.run(create_app(path), host=host, port=port, log_level="info")
