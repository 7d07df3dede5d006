"""ChargeOver REST v3 as the harness sees it: the envelope, enum, paging and Location checks,
HTTP Basic (public key, private key), external_key-tagged writes, the waivers of
contracts/waivers.py, and the reference-model, generated-client and leniency suites."""

from __future__ import annotations

from contracts import checks, waivers
from contracts.auth import HttpBasic
from contracts.dialect import HarnessDialect
from contracts.safety import ChargeOverWrites
from contracts.settings import REPO_ROOT

__all__ = ["chargeover"]


def chargeover() -> HarnessDialect:
    """ChargeOver's harness dialect."""
    return HarnessDialect(
        name="chargeover",
        title="ChargeOver",
        api_prefix=checks.API_PREFIX,
        spec_path=REPO_ROOT / "spec" / "chargeover.openapi.yaml",
        schemathesis_config=REPO_ROOT / "contracts" / "schemathesis.toml",
        checks=checks.CHECKS,
        auth=HttpBasic(),
        writes=ChargeOverWrites(),
        waivers=waivers.WAIVERS,
        suites={
            "model": "contracts.stateful:run_model",
            "client": "contracts.client_contracts:run_client_contracts",
            "leniencies": "contracts.leniencies:run_leniencies",
            "drift": "contracts.drift:run_drift",
        },
    )
