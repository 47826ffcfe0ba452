"""One error envelope for every failure: {"error": {"status", "code", "message"}}.

No stack trace ever reaches a client: unexpected errors are logged and answered with a 500
envelope. A message never echoes more than a short excerpt of what the client sent (`excerpt`);
a server too busy for a computation answers 503 with Retry-After. A `Message` is English for
the API and carries its catalogue entry, so that an error page shows it in the page's language.
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
from cineatlas.web.concurrency import Busy

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
#: Characters of a client's value an error message may quote, and of a whole message.
EXCERPT, MESSAGE = 80, 1000


class Message(str):
    """An error message: English text (what the API answers) that remembers its catalogue entry
    `msgid` and `%(name)s` values, so that an HTML error page translates it."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, *, text: str | None = None, **values: object) -> Message:
        self = super().__new__(cls, text if text is not None else
                               (msgid % values if values else msgid))
        self.msgid, self.values = msgid, values
        return self


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """`value` as it may be quoted back to a client: repr'd, at most `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _short(message: str) -> str:
    """The last guard: no message sent is longer than MESSAGE characters (a `Message` is kept
    as it is for the page, which translates it)."""
    return message if len(message) <= MESSAGE else message[:MESSAGE - 1] + "…"


#: Starlette's own details (a route that does not exist...), as catalogue entries.
STARLETTE = {"Not Found": Message("Nothing is published at this address."),
             "Method Not Allowed": Message("This address does not answer that method.")}


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
        message = _short(message)
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
        detail = exc.detail if isinstance(exc.detail, Message) else str(exc.detail)
        if detail in STARLETTE:
            detail = STARLETTE[detail]
        return answer(request, exc.status_code, code, detail, exc.headers)  # 405: Allow

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts, names = [], []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
            names.append(where)
        # the API answers Pydantic's words; a page names the parameters in its language
        return answer(request, 422, "invalid-parameter", Message(
            "Invalid value of the parameter %(names)s in the address.",
            text="; ".join(parts) or "Invalid parameters.", names=", ".join(names)))

    @app.exception_handler(AtlasError)
    async def atlas_error(request: Request, exc: AtlasError) -> Response:
        return answer(request, 400, "bad-request", Message(
            "The atlas cannot answer this request: %(detail)s", text=str(exc), detail=str(exc)))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> Response:
        return answer(request, 503, "busy", Message(
            "The atlas is busy; try again in %(seconds)s seconds.", text=str(exc),
            seconds=exc.retry_after), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return answer(request, 500, "internal-error",
                      Message("Something went wrong on our side; it has been logged."))
