# copied from codegen/client_lib by nox -s generate - edit there
"""build_client(): a generated Client whose httpx clients authenticate, retry and time out.

Each vendor's connect() turns its credentials into an httpx.Auth and calls build_client, or
build_authenticated_client where the generator typed every operation as needing an
AuthenticatedClient (a spec whose operations all carry a security requirement, like Fynn's).
"""

from __future__ import annotations

from typing import TypeVar

import httpx

from ..client import AuthenticatedClient, Client
from .retry import RetryPolicy
from .transport import AsyncRetryingTransport, RetryingTransport

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_RETRY = RetryPolicy()
# The generated AuthenticatedClient wants a token, which it would put in every request and in its
# attrs repr; the real credential lives in the transport's httpx.Auth, where it never prints.
TOKEN_HELD_BY_TRANSPORT = "***"

ClientT = TypeVar("ClientT", Client, AuthenticatedClient)


def build_client(
    base_url: str,
    *,
    auth: httpx.Auth | None,
    timeout: float | httpx.Timeout | None,
    retry: RetryPolicy | None,
    headers: dict[str, str] | None,
    transport: httpx.BaseTransport | None,
    async_transport: httpx.AsyncBaseTransport | None,
    transport_class: type[RetryingTransport] = RetryingTransport,
    async_transport_class: type[AsyncRetryingTransport] = AsyncRetryingTransport,
) -> Client:
    """A Client for `base_url`; `transport_class`/`async_transport_class` name the wrappers."""
    timeout = _as_timeout(timeout)
    client = Client(base_url=base_url, timeout=timeout, headers=dict(headers or {}))
    return _attach(
        client, base_url, auth, timeout, retry, headers, transport, async_transport,
        transport_class, async_transport_class,
    )  # fmt: skip


def build_authenticated_client(
    base_url: str,
    *,
    auth: httpx.Auth | None,
    timeout: float | httpx.Timeout | None,
    retry: RetryPolicy | None,
    headers: dict[str, str] | None,
    transport: httpx.BaseTransport | None,
    async_transport: httpx.AsyncBaseTransport | None,
    transport_class: type[RetryingTransport] = RetryingTransport,
    async_transport_class: type[AsyncRetryingTransport] = AsyncRetryingTransport,
) -> AuthenticatedClient:
    """build_client's twin for generated functions typed `client: AuthenticatedClient`."""
    timeout = _as_timeout(timeout)
    client = AuthenticatedClient(
        base_url=base_url,
        timeout=timeout,
        headers=dict(headers or {}),
        token=TOKEN_HELD_BY_TRANSPORT,
    )
    return _attach(
        client, base_url, auth, timeout, retry, headers, transport, async_transport,
        transport_class, async_transport_class,
    )  # fmt: skip


def _as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _attach(
    client: ClientT,
    base_url: str,
    auth: httpx.Auth | None,
    timeout: httpx.Timeout,
    retry: RetryPolicy | None,
    headers: dict[str, str] | None,
    transport: httpx.BaseTransport | None,
    async_transport: httpx.AsyncBaseTransport | None,
    transport_class: type[RetryingTransport],
    async_transport_class: type[AsyncRetryingTransport],
) -> ClientT:
    # Pre-built httpx clients, because a transport passed through Client(httpx_args=...) would go
    # to both httpx.Client and httpx.AsyncClient, and each needs its own kind.
    client.set_httpx_client(
        httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=transport_class(transport, auth=auth, retry=retry),
        )
    )
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            transport=async_transport_class(async_transport, auth=auth, retry=retry),
        )
    )
    return client
