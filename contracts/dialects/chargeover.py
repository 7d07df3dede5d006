"""ChargeOver REST v3 as the harness sees it: the envelope, enum, paging and Location checks,
HTTP Basic (public key, private key), and the waivers of contracts/waivers.py."""

from __future__ import annotations

from contracts import checks, waivers
from contracts.auth import HttpBasic
from contracts.dialect import HarnessDialect

__all__ = ["chargeover"]


def chargeover() -> HarnessDialect:
    """ChargeOver's harness dialect."""
    return HarnessDialect(
        name="chargeover",
        api_prefix=checks.API_PREFIX,
        checks=checks.CHECKS,
        auth=HttpBasic(),
        waivers=waivers.WAIVERS,
    )
