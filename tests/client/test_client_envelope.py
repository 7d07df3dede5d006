"""unwrap(): the payload on success, a typed ChargeOverError subclass per error status."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from chargeover_client.api.customers import delete_customer, get_customer, list_customers
from chargeover_client.lib import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ChargeOverError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    connect,
    unwrap,
)
from chargeover_client.models import Customer
from chargeover_client.types import Response

BASE = "https://example.chargeover.com/api/v3"


def _client(status: int, body: Any, *, raw: bytes | None = None) -> Any:
    content = raw if raw is not None else json.dumps(body).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    return connect(BASE, transport=httpx.MockTransport(handler), retry=None)


def test_list_gives_the_payload() -> None:
    body = {
        "code": 200,
        "status": "OK",
        "message": "",
        "response": [{"customer_id": 1, "company": "A"}],
    }
    customers = unwrap(list_customers.sync_detailed(client=_client(200, body)))
    assert [(c.customer_id, c.company) for c in customers] == [(1, "A")]
    assert isinstance(customers[0], Customer)


def test_delete_gives_true() -> None:
    body = {"code": 200, "status": "OK", "message": "", "response": True}
    assert unwrap(delete_customer.sync_detailed(1, client=_client(200, body))) is True


def _error(code: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "status": "Error", "message": message, "response": False, **extra}


ERRORS = [
    (400, BadRequestError, _error(400, "Missing or invalid parameter.", details={"f": "company"})),
    (401, AuthenticationError, _error(401, "Invalid or incorrect authorization", details={})),
    (404, NotFoundError, _error(404, "This customer does not exist.", response=None)),
    (429, RateLimitError, _error(429, "Rate limit exceeded")),
    (500, ServerError, _error(500, "Internal error")),
]


@pytest.mark.parametrize(("status", "error", "body"), ERRORS)
def test_error_envelope_raises_typed_error(
    status: int, error: type[APIStatusError], body: Any
) -> None:
    with pytest.raises(error) as caught:
        unwrap(get_customer.sync_detailed(1, client=_client(status, body)))
    exc = caught.value
    assert isinstance(exc, ChargeOverError)
    assert (exc.status_code, exc.code, exc.message) == (status, body["code"], body["message"])
    assert exc.details == body.get("details")  # None when the legacy envelope has no details
    assert exc.response.content == json.dumps(body).encode()
    assert str(exc) == f"{status} {body['message']}"


@pytest.mark.parametrize(
    ("status", "phrase"),
    # 502 is undocumented; 500 is documented as an ErrorEnvelope, which a proxy's HTML page is not
    # (the generated parser used to raise JSONDecodeError out of sync_detailed for it).
    [(502, "Bad Gateway"), (500, "Internal Server Error")],
)
def test_server_error_without_json_body(status: int, phrase: str) -> None:
    with pytest.raises(ServerError) as caught:
        unwrap(
            get_customer.sync_detailed(
                1, client=_client(status, None, raw=b"<html>Bad gateway</html>")
            )
        )
    assert caught.value.code == status
    assert caught.value.message == phrase
    assert caught.value.details is None


def test_a_success_body_that_does_not_parse_still_raises() -> None:
    # Only error bodies are read tolerantly: a broken 2xx is not silently an empty payload.
    with pytest.raises(ValueError):
        get_customer.sync_detailed(1, client=_client(200, None, raw=b"<html>oops</html>"))


def test_ok_status_code_with_error_envelope_raises() -> None:
    # Built by hand: the generated models refuse `status: "Error"` in a success envelope (its
    # schema says `enum: [OK]`), so unwrap's own check is what this exercises.
    body = {"code": 200, "status": "Error", "message": "odd", "response": False}
    response: Response[None] = Response(HTTPStatus.OK, json.dumps(body).encode(), {}, parsed=None)
    with pytest.raises(UnexpectedStatusError, match="odd"):
        unwrap(response)


def test_undocumented_success_status_still_yields_payload() -> None:
    body = {"code": 203, "status": "OK", "message": "", "response": True}
    assert unwrap(delete_customer.sync_detailed(1, client=_client(203, body))) is True
