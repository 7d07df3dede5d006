"""Fynn as the harness sees it: meta.pagination, error-body, violation, hierarchy and archive
checks; Bearer API keys holding permissions (FYNN_TOKEN, and FYNN_READ_TOKEN for a key that may
only read); customers tagged by customerNumber and email on real accounts; the permission sweep
and the customer reference model."""

from __future__ import annotations

from collections.abc import Mapping

from contracts import waivers
from contracts.auth import Credentials, HttpBearer
from contracts.dialect import HarnessDialect
from contracts.fynn import SPEC_PATH, rules
from contracts.fynn.writes import FynnWrites
from contracts.settings import REPO_ROOT

__all__ = ["PERMISSIONS", "fynn"]

#: every permission the spec's security requirements name (a hosted emulator's full key)
PERMISSIONS = ("customer:read", "customer:write", "payment-method:write",
               "customer:payment-method:change")  # fmt: skip


def _emulator_keys(credentials: Credentials, read_only: Credentials | None) -> Mapping[str, str]:
    """The Fynn emulator's `api_keys` option: the run's key with every permission, and its
    read-only key with `customer:read` alone."""
    keys = [f"{credentials[0]}={' '.join(PERMISSIONS)}"]
    if read_only is not None:
        keys.append(f"{read_only[0]}=customer:read")
    return {"api_keys": ",".join(keys)}


def fynn() -> HarnessDialect:
    """Fynn's harness dialect."""
    return HarnessDialect(
        name="fynn",
        title="Fynn",
        api_prefix="",
        spec_path=SPEC_PATH,
        schemathesis_config=REPO_ROOT / "contracts" / "fynn" / "schemathesis.toml",
        checks=rules.CHECKS,
        auth=HttpBearer(scheme="JWT"),
        writes=FynnWrites(),
        account_fields=("TOKEN",),
        read_only_field="READ_TOKEN",
        hosted_account=_emulator_keys,
        # the one documented need: a faithful Fynn (the real API, or `contract-kit serve
        # --vendor fynn` by default) accepts the violations its dialect lists with evidence
        waivers=(
            waivers.documented_leniency(
                "fynn", where="chargeover_emulator/dialects/fynn.py, spec/fynn/NOTES.md"
            ),
        ),
        suites={
            "model": "contracts.fynn.suites:run_model",
            "client": "contracts.fynn.client:run_client_contracts",
        },
    )
