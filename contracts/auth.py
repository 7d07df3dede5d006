"""How a harness presents a target's credentials: one small class per HTTP auth scheme.

A harness dialect picks one (`HarnessDialect.auth`); the target's httpx clients and the
schemathesis configuration both ask it, so the two never disagree. Credentials are the pair
the settings carry, `(username, password)`: Basic sends both, Bearer sends the secret (the
second item) as its token.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

import httpx

__all__ = ["AuthScheme", "Credentials", "HttpBasic", "HttpBearer"]

#: (username or key id, password or secret): what Settings and the hosted emulators carry
Credentials = tuple[str, str]


class AuthScheme(Protocol):
    """One way of putting credentials on a request."""

    def httpx_auth(self, credentials: Credentials) -> httpx.Auth:
        """The auth of the harness's own httpx clients."""
        ...

    def schemathesis_auth(self, credentials: Credentials) -> dict[str, Any]:
        """The `[auth]` table of schemathesis' configuration."""
        ...


@dataclasses.dataclass(frozen=True)
class HttpBasic:
    """HTTP Basic (RFC 7617) with the username and password as given."""

    def httpx_auth(self, credentials: Credentials) -> httpx.Auth:
        username, password = credentials
        return httpx.BasicAuth(username, password)

    def schemathesis_auth(self, credentials: Credentials) -> dict[str, Any]:
        username, password = credentials
        return {"basic": {"username": username, "password": password}}


class _BearerToken(httpx.Auth):
    """`Authorization: Bearer <token>` on every request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = self._header
        yield request


@dataclasses.dataclass(frozen=True)
class HttpBearer:
    """HTTP Bearer (RFC 6750): the secret is the token; `scheme` names it in the spec."""

    # the name under `components.securitySchemes` (schemathesis applies it where the spec asks)
    scheme: str = "bearer"

    def httpx_auth(self, credentials: Credentials) -> httpx.Auth:
        return _BearerToken(_token(credentials))

    def schemathesis_auth(self, credentials: Credentials) -> dict[str, Any]:
        return {"openapi": {self.scheme: {"bearer": _token(credentials)}}}


def _token(credentials: Credentials) -> str:
    """The bearer token: the secret, or the key itself when it comes alone."""
    key, secret = credentials
    return secret or key
