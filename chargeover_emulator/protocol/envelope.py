"""The ChargeOver response envelope `{code, status, message, details, response}`."""

from __future__ import annotations

from typing import Any

from chargeover_emulator.errors import ApiError

__all__ = ["error_body", "ok_body", "status_word"]


def status_word(code: int) -> str:
    """`OK` for 2xx codes, `Error` otherwise."""
    return "OK" if 200 <= code < 300 else "Error"


def ok_body(code: int, response: Any, *, details: bool = True) -> dict[str, Any]:
    """A success envelope; bulk items leave out `details` as the docs' bulk example does."""
    body: dict[str, Any] = {"code": code, "status": status_word(code), "message": ""}
    if details:
        body["details"] = {}
    body["response"] = response
    return body


def error_body(error: ApiError, *, details: bool = True) -> dict[str, Any]:
    """An error envelope: `response` is false, except null for 404 as real responses show."""
    body: dict[str, Any] = {"code": error.status_code, "status": "Error", "message": error.message}
    if details:
        body["details"] = dict(error.details)
    # real 404s send `response: null`, every other error `false` (spec/NOTES.md)
    body["response"] = None if error.status_code == 404 else False
    return body
