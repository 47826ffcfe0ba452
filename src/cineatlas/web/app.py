"""The FastAPI application: the read-only store, the API, the error envelope, safe headers,
HEAD answered as GET."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cineatlas.store import Store
from cineatlas.version import __version__
from cineatlas.web import (
    api,
    entities_api,
    entity_pages,
    errors,
    pages,
    places,
    simulation,
    views,
)
from cineatlas.web.concurrency import Limits

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


def create_app(db: str | Path | Store, limits: Limits | None = None, *,
               warm: bool = False) -> FastAPI:
    """The atlas application over the store `db` (a path, opened read-only when the app starts,
    or a read-only Store already open, which the app then owns and closes); `limits` bound its
    cold computations (default: `Limits.from_env()`); `warm` starts their workers with the app
    (otherwise the first computation does)."""
    limits = limits or Limits.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = db if isinstance(db, Store) else Store(db, read_only=True)
        try:
            app.state.atlas = api.Atlas(store, limits)
            app.state.views = views.Views(app.state.atlas)
            if warm:
                app.state.atlas.workers.warm()
            yield
        finally:
            if hasattr(app.state, "atlas"):
                app.state.atlas.close()
            store.close()

    # No Swagger/ReDoc pages: FastAPI's load their scripts from a CDN, and nothing here may.
    # The OpenAPI document is served at /openapi.json.
    app = FastAPI(title="cineatlas", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="An open atlas of cinema and audiovisual support across territories.")
    errors.install(app, page=pages.error_page)
    app.include_router(api.router)
    app.include_router(places.router)
    app.include_router(entities_api.router)
    app.include_router(simulation.router)
    app.include_router(pages.router)
    app.include_router(entity_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """Answer HEAD like GET — same status and headers, no body — on every route (FastAPI's
    routes declare GET only, and would answer HEAD 405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the body is dropped; only its end is sent
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope | {"method": "GET"}, receive, headers_only)
