"""The Invoiced generated-client suite: every operation through `invoiced_client` passes against
the real emulator, and broken variants fail it (a wrong status, an unparsable list, a paginator
total that disagrees)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chargeover_emulator.dialects import vendors
from contracts.invoiced.client_contracts import PLAN
from tests.contracts.conftest import ASGIApp, _json_rewrite, rewriting
from tests.contracts.invoiced_variants import (
    delete_answers_200_with_a_body,
    fresh_invoiced,
    reported,
    run_invoiced,
    total_count_plus_one,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "invoiced" not in vendors(), reason="the Invoiced emulator dialect is not merged yet"
    ),
]
invoiced_client = pytest.importorskip("invoiced_client", reason="run `nox -s generate` first")


def lists_answer_an_object(app: ASGIApp) -> ASGIApp:
    """A listing answers `{"data": [...]}` instead of the bare array."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        return {"data": data} if isinstance(data, list) else data

    return rewriting(app, _json_rewrite(change))


def test_every_operation_passes_against_the_emulator() -> None:
    app, credentials = fresh_invoiced()
    report = run_invoiced(app, credentials, suites=("client",))
    assert report.ok, report.markdown()
    suite = report.suites[0]
    assert suite.tests == len(PLAN) == 14, suite.detail
    assert report.matrix["GET /customers"]["client_paginate"].passed == 1
    assert report.matrix["model Customer"]["client_roundtrip"].passed > 0


def test_a_delete_answering_200_fails_the_client_status() -> None:
    app, credentials = fresh_invoiced()
    report = run_invoiced(delete_answers_200_with_a_body(app), credentials, suites=("client",))
    assert "DELETE /customers/{id}" in reported(report, "client_status"), report.markdown()
    assert "DELETE /customers/{id}" in reported(report, "invoiced_delete_no_content")


def test_a_listing_that_is_not_an_array_fails_the_parse() -> None:
    app, credentials = fresh_invoiced()
    report = run_invoiced(lists_answer_an_object(app), credentials, suites=("client",))
    assert "GET /customers" in reported(report, "client_parse"), report.markdown()


def test_the_paginator_total_is_x_total_count() -> None:
    app, credentials = fresh_invoiced()
    report = run_invoiced(total_count_plus_one(app), credentials, suites=("client",))
    failures = [f for f in report.failures if f.check == "client_paginate"]
    assert failures and "total 2" in failures[0].message, report.markdown()
    assert json.dumps(failures[0].reproduction).startswith('"curl')
