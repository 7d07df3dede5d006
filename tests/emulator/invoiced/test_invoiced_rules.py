"""Metadata limits, the balance, statement sends, list filters, flags and sort."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.dialects.invoiced import InvoicedDialect
from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import FIXED_TIMESTAMP, invoiced_client, invoiced_settings

_HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ({f"k{i}": "v" for i in range(11)}, "11 keys"),
        ({"k" * 41: "v"}, "key of 41 characters"),
        ({"": "v"}, "empty key"),
        ({"k": "v" * 256}, "value of 256 characters"),
        ({"k": 1}, "value not a string"),
    ],
)
def test_metadata_beyond_the_limits_is_a_400_and_writes_nothing(
    inv: TestClient, metadata: dict[str, object], reason: str
) -> None:
    created = inv.post("/customers", json={"name": "Acme", "metadata": metadata})
    assert created.status_code == 400, reason
    assert created.json()["type"] == "invalid_request"
    assert created.json()["param"].startswith("metadata")
    assert inv.get("/customers").json() == []
    customer = inv.post("/customers", json={"name": "Acme", "metadata": {"a": "b"}}).json()
    patched = inv.patch(f"/customers/{customer['id']}", json={"metadata": metadata, "city": "X"})
    assert patched.status_code == 400
    assert inv.get(f"/customers/{customer['id']}").json() == customer


def test_metadata_at_the_limits_is_stored(inv: TestClient) -> None:
    metadata = {f"{i:02d}" + "k" * 38: "v" * 255 for i in range(10)}
    created = inv.post("/customers", json={"name": "Acme", "metadata": metadata})
    assert created.status_code == 201
    assert created.json()["metadata"] == metadata


def test_the_balance_is_zero_without_invoices_in_the_customers_currency(inv: TestClient) -> None:
    euro = inv.post("/customers", json={"name": "Acme", "currency": "EUR"}).json()
    assert euro["currency"] == "eur"  # sent in lower case, as every docs example shows it
    balance = inv.get(f"/customers/{euro['id']}/balance").json()
    assert balance == {
        "available_credits": 0,
        "currency": "eur",
        "due_now": 0,
        "history": [],
        "past_due": False,
        "total_outstanding": 0,
    }
    asked = inv.get(f"/customers/{euro['id']}/balance", params={"currency": "USD"}).json()
    assert asked["currency"] == "usd"
    plain = inv.post("/customers", json={"name": "Plain"}).json()
    assert inv.get(f"/customers/{plain['id']}/balance").json()["currency"] == "usd"
    bad = inv.get(f"/customers/{plain['id']}/balance", params={"currency": "dollars"})
    assert (bad.status_code, bad.json()["param"]) == (400, "currency")


def test_statement_emails_are_recorded_per_recipient(
    inv: TestClient, inv_emulator: Emulator
) -> None:
    acme = inv.post("/customers", json={"name": "Acme", "email": "billing@acme.test"}).json()
    inv.post(f"/customers/{acme['id']}/contacts", json={"name": "N", "email": "n@acme.test"})
    default = inv.post(f"/customers/{acme['id']}/emails")
    assert default.status_code == 201
    assert [email["email"] for email in default.json()] == ["billing@acme.test", "n@acme.test"]
    chosen = inv.post(
        f"/customers/{acme['id']}/emails",
        json={"to": [{"name": "Client", "email": "client@example.com"}], "subject": "Hi"},
    ).json()
    assert len(chosen) == 1
    email = chosen[0]
    assert _HEX32.fullmatch(email["id"])
    assert (email["object"], email["state"], email["subject"]) == ("email", "sent", "Hi")
    assert email["created_at"] == FIXED_TIMESTAMP
    assert isinstance(inv_emulator.dialect, InvoicedDialect)
    sends = inv_emulator.dialect.statements
    with inv_emulator.database.transaction() as conn:
        ctx = inv_emulator.context(conn, ipaddr="127.0.0.1", base_url="http://x")
        assert sends.sent(ctx, acme["id"]) == [*default.json(), email]


def test_a_customer_without_any_address_cannot_be_emailed(inv: TestClient) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    answer = inv.post(f"/customers/{acme['id']}/emails", json={})
    assert (answer.status_code, answer.json()["param"]) == (400, "to")


def test_statement_texts_and_letters(inv: TestClient) -> None:
    acme = inv.post(
        "/customers",
        json={"name": "Acme Inc.", "address1": "5301 Southwest Pkwy", "city": "Austin",
              "state": "TX", "postal_code": "78735"},
    ).json()  # fmt: skip
    texts = inv.post(
        f"/customers/{acme['id']}/text_messages",
        json={"to": [{"phone": "+15125551212", "name": "Bob"}, {"phone": "+15125550000"}]},
    )
    assert texts.status_code == 201
    assert [text["to"] for text in texts.json()] == ["+15125551212", "+15125550000"]
    assert all(_HEX32.fullmatch(text["id"]) and text["state"] == "sent" for text in texts.json())
    no_to = inv.post(f"/customers/{acme['id']}/text_messages", json={"message": "x"})
    assert (no_to.status_code, no_to.json()["param"]) == (400, "to")
    letter = inv.post(f"/customers/{acme['id']}/letters", json={"type": "open_item"})
    assert letter.status_code == 201
    assert letter.json()["to"] == "Acme Inc.\n5301 Southwest Pkwy\nAustin, TX 78735"
    assert letter.json()["state"] == "queued"
    assert letter.json()["expected_delivery_date"] == FIXED_TIMESTAMP + 11 * 86400
    unknown = inv.post("/customers/999/letters", json={})
    assert unknown.status_code == 404


def test_filters_metadata_flags_and_updated_after(inv: TestClient) -> None:
    inv.post("/customers", json={"name": "Acme", "autopay": True, "metadata": {"rep": "Jan"}})
    inv.post("/customers", json={"name": "Globex", "credit_limit": 100.5})
    inv.post("/customers", json={"name": "Initech", "metadata": {"rep": "Bo"}})

    def names(**params: str) -> list[str]:
        answer = inv.get("/customers", params=params)
        assert answer.status_code == 200, answer.text
        return [customer["name"] for customer in answer.json()]

    assert names(**{"filter[name]": "Globex"}) == ["Globex"]
    assert names(**{"filter[autopay]": "true"}) == ["Acme"]
    assert names(**{"filter[credit_limit]": "100.5"}) == ["Globex"]
    assert names(**{"filter[number]": "CUST-0003"}) == ["Initech"]
    assert names(**{"metadata[rep]": "Jan"}) == ["Acme"]
    assert names(**{"metadata[rep]": "Jan", "filter[name]": "Initech"}) == []
    assert names(**{"metadata[missing]": "x"}) == []
    assert names(payment_source="false") == ["Acme", "Globex", "Initech"]
    assert names(payment_source="true") == []
    assert names(payment_source="1") == []  # the Go SDK's spelling (a reported leniency)
    assert names(payment_source="True") == []  # Python's str(True)
    assert names(open_balance="true") == []
    assert names(open_balance="0") == ["Acme", "Globex", "Initech"]
    assert names(updated_after=str(FIXED_TIMESTAMP)) == []
    assert names(updated_after=str(FIXED_TIMESTAMP - 1)) == ["Acme", "Globex", "Initech"]
    assert names(expand="parent_customer") == ["Acme", "Globex", "Initech"]
    assert names(**{"filter[id]": "99999999999999999999"}) == []  # beyond int64: no match


def test_sort_by_any_sortable_column(inv: TestClient) -> None:
    for name in ("b", "c", "a"):
        inv.post("/customers", json={"name": name})
    assert [c["name"] for c in inv.get("/customers", params={"sort": "name asc"}).json()] == [
        "a",
        "b",
        "c",
    ]
    assert [c["id"] for c in inv.get("/customers", params={"sort": "id desc"}).json()] == [3, 2, 1]
    for bad in ("name", "name up", "bogus asc", "name ASC"):
        answer = inv.get("/customers", params={"sort": bad})
        assert (answer.status_code, answer.json()["param"]) == (400, "sort"), bad


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"filter[bogus]": "x"}, "filter[bogus]"),
        ({"filter[id]": "abc"}, "filter[id]"),
        ({"filter[type]": "robot"}, "filter[type]"),
        ({"metadata[" + "k" * 41 + "]": "x"}, "metadata"),
        ({"payment_source": "maybe"}, "payment_source"),
        ({"page": "0"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"updated_after": "-1"}, "updated_after"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(
    inv: TestClient, params: dict[str, str], param: str
) -> None:
    answer = inv.get("/customers", params=params)
    assert answer.status_code == 400
    assert answer.json()["type"] == "invalid_request"
    assert answer.json()["param"].startswith(param)


def test_contacts_take_no_filter(inv: TestClient) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    answer = inv.get(f"/customers/{acme['id']}/contacts", params={"filter[name]": "x"})
    assert (answer.status_code, answer.json()["param"]) == (400, "filter[name]")


def test_unknown_body_fields_are_ignored_faithfully_and_refused_strictly(
    inv: TestClient, tmp_path: Path
) -> None:
    body = {"name": "Acme", "collection_mode": "manual"}
    faithful = inv.post("/customers", json=body)
    assert faithful.status_code == 201
    assert "collection_mode" not in faithful.json()
    assert "unknown-fields-are-ignored" in faithful.headers["X-Emulator-Violations"]
    strict = Emulator(invoiced_settings(tmp_path, "strict", validation="strict"))
    refused = invoiced_client(strict).post("/customers", json=body)
    assert (refused.status_code, refused.json()["param"]) == (400, "collection_mode")
    assert invoiced_client(strict).get("/customers").json() == []
    strict.close()
