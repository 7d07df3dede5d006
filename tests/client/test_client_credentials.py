"""Credentials never appear in repr, str, logs or exception messages."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from chargeover_client.api.customers import get_customer
from chargeover_client.lib import (
    APIConnectionError,
    AuthenticationError,
    RetryPolicy,
    connect,
    unwrap,
)
from tests.client.conftest import PRIVATE_KEY, PUBLIC_KEY

BASE = "https://example.chargeover.com/api/v3"
UNAUTHORIZED = {
    "code": 401,
    "status": "Error",
    "message": "Invalid or incorrect authorization",
    "response": False,
}


@pytest.mark.parametrize("signature", [False, True])
def test_no_credentials_in_repr_errors_or_logs(
    signature: bool, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter(
        [httpx.Response(503, json={"code": 503}), httpx.Response(401, json=UNAUTHORIZED)]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if "/customer/2" in request.url.path:
            raise httpx.ConnectError("refused", request=request)
        return next(answers)

    caplog.set_level(logging.DEBUG)
    client = connect(
        BASE,
        username=PUBLIC_KEY,
        password=PRIVATE_KEY,
        signature=signature,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(initial_delay=0),
    )
    texts = [repr(client), str(client), repr(client.get_httpx_client()._transport)]
    with pytest.raises(AuthenticationError) as auth_error:
        unwrap(get_customer.sync_detailed(1, client=client))
    with pytest.raises(APIConnectionError) as connection_error:
        get_customer.sync_detailed(2, client=client)
    for exc in (auth_error.value, connection_error.value):
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts += [record.getMessage() for record in caplog.records]
    assert any(
        "retrying GET /api/v3/customer/1" in text for text in texts
    )  # the logs were captured
    for text in texts:
        assert PUBLIC_KEY not in text
        assert PRIVATE_KEY not in text
