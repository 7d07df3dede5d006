# copied from codegen/client_lib by nox -s generate - edit there
"""connect(): one call from credentials to a configured generated Client (sync and async)."""

from __future__ import annotations

import httpx

from ..client import Client
from .auth import BasicAuth, SignatureAuth
from .retry import RetryPolicy
from .transport import AsyncChargeOverTransport, ChargeOverTransport

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_DEFAULT_RETRY = RetryPolicy()


def connect(
    base_url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    signature: bool = False,
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = _DEFAULT_RETRY,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> Client:
    """A Client for `base_url` (ending in /api/v3) that authenticates, retries and times out.

    `username`/`password` are the API public and private keys: HTTP Basic by default, signature
    v1 (HMAC-SHA256; the private key never leaves the process) with `signature=True`. Omit both
    for an unauthenticated client. `retry=None` disables retries; `timeout=None` waits forever.
    `transport`/`async_transport` replace the network (httpx.MockTransport, an ASGI transport, ...).
    """
    if (username is None) != (password is None):
        raise ValueError("pass both username and password (the API public and private keys), or neither")
    auth: httpx.Auth | None = None
    if username is not None and password is not None:
        auth = SignatureAuth(username, password) if signature else BasicAuth(username, password)
    elif signature:
        raise ValueError("signature=True needs username and password")
    timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    client = Client(base_url=base_url, timeout=timeout, headers=dict(headers or {}))
    # Pre-built httpx clients, because a transport passed through Client(httpx_args=...) would go
    # to both httpx.Client and httpx.AsyncClient, and each needs its own kind.
    client.set_httpx_client(
        httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=ChargeOverTransport(transport, auth=auth, retry=retry),
        )
    )
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=AsyncChargeOverTransport(async_transport, auth=auth, retry=retry),
        )
    )
    return client
