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


# RFC 7235: a 401 names its scheme. httplib2 (the official Python SDK's HTTP library) sends Basic
# credentials only after such a challenge. No source shows ChargeOver's realm string or a
# challenge for the signature scheme: spec/NOTES.md records the choice.
CHALLENGE = 'Basic realm="ChargeOver"'


def _denied(reason: str) -> Unauthorized:
    """ChargeOver's 401: its message wording, and the Basic challenge."""
    return Unauthorized(f"Invalid or incorrect authorization [{reason}]", challenge=CHALLENGE)


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
            raise _denied("Missing (basic) authorization header.")
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() == "basic":
            return self._basic(credentials.strip())
        if scheme.lower() == "chargeover":
            return self._signature(credentials, url, body)
        raise _denied(f"Unsupported authorization scheme ({scheme}).")

    def _basic(self, credentials: str) -> str:
        """Validate `Basic base64(user:pass)`."""
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise _denied("Malformed (basic) authorization header.") from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise _denied("Malformed (basic) authorization header.")
        user_ok = hmac.compare_digest(username.encode(), self._username.encode())
        pass_ok = hmac.compare_digest(password.encode(), self._password.encode())
        if not (user_ok and pass_ok):
            raise _denied("Invalid API username or password.")
        return username

    def _signature(self, credentials: str, url: str, body: bytes) -> str:
        """Validate a `ChargeOver co_public_key=... co_signature=...` header."""
        params: dict[str, str] = dict(_SIGNATURE_PARAM.findall(credentials))
        if any(name not in params for name in _REQUIRED):
            raise _denied("Malformed (ChargeOver) authorization header.")
        method = params.get("co_signature_method", "HMAC-SHA256")
        if method.upper() != "HMAC-SHA256":
            raise _denied(f"Unsupported signature method ({method}).")
        public_key, nonce, timestamp = (
            params["co_public_key"],
            params["co_nonce"],
            params["co_timestamp"],
        )
        if not hmac.compare_digest(public_key.encode(), self._username.encode()):
            raise _denied("Invalid API public key.")
        seconds = non_negative_integer(timestamp)
        if seconds is None:
            raise _denied("Malformed (ChargeOver) authorization header.")
        now = self._clock()
        if abs(now - seconds) > self._window:
            raise _denied("Request timestamp is outside the allowed window.")
        expected = signature_for(
            self._password, string_to_sign(public_key, url, nonce, timestamp, body)
        )
        if not hmac.compare_digest(expected, params["co_signature"].lower()):
            raise _denied("Invalid request signature.")
        with self._lock:
            self._forget_expired(now)
            if (public_key, nonce) in self._seen_nonces:
                raise _denied("Nonce has already been used.")
            self._seen_nonces[(public_key, nonce)] = now
        return public_key

    def _forget_expired(self, now: float) -> None:
        """Drop nonces older than the window: a replay of those fails the timestamp check anyway."""
        horizon = now - 2 * self._window
        for key in [key for key, seen in self._seen_nonces.items() if seen < horizon]:
            del self._seen_nonces[key]
