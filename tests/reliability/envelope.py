"""What a rejection must look like: the ChargeOver error envelope (checks return problems)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["envelope_problems"]


def envelope_problems(
    status: int, headers: Mapping[str, str], content: bytes, *, expected: int | None = None
) -> list[str]:
    """Why this response is not a proper error envelope (empty when it is one).

    A 4xx must be JSON `{code, status: "Error", message, details?, response}` with `code` equal
    to the HTTP status and `response` false (null for 404), as fact sheet §3 documents.
    """
    problems: list[str] = []
    if expected is not None and status != expected:
        problems.append(f"HTTP {status}, expected {expected}")
    if status >= 500:
        problems.append(f"server error HTTP {status}")
    if not 400 <= status < 500:
        return problems
    if not headers.get("content-type", "").startswith("application/json"):
        problems.append(f"content-type {headers.get('content-type')!r} is not application/json")
    try:
        body: Any = json.loads(content)
    except ValueError:
        return [*problems, f"body is not JSON: {content[:80]!r}"]
    if not isinstance(body, dict):
        return [*problems, f"body is not an object: {content[:80]!r}"]
    if body.get("code") != status:
        problems.append(f"envelope code {body.get('code')!r} != HTTP {status}")
    if body.get("status") != "Error":
        problems.append(f"envelope status {body.get('status')!r} != 'Error'")
    if not isinstance(body.get("message"), str) or not body["message"]:
        problems.append("envelope message missing or empty")
    if "details" in body and not isinstance(body["details"], dict | None):
        problems.append("envelope details is not an object")
    want = None if status == 404 else False
    if "response" not in body or body["response"] is not want:
        problems.append(f"envelope response {body.get('response')!r} != {want!r}")
    return problems
