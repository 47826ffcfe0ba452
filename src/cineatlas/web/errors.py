"""One error envelope for every failure: {"error": {"status", "code", "message"}}.

No stack trace ever reaches a client: unexpected errors are logged and answered with a 500
envelope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from cineatlas.errors import AtlasError

log = logging.getLogger("cineatlas.web")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorEnvelope(BaseModel):
    """What every failure answers (documented in OpenAPI instead of FastAPI's `detail`)."""

    error: ErrorBody


#: OpenAPI responses of a route whose parameters are validated, and of one that may not find.
INVALID = {422: {"model": ErrorEnvelope, "description": "Invalid parameter"}}
NOT_FOUND = {404: {"model": ErrorEnvelope, "description": "Not found"}}
BAD_REQUEST = {400: {"model": ErrorEnvelope, "description": "Valid parameters the method cannot "
                     "answer (e.g. an empty year range)"}}


def envelope(status: int, code: str, message: str,
             headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message}},
                        status_code=status, headers=headers)


#: Renders an error as an HTML page: (request, status, message) -> response.
PageRenderer = Callable[[Request, int, str], Response]


def install(app: FastAPI, page: PageRenderer | None = None) -> None:
    """Answer every error of `app` with the envelope — or, for a page (any path outside
    /api/ and /openapi.json) when `page` is given, with an HTML error page."""

    def answer(request: Request, status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> Response:
        path = request.url.path
        if page is not None and not path.startswith(("/api/", "/openapi.json", "/static/")):
            try:
                response = page(request, status, message)
                response.headers.update(headers or {})
                return response
            except Exception:  # the page itself failed: the envelope still answers
                log.exception("error page failed on %s", path)
        return envelope(status, code, message, headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = {404: "not-found", 405: "method-not-allowed",
                422: "invalid-parameter"}.get(exc.status_code, "http-error")
        return answer(request, exc.status_code, code, str(exc.detail), exc.headers)  # 405: Allow

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        return answer(request, 422, "invalid-parameter", "; ".join(parts) or "Invalid parameters.")

    @app.exception_handler(AtlasError)
    async def atlas_error(request: Request, exc: AtlasError) -> Response:
        return answer(request, 400, "bad-request", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return answer(request, 500, "internal-error",
                      "Something went wrong on our side; it has been logged.")
