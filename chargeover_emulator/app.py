"""The ASGI app factory: Starlette routes, one error handler, lifespan that closes the database.

Routing errors are envelopes too: a path no route serves is a 404, a method a non-API route
does not serve is ChargeOver's 400 "The command requested is not supported" (every method,
TRACE and made-up ones included, reaches the API handler, whose dispatcher says the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send

from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.encoding import encode
from chargeover_emulator.errors import ApiError, BadRequest, NotFound, ServerError
from chargeover_emulator.exchange import NO_BODY, ApiRequest, ApiResult
from chargeover_emulator.faults import HEADER as FAULT_HEADER
from chargeover_emulator.faults import Fault, FaultRule
from chargeover_emulator.protocol.body import decode_json_body
from chargeover_emulator.protocol.form import decode_form_body, is_form_media_type
from chargeover_emulator.protocol.numbers import non_negative_integer
from chargeover_emulator.protocol.query import parse_query
from chargeover_emulator.validation import HEADER as VIOLATIONS_HEADER

__all__ = ["create_app"]

_BODY_METHODS = {"POST", "PUT", "PATCH"}
_URL_ENCODING = "Invalid URL: it must be ASCII with UTF-8 percent-encoding (RFC 3986)."


class _EveryMethod:
    """An endpoint for every HTTP method: Starlette limits plain function endpoints to GET."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self._app = request_response(endpoint)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """An envelope as an `application/json` response."""
    return Response(
        encode(body), status_code=status, headers=headers, media_type="application/json"
    )


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes without buffering the excess."""
    declared = request.headers.get("content-length")
    declared_size = non_negative_integer(declared) if declared is not None else None
    if declared_size is not None and declared_size > limit:
        raise BadRequest(f"Request body too large: the maximum is {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"Request body too large: the maximum is {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _body(request: Request, raw: bytes, *, forms: bool) -> Any:
    """The decoded JSON body of a POST/PUT/PATCH (a form body too, when `forms`: a dialect's
    leniency reads them); NO_BODY when there is none to read.

    Only an empty body is no body: a body of spaces is a JSON document that fails to parse (a
    400 like any other), not a second spelling of "nothing sent" (issue 19 item 6)."""
    if request.method not in _BODY_METHODS or raw == b"":
        return NO_BODY
    content_type = request.headers.get("content-type")
    if forms and is_form_media_type(content_type):
        return decode_form_body(raw)
    return decode_json_body(raw, content_type)


def _api_path(request: Request, prefix: str) -> str:
    """The path under the API prefix exactly as sent (still percent-encoded; decoded later).

    The decoded `scope["path"]` would turn `external_key:a%2Fb` into two segments and cut a
    key at a decoded `?`, so the raw path is used whenever the server provides it.
    """
    raw: bytes | None = request.scope.get("raw_path")
    if raw:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(_URL_ENCODING) from None
        if text.startswith(prefix):
            return text[len(prefix) :]
    try:
        return quote(request.url.path[len(prefix) :], safe="/:@!$&'()*+,;=")
    except UnicodeEncodeError:
        raise BadRequest(_URL_ENCODING) from None


def _api_query(request: Request) -> dict[str, Any]:
    """The query string, decoded strictly (see protocol/query.py)."""
    try:
        text = request.scope.get("query_string", b"").decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(_URL_ENCODING) from None
    return parse_query(text)


def _origin(request: Request) -> str:
    """`scheme://host` as the client addressed us, read from the scope (the Host header, else the
    server address) without building Starlette's URL object, which cost a tenth of a request."""
    host = request.headers.get("host")
    if host is None:
        host = request.url.netloc
    return f"{request.scope.get('scheme', 'http')}://{host}"


def _signed_url(request: Request, origin: str) -> str:
    """The full URL as the client saw it (raw path and query), for signature checks."""
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{origin}{path}" + (f"?{query}" if query else "")


class _Dropped(Response):
    """A dropped connection: the status line and headers go out, then the server closes it
    (uvicorn closes a response the app left unfinished), so the client reads no body."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})


async def _sleep_unless_gone(request: Request, seconds: float) -> bool:
    """Wait `seconds`; False as soon as the client has gone away (it timed out)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        await asyncio.sleep(min(left, 0.05))
        if await request.is_disconnected():
            return False
    return True


async def _injected(request: Request, fault: Fault) -> Response | None:
    """A fault's answer (a drop), or None to go on; a fault's error status is raised."""
    if fault.delay_seconds and not await _sleep_unless_gone(request, fault.delay_seconds):
        return _Dropped()  # nobody is listening any more: run nothing
    if fault.drop:
        return _Dropped()
    error = fault.error()
    if error is not None:
        raise error
    return None


def _reported(violations: Any) -> str:
    """The `X-Emulator-Violations` value: names from the spec only, never a value sent."""
    return ", ".join(violation.describe() for violation in violations)


def create_app(settings: Settings | None = None, *, emulator: Emulator | None = None) -> Starlette:
    """The emulator app; `settings` default to CHARGEOVER_EMULATOR_* variables, then defaults."""
    state = emulator or Emulator(settings or Settings.from_env())
    dialect = state.dialect
    prefix = dialect.api_prefix
    forms = state.dispatcher.validator.accepts_form_bodies()

    def _envelope(error: ApiError) -> Response:
        """The single place an error becomes an HTTP response, in the vendor's error shape."""
        headers = dict(error.headers)
        if error.violations:
            headers[VIOLATIONS_HEADER] = _reported(error.violations)
        return _json(dialect.failure(error), error.status_code, headers or None)

    async def api(request: Request) -> Response:
        """Every API request: body limit, auth, rate limit, one transaction, the vendor's body."""
        try:
            raw = await _read_body(request, state.settings.max_body_bytes)
            origin = _origin(request)
            credential = state.authenticator.authenticate(
                request.headers.get("authorization"), _signed_url(request, origin), raw
            )
            api_request = ApiRequest(
                method=request.method,
                path=_api_path(request, prefix),
                query=_api_query(request),
                body=_body(request, raw, forms=forms),
                headers=dict(request.headers),  # Starlette's names are lower-case already
                credential=credential,
            )
            fault = state.faults.pick(
                request.headers.get(FAULT_HEADER),
                lambda: state.dispatcher.operation_id(api_request),
            )
            if fault is not None and (dropped := await _injected(request, fault)) is not None:
                return dropped
            state.limiter.hit(credential)
            base_url = origin
            ipaddr = request.client.host if request.client else "127.0.0.1"
            result = state.handle(api_request, ipaddr=ipaddr, base_url=base_url)
        except ApiError as error:
            return _envelope(error)
        headers = dict(result.headers)
        if result.location:
            headers["Location"] = result.location
        if result.violations:
            headers[VIOLATIONS_HEADER] = _reported(result.violations)
        if result.status == 204:  # No Content: RFC 9110 forbids a body
            return Response(status_code=204, headers=headers)
        return _json(dialect.success(result), result.status, headers)

    async def openapi(request: Request) -> Response:
        """The spec, byte for byte."""
        return Response(state.spec.raw, media_type="application/yaml")

    async def violations(request: Request) -> Response:
        """Spec violations the `faithful` policy accepted, counted per operation and rule."""
        ledger = state.violations
        return _json({"total": ledger.total(), "violations": ledger.as_list()}, 200)

    async def reset(request: Request) -> Response:
        """Wipe all data (only when the enable_reset setting allows it)."""
        if not state.settings.enable_reset:
            return _envelope(NotFound("Not found."))
        state.reset()
        return _json(dialect.success(ApiResult(200, True)), 200)

    async def faults(request: Request) -> Response:
        """Fault rules (only while the faults setting is on): GET shows, PUT replaces, DELETE
        clears them. PUT takes `{"rules": [{"operation", "fraction", "fault"}], "seed"}`."""
        if not state.faults.enabled:
            return _envelope(NotFound("Not found."))
        if request.method == "PUT":
            try:
                body = decode_json_body(await request.body(), request.headers.get("content-type"))
                rules = body.get("rules", []) if isinstance(body, dict) else None
                seed = body.get("seed") if isinstance(body, dict) else None
                if not isinstance(rules, list) or not (seed is None or type(seed) is int):
                    raise BadRequest('Send {"rules": [...], "seed": an integer or null}.')
                state.faults.replace([FaultRule.from_json(rule) for rule in rules], seed)
            except ApiError as error:
                return _envelope(error)
        elif request.method == "DELETE":
            state.faults.replace((), None)
        return _json(state.faults.as_json(), 200)

    async def routing_error(request: Request, exc: Exception) -> Response:
        """Starlette's routing errors (no route: 404; route without this method: 405)."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return _envelope(NotFound(f"Not found: {request.url.path}"))
        if exc.status_code == 405:
            return _envelope(dialect.no_route(request.method, request.url.path, [], set()))
        if exc.status_code < 500:
            return _envelope(BadRequest(str(exc.detail)))
        return _envelope(ServerError(str(exc.detail)))

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
            Route("/_emulator/violations", violations, methods=["GET"]),
            Route("/_emulator/faults", faults, methods=["GET", "PUT", "DELETE"]),
            # every method reaches the API handler, whose dispatcher answers unsupported ones
            # (an API at the root, prefix "", is the one catch-all route)
            *([Route(prefix, _EveryMethod(api))] if prefix else []),
            Route(prefix + "/{path:path}", _EveryMethod(api)),
        ],
        exception_handlers={
            HTTPException: routing_error,
            ApiError: api_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.emulator = state
    return app
