"""Safety against real accounts: write guard, run prefix, cleanup, rate limit and 429 back-off."""

from __future__ import annotations

import json

import httpx
import pytest

from contracts.reference_model import Condition, ReferenceModel, escape, where
from contracts.safety import Cleanup, GuardedTransport, RateLimiter, UnsafeWrite
from contracts.settings import Settings, SettingsError


def api(handler, **guard) -> tuple[httpx.Client, GuardedTransport]:
    """A client over a mock ChargeOver behind the guarded transport."""
    transport = GuardedTransport(httpx.MockTransport(handler), sleep=lambda _: None, **guard)
    return httpx.Client(
        base_url="https://x.chargeover.test/api/v3/", transport=transport
    ), transport


def created(request: httpx.Request) -> httpx.Response:
    """Every POST creates object 7; everything else answers true."""
    if request.method == "POST" and request.url.path.count("/") == 3:
        return httpx.Response(
            201, json={"code": 201, "status": "OK", "message": "", "response": {"id": 7}}
        )
    return httpx.Response(200, json={"code": 200, "status": "OK", "message": "", "response": True})


def test_read_only_by_default():
    client, _ = api(created, guard_writes=True)
    assert client.get("customer").status_code == 200
    for method in ("POST", "PUT", "DELETE"):
        with pytest.raises(UnsafeWrite, match="read-only"):
            client.request(method, "customer/1", json={})


def test_allow_writes_only_creates_prefixed_objects_and_touches_only_them():
    client, transport = api(
        created, guard_writes=True, allow_writes=True, key_prefix="contracts-run1-"
    )
    with pytest.raises(UnsafeWrite, match="external_key"):
        client.post("customer", json={"company": "x"})
    with pytest.raises(UnsafeWrite, match="external_key"):
        client.post("customer", json={"company": "x", "external_key": "someone-else"})
    assert client.post("customer", json={"external_key": "contracts-run1-a"}).status_code == 201
    assert transport.cleanup.owns("customer", 7)
    assert client.put("customer/7", json={"company": "y"}).status_code == 200
    with pytest.raises(UnsafeWrite, match="not an object this run created"):
        client.put("customer/8", json={"company": "y"})
    with pytest.raises(UnsafeWrite, match="did not create"):
        client.post("user", json={"external_key": "contracts-run1-u", "customer_id": 8})
    with pytest.raises(UnsafeWrite, match="only creates"):
        client.post("_bulk", json=[])


def test_a_numeric_string_parent_is_read_as_its_number():
    """The numeric-strings leniency's example sends `"customer_id": "7"`: owned, it may go."""
    client, _ = api(created, guard_writes=True, allow_writes=True, key_prefix="contracts-run1-")
    client.post("customer", json={"external_key": "contracts-run1-a"})
    owned = {"external_key": "contracts-run1-u", "customer_id": "7"}
    assert client.post("user", json=owned).status_code == 201
    for other in ("8", "07x", ""):
        with pytest.raises(UnsafeWrite, match="did not create"):
            client.post("user", json=dict(owned, customer_id=other))


def test_cleanup_deletes_in_dependency_order_and_reports_leftovers():
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/customer/2"):
            return httpx.Response(
                400, json={"code": 400, "status": "Error", "message": "no", "response": False}
            )
        return httpx.Response(
            200, json={"code": 200, "status": "OK", "message": "", "response": True}
        )

    cleanup = Cleanup()
    for resource, object_id in [("customer", 1), ("customer", 2), ("user", 5), ("invoice", 9)]:
        cleanup.record(resource, object_id)
    client = httpx.Client(base_url="https://x.test/api/v3/", transport=httpx.MockTransport(handler))
    leftovers = cleanup.run(client)
    deletes = [line for line in sent if line.startswith("DELETE")]
    assert deletes == [
        "DELETE /api/v3/invoice/9", "DELETE /api/v3/user/5",
        "DELETE /api/v3/customer/2", "DELETE /api/v3/customer/1",
    ]  # fmt: skip
    assert "POST /api/v3/invoice/9/_action/void" in sent
    assert leftovers == ["customer 2: HTTP 400"]


def test_429_is_retried_with_back_off():
    answers = iter([429, 429, 200])
    delays: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        code = next(answers)
        return httpx.Response(code, json={"code": code, "status": "OK" if code == 200 else "Error",
                                          "message": "" if code == 200 else "Rate limit exceeded",
                                          "response": code == 200 or False})  # fmt: skip

    transport = GuardedTransport(httpx.MockTransport(handler), sleep=delays.append)
    client = httpx.Client(base_url="https://x.test/api/v3/", transport=transport)
    assert client.get("teapot").status_code == 200
    assert delays == [1.0, 2.0]
    assert transport.rate_limited == 2


def test_rate_limiter_waits_for_the_window():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        assert limiter.acquire() == 0.0
    now[0] = 10.0
    assert limiter.acquire() == pytest.approx(50.0)
    assert waits == [pytest.approx(50.0)]


def test_settings_validate_the_url_target():
    with pytest.raises(SettingsError, match="CHARGEOVER_URL"):
        Settings.from_env({}, target="url")
    with pytest.raises(SettingsError, match="USERNAME"):
        Settings.from_env({"CHARGEOVER_URL": "https://x.chargeover.com/api/v3"}, target="url")
    settings = Settings.from_env({
        "CHARGEOVER_URL": "https://x.chargeover.com/api/v3/", "CHARGEOVER_USERNAME": "pub",
        "CHARGEOVER_PASSWORD": "priv", "CHARGEOVER_CONTRACTS_PROFILE": "deep",
    }, target="url")  # fmt: skip
    assert settings.base_url == "https://x.chargeover.com/api/v3"
    assert not settings.writes_allowed and settings.profile.name == "deep"
    assert settings.key_prefix.startswith("contracts-") and settings.key_prefix.endswith("-")
    assert Settings.from_env({}).writes_allowed  # the emulator is always writable


def test_where_escaping_and_predicates():
    assert escape(r"a:b,c\d") == r"a\:b\,c\\d"
    conditions = [Condition("company", "EQUALS", "A:b,C"), Condition("custom_1", "IS:NULL")]
    assert where(conditions) == r"company:EQUALS:A\:b\,C,custom_1:IS:NULL"
    assert conditions[0].holds({"company": "a:B,c"})  # case-insensitive, as the emulator
    assert not conditions[0].holds({"company": "a:b"})
    assert Condition("total", "GT", "9").holds({"total": 10})
    assert Condition("company", "CONTAINS", "b,c").holds({"company": "Ab,cd"})
    model = ReferenceModel({"customer": "customer_id"})
    model.create("customer", 2, {"company": "x:y"})
    model.create("customer", 1, {"company": "z"})
    assert model.ids("customer") == [1, 2]
    assert model.matching("customer", [Condition("company", "CONTAINS", ":")]) == [2]
    model.delete("customer", 2)
    assert model.ids("customer") == [1] and model.deleted == {"customer": {2}}
    assert json.dumps(model.get("customer", 1)) == '{"company": "z", "customer_id": 1}'


def test_schemathesis_is_read_only_on_a_url_target():
    from contracts import waivers
    from contracts.dialects import by_name
    from contracts.runner import build_schema
    from contracts.targets import Target

    settings = Settings.from_env(
        {}, target="url", base_url="https://x.chargeover.test/api/v3", username="u", password="p"
    )
    dialect = by_name("chargeover")
    target = Target(
        "url",
        settings.base_url or "",
        ("u", "p"),
        is_emulator=False,
        settings=settings,
        dialect=dialect,
    )
    schema = build_schema(target, settings, waivers.WaiverLedger(dialect.waivers, hosted=False))
    methods = {result.ok().method.upper() for result in schema.get_all_operations()}  # type: ignore[union-attr]
    assert methods == {"GET"}
    assert schema.config.phases.coverage.unexpected_methods == set()
