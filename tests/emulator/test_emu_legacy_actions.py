"""The legacy action URL style as documented operations (issue 12 item 6).

`POST /{res}/{id}?action=NAME` is one spec operation per resource (`x-kit-operation.kind:
legacy-action`, ChargeOver's own kind). The dialect's `rewrite` turns a request naming an action
into the current style before routing, so the operation is routed only when none is named; its
handler serves what it is given by the same rewrite.
"""

from __future__ import annotations

from typing import Any

import pytest

from chargeover_emulator.dispatcher import Call
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.exchange import ApiRequest

LINE = {"item_id": 1, "line_rate": 10, "line_quantity": 1}


def ok(reply: Any) -> Any:
    assert reply.status_code == 200, reply.text
    return reply.json()["response"]


def invoice(client: Any) -> int:
    customer = client.post("/api/v3/customer", json={"company": "Legacy"}).json()["response"]["id"]
    created = client.post("/api/v3/invoice", json={"customer_id": customer, "line_items": [LINE]})
    return int(created.json()["response"]["id"])


def test_every_resource_with_actions_has_a_legacy_action_operation(emulator: Emulator) -> None:
    legacy = {
        op.resource: op for op in emulator.spec.operations.values() if op.kind == "legacy-action"
    }
    assert set(legacy) == {"customer", "user", "invoice"}
    for resource, operation in legacy.items():
        assert (operation.method, operation.path) == ("POST", f"/{resource}/{{{resource}_id}}")


def test_the_legacy_style_still_runs_the_action(client: Any) -> None:
    invoice_id = invoice(client)
    assert ok(client.post(f"/api/v3/invoice/{invoice_id}?action=void")) is True
    read = client.get(f"/api/v3/invoice/{invoice_id}").json()["response"]
    assert read["invoice_status_str"] == "closed-void"
    # the action's own body rule, through the legacy URL as through the current one
    customer = read["customer_id"]
    refused = client.post(f"/api/v3/customer/{customer}?action=setPayMethod", json={})
    current = client.post(f"/api/v3/customer/{customer}/_action/setPayMethod", json={})
    assert refused.status_code == current.status_code == 400
    assert refused.json()["message"] == current.json()["message"]
    assert "paymethod" in refused.json()["message"]


def test_no_action_named_is_the_not_supported_answer_as_before(client: Any) -> None:
    invoice_id = invoice(client)
    reply = client.post(f"/api/v3/invoice/{invoice_id}", json={})
    assert reply.status_code == 400
    assert reply.json()["message"] == (
        f"The command requested is not supported: POST /invoice/{invoice_id}"
    )


def test_an_unknown_legacy_action_is_named(client: Any) -> None:
    invoice_id = invoice(client)
    reply = client.post(f"/api/v3/invoice/{invoice_id}?action=explode")
    assert reply.status_code == 400
    assert reply.json()["message"] == 'Unknown action "explode" for invoice.'


@pytest.mark.parametrize("policy", ["faithful", "strict"])
def test_an_empty_action_names_the_rule(tmp_path: Any, policy: str) -> None:
    """`?action=` is no action: the spec's enum refuses it under both policies."""
    from tests.emulator.conftest import policy_emulator

    client, emulator = policy_emulator(tmp_path, policy)
    try:
        invoice_id = invoice(client)
        reply = client.post(f"/api/v3/invoice/{invoice_id}?action=")
        assert reply.status_code == 400
        assert reply.json()["details"] == {
            "component": "query",
            "pointer": "/action",
            "rule": "enum",
        }
    finally:
        emulator.close()


def test_the_handler_serves_a_named_action_by_rewriting(emulator: Emulator, client: Any) -> None:
    """Reached with an action (a host that routes before rewriting), it runs that action."""
    invoice_id = invoice(client)
    handler = emulator.dialect.handlers(emulator.dispatcher, emulator.database)["legacy-action"]
    operation = emulator.spec.operations["invoiceLegacyAction"]
    request = ApiRequest("POST", f"/invoice/{invoice_id}", {"action": "void"}, {})
    with emulator.database.transaction() as conn:
        ctx = emulator.context(conn, ipaddr="127.0.0.1", base_url="http://testserver")
        result = handler(ctx, operation, Call(request, {}, request.query, []))
        assert (result.status, result.response) == (200, True)
        empty = ApiRequest("POST", f"/invoice/{invoice_id}", {}, {})
        with pytest.raises(BadRequest, match="not supported"):
            handler(ctx, operation, Call(empty, {}, {}, []))
    read = client.get(f"/api/v3/invoice/{invoice_id}").json()["response"]
    assert read["is_void"] is True


def test_pay_without_a_method_is_refused_on_a_void_invoice_too(client: Any) -> None:
    """The body is judged before the state: found by the contract suite once the legacy
    operation voided invoice 1 before `_action/pay` was called on it with no body."""
    invoice_id = invoice(client)
    assert ok(client.post(f"/api/v3/invoice/{invoice_id}?action=void")) is True
    for path in (f"/invoice/{invoice_id}/_action/pay", f"/invoice/{invoice_id}?action=pay"):
        reply = client.post(f"/api/v3{path}")
        assert reply.status_code == 400, path
        assert "use_customer_balance" in reply.json()["message"]
    balance = client.post(
        f"/api/v3/invoice/{invoice_id}/_action/pay", json={"use_customer_balance": True}
    )
    assert ok(balance) is False, "nothing to apply on a closed invoice"
