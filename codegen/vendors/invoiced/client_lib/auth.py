"""Invoiced authentication as httpx.Auth (credentials.py): an API key or an OAuth access token.

API key: HTTP Basic with the key as the username and an empty password (`curl -u KEY:`).
Access token (a third-party app's OAuth 2.0 token): `Authorization: Bearer <token>`.
Neither shows up in repr() or str().
"""

from __future__ import annotations

from .credentials import BasicAuth, BearerAuth

__all__ = ["BasicAuth", "BearerAuth", "api_key_auth"]


def api_key_auth(api_key: str) -> BasicAuth:
    """HTTP Basic for an Invoiced API key: the key is the username, the password is empty."""
    return BasicAuth(api_key, "")
