"""Bad input at the edges: a 400/404 envelope, nothing written, and every later read still works.

Each group pins one former defect: integers beyond int64, deep JSON, lone surrogates and
non-UTF-8 URLs, non-finite numbers, unrouted methods, dates that are not dates, and bodies
that are not JSON. The last group checks the orjson envelope encoding against the standard
library's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from chargeover_emulator.encoding import encode
from chargeover_emulator.errors import ApiError, BadRequest
from chargeover_emulator.protocol.envelope import ok_body
from chargeover_emulator.records import Records
from chargeover_emulator.storage.errors import ValueOutOfRange
from chargeover_emulator.storage.tables import Table
from tests.emulator.test_emu_api import INVOICE_EXAMPLE, err, make_customer, ok
from tests.reliability.corpus import HOSTILE

HUGE = "99999999999999999999999"  # > 2**63 - 1
JSON = {"Content-Type": "application/json"}


def snapshot(emulator: Emulator) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table: the witness that a refused request wrote nothing."""
    conn = emulator.database.connection
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    ]
    return [
        (name, sorted(map(tuple, conn.execute(f'SELECT * FROM "{name}"').fetchall()), key=repr))
        for name in names
    ]


@pytest.fixture
def seeded(client: TestClient) -> dict[str, int]:
    """One customer with one invoice."""
    customer = make_customer(client, external_key="c-1")
    invoice = ok(
        client.post("/api/v3/invoice", json={**INVOICE_EXAMPLE, "customer_id": customer}), 201
    )
    return {"customer": customer, "invoice": int(invoice["id"])}


@pytest.fixture
def unchanged(emulator: Emulator, seeded: dict[str, int], client: TestClient) -> Iterator[None]:
    """Assert the test's requests left every table as it was and reads still render."""
    before = snapshot(emulator)
    yield
    assert snapshot(emulator) == before
    for resource in ("customer", "user", "invoice"):
        ok(client.get(f"/api/v3/{resource}", params={"limit": 500}))
    ok(client.get(f"/api/v3/invoice/{seeded['invoice']}"))
    ok(client.get(f"/api/v3/customer/{seeded['customer']}"))


def post_raw(client: TestClient, url: str, body: bytes, **headers: str) -> Any:
    return client.post(url, content=body, headers={**JSON, **headers})


# -- integers beyond int64 ---------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v3/customer/{HUGE}"),
        ("GET", "/api/v3/customer/" + "9" * 5000),  # beyond int()'s 4300-digit limit
        ("GET", f"/api/v3/user/{HUGE}/_revision"),
        ("PUT", f"/api/v3/customer/{HUGE}"),
        ("DELETE", f"/api/v3/invoice/{HUGE}"),
        ("POST", f"/api/v3/invoice/{HUGE}/_action/void"),
        ("POST", f"/api/v3/customer/{HUGE}?action=setInactive"),
    ],
)
def test_an_id_beyond_int64_is_not_found(client: TestClient, method: str, path: str) -> None:
    body = {"company": "x"} if method == "PUT" else None
    response = client.request(method, path, json=body)
    message = {"customer": "customer", "user": "user", "invoice": "invoice"}[path.split("/")[3]]
    err(response, 404, f"This {message} does not exist.")


@pytest.mark.usefixtures("unchanged")
def test_an_offset_beyond_int64_is_past_the_end(client: TestClient) -> None:
    assert ok(client.get("/api/v3/customer", params={"offset": HUGE})) == []
    assert ok(client.get("/api/v3/invoice", params={"offset": "9" * 5000})) == []
    assert ok(client.get("/api/v3/customer", params={"limit": HUGE})) != []  # clamped to 500


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("where", "matches"),
    [
        (f"customer_id:GT:{HUGE}", False),
        (f"customer_id:LT:{HUGE}", True),
        (f"customer_id:EQUALS:{HUGE}", False),
        (f"customer_id:NOTEQUALS:{HUGE}", True),
        (f"customer_id:GTE:-{HUGE}", True),
        (f"customer_id:LTE:-{HUGE}", False),
        ("customer_id:LT:" + "9" * 5000, True),
        ("parent_customer_id:LT:" + HUGE, False),  # null never compares
    ],
)
def test_a_where_integer_beyond_int64_compares_numerically(
    client: TestClient, where: str, matches: bool
) -> None:
    assert bool(ok(client.get("/api/v3/customer", params={"where": where}))) is matches
    assert ok(client.get("/api/v3/customer/_count", params={"where": where})) == int(matches)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("value", ["1_0", "١٢", "nan", "inf", "0x10", "1.5"])
def test_a_where_integer_must_be_ascii_decimal(client: TestClient, value: str) -> None:
    response = client.get("/api/v3/customer", params={"where": f"customer_id:EQUALS:{value}"})
    assert "is not a valid integer" in err(response, 400)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "body",
    [
        b'{"company": "x", "language_id": 99999999999999999999999}',
        b'{"company": "x", "language_id": -99999999999999999999999}',
        b'{"company": "x", "currency_id": 9223372036854775808}',
        b'{"company": "x", "parent_customer_id": -9223372036854775809}',
    ],
)
def test_a_body_integer_beyond_int64_is_refused(client: TestClient, body: bytes) -> None:
    message = err(post_raw(client, "/api/v3/customer", body), 400)
    assert "than the m" in message  # greater than the maximum / less than the minimum


# -- deep JSON ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # beyond the parser's recursion
        b'{"company":' + b"[" * 500 + b"]" * 500 + b"}",  # parses, beyond the validator's
        b'{"company":' + b'{"a":' * 64 + b"1" + b"}" * 64 + b"}",
    ],
    ids=["parser", "validator", "65-levels"],
)
@pytest.mark.parametrize("url", ["/api/v3/customer", "/api/v3/_bulk"])
def test_a_body_nested_too_deep_is_refused(client: TestClient, url: str, body: bytes) -> None:
    message = err(post_raw(client, url, body), 400)
    assert message == "Invalid JSON in request body: nested more than 64 levels deep."


# -- lone surrogates and URLs that are not UTF-8 ------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "body",
    [
        b'{"company": "\\ud800"}',
        b'{"company": "x\\udfffy"}',
        b'{"company": "x", "custom_1": "\\ude00\\ud83d"}',  # a pair in the wrong order
        b'{"comp\\ud800any": "x"}',
        b'[{"request_method": "POST", "uri": "/api/v3/customer",'
        b' "payload": {"company": "\\uDBFF"}}]',
    ],
)
def test_a_lone_surrogate_in_a_body_is_refused(client: TestClient, body: bytes) -> None:
    url = "/api/v3/_bulk" if body.startswith(b"[") else "/api/v3/customer"
    assert "lone surrogate" in err(post_raw(client, url, body), 400)


def test_a_surrogate_pair_is_an_ordinary_character(client: TestClient) -> None:
    created = ok(post_raw(client, "/api/v3/customer", b'{"company": "\\ud83d\\ude00"}'), 201)
    assert ok(client.get(f"/api/v3/customer/{created['id']}"))["company"] == "\U0001f600"


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/customer?where=company:EQUALS:%FF",
        "/api/v3/customer?where=company:EQUALS:%ED%A0%80",  # UTF-8 spelling of U+D800
        "/api/v3/customer?where=company:EQUALS:caf%E9",  # Latin-1
        "/api/v3/customer/external_key:%FF",
        "/api/v3/customer/external_key:%ED%A0%80",
    ],
)
def test_a_url_whose_percent_encoding_is_not_utf8_is_refused(client: TestClient, url: str) -> None:
    assert "must be UTF-8" in err(client.get(url), 400)


@pytest.mark.usefixtures("unchanged")
def test_a_bulk_uri_whose_percent_encoding_is_not_utf8_is_refused(client: TestClient) -> None:
    batch = [
        {"request_method": "GET", "uri": "/api/v3/customer?where=company:EQUALS:%FF"},
        {"request_method": "DELETE", "uri": "/api/v3/customer/external_key:%FF"},
    ]
    results = ok(client.post("/api/v3/_bulk", json=batch))["_bulk"]
    assert [(r["code"], "must be UTF-8" in r["message"]) for r in results] == [(400, True)] * 2


def test_a_key_with_reserved_characters_is_addressable(client: TestClient) -> None:
    key = "a/b?c#d%e"
    customer = make_customer(client, external_key=key)
    encoded = "a%2Fb%3Fc%23d%25e"
    assert ok(client.get(f"/api/v3/customer/external_key:{encoded}"))["customer_id"] == customer
    found = ok(client.get(f"/api/v3/customer?where=external_key:EQUALS:{encoded}"))
    assert [row["customer_id"] for row in found] == [customer]


# -- non-finite numbers ------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"1" + b"0" * 400]
)
def test_a_non_finite_number_literal_is_refused(client: TestClient, literal: bytes) -> None:
    body = b'{"customer_id": 1, "line_items": [{"item_id": 307, "line_rate": ' + literal + b"}]}"
    assert "Invalid JSON in request body" in err(post_raw(client, "/api/v3/invoice", body), 400)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"item_id": 307, "line_rate": 1e308, "line_quantity": 12}], "line_total"),
        ([{"item_id": 307, "line_rate": 1e308}, {"item_id": 307, "line_rate": 1e308}], "subtotal"),
    ],
)
def test_an_amount_that_overflows_is_refused_before_it_is_stored(
    client: TestClient, seeded: dict[str, int], lines: list[dict[str, Any]], field: str
) -> None:
    body = {"customer_id": seeded["customer"], "line_items": lines}
    message = f"Amount out of range: {field} would not be a finite number."
    err(client.post("/api/v3/invoice", json=body), 400, message)
    err(
        client.put(f"/api/v3/invoice/{seeded['invoice']}", json={"line_items": lines}), 400, message
    )


def test_a_customer_total_that_would_overflow_refuses_the_invoice(
    client: TestClient, emulator: Emulator
) -> None:
    customer = make_customer(client)
    invoice = {"customer_id": customer, "line_items": [{"item_id": 307, "line_rate": 1e308}]}
    ok(client.post("/api/v3/invoice", json=invoice), 201)
    before = snapshot(emulator)
    err(client.post("/api/v3/invoice", json=invoice), 400)
    assert snapshot(emulator) == before
    assert ok(client.get(f"/api/v3/customer/{customer}"))["total"] == 1e308


# -- unrouted methods --------------------------------------------------------------------------


UNROUTED = [
    (method, path, shown)
    for method in ("TRACE", "OPTIONS", "PATCH", "HEAD", "PROPFIND")
    for path, shown in (
        ("/api/v3/teapot", "/teapot"),
        ("/api/v3/customer/1", "/customer/1"),
        ("/api/v3", "/"),
        ("/openapi.yaml", "/openapi.yaml"),
        ("/_emulator/reset", "/_emulator/reset"),
    )
    if (method, path) != ("HEAD", "/openapi.yaml")  # HEAD goes with GET: the spec is served
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("method", "path", "shown"), UNROUTED)
def test_an_unsupported_method_gets_the_envelope(
    client: TestClient, method: str, path: str, shown: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    if method != "HEAD":
        err(response, 400, f"The command requested is not supported: {method} {shown}")


@pytest.mark.parametrize("method", ["GET", "TRACE", "DELETE"])
def test_an_unknown_path_is_a_404_envelope_for_every_method(
    client: TestClient, method: str
) -> None:
    err(client.request(method, "/elsewhere"), 404, "Not found: /elsewhere")


def test_an_unsupported_method_still_needs_credentials(anon: TestClient) -> None:
    err(anon.request("TRACE", "/api/v3/teapot"), 401)


# -- dates -------------------------------------------------------------------------------------


# Not dates under any reading. Datetimes in a date field are left out on purpose: the spec says
# `format: date`, but fact sheet §12 says ChargeOver accepts them (spec/NOTES.md, UNCONFIRMED).
BAD_DATES = ["2015-13-45", "2015-02-29", "abc", "", "2015-1-1", "20150101", "12/31/2015"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("date", BAD_DATES)
def test_a_date_that_is_not_a_date_is_refused(
    client: TestClient, seeded: dict[str, int], date: str
) -> None:
    create = {**INVOICE_EXAMPLE, "customer_id": seeded["customer"], "date": date}
    assert 'is not a "date"' in err(client.post("/api/v3/invoice", json=create), 400)
    update = client.put(f"/api/v3/invoice/{seeded['invoice']}", json={"date": date})
    assert 'is not a "date"' in err(update, 400)
    schedule = {"schedule": [{"date": date, "amount": 5, "paymethod": "crd"}]}
    action = client.post(f"/api/v3/invoice/{seeded['invoice']}/_action/schedule", json=schedule)
    assert 'is not a "date"' in err(action, 400)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("date", ["9999-12-31", "0000-01-01"])
def test_a_date_whose_due_date_python_cannot_hold_is_refused(
    client: TestClient, seeded: dict[str, int], date: str
) -> None:
    create = {**INVOICE_EXAMPLE, "customer_id": seeded["customer"], "date": date}
    assert err(client.post("/api/v3/invoice", json=create), 400).startswith(
        f'Invalid date "{date}"'
    )


def test_a_real_date_is_accepted(client: TestClient, seeded: dict[str, int]) -> None:
    create = {**INVOICE_EXAMPLE, "customer_id": seeded["customer"], "date": "2016-02-29"}
    key = ok(client.post("/api/v3/invoice", json=create), 201)["id"]
    assert ok(client.get(f"/api/v3/invoice/{key}"))["date"] == "2016-02-29"


def test_request_bodies_use_only_formats_the_emulator_checks(emulator: Emulator) -> None:
    """Every `format` a request body can reach is one the validator asserts (date, int64), or
    `decimal`, which asserts nothing (every JSON number is a decimal): it tells readers and
    writers to keep the number's digits (Decimal, protocol/amounts.py)."""
    document = yaml.safe_load(emulator.spec_path.read_bytes())
    formats: set[str] = set()
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value)
        if not isinstance(node, dict):
            return
        if isinstance(node.get("format"), str):
            formats.add(node["format"])
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            seen.add(ref)
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part]
            walk(target)
        for key, value in node.items():
            if key not in {"examples", "example"}:
                walk(value)

    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                walk(operation["requestBody"])
    assert "#/components/schemas/InvoiceCreate" in seen  # the walk did follow references
    assert formats == {"date", "int64", "decimal"}


# -- content types -----------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "text/json", "json"],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", "/api/v3/customer"), ("PUT", "/api/v3/customer/1"), ("POST", "/api/v3/_bulk")],
)
def test_a_body_that_is_not_declared_json_is_refused(
    client: TestClient, content_type: str, method: str, url: str
) -> None:
    body = b'[{"request_method": "GET", "uri": "/api/v3/teapot"}]' if "bulk" in url else None
    response = client.request(
        method,
        url,
        content=body or b'{"company": "plain"}',
        headers={"Content-Type": content_type},
    )
    message = err(response, 400)
    assert message == f'Content-Type must be application/json (got "{content_type}").'


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
        "application/vnd.chargeover+json",
        None,  # curl --data-binary without -H, raw HTTP clients
    ],
)
def test_a_json_body_is_accepted_with_any_json_type_or_none(
    client: TestClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = client.post("/api/v3/customer", content=b'{"company": "typed"}', headers=headers)
    key = ok(response, 201)["id"]
    assert ok(client.get(f"/api/v3/customer/{key}"))["company"] == "typed"


def test_sdk_style_json_content_type_on_every_request(
    client: TestClient, seeded: dict[str, int]
) -> None:
    """The SDKs send `Content-Type: application/json` on GET and DELETE too, without a body."""
    client.headers["Content-Type"] = "application/json"
    customer = seeded["customer"]
    ok(client.get(f"/api/v3/customer/{customer}"))
    ok(client.get("/api/v3/customer", params={"where": f"customer_id:EQUALS:{customer}"}))
    ok(client.post(f"/api/v3/customer/{customer}/_action/setInactive"))
    ok(client.delete(f"/api/v3/invoice/{seeded['invoice']}"))
    client.headers["Content-Type"] = "text/plain"  # a body-less request ignores the header
    ok(client.get(f"/api/v3/customer/{customer}"))
    ok(client.post(f"/api/v3/customer/{customer}/_action/setActive"))


# -- response encoding -------------------------------------------------------------------------


def _stdlib(body: Any) -> bytes:
    """What Starlette's JSONResponse rendered before the emulator used orjson."""
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        *HOSTILE,
        "".join(map(chr, range(0x20))) + "\x7f\u2028\u2029\ufeff\U0010ffff",
        [0.1, 29.95, 359.4, -0.0, 1e15 + 0.5, 123456789.125, 2**63 - 1, -(2**63), True, None],
        {"nested": [{"tags": ["a", "b"]}, {}, []]},
    ],
)
def test_encoded_envelopes_are_the_standard_librarys_bytes(value: Any) -> None:
    body = ok_body(200, {"company": value} if isinstance(value, str) else value)
    assert encode(body) == _stdlib(body)


def test_tiny_floats_may_be_spelled_differently_but_decode_the_same() -> None:
    body = ok_body(200, [1e-7, 5e-05, 1.5e-300])
    assert json.loads(encode(body)) == json.loads(_stdlib(body))


def test_an_amount_rendered_beyond_64_bits_still_renders(
    client: TestClient, seeded: dict[str, int]
) -> None:
    """A whole float such as 1e29 reads back as a JSON integer, which orjson cannot write."""
    lines = [{"item_id": 307, "line_rate": 1e29, "line_quantity": 1}]
    ok(client.put(f"/api/v3/invoice/{seeded['invoice']}", json={"line_items": lines}), 202)
    invoice = ok(client.get(f"/api/v3/invoice/{seeded['invoice']}"))
    assert invoice["line_items"][0]["line_rate"] == 1e29 and invoice["total"] == 1e29
    assert ok(client.get("/api/v3/invoice"))[0]["total"] == 1e29


@pytest.mark.parametrize("declared", ["1²", "9" * 5000])
def test_odd_content_length_headers_never_break_the_server(
    client: TestClient, declared: str
) -> None:
    """A Content-Length that str.isdigit() accepts but int() refuses must not become a 500."""
    response = client.post(
        "/api/v3/customer",
        content=b'{"company": "A"}',
        headers={"content-type": "application/json", "content-length": declared.encode("latin-1")},
    )
    assert response.status_code < 500
    assert response.json()["status"] in ("OK", "Error")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("number", float("inf"), "Amount out of range: amount would not be a finite number."),
        ("integer", 2**63, "Number out of range: amount must fit in a 64-bit integer."),
    ],
)
def test_storage_says_out_of_range_without_http_and_resources_answer_400(
    kind: str, value: float, message: str
) -> None:
    """Storage raises its own error; the resources layer turns it into the vendor's 400."""
    conn = sqlite3.connect(":memory:")
    kinds = {"amount": kind}
    plain = Table("t", "t_id", kinds)
    conn.execute(plain.ddl())
    with pytest.raises(ValueOutOfRange) as raised:
        plain.insert(conn, {"amount": value})
    assert not isinstance(raised.value, ApiError)
    assert raised.value.message == message
    with pytest.raises(BadRequest) as answered:
        Records("t", "t_id", kinds).insert(conn, {"amount": value})
    assert answered.value.message == message
