"""What a rejection must look like: the ChargeOver error envelope (checks return problems)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.protocol import envelope_rules

__all__ = ["envelope_problems"]


def envelope_problems(
    status: int, headers: Mapping[str, str], content: bytes, *, expected: int | None = None
) -> list[str]:
    """Why this response is not a proper rejection (empty when it is one).

    A 5xx is a problem in itself; a 4xx must be a JSON error envelope, as fact sheet §3
    documents. The envelope rule is `chargeover_emulator.protocol.envelope_rules`, the one the
    contract harness checks too; this adds what a rejection needs on top of it.
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
    return [*problems, *envelope_rules.envelope_problems(status, body)]
