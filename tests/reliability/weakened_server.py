"""`chargeover-emulator serve` with one protection removed, to prove a scenario notices.

    python -m tests.reliability.weakened_server serve --weakness lost-update --db F --port P

Weaknesses (each built around the real app and storage, never by editing the emulator):

- `lost-update`: PUT /customer/{id} is served as read the row, merge, write the whole row, in
  two separate requests with an await between them: an update that is not one transaction.
- `write-behind`: the storage acknowledges each request but commits only every 500 requests,
  so acknowledged writes live in an open transaction that a crash discards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import uvicorn

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.storage.database import Database

# How tests start this twin with tests.emulator_process.EmulatorProcess: the same options as
# `chargeover-emulator serve`, plus --weakness.
SERVE = (sys.executable, "-m", "tests.reliability.weakened_server", "serve")

__all__ = ["HOT_FIELDS", "SERVE", "LostUpdateApp", "main", "write_behind"]

# The fields concurrent writers share on one row in the concurrency scenario.
HOT_FIELDS = tuple(f"custom_{n}" for n in range(1, 9))
_CUSTOMER = re.compile(r"^/api/v3/customer/([0-9]+)$")
Scope = dict[str, Any]


class LostUpdateApp:
    """ASGI wrapper: partial customer updates become read-merge-write (not atomic)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inner = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://weak"
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        match = _CUSTOMER.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {
            k.decode(): v.decode() for k, v in scope["headers"] if k.lower() == b"authorization"
        }
        current = (await self.inner.get(scope["path"], headers=headers)).json()["response"] or {}
        merged = {
            field: current.get(field) for field in HOT_FIELDS if current.get(field) is not None
        }
        merged.update(json.loads(body or b"{}"))
        await asyncio.sleep(0.002)  # another request runs here, then gets overwritten
        answer = await self.inner.put(scope["path"], headers=headers, json=merged)
        await send({"type": "http.response.start", "status": answer.status_code,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": answer.content})


def write_behind(database: Database, *, every: int = 500) -> None:
    """Make `database` acknowledge requests inside one long transaction committed every N."""
    conn = database.connection
    handled = [0]

    @contextlib.contextmanager
    def transaction() -> Iterator[Any]:
        with database.lock:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            conn.execute("SAVEPOINT request")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO request")
                conn.execute("RELEASE request")
                raise
            conn.execute("RELEASE request")
            handled[0] += 1
            if handled[0] % every == 0:
                conn.execute("COMMIT")

    database.transaction = transaction  # type: ignore[method-assign]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the serve options the real CLI takes, plus --weakness, and serve."""
    parser = argparse.ArgumentParser(prog="weakened_server")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--weakness", required=True, choices=["lost-update", "write-behind"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rate-limit", default="off")
    parser.add_argument("--username")
    parser.add_argument("--password")
    args = parser.parse_args(argv)
    settings = Settings.from_env(
        {}, db=args.db, rate_limit=args.rate_limit, username=args.username, password=args.password
    )
    emulator = Emulator(settings)
    app: Any = create_app(emulator=emulator)
    if args.weakness == "lost-update":
        app = LostUpdateApp(app)
    else:
        write_behind(emulator.database)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
