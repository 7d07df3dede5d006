"""A toy vendor, served and contract-checked by the engine with no edit to it (issue 11).

The toy (tests/toy/openapi.yaml + tests/toy/dialect.py) differs from ChargeOver on every axis
the engine leaves to a dialect: bare bodies, page/per_page paging with `Link` headers, UUID
ids, Bearer auth, its own error shape and a 404 for undocumented routes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from starlette.applications import Starlette

from chargeover_emulator.app import create_app
from chargeover_emulator.config import RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.exchange import Paged
from tests.emulator.conftest import make_client
from tests.threaded_server import serve_in_thread
from tests.toy.dialect import TOKEN, ToyDialect, WidgetService

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def toy_app(tmp_path: Path, dialect: ToyDialect | None = None) -> tuple[Starlette, Emulator]:
    settings = Settings(
        db=str(tmp_path / "toy.sqlite3"), rate_limit=RateLimit(0, 60), validation="strict"
    )
    emulator = Emulator(settings, dialect=dialect or ToyDialect())
    return create_app(emulator=emulator), emulator


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[Any]:
    app, emulator = toy_app(tmp_path)
    client = make_client(app, auth=None)
    client.headers.update(AUTH)
    yield client
    emulator.close()


def header(response: Any, name: str) -> str:
    """One header of an httpx response or of schemathesis' (lower-case keys, lists of values)."""
    for key, value in response.headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    raise AssertionError(f"no {name} header")


def links(response: Any) -> dict[str, str]:
    """rel -> URL of a `Link` header."""
    found = re.findall(r'<([^>]+)>; rel="([a-z]+)"', header(response, "Link"))
    return {rel: url for url, rel in found}


def test_create_get_and_page_through_widgets(toy: Any) -> None:
    created = [toy.post("/v1/widgets", json={"name": f"w{n}", "color": "blue"}) for n in range(5)]
    assert {r.status_code for r in created} == {201}
    first = created[0].json()
    assert uuid.UUID(first["id"]).version == 4
    assert set(first) == {"id", "name", "color", "created_at"}  # bare: no envelope
    assert created[0].headers["Location"].endswith(f"/v1/widgets/{first['id']}")
    assert toy.get(f"/v1/widgets/{first['id']}").json() == first

    page = toy.get("/v1/widgets", params={"per_page": 2})
    assert [w["name"] for w in page.json()] == ["w0", "w1"]
    assert page.headers["X-Total-Count"] == "5"
    assert set(links(page)) == {"first", "next", "last", "self"}
    seen = []
    url: str | None = "/v1/widgets?per_page=2"
    while url:
        response = toy.get(url)
        seen += [w["name"] for w in response.json()]
        url = links(response).get("next")
    assert seen == [f"w{n}" for n in range(5)]


def test_errors_come_in_the_toys_own_shape(toy: Any) -> None:
    missing = toy.get(f"/v1/widgets/{uuid.uuid4()}")
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": {"type": "NotFound", "message": "No such widget."}},
    )
    assert toy.delete("/v1/widgets").json()["error"]["type"] == "NotFound"  # undocumented route
    bad = toy.get("/v1/widgets", params={"per_page": 999}).json()["error"]
    assert bad["message"].endswith("(rule: maximum)")
    toy.headers["Authorization"] = "Bearer wrong"
    denied = toy.get("/v1/widgets")
    assert denied.status_code == 401
    assert "WWW-Authenticate" not in denied.headers  # ChargeOver's Basic challenge is not the toy's


def test_declared_headers_are_validated(toy: Any) -> None:
    """The toy declares an optional `Idempotency-Key` (at most 64 characters) on create."""
    fine = toy.post("/v1/widgets", json={"name": "w"}, headers={"Idempotency-Key": "k" * 64})
    assert fine.status_code == 201
    long = toy.post("/v1/widgets", json={"name": "w"}, headers={"Idempotency-Key": "k" * 65})
    assert long.status_code == 400
    assert long.json()["error"]["message"].startswith(
        "Missing or invalid parameter: header/idempotency-key"
    )


def test_the_toy_is_served_over_real_http(tmp_path: Path) -> None:
    app, emulator = toy_app(tmp_path)
    try:
        with (
            serve_in_thread(app) as origin,
            httpx.Client(base_url=f"{origin}/v1", headers=AUTH) as client,
        ):
            widget = client.post("/widgets", json={"name": "over HTTP"}).json()
            assert client.get(f"/widgets/{widget['id']}").json()["name"] == "over HTTP"
            assert client.get("/widgets").headers["X-Total-Count"] == "1"
    finally:
        emulator.close()


# -- the contract check: schemathesis' own checks plus the Link-header family's ----------------
def link_headers_agree(ctx: Any, response: Any, case: Any) -> bool | None:
    """`X-Total-Count` and `Link` agree with the page: next/prev exactly when such a page exists."""
    if (
        case.operation.path != "/widgets"
        or case.method.upper() != "GET"
        or response.status_code != 200
    ):
        return None
    total = int(header(response, "X-Total-Count"))
    query = case.query or {}
    per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
    last = max(1, -(-total // per_page))
    rels = set(links(response))
    expected_len = max(0, min(per_page, total - (page - 1) * per_page))
    assert len(response.json()) == expected_len, (
        f"{len(response.json())} items, expected {expected_len}"
    )
    assert ("next" in rels) == (page < last), f"next link wrong on page {page} of {last}"
    assert ("prev" in rels) == (page > 1), f"prev link wrong on page {page}"
    assert {"first", "last", "self"} <= rels
    return True


def stock_checks() -> list[Any]:
    """schemathesis' own checks, and only those (see test_vendor_checks_stay_with_their_vendor)."""
    return [check for check in CHECKS.get_all() if check.__module__.startswith("schemathesis.")]


def contract_failures(
    app: Starlette, *, seeded: int = 3, checks: list[Any] | None = None
) -> list[str]:
    """Run every operation of the toy's spec with schemathesis' checks and the Link check.

    Positive generation only: negative mode would also send unknown query parameters (which
    OpenAPI does not forbid) and invalid credentials that the fixed Authorization header then
    overrides. Rejection of invalid input is test_errors_come_in_the_toys_own_shape's.
    """
    client = make_client(app, auth=None)
    for n in range(seeded):
        client.post("/v1/widgets", json={"name": f"seed {n}"}, headers=AUTH)
    schema = schemathesis.openapi.from_asgi("/openapi.yaml", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err would raise here: a bad spec
        for mode in (GenerationMode.POSITIVE,):

            @settings(
                max_examples=30,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                case.call_and_validate(
                    headers=AUTH,
                    checks=stock_checks() if checks is None else checks,
                    additional_checks=[link_headers_agree],
                )

            try:
                run()
            # a check failed: keep its text (schemathesis groups failures in a BaseExceptionGroup)
            except (Exception, BaseExceptionGroup) as error:
                found = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
                failures += [f"{operation.label} [{mode.value}]: {e!r}"[:2000] for e in found]
    return failures


def test_the_toy_passes_the_contract_checks(tmp_path: Path) -> None:
    app, emulator = toy_app(tmp_path)
    try:
        assert contract_failures(app) == []
    finally:
        emulator.close()


class _MiscountingWidgets(WidgetService):
    """A broken variant: `X-Total-Count` one too many (pages never seem to end)."""

    def list(self, ctx: Any, query: Any) -> Paged:
        page = super().list(ctx, query)
        total = int(page.headers["X-Total-Count"]) + 1
        return Paged(page.items, {**page.headers, "X-Total-Count": str(total)})


class _MiscountingToy(ToyDialect):
    def services(self, spec: Any, settings: Any) -> Any:
        return {
            "widget": _MiscountingWidgets(spec.resources["widget"], f"{self.api_prefix}/widgets")
        }


def test_the_link_check_catches_a_wrong_total(tmp_path: Path) -> None:
    app, emulator = toy_app(tmp_path, _MiscountingToy())
    try:
        failures = contract_failures(app)
        assert failures, "the broken variant passed the Link-header check"
        assert all(f.startswith("GET /widgets") for f in failures), failures
        assert any("link_headers_agree" in f for f in failures), failures
    finally:
        emulator.close()


def test_vendor_checks_stay_with_their_vendor(tmp_path: Path) -> None:
    # what any harness run imports; a run registers its dialect's checks for itself only
    # (tests/contracts/test_contracts_dialect.py)
    import contracts.checks
    import contracts.runner  # noqa: F401

    assert not [name for name in CHECKS.get_all_names() if name.startswith("chargeover_")]
