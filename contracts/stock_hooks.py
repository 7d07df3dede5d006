"""schemathesis hooks for a stock `schemathesis run` from the repository root.

The root schemathesis.toml names this module (`hooks = "contracts.stock_hooks"`), so that a
stock run, typed as a schemathesis user types it, also checks the one ChargeOver rule no
built-in check can see and the spec cannot state per status: the envelope's `code` mirrors the
HTTP status (a create answered 201 with `code: 200` is wrong; IdEnvelope serves 201 and 202, so
its schema says `code: integer`). The rule is the harness's own (`contracts.checks`), written
once. spec/NOTES.md says why a hook and not a spec change.

The check is registered in the schemathesis command only. schemathesis also reads the root
schemathesis.toml, hooks included, whenever a schema is loaded without a configuration in a
process whose working directory is the repository root (`schemathesis.openapi.from_path` calls
`SchemathesisConfig.discover()`): a test session, or a harness run. There a process-wide
registration would judge every later schemathesis run, and collide with the harness, which
registers `chargeover_envelope` for each of its own runs (`contracts.check_registry`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import schemathesis

from contracts import checks

__all__ = ["chargeover_envelope"]

CHARGEOVER_TITLE = "ChargeOver REST API v3"


def _in_the_schemathesis_command() -> bool:
    """Whether this process is `schemathesis`/`st` (or `python -m schemathesis`)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return program.name in {"schemathesis", "st"} or program.parent.name == "schemathesis"


def chargeover_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """ChargeOver's envelope: code == HTTP status, status OK iff 2xx, errors carry a message."""
    title = case.operation.schema.raw_schema.get("info", {}).get("title")
    if title != CHARGEOVER_TITLE:
        return True  # another vendor's spec: skipped, not passed
    return checks.chargeover_envelope(ctx, response, case)


if _in_the_schemathesis_command():
    schemathesis.check(chargeover_envelope)
