"""Invoiced as the harness sees it: the Link-paging, page-total, error-body and delete checks
(contracts/invoiced/checks.py), HTTP Basic with the API key as the username and an empty
password, writes tagged by customer `number` (contracts/invoiced/writes.py), the documented
leniencies waived on targets the harness does not host, and the customer/contact reference
model. The account is `INVOICED_URL` (e.g. https://api.sandbox.invoiced.com) and
`INVOICED_API_KEY`; the harness's options are `INVOICED_CONTRACTS_*`."""

from __future__ import annotations

from typing import Any

from schemathesis import Response
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case

from contracts import waivers
from contracts.auth import HttpBasic
from contracts.dialect import HarnessDialect
from contracts.invoiced import checks
from contracts.invoiced.writes import InvoicedWrites
from contracts.settings import REPO_ROOT

__all__ = ["invoiced"]


def _undeclared_method_is_not_found(failure: Failure, case: Case[Any], response: Response) -> bool:
    """An undeclared method answered 404 with Invoiced's error body (which the
    `invoiced_error_body` check judges on the same response)."""
    return response.status_code == 404 and getattr(failure, "status_code", None) == 404


# built once: a waiver compares by the identity of its rule
_WAIVERS = (
    waivers.documented_leniency(
        "invoiced", where="chargeover_emulator/dialects/invoiced.py, spec/invoiced/NOTES.md"
    ),
    waivers.Waiver(
        name="undeclared-method-is-not-found",
        check="unsupported_method",
        reason=(
            "What Invoiced answers a method a path does not declare is undocumented (fact sheet "
            "§3 lists no 405); the dialect answers it as an unknown endpoint, 404 "
            '`invalid_request` (spec/invoiced/NOTES.md, Emulator, "Unknown route or method"). '
            "Only a 404 is waived: any other answer (a 2xx, a 5xx, a 400) still fails."
        ),
        applies=_undeclared_method_is_not_found,
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
