"""connect(): one call from an API key (or access token) to a configured generated Client."""

from __future__ import annotations

import httpx

from ..client import Client
from .auth import BearerAuth, api_key_auth
from .client_factory import DEFAULT_RETRY, DEFAULT_TIMEOUT, build_client
from .retry import RetryPolicy
from .transport import AsyncRetryingTransport, RetryingTransport

PRODUCTION_URL = "https://api.invoiced.com"
SANDBOX_URL = "https://api.sandbox.invoiced.com"


class InvoicedTransport(RetryingTransport):
    """Wraps a transport with per-attempt auth, bounded retries and InvoicedError errors."""


class AsyncInvoicedTransport(AsyncRetryingTransport):
    """The asyncio twin of InvoicedTransport."""


def connect(
    base_url: str = PRODUCTION_URL,
    *,
    api_key: str | None = None,
    access_token: str | None = None,
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = DEFAULT_RETRY,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> Client:
    """A Client for `base_url` (PRODUCTION_URL, SANDBOX_URL) that authenticates, retries, times out.

    `api_key` authenticates with HTTP Basic (key as username, empty password); `access_token`
    with Bearer (an OAuth app's token). Pass one, or neither for an unauthenticated client.
    `retry=None` disables retries; `timeout=None` waits forever. `transport`/`async_transport`
    replace the network (httpx.MockTransport, an ASGI transport, ...).
    """
    if api_key is not None and access_token is not None:
        raise ValueError("pass api_key or access_token, not both")
    auth: httpx.Auth | None = None
    if api_key is not None:
        auth = api_key_auth(api_key)
    elif access_token is not None:
        auth = BearerAuth(access_token)
    return build_client(
        base_url,
        auth=auth,
        timeout=timeout,
        retry=retry,
        headers=headers,
        transport=transport,
        async_transport=async_transport,
        transport_class=InvoicedTransport,
        async_transport_class=AsyncInvoicedTransport,
    )
