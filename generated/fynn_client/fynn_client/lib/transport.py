# copied from codegen/client_lib by nox -s generate - edit there
"""httpx transport wrappers: authenticate each attempt, retry per RetryPolicy, map errors.

Authentication happens here rather than in httpx.Client(auth=...) because httpx runs the auth
flow once per send: a retried signed request (ChargeOver's signature v1) would replay the same
nonce, which the server's replay protection may reject. Each vendor's connect.py subclasses these
two under the vendor's name (ChargeOverTransport, InvoicedTransport, ...).

Logs carry method, path, status and the wait only: never a header, a query string or a body.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from .base_errors import APIConnectionError, APITimeoutError
from .retry import RetryPolicy

# The package name (chargeover_client, invoiced_client, ...): one logger per vendored client.
logger = logging.getLogger(__name__.split(".", 1)[0])


def _authenticate(auth: httpx.Auth | None, request: httpx.Request) -> httpx.Request:
    if auth is None:
        return request
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    flow.close()
    return signed


async def _aauthenticate(auth: httpx.Auth | None, request: httpx.Request) -> httpx.Request:
    if auth is None:
        return request
    flow = auth.async_auth_flow(request)
    signed = await flow.__anext__()
    await flow.aclose()
    return signed


def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(f"{type(exc).__name__}: request failed", method=request.method, path=request.url.path)


def _log_retry(request: httpx.Request, status: int, retries_done: int, policy: RetryPolicy, wait: float) -> None:
    logger.info(
        "retrying %s %s after HTTP %d (retry %d of %d) in %.2fs",
        request.method,
        request.url.path,
        status,
        retries_done + 1,
        policy.max_retries,
        wait,
    )


class RetryingTransport(httpx.BaseTransport):
    """Wraps a transport with per-attempt auth, bounded retries and APIConnectionError errors."""

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport = transport if transport is not None else httpx.HTTPTransport()
        self._auth = auth
        self._retry = retry
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retries_done = 0
        while True:
            try:
                response = self._transport.handle_request(_authenticate(self._auth, request))
                if self._retry is None or not self._retry.should_retry(
                    request.method, response.status_code, retries_done
                ):
                    # Read here so that a connection dropped mid-body is also an APIConnectionError.
                    response.read()
                    return response
                response.close()
            except httpx.TransportError as exc:
                raise _connection_error(exc, request) from exc
            wait = self._retry.delay(retries_done, response.headers.get("Retry-After"))
            _log_retry(request, response.status_code, retries_done, self._retry, wait)
            self._sleep(wait)
            retries_done += 1

    def close(self) -> None:
        self._transport.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(auth={self._auth!r}, retry={self._retry!r})"


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of RetryingTransport."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self._auth = auth
        self._retry = retry
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retries_done = 0
        while True:
            try:
                response = await self._transport.handle_async_request(await _aauthenticate(self._auth, request))
                if self._retry is None or not self._retry.should_retry(
                    request.method, response.status_code, retries_done
                ):
                    await response.aread()
                    return response
                await response.aclose()
            except httpx.TransportError as exc:
                raise _connection_error(exc, request) from exc
            wait = self._retry.delay(retries_done, response.headers.get("Retry-After"))
            _log_retry(request, response.status_code, retries_done, self._retry, wait)
            await self._sleep(wait)
            retries_done += 1

    async def aclose(self) -> None:
        await self._transport.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(auth={self._auth!r}, retry={self._retry!r})"
