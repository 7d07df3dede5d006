"""The ASGI app factory: Starlette routes, one error handler, lifespan that closes the database."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chargeover_emulator.bulk import query_dict
from chargeover_emulator.config import Settings
from chargeover_emulator.dispatcher import NO_BODY, ApiRequest
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import ApiError, BadRequest, NotFound, ServerError
from chargeover_emulator.protocol.envelope import error_body, ok_body

__all__ = ["create_app"]

_API_PREFIX = "/api/v3"
_ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def _envelope(error: ApiError) -> JSONResponse:
    """The single place an error becomes an HTTP response."""
    return JSONResponse(error_body(error), status_code=error.status_code)


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes without buffering the excess."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"Request body too large: the maximum is {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"Request body too large: the maximum is {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def _parse_json(raw: bytes) -> Any:
    """Decode the body; an empty body is NO_BODY."""
    if raw.strip() == b"":
        return NO_BODY
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"Invalid JSON in request body: {exc}") from None


def _signed_url(request: Request) -> str:
    """The full URL as the client saw it (raw path and query), for signature checks."""
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    host = request.headers.get("host", request.url.netloc)
    return f"{request.url.scheme}://{host}{path}" + (f"?{query}" if query else "")


def create_app(settings: Settings | None = None, *, emulator: Emulator | None = None) -> Starlette:
    """Build the emulator app; `settings` default to CHARGEOVER_* variables and defaults."""
    state = emulator or Emulator(settings or Settings.from_env())

    async def api(request: Request) -> Response:
        """Every /api/v3 request: body limit, auth, rate limit, one transaction, envelope."""
        try:
            raw = await _read_body(request, state.settings.max_body_bytes)
            credential = state.authenticator.authenticate(
                request.headers.get("authorization"), _signed_url(request), raw
            )
            state.limiter.hit(credential)
            api_request = ApiRequest(
                method=request.method,
                path=request.url.path[len(_API_PREFIX) :],
                query=query_dict(list(request.query_params.multi_items())),
                body=_parse_json(raw) if request.method in {"POST", "PUT", "PATCH"} else NO_BODY,
            )
            base_url = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
            ipaddr = request.client.host if request.client else "127.0.0.1"
            result = state.handle(api_request, ipaddr=ipaddr, base_url=base_url)
        except ApiError as error:
            return _envelope(error)
        headers = {"Location": result.location} if result.location else None
        return JSONResponse(
            ok_body(result.status, result.response), status_code=result.status, headers=headers
        )

    async def openapi(request: Request) -> Response:
        """The spec, byte for byte."""
        return Response(state.spec.raw, media_type="application/yaml")

    async def reset(request: Request) -> Response:
        """Wipe all data (only when the enable_reset setting allows it)."""
        if not state.settings.enable_reset:
            return _envelope(NotFound("Not found."))
        state.reset()
        return JSONResponse(ok_body(200, True))

    async def not_found(request: Request) -> Response:
        """Anything outside /api/v3 that is not a known emulator route."""
        return _envelope(NotFound(f"Not found: {request.url.path}"))

    async def api_error(request: Request, exc: Exception) -> Response:
        """Errors raised outside the API handler (kept for completeness)."""
        assert isinstance(exc, ApiError)
        return _envelope(exc)

    async def server_error(request: Request, exc: Exception) -> Response:
        """Catch-all: still an envelope; tests assert this never happens."""
        return _envelope(ServerError("Internal server error."))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.close()

    app = Starlette(
        routes=[
            Route("/openapi.yaml", openapi, methods=["GET"]),
            Route("/_emulator/reset", reset, methods=["POST"]),
            Route(_API_PREFIX, api, methods=_ALL_METHODS),
            Route(_API_PREFIX + "/{path:path}", api, methods=_ALL_METHODS),
            Route("/{path:path}", not_found, methods=_ALL_METHODS),
        ],
        exception_handlers={ApiError: api_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.emulator = state
    return app
