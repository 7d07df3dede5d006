"""A create or update whose spec requires a body, sent without one, is a 400 that writes nothing.

Fynn's dialect validates an empty JSON object like any other body (its missing fields are the
422), but no body at all is not an empty object: API Platform cannot deserialize it, and the
spec marks the body required (schemathesis' negative_data_rejection sends exactly this).
"""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.emulator.fynn.conftest import new_customer


def test_a_required_body_that_is_missing_is_a_400(api: TestClient) -> None:
    customer = new_customer(api)["id"]
    before = api.get(f"/customers/{customer}").json()
    for path in (f"/customers/{customer}/addresses", f"/customers/{customer}/email-addresses"):
        response = api.post(path)
        assert response.status_code == 400, response.text
        assert "misformatted" in response.json()["detail"]
    assert api.put(f"/customers/{customer}").status_code == 400
    assert api.get(f"/customers/{customer}").json() == before


def test_an_empty_object_is_validated_like_any_body(api: TestClient) -> None:
    customer = new_customer(api)["id"]
    # every address field is optional: `{}` adds an address
    assert api.post(f"/customers/{customer}/addresses", json={}).status_code == 201
    # `email` is required: `{}` is the 422 naming it
    refused = api.post(f"/customers/{customer}/email-addresses", json={})
    assert refused.status_code == 422
    assert [v["propertyPath"] for v in refused.json()["violations"]] == ["email"]
