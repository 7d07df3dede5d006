"""HTTP Basic and ChargeOver signature-v1 (HMAC-SHA256) authentication."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable

from chargeover_emulator.errors import Unauthorized
from chargeover_emulator.protocol.numbers import non_negative_integer

__all__ = ["Authenticator", "signature_for", "string_to_sign"]

_SIGNATURE_PARAM = re.compile(r'(co_[a-z_]+)="([^"]*)"')
_REQUIRED = ("co_public_key", "co_nonce", "co_timestamp", "co_signature")


def string_to_sign(public_key: str, url: str, nonce: str, timestamp: str, body: bytes) -> bytes:
    """`{pub}||{lowercase full URL}||{nonce}||{ts}||{body}`, as the PHP/Python/Java SDKs do."""
    head = f"{public_key}||{url.lower()}||{nonce}||{timestamp}||".encode()
    return head + body


def signature_for(private_key: str, message: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of the message under the private key."""
    return hmac.new(private_key.encode(), message, hashlib.sha256).hexdigest()


class Authenticator:
    """Checks one request's Authorization header and returns the credential's public key."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        window_seconds: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._username = username
        self._password = password
        self._window = window_seconds
        self._clock = clock
        self._seen_nonces: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def authenticate(self, header: str | None, url: str, body: bytes) -> str:
        """Return the authenticated public key or raise Unauthorized."""
        if header is None or header.strip() == "":
            raise Unauthorized("Missing (basic) authorization header.")
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() == "basic":
            return self._basic(credentials.strip())
        if scheme.lower() == "chargeover":
            return self._signature(credentials, url, body)
        raise Unauthorized(f"Unsupported authorization scheme ({scheme}).")

    def _basic(self, credentials: str) -> str:
        """Validate `Basic base64(user:pass)`."""
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized("Malformed (basic) authorization header.") from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise Unauthorized("Malformed (basic) authorization header.")
        user_ok = hmac.compare_digest(username.encode(), self._username.encode())
        pass_ok = hmac.compare_digest(password.encode(), self._password.encode())
        if not (user_ok and pass_ok):
            raise Unauthorized("Invalid API username or password.")
        return username

    def _signature(self, credentials: str, url: str, body: bytes) -> str:
        """Validate a `ChargeOver co_public_key=... co_signature=...` header."""
        params: dict[str, str] = dict(_SIGNATURE_PARAM.findall(credentials))
        if any(name not in params for name in _REQUIRED):
            raise Unauthorized("Malformed (ChargeOver) authorization header.")
        method = params.get("co_signature_method", "HMAC-SHA256")
        if method.upper() != "HMAC-SHA256":
            raise Unauthorized(f"Unsupported signature method ({method}).")
        public_key, nonce, timestamp = (
            params["co_public_key"],
            params["co_nonce"],
            params["co_timestamp"],
        )
        if not hmac.compare_digest(public_key.encode(), self._username.encode()):
            raise Unauthorized("Invalid API public key.")
        seconds = non_negative_integer(timestamp)
        if seconds is None:
            raise Unauthorized("Malformed (ChargeOver) authorization header.")
        now = self._clock()
        if abs(now - seconds) > self._window:
            raise Unauthorized("Request timestamp is outside the allowed window.")
        expected = signature_for(
            self._password, string_to_sign(public_key, url, nonce, timestamp, body)
        )
        if not hmac.compare_digest(expected, params["co_signature"].lower()):
            raise Unauthorized("Invalid request signature.")
        with self._lock:
            self._forget_expired(now)
            if (public_key, nonce) in self._seen_nonces:
                raise Unauthorized("Nonce has already been used.")
            self._seen_nonces[(public_key, nonce)] = now
        return public_key

    def _forget_expired(self, now: float) -> None:
        """Drop nonces older than the window: a replay of those fails the timestamp check anyway."""
        horizon = now - 2 * self._window
        for key in [key for key, seen in self._seen_nonces.items() if seen < horizon]:
            del self._seen_nonces[key]
