"""The emulator's envelope writer, the shared envelope checker and the client's reader agree.

The vendorable client cannot import the kit, so its reader (`chargeover_client.lib.envelope`)
is a copy of the rule. This file checks the copies against each other with round trips:
- what the writer encodes, the checker accepts, and the reader decodes to the same payload or
  to the right typed error with the same code, message and details;
- the tolerant shapes the spec allows and the writer never sends (`details` absent or null, any
  success message) pass the checker and read the same way;
- the legacy shapes that only the reader tolerates (a numeric-string `code`, a null error
  `message`, a 2xx without `status`) are reported by the checker and still read sensibly.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from chargeover_client.api.customers import get_customer
from chargeover_client.api.utility import teapot
from chargeover_client.lib import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    connect,
    unwrap,
)
from chargeover_client.lib import ServerError as ClientServerError
from chargeover_client.types import Response
from chargeover_emulator.dialects import load_dialect, vendors
from chargeover_emulator.encoding import encode
from chargeover_emulator.errors import (
    ApiError,
    BadRequest,
    NotFound,
    ServerError,
    TooManyRequests,
    Unauthorized,
)
from chargeover_emulator.protocol.envelope import error_body, ok_body
from chargeover_emulator.protocol.envelope_rules import envelope_problems

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "chargeover.openapi.yaml"
BASE = "https://example.chargeover.com/api/v3"


def documented_statuses() -> list[int]:
    """Every response status the spec documents on some operation."""
    spec = yaml.safe_load(SPEC_PATH.read_bytes())
    return sorted(
        {
            int(status)
            for item in spec["paths"].values()
            for operation in item.values()
            if isinstance(operation, dict)
            for status in operation.get("responses", {})
        }
    )


SUCCESS_STATUSES = [status for status in documented_statuses() if status < 300]
ERROR_STATUSES = [status for status in documented_statuses() if status >= 400]

# Each of the emulator's errors and the client error it must become.
CLIENT_ERROR_FOR: dict[type[ApiError], type[APIStatusError]] = {
    BadRequest: BadRequestError,
    Unauthorized: AuthenticationError,
    NotFound: NotFoundError,
    TooManyRequests: RateLimitError,
    ServerError: ClientServerError,
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(), json_values, max_size=4)
# Error messages as the writer's callers produce them: never blank (the checker says so).
messages = st.text(min_size=1).filter(str.strip)
api_errors = st.one_of(
    st.builds(BadRequest, messages, details=json_objects),
    st.builds(NotFound, messages, details=json_objects),
    st.builds(ServerError, messages, details=json_objects),
    st.builds(Unauthorized, messages),
    st.builds(TooManyRequests),
)


def mock_client(status: int, content: bytes) -> Any:
    """A client whose every request is answered with `status` and `content`."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    return connect(BASE, transport=httpx.MockTransport(handler), retry=None)


def raw_response(status: int, content: bytes) -> Response[None]:
    """A detailed response with no generated model behind it (any payload, any 2xx)."""
    return Response(HTTPStatus(status), content, {}, parsed=None)


def read_error(status: int, content: bytes) -> APIStatusError:
    """The client error that getCustomer raises for this response (it must raise one)."""
    client = mock_client(status, content)
    with pytest.raises(APIStatusError) as caught:
        unwrap(get_customer.sync_detailed(1, client=client))
    return caught.value


def all_subclasses(cls: type[ApiError]) -> set[type[ApiError]]:
    return {sub for child in cls.__subclasses__() for sub in {child, *all_subclasses(child)}}


def _another_vendors(error: type[ApiError]) -> bool:
    """Defined by another vendor's dialect (`chargeover_emulator.fynn...`,
    `chargeover_emulator.dialects.fynn`), which renders it in that vendor's own error shape."""
    others = set(vendors()) - {"chargeover"}
    return bool(others & set(error.__module__.split(".")[1:3]))


def test_every_emulator_error_is_mapped_and_documented() -> None:
    for vendor in vendors():  # every dialect's errors are defined, and must not count
        load_dialect(vendor)
    chargeover_errors = {e for e in all_subclasses(ApiError) if not _another_vendors(e)}
    assert set(CLIENT_ERROR_FOR) == chargeover_errors
    assert sorted(error.status_code for error in CLIENT_ERROR_FOR) == ERROR_STATUSES
    assert SUCCESS_STATUSES == [200, 201, 202]


@given(st.sampled_from(SUCCESS_STATUSES), json_values, st.booleans())
def test_success_written_is_read_back_as_the_payload(
    status: int, payload: Any, details: bool
) -> None:
    content = encode(ok_body(status, payload, details=details))
    assert envelope_problems(status, json.loads(content)) == []
    assert unwrap(raw_response(status, content)) == payload


@given(st.booleans(), st.booleans())
def test_success_through_a_generated_model(payload: bool, details: bool) -> None:
    content = encode(ok_body(200, payload, details=details))
    assert unwrap(teapot.sync_detailed(client=mock_client(200, content))) is payload


@given(api_errors, st.booleans())
def test_error_written_is_read_back_as_the_typed_error(error: ApiError, details: bool) -> None:
    content = encode(error_body(error, details=details))
    assert envelope_problems(error.status_code, json.loads(content)) == []
    read = read_error(error.status_code, content)
    assert type(read) is CLIENT_ERROR_FOR[type(error)]
    assert (read.status_code, read.code, read.message) == (
        error.status_code,
        error.status_code,
        error.message,
    )
    assert read.details == (dict(error.details) if details else None)


# `details` as the spec allows it: left out (legacy), null, or an object.
ABSENT = object()
details_values = st.sampled_from([ABSENT, None]) | json_objects


def tolerant_envelope(status: int, message: str, details: object, response: Any) -> dict[str, Any]:
    """A valid envelope the way a legacy server may write it (`details` may be ABSENT)."""
    word = "OK" if status < 300 else "Error"
    body = {"code": status, "status": word, "message": message, "response": response}
    if details is not ABSENT:
        body["details"] = details
    return body


@given(st.sampled_from(SUCCESS_STATUSES), st.text(), details_values, json_values)
def test_tolerant_success_passes_the_checker_and_reads_back(
    status: int, message: str, details: object, payload: Any
) -> None:
    body = tolerant_envelope(status, message, details, payload)
    assert envelope_problems(status, body) == []
    assert unwrap(raw_response(status, json.dumps(body).encode())) == payload


@given(st.sampled_from(ERROR_STATUSES), messages, details_values)
def test_tolerant_error_passes_the_checker_and_reads_back(
    status: int, message: str, details: object
) -> None:
    body = tolerant_envelope(status, message, details, None if status == 404 else False)
    assert envelope_problems(status, body) == []
    read = read_error(status, json.dumps(body).encode())
    assert (read.status_code, read.code, read.message) == (status, status, message)
    assert read.details == (details if isinstance(details, dict) else None)


@given(st.sampled_from(ERROR_STATUSES), messages)
def test_numeric_string_code_is_reported_and_read_as_the_http_status(
    status: int, message: str
) -> None:
    # The reader takes `code` only when it is an integer; otherwise it uses the HTTP status.
    body = tolerant_envelope(status, message, ABSENT, None if status == 404 else False)
    body["code"] = str(status)
    assert envelope_problems(status, body) == [
        f"Envelope code {str(status)!r} differs from HTTP status {status}"
    ]
    read = read_error(status, json.dumps(body).encode())
    assert (read.code, read.message) == (status, message)


@given(st.sampled_from(ERROR_STATUSES))
def test_null_error_message_is_reported_and_read_as_the_status_phrase(status: int) -> None:
    body = tolerant_envelope(status, "", ABSENT, None if status == 404 else False)
    body["message"] = None
    assert envelope_problems(status, body) == ["Envelope message is not a string: None"]
    read = read_error(status, json.dumps(body).encode())
    assert (read.code, read.message) == (status, HTTPStatus(status).phrase)


@given(st.sampled_from(SUCCESS_STATUSES), json_values)
def test_success_without_status_is_reported_and_read_as_the_payload(
    status: int, payload: Any
) -> None:
    body = tolerant_envelope(status, "", ABSENT, payload)
    del body["status"]
    assert envelope_problems(status, body) == ["Envelope lacks status"]
    assert unwrap(raw_response(status, json.dumps(body).encode())) == payload
