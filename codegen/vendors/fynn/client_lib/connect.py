"""connect(): one call from an API key to a configured generated AuthenticatedClient."""

from __future__ import annotations

import httpx

from ..client import AuthenticatedClient
from .client_factory import DEFAULT_RETRY, DEFAULT_TIMEOUT, build_authenticated_client
from .credentials import BearerAuth
from .retry import RetryPolicy
from .transport import AsyncRetryingTransport, RetryingTransport


class FynnTransport(RetryingTransport):
    """Wraps a transport with per-attempt auth, bounded retries and FynnError errors."""


class AsyncFynnTransport(AsyncRetryingTransport):
    """The asyncio twin of FynnTransport."""


def tenant_url(tenant: str) -> str:
    """The API root of a Fynn tenant: `https://<tenant>.coreapi.io`."""
    return f"https://{tenant}.coreapi.io"


def connect(
    base_url: str,
    *,
    api_key: str | None = None,
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = DEFAULT_RETRY,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> AuthenticatedClient:
    """A client for `base_url` (e.g. tenant_url("acme")) that authenticates, retries, times out.

    `api_key` is sent as `Authorization: Bearer <key>` (omit it for an unauthenticated client).
    `retry=None` disables retries; `timeout=None` waits forever. `transport`/`async_transport`
    replace the network (httpx.MockTransport, an ASGI transport, ...).
    """
    return build_authenticated_client(
        base_url,
        auth=BearerAuth(api_key) if api_key is not None else None,
        timeout=timeout,
        retry=retry,
        headers=headers,
        transport=transport,
        async_transport=async_transport,
        transport_class=FynnTransport,
        async_transport_class=AsyncFynnTransport,
    )
