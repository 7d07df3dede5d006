"""connect(): one call from credentials to a configured generated Client (sync and async)."""

from __future__ import annotations

import httpx

from ..client import Client
from .auth import BasicAuth, SignatureAuth
from .client_factory import DEFAULT_RETRY, DEFAULT_TIMEOUT, build_client
from .retry import RetryPolicy
from .transport import AsyncRetryingTransport, RetryingTransport


class ChargeOverTransport(RetryingTransport):
    """Wraps a transport with per-attempt auth, bounded retries and ChargeOverError errors."""


class AsyncChargeOverTransport(AsyncRetryingTransport):
    """The asyncio twin of ChargeOverTransport."""


def connect(
    base_url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    signature: bool = False,
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = DEFAULT_RETRY,
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
        raise ValueError(
            "pass both username and password (the API public and private keys), or neither"
        )
    auth: httpx.Auth | None = None
    if username is not None and password is not None:
        auth = SignatureAuth(username, password) if signature else BasicAuth(username, password)
    elif signature:
        raise ValueError("signature=True needs username and password")
    return build_client(
        base_url,
        auth=auth,
        timeout=timeout,
        retry=retry,
        headers=headers,
        transport=transport,
        async_transport=async_transport,
        transport_class=ChargeOverTransport,
        async_transport_class=AsyncChargeOverTransport,
    )
