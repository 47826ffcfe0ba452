"""One error envelope for every failure: {"error": {"status", "code", "message"}}.

No stack trace ever reaches a client: unexpected errors are logged and answered with a 500
envelope.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from cineatlas.errors import AtlasError

log = logging.getLogger("cineatlas.web")


def envelope(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status_code=status)


def install(app: FastAPI) -> None:
    """Answer every error of `app` with the envelope."""

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return envelope(exc.status_code, code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        return envelope(422, "invalid-parameter", "; ".join(parts) or "Invalid parameters.")

    @app.exception_handler(AtlasError)
    async def atlas_error(_: Request, exc: AtlasError) -> JSONResponse:
        return envelope(400, "bad-request", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return envelope(500, "internal-error", "Something went wrong on our side; it has been logged.")
