"""Each ChargeOver check against hand-built responses: one that passes, ones that fail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts.checks import (
    ContractViolation,
    Observation,
    check_enums,
    check_envelope,
    check_location,
    check_paging,
    run_all,
)
from contracts.oracle import load_oracle

BASE = "http://testserver/api/v3"


def obs(
    method: str, path: str, status: int, body: Any, headers: dict[str, str] | None = None
) -> Observation:
    """An observation with a JSON body."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Observation.build(method, BASE + path, status, headers or {}, content)


def envelope(
    code: int, response: Any, message: str = "", status: str | None = None
) -> dict[str, Any]:
    """A ChargeOver envelope."""
    word = status or ("OK" if 200 <= code < 300 else "Error")
    return {"code": code, "status": word, "message": message, "details": {}, "response": response}


def customers(count: int, **fields: Any) -> list[dict[str, Any]]:
    """`count` customer records."""
    return [{"customer_id": i + 1, **fields} for i in range(count)]


class TestEnvelope:
    def test_success_and_errors_pass(self):
        check_envelope(obs("GET", "/customer/1", 200, envelope(200, {"customer_id": 1})))
        check_envelope(
            obs("GET", "/customer/9", 404, envelope(404, None, "This customer does not exist."))
        )
        check_envelope(
            obs("POST", "/customer", 400, envelope(400, False, "Missing or invalid parameter."))
        )

    @pytest.mark.parametrize("details", ["absent", None])
    def test_legacy_details_pass(self, details):
        # spec/NOTES.md: `details` is optional and nullable (missing in every recording)
        for status, response, message in (
            (200, True, ""),
            (404, None, "Not there."),
            (400, False, "Bad."),
        ):
            body = envelope(status, response, message)
            if details == "absent":
                del body["details"]
            else:
                body["details"] = details
            check_envelope(obs("GET", "/customer", status, body))

    @pytest.mark.parametrize(
        ("status", "body", "needle"),
        [
            (201, envelope(200, {"id": 1}), "differs from HTTP status"),
            (200, envelope(200, True, status="Error"), "expected 'OK'"),
            (400, envelope(400, False, status="OK"), "expected 'Error'"),
            (200, {**envelope(200, True), "message": None}, "not a string"),
            (400, envelope(400, False, ""), "empty message"),
            (400, envelope(400, None, "bad"), "expected false"),
            (404, envelope(404, False, "This customer does not exist."), "expected null"),
            (200, {"code": 200, "status": "OK"}, "lacks message, response"),
            (405, b"Method Not Allowed", "not a JSON envelope"),
            (200, [envelope(200, True)], "not a JSON envelope"),
            (200, {**envelope(200, True), "code": 200.0}, "differs from HTTP status"),
            (200, {**envelope(200, True), "code": True}, "differs from HTTP status"),
            (400, {**envelope(400, False, "bad"), "details": []}, "details is not an object"),
            (400, envelope(400, False, "  "), "empty message"),
            (400, {"status": "OK", "message": ""}, r"lacks code, response; .*expected 'Error'"),
        ],
    )
    def test_violations_fail(self, status, body, needle):
        with pytest.raises(ContractViolation, match=needle):
            check_envelope(obs("GET", "/customer", status, body))


class TestEnums:
    def test_allowed_values_from_the_spec(self):
        oracle = load_oracle()
        assert oracle.enum_fields["customer_status_state"] == {"a", "i"}
        assert oracle.enum_fields["invoice_delivery"] == {"print", "email"}
        assert oracle.enum_fields["invoice_status_str"] == {
            "open-unpaid", "open-overdue", "open-collections", "closed-void", "closed-paid",
        }  # fmt: skip
        record = {"customer_status_str": "active-current", "invoice_delivery": None}
        check_enums(obs("GET", "/customer/1", 200, envelope(200, record)), oracle)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("customer_status_state", "x"),
            ("customer_status_str", "active-sleepy"),
            ("invoice_delivery", "fax"),
            ("dunning_delivery", "sms"),
            ("invoice_status_str", "open"),
            ("invoice_status_state", "O"),
        ],
    )
    def test_value_outside_the_spec_fails(self, field, value):
        body = envelope(200, [{"id": 1}, {field: value}])
        with pytest.raises(ContractViolation, match=field):
            check_enums(obs("GET", "/customer", 200, body), load_oracle())

    def test_nested_line_items_are_checked(self):
        body = envelope(200, {"invoice_id": 1, "line_items": [{"invoice_status_state": "z"}]})
        with pytest.raises(ContractViolation):
            check_enums(obs("GET", "/invoice/1", 200, body), load_oracle())


class TestPaging:
    @pytest.mark.parametrize(
        ("query", "count"),
        [("", 10), ("?limit=0", 10), ("?limit=3", 3), ("?limit=500", 500), ("?limit=501", 500),
         ("?limit=100000", 500)],
    )  # fmt: skip
    def test_within_limits_passes(self, query, count):
        check_paging(
            obs("GET", "/customer" + query, 200, envelope(200, customers(count))), load_oracle()
        )

    @pytest.mark.parametrize(
        ("path", "count", "needle"),
        [
            ("/customer", 11, "without a limit at most 10"),
            ("/customer?limit=3", 4, "limit=3 allows at most 3"),
            ("/invoice?limit=501", 501, "allows at most 500"),
            ("/user?limit=100000", 1000, "allows at most 500"),
            ("/customer/1/_revision?limit=50", 11, "allows at most 10"),
        ],
    )
    def test_too_many_records_fail(self, path, count, needle):
        with pytest.raises(ContractViolation, match=needle):
            check_paging(obs("GET", path, 200, envelope(200, customers(count))), load_oracle())

    def test_count_and_single_objects_are_not_pages(self):
        check_paging(obs("GET", "/customer/_count", 200, envelope(200, 900)), load_oracle())
        check_paging(
            obs("GET", "/customer/1", 200, envelope(200, {"customer_id": 1})), load_oracle()
        )


class TestLocation:
    def test_create_and_update_pass(self):
        check_location(obs("POST", "/customer", 201, envelope(201, {"id": 3}),
                           {"Location": f"{BASE}/customer/3"}))  # fmt: skip
        check_location(obs("PUT", "/user/external_key:abc", 202, envelope(202, {"id": 7}),
                           {"location": "https://x.chargeover.com/api/v3/user/7"}))  # fmt: skip
        check_location(obs("GET", "/customer", 200, envelope(200, [])))

    @pytest.mark.parametrize(
        ("headers", "needle"),
        [({}, "without a Location"), ({"Location": f"{BASE}/customer/4"}, "does not end with"),
         ({"Location": f"{BASE}/user/3"}, "does not end with")],
    )  # fmt: skip
    def test_missing_or_wrong_location_fails(self, headers, needle):
        with pytest.raises(ContractViolation, match=needle):
            check_location(obs("POST", "/customer", 201, envelope(201, {"id": 3}), headers))


def test_run_all_names_each_broken_rule():
    body = {**envelope(200, customers(11, customer_status_state="q")), "code": 201}
    names = {name for name, _ in run_all(obs("GET", "/customer", 200, body))}
    assert names == {"chargeover_envelope", "chargeover_enums", "chargeover_paging"}
    created = obs("POST", "/customer", 201, envelope(201, {"id": 1}))
    assert [name for name, _ in run_all(created)] == ["chargeover_location"]
