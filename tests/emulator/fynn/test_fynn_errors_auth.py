"""Fynn's errors and auth: 422 violation bodies (propertyPath, German message, Symfony code),
400 for unreadable input, 401/403 (a missing permission changes nothing), 429, unknown routes,
the validation policies, the dialect's options; hostile input never a 500."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from chargeover_emulator.config import RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import ConfigError
from chargeover_emulator.fynn.options import FULL_KEY
from chargeover_emulator.specdoc import SpecDocument
from tests.emulator.fynn.conftest import FULL, make_client, new_customer
from tests.reliability.corpus import HOSTILE

ERROR_KEYS = {"type", "title", "detail"}
NOT_BLANK = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("email", "Dieser Wert sollte nicht leer sein.", NOT_BLANK)]),
        (
            {"email": "nope"},
            [
                (
                    "email",
                    "Dieser Wert ist keine gültige E-Mail-Adresse.",
                    "bd79c0ab-ddba-46cc-a703-a7a4b08de310",
                )
            ],
        ),
        (
            {"email": "a@example.com", "firstName": "A"},
            [
                (
                    "firstName",
                    "Diese Zeichenkette ist zu kurz. Sie sollte mindestens 2 Zeichen haben.",
                    "9ff3fdc4-b214-49db-8718-39c315e33d45",
                )
            ],
        ),
        (
            {"email": "a@example.com", "lastName": "x" * 256},
            [
                (
                    "lastName",
                    "Diese Zeichenkette ist zu lang. Sie sollte höchstens 255 Zeichen haben.",
                    "d94b19cc-114f-4f44-9cc4-4138e80a87b9",
                )
            ],
        ),
        (
            {"email": "a@example.com", "language": "fr"},
            [
                (
                    "language",
                    "Sie haben einen ungültigen Wert ausgewählt.",
                    "8e179f1b-97aa-4560-a02f-2a8b42e49df7",
                )
            ],
        ),
        (
            {"email": "a@example.com", "countryCode": "de"},
            [
                (
                    "countryCode",
                    "Dieser Wert ist nicht gültig.",
                    "de1e3db3-5ed4-4941-aae4-59f3667cc3a3",
                )
            ],
        ),
        (
            {"email": "a@example.com", "customerGroup": "x"},
            [
                (
                    "customerGroup",
                    "Dies ist keine gültige UUID.",
                    "51120b12-a2bc-41bf-aa53-cd73daf330d0",
                )
            ],
        ),
        (
            {"email": "", "timeZone": ""},
            [
                (
                    "email",
                    "Dieser Wert ist keine gültige E-Mail-Adresse.",
                    "bd79c0ab-ddba-46cc-a703-a7a4b08de310",
                ),
                ("timeZone", "Dieser Wert sollte nicht leer sein.", NOT_BLANK),
            ],
        ),
    ],
)
def test_validation_failures_are_422_with_every_violation(
    api: TestClient, body: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    response = api.post("/customers", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert set(payload) == ERROR_KEYS | {"violations"}
    found = [(v["propertyPath"], v["message"], v["code"]) for v in payload["violations"]]
    assert sorted(found) == sorted(expected)
    assert payload["detail"] == "\n".join(f"{path}: {message}" for path, message, _ in found)
    assert api.get("/customers").json()["data"] == []


@pytest.mark.parametrize(
    ("content", "detail_start"),
    [
        (b'{"email": ', "Invalid JSON"),
        (b"[1, 2]", "The input data is misformatted"),
        (b'{"email": 5}', 'The type of the "email" attribute is not valid.'),
        (b'{"email": null}', 'The type of the "email" attribute is not valid.'),
    ],
)
def test_unreadable_bodies_are_400(api: TestClient, content: bytes, detail_start: str) -> None:
    response = api.post("/customers", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["detail"].startswith(detail_start)


def test_unknown_attributes_are_ignored_and_reported_under_faithful(api: TestClient) -> None:
    response = api.post(
        "/customers", json={"email": "a@example.com", "taxExempt": "exempt", "nickname": "x"}
    )
    assert response.status_code == 201
    assert response.json()["taxExempt"] == "auto"
    assert "unknown-attributes-are-ignored" in response.headers["x-emulator-violations"]


def test_strict_refuses_unknown_attributes_with_a_400(
    fynn_factory: Callable[..., Emulator],
) -> None:
    client = make_client(fynn_factory(validation="strict"))
    response = client.post("/customers", json={"email": "a@example.com", "nickname": "x"})
    assert response.status_code == 400
    assert response.json()["detail"] == 'Extra attributes are not allowed ("nickname" is unknown).'
    assert client.get("/customers").json()["data"] == []


def _dump(fynn: Emulator) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(fynn.settings.db)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return [(n, *row) for n in sorted(names) for row in conn.execute(f'SELECT * FROM "{n}"')]


def test_a_read_only_key_reads_and_every_write_is_403_without_a_side_effect(
    fynn: Emulator, api: TestClient, read_only: TestClient
) -> None:
    customer = new_customer(api)
    key = customer["id"]
    address = customer["defaultAddress"]["id"]
    other = new_customer(api, "b@example.com")["id"]
    before = _dump(fynn)
    trio = {"countryCode": "AT", "timeZone": "Europe/Vienna", "language": "en"}
    writes = [
        read_only.post("/customers", json={"email": "c@example.com"}),
        read_only.post("/customers", json={}),  # 403 before the body is judged
        read_only.put(f"/customers/{key}", json=trio),
        read_only.delete(f"/customers/{key}"),
        read_only.put(f"/customers/{key}/archive"),
        read_only.put(f"/customers/{key}/set-parent", json={"parentCustomerId": other}),
        read_only.put(f"/customers/{key}/remove-parent"),
        read_only.post(f"/customers/{key}/addresses", json={}),
        read_only.post(f"/customer-addresses/{address}/default"),
        read_only.post(f"/customers/{key}/email-addresses", json={"email": "d@example.com"}),
        read_only.patch(
            f"/customers/{key}/payment-method",
            json={"paymentMethodId": "00000000-0000-4000-8000-000000000000"},
        ),
    ]
    for response in writes:
        assert response.status_code == 403, response.request.url
        assert set(response.json()) == ERROR_KEYS
        assert "lacks the permission" in response.json()["detail"]
    assert _dump(fynn) == before
    assert read_only.get(f"/customers/{key}").status_code == 200
    assert read_only.get("/customers").status_code == 200
    assert read_only.get(f"/customers/{key}/children").status_code == 200


def test_keys_and_their_permissions_come_from_the_api_keys_option(
    fynn_factory: Callable[..., Emulator],
) -> None:
    fynn = fynn_factory(
        options={"api_keys": "writer=customer:read customer:write,reader=customer:read"}
    )
    writer = make_client(fynn, {"Authorization": "Bearer writer"})
    assert new_customer(writer)["id"]
    reader = make_client(fynn, {"Authorization": "Bearer reader"})
    assert reader.post("/customers", json={"email": "b@example.com"}).status_code == 403
    # the default keys are gone once keys are configured
    assert make_client(fynn, FULL).get("/customers").status_code == 401
    key = new_customer(writer, "c@example.com")["id"]
    patched = writer.patch(
        f"/customers/{key}/payment-method",
        json={"paymentMethodId": "00000000-0000-4000-8000-000000000000"},
    )
    assert patched.status_code == 403  # neither payment permission


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer wrong", f"Basic {FULL_KEY}", f"bearer  {FULL_KEY}x"]
)
def test_missing_or_wrong_keys_are_401(fynn: Emulator, header: str | None) -> None:
    client = make_client(fynn, {"Authorization": header} if header is not None else None)
    response = client.get("/customers")
    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_rate_limit_is_a_429_in_fynns_shape(fynn_factory: Callable[..., Emulator]) -> None:
    client = make_client(fynn_factory(rate_limit=RateLimit(2, 60.0)))
    statuses = [client.get("/customers").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/customers")
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["detail"] == "Rate limit exceeded"


def test_unknown_routes_and_methods(api: TestClient) -> None:
    missing = api.get("/invoices")
    assert missing.status_code == 404
    assert missing.json()["detail"] == 'No route found for "GET /invoices"'
    wrong = api.patch("/customers")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, POST"
    assert wrong.json()["detail"] == (
        'No route found for "PATCH /customers": Method Not Allowed (Allow: GET, POST)'
    )
    assert api.get("/").status_code == 404


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"put_semantics": "patch"}, "put_semantics must be one of"),
        ({"colour": "blue"}, "unknown Fynn option"),
        ({"api_keys": "no-equals-sign"}, "api_keys entries look like"),
    ],
)
def test_bad_options_are_start_up_errors(
    fynn_factory: Callable[..., Emulator], options: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        fynn_factory(options=options)


def test_null_keys_omit_leaves_null_valued_keys_out(fynn_factory: Callable[..., Emulator]) -> None:
    client = make_client(fynn_factory(options={"null_keys": "omit"}))
    customer = new_customer(client)
    assert "vatId" not in customer and "defaultPaymentMethod" not in customer
    assert client.get(f"/customers/{customer['id']}").json() == customer


def test_hostile_input_is_never_a_500_and_never_a_partial_write(
    fynn: Emulator, api: TestClient
) -> None:
    key = new_customer(api)["id"]
    before = _dump(fynn)
    for text in HOSTILE:
        short = text[:1000]  # URLs have a length limit of their own (httpx's)
        reads = [
            api.get(
                "/customers",
                params={
                    "search": short,
                    "companyName": short,
                    "emailAddresses.email": short,
                    "page": short,
                },
            ),
            api.get(f"/customers/{quote(short, safe='')}"),
        ]
        # each write breaks a rule (country pattern, address type enum, uuid, email format)
        writes = [
            api.put(
                f"/customers/{key}",
                json={"countryCode": text, "timeZone": text, "language": "de", "lastName": text},
            ),
            api.post(f"/customers/{key}/addresses", json={"street": text, "type": text}),
            api.put(f"/customers/{key}/set-parent", json={"parentCustomerId": text}),
            api.post("/customers", json={"email": text, "customerNumber": text}),
        ]
        for response in reads + writes:
            assert response.status_code < 500, (text, response.text)
        for response in writes:
            assert response.status_code in {400, 404, 422}, (text, response.text)
            assert {"type", "title", "detail"} <= set(response.json())
    assert _dump(fynn) == before


def _probes() -> list[Any]:
    from chargeover_emulator.dialects.fynn import FynnDialect

    dialect = FynnDialect()
    fynn_settings_like = Settings(vendor="fynn")
    dialect.services(SpecDocument.load(dialect.spec_path(None)), fynn_settings_like)
    return [leniency for leniency in dialect.leniencies if leniency.probe is not None]


@pytest.mark.parametrize("leniency", _probes(), ids=lambda leniency: leniency.name)
def test_each_leniency_is_accepted_under_faithful_and_refused_under_strict(
    fynn_factory: Callable[..., Emulator], leniency: Any
) -> None:
    probe = leniency.probe
    faithful = make_client(fynn_factory())
    response = faithful.request(probe.method, f"{probe.path}?{probe.query}")
    assert response.status_code == probe.expect_status
    assert leniency.name in response.headers["x-emulator-violations"]
    strict = make_client(fynn_factory(validation="strict"))
    refused = strict.request(probe.method, f"{probe.path}?{probe.query}")
    assert refused.status_code == 400
    assert set(refused.json()) == ERROR_KEYS
