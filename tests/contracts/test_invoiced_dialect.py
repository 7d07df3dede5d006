"""The Invoiced harness dialect: its checks, auth, account, suites and waivers; schemathesis'
`unsupported_method` applies to Invoiced unwaived."""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.checks import CHECKS

from chargeover_emulator.dialects import vendors
from contracts.auth import HttpBasic
from contracts.dialects import by_name
from contracts.invoiced.writes import InvoicedWrites
from tests.contracts.conftest import ASGIApp
from tests.contracts.invoiced_variants import fresh_invoiced, reported, run_invoiced

INVOICED_CHECKS = {
    "invoiced_link_header",
    "invoiced_page_total",
    "invoiced_error_body",
    "invoiced_delete_no_content",
}
needs_emulator = pytest.mark.skipif(
    "invoiced" not in vendors(), reason="the Invoiced emulator dialect is not merged yet"
)


def test_the_invoiced_dialect() -> None:
    dialect = by_name("Invoiced")
    assert set(dialect.check_names) == INVOICED_CHECKS
    assert dialect.auth == HttpBasic() and dialect.account_fields == ("API_KEY",)
    assert dialect.api_prefix == "" and dialect.writes == InvoicedWrites()
    assert dialect.spec_path.parts[-2:] == ("invoiced", "openapi.yaml")
    assert set(dialect.suites) == {"model", "client", "leniencies"}
    # the documented leniencies on targets the harness does not host, nothing else
    assert [waiver.name for waiver in dialect.waivers] == ["documented-leniency"]
    assert all(waiver.reason for waiver in dialect.waivers)
    assert by_name("invoiced") == dialect


def test_importing_the_invoiced_harness_registers_nothing() -> None:
    import contracts.dialects.invoiced
    import contracts.invoiced.model  # noqa: F401

    assert not INVOICED_CHECKS & set(CHECKS.get_all_names())


def undeclared_methods_answer_200(app: ASGIApp) -> ASGIApp:
    """A method the spec does not declare (TRACE, PUT, ...) is served as if it were a GET."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] not in {"GET", "POST", "PATCH", "DELETE"}:
            scope = {**scope, "method": "GET"}
        await app(scope, receive, send)

    return wrapped


@needs_emulator
@pytest.mark.slow
def test_an_undeclared_method_gets_405_from_the_emulator() -> None:
    app, credentials = fresh_invoiced(customers=2)
    report = run_invoiced(app, credentials, operation_ids=("listCustomers",), phases=("coverage",))
    assert not reported(report, "unsupported_method"), report.markdown()
    assert report.matrix["GET /customers"]["unsupported_method"].passed > 0
    assert not report.waivers


@needs_emulator
@pytest.mark.slow
def test_a_200_to_an_undeclared_method_fails() -> None:
    app, credentials = fresh_invoiced(customers=2)
    report = run_invoiced(
        undeclared_methods_answer_200(app), credentials,
        operation_ids=("listCustomers",), phases=("coverage",),
    )  # fmt: skip
    assert "GET /customers" in reported(report, "unsupported_method"), report.markdown()
