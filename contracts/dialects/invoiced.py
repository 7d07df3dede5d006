"""Invoiced as the harness sees it: the Link-paging, page-total, error-body and delete checks
(contracts/invoiced/checks.py), HTTP Basic with the API key as the username and an empty
password, writes tagged by customer `number` (contracts/invoiced/writes.py), the documented
leniencies waived on targets the harness does not host, and the customer/contact reference
model. The account is `INVOICED_URL` (e.g. https://api.sandbox.invoiced.com) and
`INVOICED_API_KEY`; the harness's options are `INVOICED_CONTRACTS_*`."""

from __future__ import annotations

from contracts import waivers
from contracts.auth import HttpBasic
from contracts.dialect import HarnessDialect
from contracts.invoiced import checks
from contracts.invoiced.writes import InvoicedWrites
from contracts.settings import REPO_ROOT

__all__ = ["invoiced"]


# built once: a waiver compares by the identity of its rule; Invoiced's behaviour needs no
# waiver of its own (the emulator's 405 for an undeclared method is what schemathesis expects)
_WAIVERS = (
    waivers.documented_leniency(
        "invoiced", where="chargeover_emulator/dialects/invoiced.py, spec/invoiced/NOTES.md"
    ),
)


def invoiced() -> HarnessDialect:
    """Invoiced's harness dialect."""
    return HarnessDialect(
        name="invoiced",
        title="Invoiced",
        # no version or prefix in Invoiced's URLs: https://api.invoiced.com/customers
        api_prefix="",
        spec_path=checks.SPEC_PATH,
        schemathesis_config=REPO_ROOT / "contracts" / "invoiced" / "schemathesis.toml",
        checks=checks.CHECKS,
        auth=HttpBasic(),
        writes=InvoicedWrites(),
        account_fields=("API_KEY",),
        waivers=_WAIVERS,
        suites={
            "model": "contracts.invoiced.model:run_model",
            "client": "contracts.invoiced.client_contracts:run_client_contracts",
            # the examples of the Invoiced dialect's leniencies name no object (no placeholder)
            "leniencies": "contracts.leniencies:run_leniencies",
        },
    )
