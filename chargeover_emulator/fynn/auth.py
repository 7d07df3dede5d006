"""Fynn's auth: `Authorization: Bearer <API key>`, each key holding permissions (scopes).

The engine asks `authorize` with the operation's `security` requirements once it is routed,
before anything of the operation runs, so a missing permission is a 403 that changes nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from chargeover_emulator.errors import Unauthorized
from chargeover_emulator.fynn.errors import Forbidden

__all__ = ["ApiKeys"]

_CHALLENGE = 'Bearer realm="Fynn"'


class ApiKeys:
    """The configured keys; `authenticate` returns the key (the rate limit counts per key)."""

    def __init__(self, keys: Mapping[str, frozenset[str]]) -> None:
        self._keys = dict(keys)

    def authenticate(self, header: str | None, url: str, body: bytes) -> str:
        scheme, _, token = (header or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("JWT Token not found", challenge=_CHALLENGE)
        for key in self._keys:
            if hmac.compare_digest(token.encode(), key.encode()):
                return key
        raise Unauthorized("Invalid JWT Token", challenge=_CHALLENGE)

    def authorize(self, credential: str | None, requirements: tuple[frozenset[str], ...]) -> None:
        held = self._keys.get(credential or "", frozenset())
        if not any(required <= held for required in requirements):
            needed = " or ".join(" and ".join(sorted(r)) for r in requirements)
            raise Forbidden(f"Access Denied. This API key lacks the permission {needed}.")
