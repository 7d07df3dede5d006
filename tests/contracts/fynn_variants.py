"""The Fynn emulator for harness tests, and its deliberately broken variants.

Each variant is an ASGI wrapper around the real emulator app that breaks one rule Fynn's harness
checks (tests/contracts/test_fynn_broken_variants.py shows the harness failing on each), so no
broken code lives in the emulator. `fresh_fynn` hosts the emulator as the harness does
(strict validation, a full key and a read-only key).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

from contracts.dialects import by_name
from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import Settings
from contracts.targets import _inprocess_app, hosted_credentials
from tests.contracts.conftest import SMALL, rewriting

ASGIApp = Callable[..., Any]
Credentials = tuple[str, str]


def fresh_fynn() -> tuple[ASGIApp, Credentials, Credentials]:
    """The real Fynn emulator on an in-memory database, with a full and a read-only key."""
    dialect = by_name("fynn")
    full, read_only = hosted_credentials(dialect), hosted_credentials(dialect)
    return _inprocess_app(dialect, ":memory:", full, read_only), full, read_only


def run_fynn(
    app: ASGIApp,
    full: Credentials,
    read_only: Credentials,
    *,
    suites: tuple[str, ...] = ("schemathesis",),
    operation_ids: tuple[str, ...] = (),
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful"),
    seed: int = 1,
    model_runs: int | None = None,
) -> RunReport:
    """A small Fynn run in-process against `app`, without terminal output."""
    profile = (
        SMALL
        if model_runs is None
        else SMALL.__class__(**{**SMALL.__dict__, "model_examples": model_runs})
    )
    settings = Settings.from_env(
        {}, vendor="fynn", target="emulator-inprocess", suites=suites,
        operation_ids=operation_ids, phases=phases, seed=seed, profile_override=profile,
    )  # fmt: skip
    return run(
        settings, app=app, credentials=full, read_only_credentials=read_only,
        progress=Progress(io.StringIO()),
    )  # fmt: skip


def _json_change(change: Callable[[dict[str, Any], int, Any], Any]) -> ASGIApp:
    """A rewrite of JSON bodies (others pass unchanged)."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        try:
            data = json.loads(body)
        except ValueError:
            return status, headers, body
        return status, headers, json.dumps(change(scope, status, data)).encode()

    return rewrite


def wrong_total(app: ASGIApp) -> ASGIApp:
    """meta.pagination counts one customer more than there is."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("meta"), dict):
            data["meta"]["pagination"]["totalItems"] += 1
        return data

    return rewriting(app, _json_change(change))


def page_size_as_page_total(app: ASGIApp) -> ASGIApp:
    """pageTotalItems says the page size, not the items on the page."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("meta"), dict):
            pagination = data["meta"]["pagination"]
            pagination["pageTotalItems"] = pagination["itemsPerPage"]
        return data

    return rewriting(app, _json_change(change))


def violations_without_property_path(app: ASGIApp) -> ASGIApp:
    """422 violations lose their propertyPath."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status == 422 and isinstance(data, dict):
            for violation in data.get("violations") or []:
                violation.pop("propertyPath", None)
        return data

    return rewriting(app, _json_change(change))


def no_permission_check(app: ASGIApp, read_only: Credentials, full: Credentials) -> ASGIApp:
    """The read-only key is let through as if it held every permission."""
    limited = f"Bearer {read_only[0]}".encode()
    granted = f"Bearer {full[0]}".encode()

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [
                (name, granted if name.lower() == b"authorization" and value == limited else value)
                for name, value in scope["headers"]
            ]
            scope = dict(scope, headers=headers)
        await app(scope, receive, send)

    return wrapped


_ARCHIVE = re.compile(r"^/customers/([^/]+)/archive$")


def archive_deletes(app: ASGIApp) -> ASGIApp:
    """An archive deletes the customer (and answers it, archived, as if nothing happened)."""

    async def call(scope: dict[str, Any], method: str, path: str) -> tuple[int, bytes]:
        inner = dict(scope, method=method, path=path, raw_path=path.encode(), query_string=b"")
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
        return int(start["status"]), b"".join(chunks)

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        found = _ARCHIVE.match(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None or scope["method"] != "PUT":
            await app(scope, receive, send)
            return
        customer = f"/customers/{found.group(1)}"
        status, body = await call(scope, "GET", customer)
        if status == 200:
            await call(scope, "DELETE", customer)
            record = json.loads(body)
            record["status"] = "STATUS_ARCHIVED"
            body = json.dumps(record).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


_SET_PARENT = re.compile(r"^/customers/([^/]+)/set-parent$")


def hierarchy_rules_ignored(app: ASGIApp) -> ASGIApp:
    """A parent the rules refuse (self, archived, a cycle, a fourth level) is acknowledged as
    set (200 with the child's id), the way an emulator without the rules would answer."""

    def rewrite(
        scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        found = _SET_PARENT.match(scope.get("path", ""))
        if found is None or status != 400:
            return status, headers, body
        return 200, headers, json.dumps({"id": found.group(1)}).encode()

    return rewriting(app, rewrite)


def hierarchy_with_a_cycle(app: ASGIApp) -> ASGIApp:
    """A hierarchy answer shows the root again below its first child (a cycle)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        root = data.get("root") if isinstance(data, dict) else None
        if status == 200 and isinstance(root, dict) and root.get("children"):
            again = {key: value for key, value in root.items() if key != "children"}
            root["children"][0].setdefault("children", []).append(dict(again, children=[]))
        return data

    return rewriting(app, _json_change(change))


_CUSTOMER = re.compile(r"^/customers/[^/]+$")


def single_reads_wrapped(app: ASGIApp) -> ASGIApp:
    """A single customer read comes wrapped in `{data: ...}` (as only lists are)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status == 200 and scope["method"] == "GET" and _CUSTOMER.match(scope.get("path", "")):
            return {"data": data}
        return data

    return rewriting(app, _json_change(change))


def errors_without_detail(app: ASGIApp) -> ASGIApp:
    """Error bodies lose their `detail` (a bare `{title}` object)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status >= 400 and isinstance(data, dict):
            data.pop("detail", None)
        return data

    return rewriting(app, _json_change(change))


def archive_keeps_active(app: ASGIApp) -> ASGIApp:
    """An archive answers the customer still `STATUS_ACTIVE`."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status == 200 and _ARCHIVE.match(scope.get("path", "")) and isinstance(data, dict):
            data["status"] = "STATUS_ACTIVE"
        return data

    return rewriting(app, _json_change(change))


def hierarchy_too_deep(app: ASGIApp) -> ASGIApp:
    """A hierarchy answer puts three ancestors above the real root (four levels at least)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        root = data.get("root") if isinstance(data, dict) else None
        if status == 200 and isinstance(root, dict):
            for level in range(3):
                root = {"id": f"00000000-0000-4000-8000-00000000000{level}",
                        "isCurrentCustomer": False, "children": [root]}  # fmt: skip
            data["root"] = root
        return data

    return rewriting(app, _json_change(change))
