"""The Invoiced emulator for harness tests, and deliberately broken variants of it.

Broken variants are ASGI wrappers around the real emulator app that rewrite its traffic (as
tests/contracts/conftest.py does for ChargeOver), so no broken code lives in the emulator.
"""

from __future__ import annotations

import io
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import httpx

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings as EmulatorSettings
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Settings
from contracts.targets import SyncASGITransport
from tests.contracts.conftest import SMALL, ASGIApp, Credentials, _json_rewrite, rewriting

Headers = list[tuple[bytes, bytes]]


def fresh_invoiced(*, customers: int = 0) -> tuple[ASGIApp, Credentials]:
    """The real Invoiced emulator (strict, as the harness hosts it) on an in-memory database,
    with `customers` customers created over its API."""
    key = f"test{secrets.token_hex(8)}"
    settings = EmulatorSettings.from_env(
        {}, vendor="invoiced", db=":memory:", rate_limit="off", api_key=key, validation="strict"
    )
    app = create_app(settings)
    if customers:
        transport = SyncASGITransport(app)
        with httpx.Client(base_url="http://testserver", transport=transport, auth=(key, "")) as c:
            for n in range(customers):
                answer = c.post(
                    "/customers", json={"name": f"Seeded {n}", "email": f"s{n}@example.com"}
                )
                assert answer.status_code == 201, answer.text
        transport.close()
    return app, (key, "")


def run_invoiced(
    app: ASGIApp,
    credentials: Credentials,
    *,
    suites: tuple[str, ...] = ("schemathesis",),
    operation_ids: tuple[str, ...] = (),
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful"),
    model_runs: int | None = None,
) -> RunReport:
    """The harness's small profile, in process, against `app`, without terminal output."""
    profile = (
        SMALL
        if model_runs is None
        else SMALL.__class__(**{**SMALL.__dict__, "model_examples": model_runs})
    )
    settings = Settings.from_env(
        {}, vendor="invoiced", target="emulator-inprocess", suites=suites,
        operation_ids=operation_ids, phases=phases, seed=1, profile_override=profile,
    )  # fmt: skip
    return run(settings, app=app, credentials=credentials, progress=Progress(io.StringIO()))


def reported(report: RunReport, check: str) -> list[str]:
    """Operations on which `check` failed."""
    return sorted({failure.operation for failure in report.failures if failure.check == check})


# -- broken variants ----------------------------------------------------------------------------


def _headers_rewrite(change: Callable[[dict[str, str]], dict[str, str]]) -> Callable[..., Any]:
    """A rewrite of the Link and X-Total-Count headers of every response that has them."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        paging = {k.decode().lower(): v.decode() for k, v in headers
                  if k.lower() in {b"link", b"x-total-count"}}  # fmt: skip
        if not paging:
            return status, headers, body
        kept = [(k, v) for k, v in headers if k.lower() not in {b"link", b"x-total-count"}]
        changed = change(paging)
        return status, kept + [(k.encode(), v.encode()) for k, v in changed.items()], body

    return rewrite


def previous_named_prev(app: ASGIApp) -> ASGIApp:
    """Link calls the previous page `prev` (RFC 8288's name, not Invoiced's `previous`)."""
    return rewriting(app, _headers_rewrite(
        lambda h: {**h, "link": h["link"].replace('rel="previous"', 'rel="prev"')}
    ))  # fmt: skip


def next_points_to_itself(app: ASGIApp) -> ASGIApp:
    """`next` names the page it is on: the pages cannot be walked."""

    def change(headers: dict[str, str]) -> dict[str, str]:
        links = dict(
            (rel, url) for url, rel in re.findall(r'<([^>]*)>; rel="([^"]*)"', headers["link"])
        )
        if "next" in links:
            links["next"] = links["self"]
        return {**headers, "link": ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())}

    return rewriting(app, _headers_rewrite(change))


def total_count_plus_one(app: ASGIApp) -> ASGIApp:
    """X-Total-Count counts one record too many."""
    return rewriting(app, _headers_rewrite(
        lambda h: {**h, "x-total-count": str(int(h["x-total-count"]) + 1)}
    ))  # fmt: skip


def chargeover_shaped_errors(app: ASGIApp) -> ASGIApp:
    """Errors come in ChargeOver's envelope instead of `{type, message, param}`."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status < 400 or not isinstance(data, dict):
            return data
        return {"code": status, "status": "Error", "message": data.get("message", ""),
                "details": {}, "response": None if status == 404 else False}  # fmt: skip

    return rewriting(app, _json_rewrite(change))


def delete_answers_200_with_a_body(app: ASGIApp) -> ASGIApp:
    """A successful DELETE answers 200 `{"deleted": true}` instead of 204 with no body."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        if scope["method"] == "DELETE" and status == 204:
            return 200, [*headers, (b"content-type", b"application/json")], b'{"deleted": true}'
        return status, headers, body

    return rewriting(app, rewrite)


# nullable fields a broken PATCH clears when it is not sent them (customers, contacts)
_CUSTOMER_CLEARABLE = ("email", "city", "phone", "notes")
_CONTACT_CLEARABLE = ("email", "city", "title", "department")


def patch_clears_unsent_fields(app: ASGIApp) -> ASGIApp:
    """A PATCH replaces the object: every clearable field it does not send becomes null."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "PATCH":
            await app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        try:
            sent = json.loads(b"".join(chunks) or b"{}")
        except ValueError:
            sent = None
        contact = "/contacts/" in scope["path"]
        fields = _CONTACT_CLEARABLE if contact else _CUSTOMER_CLEARABLE
        if isinstance(sent, dict):
            sent = {**{field: None for field in fields}, **sent}
        body = json.dumps(sent).encode()
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app({**scope, "headers": headers}, replay, send)

    return wrapped
