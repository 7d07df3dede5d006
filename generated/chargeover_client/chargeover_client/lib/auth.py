# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""ChargeOver authentication as httpx.Auth: HTTP Basic (credentials.py) and signature v1.

HTTP Basic: username = public key, password = private key (fact sheet §2.1). Signature v1 signs
each request with HMAC-SHA256 (§2.2). Keys never show up in repr() or str() of these objects.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Callable, Generator

import httpx

from .credentials import BasicAuth, Secret

__all__ = ["BasicAuth", "SignatureAuth", "new_nonce", "signature_v1"]

_NONCE_ALPHABET = string.ascii_lowercase + string.digits


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
        self._public_key = Secret(public_key)
        self._private_key = Secret(private_key)
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
