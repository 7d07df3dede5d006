"""Bad input of every kind gets a 4xx in Invoiced's shape, never a 500, and changes nothing:
hand-picked cases, then arbitrary bodies and query strings (hypothesis) over every operation."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import invoiced_client, invoiced_settings

_PATHS = (
    ("POST", "/customers"),
    ("PATCH", "/customers/1"),
    ("POST", "/customers/1/contacts"),
    ("PATCH", "/customers/1/contacts/1"),
    ("POST", "/customers/1/emails"),
    ("POST", "/customers/1/text_messages"),
    ("POST", "/customers/1/letters"),
)


def _snapshot(db: str) -> list[Any]:
    """Every row of every table of the file (read with a second connection)."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]


@pytest.fixture
def seeded(tmp_path: Path) -> Any:
    emulator = Emulator(invoiced_settings(tmp_path))
    client = invoiced_client(emulator)
    customer = client.post("/customers", json={"name": "Acme", "address1": "1 Main St"}).json()
    client.post(f"/customers/{customer['id']}/contacts", json={"name": "Nancy"})
    yield client, emulator.settings.db
    emulator.close()


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"{", {"Content-Type": "application/json"}),
        (b"[1, 2]", {"Content-Type": "application/json"}),
        (b'"text"', {"Content-Type": "application/json"}),
        (b"<name>Acme</name>", {"Content-Type": "application/xml"}),
        (b'{"name": NaN}', {"Content-Type": "application/json"}),
        (b'{"name": "\\ud800"}', {"Content-Type": "application/json"}),
        (b'{"name": "A", "credit_limit": 1e400}', {"Content-Type": "application/json"}),
        (b'{"name": "A", "owner": 99999999999999999999}', {"Content-Type": "application/json"}),
        (b'{"name": "A", "type": "robot"}', {"Content-Type": "application/json"}),
        (b'{"name": "A", "country": "USA"}', {"Content-Type": "application/json"}),
        (b'{"name": "", "email": "x"}', {"Content-Type": "application/json"}),
        (b'{"name": null}', {"Content-Type": "application/json"}),
        (b'{"name": "A", "taxes": [1]}', {"Content-Type": "application/json"}),
        (b"\xff\xfe", {"Content-Type": "application/json"}),
    ],
)
def test_bad_bodies_are_400_and_change_nothing(
    seeded: tuple[TestClient, str], content: bytes, headers: dict[str, str]
) -> None:
    client, db = seeded
    before = _snapshot(db)
    # bad JSON is bad everywhere; a bad customer field is an unknown (ignored) field elsewhere
    customer_only = (
        content.startswith(b'{"name"') and b"NaN" not in content and b"ud800" not in content
    )
    for method, path in _PATHS[:2] if customer_only else _PATHS:
        answer = client.request(method, path, content=content, headers=headers)
        assert answer.status_code == 400, (method, path, answer.text)
        assert answer.json()["type"] == "invalid_request"
        assert isinstance(answer.json()["message"], str)
    assert _snapshot(db) == before


@pytest.mark.parametrize(
    "path",
    ["/customers/abc", "/customers/0", "/customers/99999999999999999999", "/customers/1.5",
     "/customers/1/contacts/abc", "/customers/%FF", "/customers/1/balance?currency=%FF"],
)  # fmt: skip
def test_bad_ids_are_4xx_never_500(seeded: tuple[TestClient, str], path: str) -> None:
    client, _db = seeded
    for method in ("GET", "PATCH", "DELETE"):
        answer = client.request(method, path, json={"name": "x"})
        assert 400 <= answer.status_code < 500, (method, path)
        assert {"type", "message"} <= set(answer.json())


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = st.sampled_from(
    ["name", "number", "email", "metadata", "taxes", "type", "currency", "owner", "primary",
     "sms_enabled", "to", "start", "phone", "autopay", "credit_limit", "country"]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(_PATHS),
    body=st.dictionaries(_FIELDS, _JSON, max_size=4),
)
def test_arbitrary_bodies_never_500_and_a_refusal_writes_nothing(
    seeded: tuple[TestClient, str], route: tuple[str, str], body: dict[str, Any]
) -> None:
    client, db = seeded
    before = _snapshot(db)
    answer = client.request(route[0], route[1], content=json.dumps(body).encode(),
                            headers={"Content-Type": "application/json"})  # fmt: skip
    assert answer.status_code < 500
    if answer.status_code >= 400:
        assert answer.json()["type"] == "invalid_request"
        assert _snapshot(db) == before


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["page", "per_page", "sort", "filter[name]", "filter[id]", "filter[x]",
                         "metadata[k]", "payment_source", "open_balance", "updated_after",
                         "expand", "filter[", "metadata[a][b]"]),
        st.text(max_size=12)
        | st.sampled_from(["99999999999999999999", "-9223372036854775809", "1e400", "True"]),
        max_size=4,
    )
)  # fmt: skip
def test_arbitrary_list_queries_never_500(
    seeded: tuple[TestClient, str], params: dict[str, str]
) -> None:
    client, _db = seeded
    for path in ("/customers", "/customers/1/contacts"):
        answer = client.get(path, params=params)
        assert answer.status_code in {200, 400}, answer.text
        if answer.status_code == 200:
            assert "Link" in answer.headers
            assert "X-Total-Count" in answer.headers


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_form_bodies_are_read_faithfully_as_the_docs_curl_examples_send_them(
    inv: TestClient,
) -> None:
    created = inv.post(
        "/customers",
        content=b"name=Acme&autopay=true&credit_limit=12.5&metadata[icp_number]=1234567890"
        b"&taxes[]=vat&taxes[]=gst&chasing_cadence=3",
        headers=_FORM,
    )
    assert created.status_code == 201, created.text
    customer = created.json()
    assert (customer["autopay"], customer["credit_limit"]) == (True, 12.5)
    assert customer["metadata"] == {"icp_number": "1234567890"}
    assert customer["taxes"] == ["vat", "gst"]
    assert customer["chasing_cadence"] == 3
    reported = created.headers["X-Emulator-Violations"]
    assert "form-encoded-bodies" in reported
    assert "text-values-are-read-as-their-type" in reported
    texts = inv.post(
        f"/customers/{customer['id']}/text_messages",
        content=b"to[0][phone]=%2B15125551212&to[0][name]=Bob&type=open_item",
        headers=_FORM,
    )
    assert texts.status_code == 201, texts.text
    assert [text["to"] for text in texts.json()] == ["+15125551212"]


@pytest.mark.parametrize(
    "content",
    [b"name=A&name=B", b"name=A&name[x]=B", b"name[x]=A&name=B", b"a]b=1", b"\xff=1",
     b"name=A&autopay=maybe", b"name=A&taxes[0][x]=1"],
)  # fmt: skip
def test_unreadable_form_bodies_are_400(inv: TestClient, content: bytes) -> None:
    answer = inv.post("/customers", content=content, headers=_FORM)
    assert answer.status_code == 400
    assert answer.json()["type"] == "invalid_request"
    assert inv.get("/customers").json() == []


def test_form_bodies_are_refused_strictly(tmp_path: Path) -> None:
    strict = Emulator(invoiced_settings(tmp_path, "strict", validation="strict"))
    answer = invoiced_client(strict).post("/customers", content=b"name=Acme", headers=_FORM)
    assert answer.status_code == 400
    assert "Content-Type must be application/json" in answer.json()["message"]
    strict.close()
