# copied from codegen/client_lib by nox -s generate - edit there
"""Credentials as httpx.Auth that never print: HTTP Basic and Bearer.

Keys never show up in repr() or str() of these objects, so a client or a log line that prints
its configuration cannot leak them.
"""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx


class Secret:
    """A string that prints as *** (repr, str, vars() dumps, tracebacks with locals)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class BasicAuth(httpx.Auth):
    """HTTP Basic with a username and a password (either may be empty)."""

    def __init__(self, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = Secret(f"Basic {token}")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header.reveal()
        yield request

    def __repr__(self) -> str:
        return "BasicAuth(username='***', password='***')"

    __str__ = __repr__


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>` (an API key or an OAuth access token)."""

    def __init__(self, token: str) -> None:
        self._header = Secret(f"Bearer {token}")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header.reveal()
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"

    __str__ = __repr__
