# copied from codegen/client_lib by nox -s generate - edit there
"""ChargeOver authentication as httpx.Auth: HTTP Basic and signature v1 (HMAC-SHA256).

Keys never show up in repr() or str() of these objects, so a client or a log line that prints
its configuration cannot leak them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Callable, Generator

import httpx

_NONCE_ALPHABET = string.ascii_lowercase + string.digits


class _Secret:
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
    """HTTP Basic: username = public key, password = private key (fact sheet §2.1)."""

    def __init__(self, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = _Secret(f"Basic {token}")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header.reveal()
        yield request

    def __repr__(self) -> str:
        return "BasicAuth(username='***', password='***')"

    __str__ = __repr__


def signature_v1(
    *,
    public_key: str,
    private_key: str,
    url: str,
    nonce: str,
    timestamp: int,
    body: bytes | str = b"",
) -> str:
    """Hex HMAC-SHA256 of `pub||lower(url)||nonce||ts||body`, keyed by the private key (§2.2)."""
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    message = "||".join((public_key, url.lower(), nonce, str(timestamp), raw))
    return hmac.new(private_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    """Eight distinct characters of a-z0-9, as every ChargeOver SDK makes them."""
    alphabet = list(_NONCE_ALPHABET)
    secrets.SystemRandom().shuffle(alphabet)
    return "".join(alphabet[:8])


class SignatureAuth(httpx.Auth):
    """ChargeOver signature v1: the private key signs each request and never goes over the wire."""

    # The body is part of the string to sign, so httpx must load it before auth_flow runs.
    requires_request_body = True

    def __init__(
        self,
        public_key: str,
        private_key: str,
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = new_nonce,
    ) -> None:
        self._public_key = _Secret(public_key)
        self._private_key = _Secret(private_key)
        self._clock = clock
        self._nonce = nonce

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        nonce = self._nonce()
        timestamp = int(self._clock())
        signature = signature_v1(
            public_key=self._public_key.reveal(),
            private_key=self._private_key.reveal(),
            url=str(request.url),
            nonce=nonce,
            timestamp=timestamp,
            body=request.content,
        )
        request.headers["Authorization"] = (
            f'ChargeOver co_public_key="{self._public_key.reveal()}" co_nonce="{nonce}" '
            f'co_timestamp="{timestamp}" co_signature_method="HMAC-SHA256" co_version="1.0" '
            f'co_signature="{signature}"'
        )
        yield request

    def __repr__(self) -> str:
        return "SignatureAuth(public_key='***', private_key='***')"

    __str__ = __repr__
