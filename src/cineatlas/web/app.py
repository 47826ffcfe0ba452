"""The FastAPI application: the read-only store, the API, the error envelope, safe headers."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from cineatlas.store import Store
from cineatlas.version import __version__
from cineatlas.web import api, errors, pages, places, simulation, views

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


def create_app(db: str | Path) -> FastAPI:
    """The atlas application over the store `db`, opened read-only."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = Store(db, read_only=True)
        app.state.atlas = api.Atlas(store)
        app.state.views = views.Views(app.state.atlas)
        try:
            yield
        finally:
            store.close()

    # No Swagger/ReDoc pages: FastAPI's load their scripts from a CDN, and nothing here may.
    # The OpenAPI document is served at /openapi.json.
    app = FastAPI(title="cineatlas", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="An open atlas of cinema and audiovisual support across territories.")
    errors.install(app, page=pages.error_page)
    app.include_router(api.router)
    app.include_router(places.router)
    app.include_router(simulation.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    return app
