"""schemathesis hooks for a stock `schemathesis run` from the repository root.

The root schemathesis.toml names this module (`hooks = "contracts.stock_hooks"`), so that a
stock run, typed as a schemathesis user types it, also checks the one ChargeOver rule no
built-in check can see and the spec cannot state per status: the envelope's `code` mirrors the
HTTP status (a create answered 201 with `code: 200` is wrong; IdEnvelope serves 201 and 202, so
its schema says `code: integer`). The rule is the harness's own (`contracts.checks`), written
once. Only schemathesis' CLI imports this module: importing it registers the check in
schemathesis' process-wide registry, where the harness scopes its checks per run instead
(`contracts.check_registry`). spec/NOTES.md says why a hook and not a spec change.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from contracts import checks

__all__ = ["chargeover_envelope"]

CHARGEOVER_TITLE = "ChargeOver REST API v3"


@schemathesis.check
def chargeover_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """ChargeOver's envelope: code == HTTP status, status OK iff 2xx, errors carry a message."""
    title = case.operation.schema.raw_schema.get("info", {}).get("title")
    if title != CHARGEOVER_TITLE:
        return True  # another vendor's spec: skipped, not passed
    return checks.chargeover_envelope(ctx, response, case)
