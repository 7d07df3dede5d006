"""Protections the emulator is missing: each test states the wanted behaviour and fails today.

Strict xfail: when the owner fixes one (see known_defects.py for file, function and fix), its
test passes, strict mode turns that into a failure, and the xfail mark and registry entry go.
"""

from __future__ import annotations

import json

import pytest

from tests.reliability.envelope import envelope_problems
from tests.reliability.inprocess import Exchange, InProcessEmulator, spec_document
from tests.reliability.known_defects import DEFECTS

_REASONS = {defect.key: f"{defect.location}: {defect.symptom}" for defect in DEFECTS}


def refused_cleanly(exchange: Exchange, status: int) -> None:
    """The request got a `status` envelope; an escaped exception is re-raised to show it."""
    if exchange.error is not None:
        raise exchange.error
    assert (
        envelope_problems(exchange.status, exchange.headers, exchange.content, expected=status)
        == []
    )


@pytest.mark.xfail(strict=True, reason=_REASONS["int64-overflow"])
@pytest.mark.parametrize(
    ("method", "url", "params", "status"),
    [
        ("GET", "/api/v3/customer/99999999999999999999999", None, 404),
        ("GET", "/api/v3/customer", {"offset": "99999999999999999999999"}, 400),
        ("GET", "/api/v3/customer", {"where": "customer_id:EQUALS:99999999999999999999999"}, 400),
    ],
    ids=["path-id", "offset", "where-integer"],
)
def test_integers_beyond_int64_are_refused(
    emulator: InProcessEmulator, method: str, url: str, params: dict[str, str] | None, status: int
) -> None:
    refused_cleanly(emulator.request(method, url, params=params), status)


@pytest.mark.xfail(strict=True, reason=_REASONS["int64-overflow"])
def test_body_integer_beyond_int64_is_refused(emulator: InProcessEmulator) -> None:
    body = {"company": "x", "language_id": 10**30}
    refused_cleanly(emulator.request("POST", "/api/v3/customer", json_body=body), 400)


@pytest.mark.xfail(strict=True, reason=_REASONS["deep-json-parse"])
def test_body_nested_beyond_the_parser_is_refused(emulator: InProcessEmulator) -> None:
    deep = b"[" * 100_000
    refused_cleanly(emulator.request("POST", "/api/v3/customer", content=deep), 400)


@pytest.mark.xfail(strict=True, reason=_REASONS["deep-json-validate"])
def test_body_nested_beyond_the_validator_is_refused(emulator: InProcessEmulator) -> None:
    deep = b'{"company":' + b"[" * 500 + b"]" * 500 + b"}"
    refused_cleanly(emulator.request("POST", "/api/v3/customer", content=deep), 400)


@pytest.mark.xfail(strict=True, reason=_REASONS["lone-surrogate"])
def test_lone_surrogate_in_a_body_is_refused(emulator: InProcessEmulator) -> None:
    body = b'{"company": "\\ud800"}'
    refused_cleanly(emulator.request("POST", "/api/v3/customer", content=body), 400)


@pytest.mark.xfail(strict=True, reason=_REASONS["non-finite-number"])
def test_amounts_that_overflow_are_refused_before_they_poison_reads(
    emulator: InProcessEmulator,
) -> None:
    seeded = emulator.seed()
    media = spec_document()["paths"]["/invoice"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    invoice = dict(next(iter(media["examples"].values()))["value"])
    invoice["customer_id"] = seeded["ids"]["customer"]
    body = json.dumps(invoice).replace('"line_rate": 29.95', '"line_rate": 1e308')
    created = emulator.request("POST", "/api/v3/invoice", content=body.encode())
    listing = emulator.request("GET", "/api/v3/invoice")  # must keep working for every reader
    if listing.error is not None:
        raise listing.error
    refused_cleanly(created, 400)
