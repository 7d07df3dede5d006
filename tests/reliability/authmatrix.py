"""The auth matrix: every spec operation x every way a credential can be wrong.

Each bad request must get the 401 envelope and leave no trace: no stored change, and (for the
signature scheme) no nonce burnt, so that the genuine request with the same nonce still passes.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from chargeover_client.lib import signature_v1
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME
from tests.reliability.envelope import envelope_problems
from tests.reliability.inprocess import InProcessEmulator, spec_document

__all__ = ["BAD_CREDENTIALS", "Call", "operations", "run_matrix"]

BAD_CREDENTIALS = (
    "no header",
    "malformed header",
    "wrong password",
    "wrong scheme",
    "tampered signature",
    "replayed nonce",
    "stale timestamp",
)
_ORIGIN = "http://testserver"  # TestClient's host: part of the signed URL


@dataclasses.dataclass(frozen=True)
class Call:
    """One operation made concrete: method, URL, body bytes."""

    operation_id: str
    method: str
    url: str
    body: bytes


def operations(seeded: dict[str, Any]) -> Iterator[Call]:
    """Every operation in the spec, with path parameters filled from seeded objects."""
    document = spec_document()
    for path, item in document["paths"].items():
        resource = path.strip("/").split("/")[0]
        values = {
            f"{resource}_id": seeded["ids"].get(resource),
            "external_key": f"seed-{resource[:1]}",
            "token": seeded["tokens"].get(resource),
        }
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            url = "/api/v3" + path.format(**values)
            body = b""
            if method in {"post", "put", "patch"}:
                media = (
                    operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                )
                examples = media.get("examples") or {}
                example = next(iter(examples.values()))["value"] if examples else {}
                body = json.dumps(example).encode()
            yield Call(operation["operationId"], method.upper(), url, body)


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _signed(call: Call, nonce: str, timestamp: int, *, private_key: str = DEFAULT_PASSWORD) -> str:
    signature = signature_v1(
        public_key=DEFAULT_USERNAME,
        private_key=private_key,
        url=_ORIGIN + call.url,
        nonce=nonce,
        timestamp=timestamp,
        body=call.body,
    )
    return (
        f'ChargeOver co_public_key="{DEFAULT_USERNAME}" co_nonce="{nonce}" '
        f'co_timestamp="{timestamp}" co_signature_method="HMAC-SHA256" co_version="1.0" '
        f'co_signature="{signature}"'
    )


def _flip_last(signed: str) -> str:
    """The same header with the signature's last hex digit changed."""
    head, last = signed[:-2], signed[-2]
    return head + ("0" if last != "0" else "1") + '"'


@dataclasses.dataclass
class MatrixOutcome:
    """Requests sent and every cell that did not hold."""

    bad_requests: int = 0
    operations: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)


def _send(
    emulator: InProcessEmulator, call: Call, header: str | None, body: bytes
) -> tuple[int, dict[str, str], bytes]:
    headers = {"content-type": "application/json"}
    if header is not None:
        headers["authorization"] = header
    exchange = emulator.request(
        call.method, call.url, headers=headers, content=body or None, auth=False
    )
    if exchange.error is not None:
        return 500, {}, repr(exchange.error).encode()
    return exchange.status, exchange.headers, exchange.content


def _expect_401(
    emulator: InProcessEmulator,
    outcome: MatrixOutcome,
    call: Call,
    mode: str,
    header: str | None,
    body: bytes | None = None,
) -> None:
    """One cell: the 401 envelope with the documented wording, and no row written."""
    outcome.bad_requests += 1
    # Every emulator write goes through this connection, so its change counter is an exact and
    # cheap per-cell witness; run_matrix also compares full dumps per operation.
    before = emulator.connection.total_changes
    status, headers, content = _send(emulator, call, header, call.body if body is None else body)
    problems = envelope_problems(status, headers, content, expected=401)
    if status == 401 and not json.loads(content)["message"].startswith(
        "Invalid or incorrect authorization"
    ):
        problems.append("401 message is not the documented wording")
    if emulator.connection.total_changes != before:
        problems.append("the request wrote rows (total_changes moved, even if rolled back)")
    if problems:
        outcome.failures.append(f"{call.operation_id} [{mode}]: {'; '.join(problems)}")


def run_matrix(
    emulator: InProcessEmulator,
    seeded: dict[str, Any],
    include: Callable[[Call], bool] = lambda call: True,
) -> MatrixOutcome:
    """Send every operation with every bad credential; collect the cells that were not 401."""
    outcome = MatrixOutcome()
    for index, call in enumerate(operations(seeded)):
        if not include(call):
            continue
        outcome.operations += 1
        dumped = emulator.dump()
        now = int(time.time())
        nonce = f"n{index:07d}"
        cell = (emulator, outcome, call)
        _expect_401(*cell, "no header", None)
        _expect_401(*cell, "malformed header", "Basic !!!not-base64!!!")
        _expect_401(*cell, "wrong password", _basic(DEFAULT_USERNAME, DEFAULT_PASSWORD[::-1]))
        _expect_401(*cell, "wrong scheme", "Bearer " + DEFAULT_PASSWORD)
        _expect_401(*cell, "tampered signature", _flip_last(_signed(call, nonce, now)))
        if call.body:  # the signature covers the body: a changed body must not pass either
            _expect_401(*cell, "tampered signature", _signed(call, nonce, now), call.body + b" ")
        _expect_401(*cell, "stale timestamp", _signed(call, nonce + "s", now - 3600))
        if emulator.dump() != dumped:
            outcome.failures.append(f"{call.operation_id}: stored data changed (full dump)")
        # The genuine request with the nonce the rejected ones used passes (nothing was burnt)...
        genuine = _signed(call, nonce, now)
        status, _, content = _send(emulator, call, genuine, call.body)
        if status == 401:
            outcome.failures.append(f"{call.operation_id} [genuine]: refused: {content[:120]!r}")
        # ...and its replay is refused.
        _expect_401(*cell, "replayed nonce", genuine)
    return outcome
