"""The generated client calls the legacy action URL style and reads the recorded fields.

`customerLegacyAction`, `userLegacyAction` and `invoiceLegacyAction` send
`POST /{res}/{id}?action=NAME` (issue 12 item 6); the read models carry `bill_notes`,
`ship_notes`, `custtype_id` and `delay_datetime` (item 7). Over real HTTP against
`chargeover-emulator serve`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from chargeover_client.api.customers import (
    create_customer,
    customer_legacy_action,
    get_customer,
)
from chargeover_client.api.invoices import create_invoice, get_invoice, invoice_legacy_action
from chargeover_client.api.users import create_user, user_legacy_action
from chargeover_client.lib import connect, unwrap
from chargeover_client.models import (
    CustomerCreate,
    CustomerLegacyActionAction,
    EmptyActionRequest,
    InvoiceCreate,
    InvoiceLegacyActionAction,
    LineItemCreate,
    PayMethodCode,
    SetPayMethodRequest,
    UserCreate,
    UserLegacyActionAction,
    UserLoginUrlRequest,
)
from tests.emulator_process import EmulatorProcess


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A generated client over HTTP to a fresh `chargeover-emulator serve`."""
    folder = tmp_path_factory.mktemp("legacy")
    with EmulatorProcess(folder / "db.sqlite3", log=folder / "emulator.log") as process:
        username, password = process.auth
        with connect(process.base_url, username=username, password=password, retry=None) as client:
            yield client


@pytest.fixture(scope="module")
def objects(api: Any) -> dict[str, int]:
    """A customer with a contact and an invoice."""
    customer = int(
        unwrap(
            create_customer.sync_detailed(client=api, body=CustomerCreate(company="Legacy Co"))
        ).id
    )
    user = int(
        unwrap(
            create_user.sync_detailed(
                client=api, body=UserCreate(customer_id=customer, first_name="Ada")
            )
        ).id
    )
    line = LineItemCreate(item_id=1, line_rate=Decimal(10), line_quantity=Decimal(1))
    invoice = int(
        unwrap(
            create_invoice.sync_detailed(
                client=api, body=InvoiceCreate(customer_id=customer, line_items=[line])
            )
        ).id
    )
    return {"customer": customer, "user": user, "invoice": invoice}


def test_the_client_voids_an_invoice_in_the_legacy_style(api: Any, objects: dict[str, int]) -> None:
    invoice = objects["invoice"]
    # no body at all, as the Ruby and C# SDKs send it
    reply = invoice_legacy_action.sync_detailed(
        invoice, client=api, action=InvoiceLegacyActionAction.VOID
    )
    assert unwrap(reply) is True
    read = unwrap(get_invoice.sync_detailed(invoice, client=api))
    assert read.is_void is True and read.invoice_status_str == "closed-void"
    assert read.delay_datetime is None


def test_the_client_sends_an_action_body_in_the_legacy_style(
    api: Any, objects: dict[str, int]
) -> None:
    customer = objects["customer"]
    body = SetPayMethodRequest(paymethod=PayMethodCode.INV)
    reply = customer_legacy_action.sync_detailed(
        customer, client=api, action=CustomerLegacyActionAction.SETPAYMETHOD, body=body
    )
    assert unwrap(reply) is True
    inactive = customer_legacy_action.sync_detailed(
        customer,
        client=api,
        action=CustomerLegacyActionAction.SETINACTIVE,
        body=EmptyActionRequest(),
    )
    assert unwrap(inactive) is True
    read = unwrap(get_customer.sync_detailed(customer, client=api))
    assert read.customer_status_state == "i"
    assert (read.bill_notes, read.ship_notes, read.custtype_id) == (None, None, None)


def test_the_client_uses_an_sdk_alias_and_reads_a_url(api: Any, objects: dict[str, int]) -> None:
    """`login` is the SDKs' name for `getLoginURL`; its answer is a URL, not a boolean."""
    reply = user_legacy_action.sync_detailed(
        objects["user"],
        client=api,
        action=UserLegacyActionAction.LOGIN,
        body=UserLoginUrlRequest(),
    )
    url = unwrap(reply)
    assert str(url).startswith("http"), url


def test_the_legacy_request_is_the_documented_url() -> None:
    """What goes on the wire: the object's path, `?action=NAME`, and no `/_action/`."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"code": 200, "status": "OK", "message": "", "response": True}
        )

    mock = httpx.MockTransport(handler)
    with connect("http://example.test/api/v3", transport=mock, retry=None) as client:
        void = InvoiceLegacyActionAction.VOID
        unwrap(invoice_legacy_action.sync_detailed(10016, client=client, action=void))
    [request] = seen
    assert (request.method, request.url.path, request.url.query) == (
        "POST",
        "/api/v3/invoice/10016",
        b"action=void",
    )
    assert request.content == b"", "no body when the caller gives none"
