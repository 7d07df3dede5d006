"""What the official ChargeOver SDKs send, over raw HTTP, under both validation policies (issue 12).

`faithful` (the default) accepts what the real API is known to accept and reports it; `strict`
still answers each request with a 400 naming the rule it breaks. Each request shape comes from
the facts in issue 12 (SDK code, the vendor's demo script, a 2015 recording).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from chargeover_emulator.validation import HEADER
from tests.emulator.conftest import policy_emulator


def start(tmp_path: Path, policy: str) -> tuple[TestClient, Emulator]:
    client, emulator = policy_emulator(tmp_path, policy)
    created = client.post("/api/v3/customer", json={"company": "SDK Co.", "bill_city": "Here"})
    assert created.status_code == 201
    return client, emulator


@pytest.fixture
def faithful(tmp_path: Path) -> Iterator[TestClient]:
    client, emulator = start(tmp_path, "faithful")
    yield client
    emulator.close()


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[TestClient]:
    client, emulator = start(tmp_path, "strict")
    yield client
    emulator.close()


def rejected(response: Any, rule: str, pointer: str) -> None:
    """The vendor's 400 envelope naming the body rule and where it is broken."""
    body = response.json()
    assert (response.status_code, body["code"], body["response"]) == (400, 400, False), body
    assert body["details"] == {"component": "body", "pointer": pointer, "rule": rule}
    assert f"(rule: {rule})" in body["message"]


# 1. httplib2 (the official Python SDK) sends Basic credentials only after a challenge.
@pytest.mark.parametrize("policy", ["faithful", "strict"])
def test_a_401_challenges_for_basic_credentials(tmp_path: Path, policy: str) -> None:
    client, emulator = start(tmp_path, policy)
    try:
        client.auth = None
        response = client.get("/api/v3/customer")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="ChargeOver"'
        assert response.json()["code"] == 401
    finally:
        emulator.close()


# 2. The vendor's demo script: read a customer, change a field, PUT the whole object back.
def whole_object(client: TestClient) -> dict[str, Any]:
    customer = client.get("/api/v3/customer/1").json()["response"]
    assert customer["customer_id"] == 1 and customer["bill_state"] is None
    return {**customer, "company": "SDK Co. (renamed)"}


def test_put_of_the_whole_object_read_is_accepted_and_reported(faithful: TestClient) -> None:
    response = faithful.put("/api/v3/customer/1", json=whole_object(faithful))
    assert response.status_code == 202, response.json()
    reported = response.headers[HEADER]
    assert "accepted: unknown-and-read-only-fields-are-ignored" in reported
    assert "accepted: null-optional-fields-are-absent" in reported
    after = faithful.get("/api/v3/customer/1").json()["response"]
    assert (after["company"], after["bill_city"]) == ("SDK Co. (renamed)", "Here")


def test_put_of_the_whole_object_read_is_refused_under_strict(strict: TestClient) -> None:
    response = strict.put("/api/v3/customer/1", json=whole_object(strict))
    assert response.status_code == 400
    assert response.json()["details"]["component"] == "body"
    assert strict.get("/api/v3/customer/1").json()["response"]["company"] == "SDK Co."


# 3. An unknown field: `invoice_date`, from the official Python SDK's example.
INVOICE_DATE = {"customer_id": 1, "invoice_date": "2015-06-08", "line_items": [{"item_id": 1}]}


def test_an_unknown_field_is_ignored_and_reported(faithful: TestClient) -> None:
    response = faithful.post("/api/v3/invoice", json=INVOICE_DATE)
    assert response.status_code == 201, response.json()
    assert response.headers[HEADER] == (
        "body additionalProperties accepted: unknown-and-read-only-fields-are-ignored"
    )


def test_an_unknown_field_is_refused_under_strict(strict: TestClient) -> None:
    rejected(strict.post("/api/v3/invoice", json=INVOICE_DATE), "additionalProperties", "")


# 4. The Java SDK can only send strings; a 2015 recording shows string ids accepted.
JAVA = {"customer_id": "1", "line_items": [{"item_id": "1", "line_quantity": "2"}]}


def test_numeric_strings_are_read_as_numbers(faithful: TestClient) -> None:
    response = faithful.post("/api/v3/invoice", json=JAVA)
    assert response.status_code == 201, response.json()
    assert response.headers[HEADER].count("accepted: numeric-strings-are-numbers") == 3
    invoice = faithful.get(f"/api/v3/invoice/{response.json()['response']['id']}").json()
    line = invoice["response"]["line_items"][0]
    assert (invoice["response"]["customer_id"], line["item_id"]) == (1, 1)
    assert line["line_quantity"] == 2


def test_numeric_strings_are_refused_under_strict(strict: TestClient) -> None:
    rejected(strict.post("/api/v3/invoice", json=JAVA), "type", "/customer_id")


def test_text_that_is_no_number_is_still_refused(faithful: TestClient) -> None:
    body = {"customer_id": "one", "line_items": [{"item_id": 1}]}
    rejected(faithful.post("/api/v3/invoice", json=body), "type", "/customer_id")


# 5. The C# SDK sends every date as an ISO datetime; the docs say dates accept datetimes.
CSHARP = {"customer_id": 1, "date": "2015-06-08T00:00:00", "line_items": [{"item_id": 1}]}


def test_a_datetime_for_a_date_keeps_its_date_part(faithful: TestClient) -> None:
    response = faithful.post("/api/v3/invoice", json=CSHARP)
    assert response.status_code == 201, response.json()
    assert response.headers[HEADER] == "body/date format accepted: datetimes-are-read-as-their-date"
    invoice = faithful.get(f"/api/v3/invoice/{response.json()['response']['id']}").json()
    assert invoice["response"]["date"] == "2015-06-08"


def test_a_datetime_for_a_date_is_refused_under_strict(strict: TestClient) -> None:
    rejected(strict.post("/api/v3/invoice", json=CSHARP), "format", "/date")


def test_a_datetime_whose_date_is_no_date_is_still_refused(faithful: TestClient) -> None:
    body = {**CSHARP, "date": "2015-02-30T00:00:00"}
    rejected(faithful.post("/api/v3/invoice", json=body), "format", "/date")


def test_a_body_with_only_ignored_fields_writes_nothing(faithful: TestClient) -> None:
    """Once the unknown key is dropped, the body is judged again: `company` is required."""
    rejected(faithful.post("/api/v3/customer", json={"not_a_field": 1}), "required", "")
    assert faithful.get("/api/v3/customer/_count").json()["response"] == 1
