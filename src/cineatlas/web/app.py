"""The FastAPI application: the read-only store, the API, the error envelope, safe headers,
HEAD answered as GET, compressed answers, static files cached."""

from __future__ import annotations

import asyncio
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cineatlas import optout
from cineatlas.store import Store
from cineatlas.version import __version__
from cineatlas.web import (
    api,
    directory,
    efficacy_api,
    entities_api,
    entity_pages,
    errors,
    pages,
    places,
    reports,
    scheme_outcomes_api,
    scheme_pages,
    schemes_api,
    simulation,
    views,
)
from cineatlas.web.concurrency import Limits

STATIC = Path(__file__).parent / "static"
#: Bytes under which a response is sent uncompressed (gzip would not make it smaller).
GZIP_MINIMUM = 1024
#: Seconds a browser keeps a versioned static file (a year).
STATIC_MAX_AGE = 365 * 86400
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


def create_app(db: str | Path | Store, limits: Limits | None = None, *,
               warm: bool = False, prefetch: bool = True) -> FastAPI:
    """The atlas application over the store `db` (a path, opened read-only when the app starts,
    or a read-only Store already open, which the app then owns and closes); `limits` bound its
    cold computations (default: `Limits.from_env()`); `warm` starts their workers before the
    app answers and, with `prefetch`, has them compute the first pages' figures the store does
    not keep, in the background (`Views.prefetch`); otherwise the first computation starts
    them."""
    limits = limits or Limits.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        optout.active()  # a wrong opt-out file is said at start-up, not on a page
        store = db if isinstance(db, Store) else Store(db, read_only=True)
        stop = threading.Event()
        try:
            app.state.atlas = api.Atlas(store, limits)
            app.state.views = views.Views(app.state.atlas)
            if warm:  # the workers start before the server listens (a first page does not
                # wait for their imports), then compute the first pages' figures, meanwhile
                await asyncio.to_thread(app.state.atlas.workers.warm)
            if warm and prefetch:
                threading.Thread(target=app.state.views.prefetch, args=(stop,), daemon=True,
                                 name="cineatlas-prefetch").start()
            yield
        finally:
            stop.set()
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
    app.include_router(scheme_outcomes_api.router)  # before entities_api: see its docstring
    app.include_router(entities_api.router)
    app.include_router(directory.router)
    app.include_router(schemes_api.router)
    app.include_router(efficacy_api.router)
    app.include_router(simulation.router)
    app.include_router(reports.router)
    app.include_router(pages.router)
    app.include_router(entity_pages.router)
    app.include_router(directory.pages)
    app.include_router(scheme_pages.router)
    app.include_router(scheme_outcomes_api.pages)
    app.mount("/static", VersionedStatic(directory=STATIC), name="static")

    # compressed for clients that accept it (HTML, JSON, CSV, scripts), inside the middlewares
    # below: they pass its whole body on, with its Content-Length; HEAD answers the headers of
    # the compressed GET (HeadAsGet, outermost, drops the body)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=6)

    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_middleware(HeadAsGet)
    return app


class VersionedStatic(StaticFiles):
    """The static files, cached by browsers: a URL carrying its file's version (`?v=`, see
    pages.asset_url) for a year (a new release changes the URL), any other until it changes
    (revalidated: StaticFiles answers 304 to a matching If-None-Match or If-Modified-Since)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = (
                f"public, max-age={STATIC_MAX_AGE}, immutable" if versioned else "no-cache")
        return response


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
