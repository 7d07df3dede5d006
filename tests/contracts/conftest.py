"""Fixtures for the harness tests: a fresh emulator app, broken variants, a quiet runner.

Broken variants are ASGI wrappers around the real emulator app that rewrite its traffic, so no
broken code lives inside chargeover_emulator.
"""

from __future__ import annotations

import dataclasses
import io
import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings as EmulatorSettings
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Profile, Settings

# fewer examples than `fast`: the variants break every response, one case is enough to see it
SMALL = Profile(
    "fast",
    max_examples=4,
    stateful_examples=4,
    model_examples=8,
    model_steps=20,
    roundtrip_examples=5,
    shrink=False,
)

ASGIApp = Callable[..., Any]
Credentials = tuple[str, str]


def fresh_emulator(*, customers: int = 0) -> tuple[ASGIApp, Credentials]:
    """The real emulator app on an in-memory database, optionally with seeded customers."""
    credentials = (f"test{secrets.token_hex(6)}", secrets.token_hex(12))
    settings = EmulatorSettings.from_env(
        {},
        db=":memory:",
        rate_limit="off",
        username=credentials[0],
        password=credentials[1],
        validation="strict",  # as the harness hosts it (contracts/targets.py)
    )
    app = create_app(settings)
    if customers:
        from chargeover_emulator.seeding import seed

        seed(app.state.emulator, 1, customers, progress=False)
    return app, credentials


@pytest.fixture
def emulator() -> tuple[ASGIApp, Credentials]:
    """A fresh emulator app and its credentials."""
    return fresh_emulator()


def run_harness(
    app: ASGIApp,
    credentials: Credentials,
    *,
    suites: tuple[str, ...] = ("schemathesis",),
    operation_ids: tuple[str, ...] = (),
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful"),
    seed: int = 1,
    model_runs: int | None = None,
) -> RunReport:
    """Run a small profile in-process against `app` without terminal output."""
    profile = SMALL if model_runs is None else dataclasses.replace(SMALL, model_examples=model_runs)
    settings = Settings.from_env(
        {},
        target="emulator-inprocess",
        suites=suites,
        operation_ids=operation_ids,
        phases=phases,
        seed=seed,
        profile_override=profile,
    )
    return run(settings, app=app, credentials=credentials, progress=Progress(io.StringIO()))


# -- response-rewriting middleware -----------------------------------------------------------

Rewrite = Callable[
    [dict[str, Any], int, list[tuple[bytes, bytes]], bytes],
    tuple[int, list[tuple[bytes, bytes]], bytes],
]


def rewriting(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """Buffer each HTTP response of `app`; `rewrite(scope, status, headers, body)` changes it."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await app(scope, receive, capture)
        except Exception:
            if not start:  # like a server: an error after the answer is only logged
                raise
        status, headers, body = rewrite(
            scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
        )
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


def _json_rewrite(change: Callable[[dict[str, Any], int, Any], Any]) -> Rewrite:
    """A rewrite of JSON envelopes only."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        try:
            data = json.loads(body)
        except ValueError:
            return status, headers, body
        return status, headers, json.dumps(change(scope, status, data)).encode()

    return rewrite


def enum_outside_spec(app: ASGIApp) -> ASGIApp:
    """Customers report a status string the spec does not list."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        response = data.get("response") if isinstance(data, dict) else None
        items = response if isinstance(response, list) else [response]
        for item in items:
            if isinstance(item, dict) and "customer_status_str" in item:
                item["customer_status_str"] = "active-sleepy"
        return data

    return rewriting(app, _json_rewrite(change))


def code_differs_from_status(app: ASGIApp) -> ASGIApp:
    """Creates answer HTTP 201 with an envelope saying 200."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status == 201 and isinstance(data, dict):
            data["code"] = 200
        return data

    return rewriting(app, _json_rewrite(change))


def no_location_header(app: ASGIApp) -> ASGIApp:
    """201/202 without Location."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        return status, [(k, v) for k, v in headers if k.lower() != b"location"], body

    return rewriting(app, rewrite)


def wrong_404_body(app: ASGIApp) -> ASGIApp:
    """404s answer `response: false` (the generic error shape) instead of null."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status == 404 and isinstance(data, dict):
            data["response"] = False
        return data

    return rewriting(app, _json_rewrite(change))


def lost_write(app: ASGIApp) -> ASGIApp:
    """A PUT is acknowledged (202 + Location) but never reaches the emulator."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] == "PUT" and path.count("/") == 4:
            object_id = path.rsplit("/", 1)[-1]
            body = json.dumps(
                {"code": 202, "status": "OK", "message": "", "details": {},
                 "response": {"id": int(object_id) if object_id.isdigit() else 1}}
            ).encode()  # fmt: skip
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"location", f"http://testserver{path}".encode()),
            ]
            await send({"type": "http.response.start", "status": 202, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


def uncapped_limit(app: ASGIApp) -> ASGIApp:
    """limit > 500 returns two inner pages glued together (up to `limit` records)."""

    async def call(
        scope: dict[str, Any], query: str
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        inner = dict(scope, query_string=query.encode())
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(inner, receive, capture)
        return start["status"], list(start.get("headers", [])), b"".join(chunks)

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        from urllib.parse import parse_qsl, urlencode

        query = dict(parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True))
        limit = query.get("limit", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not limit.isdigit()
            or int(limit) <= 500
        ):
            await app(scope, receive, send)
            return
        offset = int(query.get("offset") or 0) if (query.get("offset") or "0").isdigit() else 0
        first = dict(query, limit="500", offset=str(offset))
        second = dict(query, limit=str(min(int(limit) - 500, 500)), offset=str(offset + 500))
        status, headers, body = await call(scope, urlencode(first))
        status2, _, body2 = await call(scope, urlencode(second))
        try:
            data, more = json.loads(body), json.loads(body2)
            if status == status2 == 200 and isinstance(data.get("response"), list):
                data["response"] += more["response"]
                body = json.dumps(data).encode()
        except ValueError:
            pass
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped
