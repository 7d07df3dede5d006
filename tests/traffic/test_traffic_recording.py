"""Recording: the httpx transport under a generated client and the proxy, both over real HTTP,
write cassettes with nothing secret in them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.traffic.cassette import Interaction, read_cassette
from contracts.traffic.proxy import recording_proxy
from contracts.traffic.recorder import Recorder
from contracts.traffic.redaction import REDACTED, Redactor
from tests.threaded_server import serve_in_thread

# a Luhn-valid test card number and a bank account, as a careless integration might send them
CARD = "4111111111111111"
IBAN = "DE89370400440532013000"


def _interaction(**overrides: Any) -> Interaction:
    fields: dict[str, Any] = {
        "method": "POST",
        "url": "https://x.example/api/v3/customer",
        "request_headers": (),
        "request_body": b"",
        "status": 200,
        "response_headers": (),
        "response_body": b"",
    }
    fields.update(overrides)
    return Interaction(**fields)


def test_credentials_and_signatures_are_redacted_in_headers_and_query() -> None:
    item = Redactor().interaction(
        _interaction(
            url="https://x.example/api/v3/customer?api_key=k1&signature=abc&limit=5",
            request_headers=(
                ("Authorization", "Basic dXNlcjpwYXNz"),
                ("Cookie", "session=1"),
                ("X-ChargeOver-Signature", "v1=deadbeef"),
                ("Accept", "application/json"),
            ),
            response_headers=(("Set-Cookie", "session=2"), ("Content-Length", "12")),
        )
    )
    assert item.request_headers == (
        ("Authorization", f"Basic {REDACTED}"),
        ("Cookie", REDACTED),
        ("X-ChargeOver-Signature", REDACTED),
        ("Accept", "application/json"),
    )
    assert item.response_headers == (("Set-Cookie", REDACTED),)
    assert item.query == {"api_key": REDACTED, "signature": REDACTED, "limit": "5"}


def test_card_and_bank_numbers_are_redacted_in_bodies_keeping_their_json_type() -> None:
    body = {
        "customer_id": 16,
        "number": "1234567890123456",  # 16 digits, not Luhn-valid: an invoice number, kept
        "paymethod": {"cc_number": CARD, "cvv": "123", "expdate_year": 2030},
        "ach": {"account_number": "000123456789", "routing_number": 11000015},
        "notes": f"card {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}; iban {IBAN}",
    }
    item = Redactor().interaction(
        _interaction(
            request_headers=(("Content-Type", "application/json"),),
            request_body=json.dumps(body).encode(),
        )
    )
    redacted = item.request_json()
    assert redacted["customer_id"] == 16
    assert redacted["number"] == "1234567890123456"
    assert redacted["paymethod"] == {"cc_number": REDACTED, "cvv": REDACTED, "expdate_year": 2030}
    assert redacted["ach"] == {"account_number": REDACTED, "routing_number": 0}
    assert redacted["notes"] == f"card {REDACTED}; iban {REDACTED}"


def test_form_and_text_bodies_are_redacted() -> None:
    form = Redactor().body(
        f"card[number]={CARD}&name=Acme".encode(), "application/x-www-form-urlencoded"
    )
    assert form == f"card%5Bnumber%5D={REDACTED}&name=Acme".encode().replace(b"%5B", b"[").replace(
        b"%5D", b"]"
    )
    assert Redactor().body(f"paid with {CARD}".encode(), "text/plain") == (
        f"paid with {REDACTED}".encode()
    )


def _assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} reached the cassette"


@pytest.mark.parametrize("suffix", [".yaml", ".har"])
def test_generated_client_records_through_the_transport(
    emulator_for: Callable[[str], Any], tmp_path: Path, suffix: str
) -> None:
    from chargeover_client.api.customers import create_customer, get_customer
    from chargeover_client.lib import connect
    from chargeover_client.models import CustomerCreate, IdEnvelope

    recorder = Recorder(tmp_path / f"sandbox{suffix}")
    with (
        emulator_for("chargeover") as (emulator, settings),
        connect(
            emulator.base_url,
            username=settings.username,
            password=settings.password,
            transport=recorder.transport(),
        ) as client,
    ):
        created = create_customer.sync(
            client=client, body=CustomerCreate(company="Acme", bill_addr2=f"card {CARD}")
        )
        assert isinstance(created, IdEnvelope)
        fetched = get_customer.sync_detailed(client=client, customer_id=int(created.response.id))
        assert fetched.status_code == 200
    path = recorder.save()
    text = path.read_text()
    basic = base64.b64encode(f"{settings.username}:{settings.password}".encode()).decode()
    _assert_no_secret(text, settings.password, basic, CARD)
    create, get = read_cassette(path)
    assert (create.method, create.status, get.status) == ("POST", 201, 200)
    assert create.request_header("authorization") == f"Basic {REDACTED}"
    assert get.response_json()["response"]["bill_addr2"] == f"card {REDACTED}"


def test_recording_proxy_forwards_and_records_over_real_http(
    emulator_for: Callable[[str], Any], tmp_path: Path
) -> None:
    cassette = tmp_path / "proxied.yaml"
    with emulator_for("invoiced") as (emulator, settings):
        recorder = Recorder(cassette)
        with serve_in_thread(recording_proxy(emulator.base_url, recorder)) as proxy:
            auth = (settings.api_key, "")
            direct = httpx.post(
                f"{emulator.base_url}/customers", json={"name": "Direct"}, auth=auth
            )
            proxied = httpx.post(
                f"{proxy}/customers", json={"name": "Acme", "notes": CARD}, auth=auth
            )
            listed = httpx.get(f"{proxy}/customers", params={"per_page": 1}, auth=auth)
    assert direct.status_code == proxied.status_code == 201
    assert proxied.json()["name"] == "Acme" and proxied.json()["notes"] == CARD  # untouched
    assert listed.headers["x-total-count"] == "2" and 'rel="next"' in listed.headers["link"]
    # the proxy's shutdown wrote the cassette
    text = cassette.read_text()
    _assert_no_secret(text, str(settings.api_key), CARD)
    create, listing = read_cassette(cassette)
    assert create.request_json() == {"name": "Acme", "notes": REDACTED}
    assert listing.response_header("link") == listed.headers["link"]


@pytest.mark.parametrize(
    "text",
    [
        "00000000-0000-0000-0000-000000000000",  # a UUID of zeros (Fynn's ids are UUIDs)
        "fa15692b-b4ff-4fb8-ac23-12d1cad81d39",
        "1234567890123456",  # 16 digits failing the Luhn check
        "860-647-8567",  # a phone number
        "1415222128",  # a Unix timestamp
    ],
)
def test_ids_phone_numbers_and_timestamps_are_no_card_numbers(text: str) -> None:
    assert Redactor().url(f"https://x.example/customers/{text}") == (
        f"https://x.example/customers/{text}"
    )
    assert Redactor().value({"note": text}) == {"note": text}
