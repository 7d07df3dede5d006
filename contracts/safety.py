"""Safety against real accounts: a client-side rate limit, 429 back-off, write guard and cleanup.

Against anything that is not the emulator the harness is read-only unless `--allow-writes`; with
it, every create must carry an external_key with the run's prefix, every update, delete or
action must address an object this run created, and `Cleanup` deletes those objects at the end
(even after a failure). All of it sits in one httpx transport so no suite can bypass it.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

__all__ = ["Cleanup", "GuardedTransport", "RateLimiter", "UnsafeWrite", "retry_delay"]

API_PREFIX = "/api/v3"
# delete order: dependants first (a customer with invoices or contacts cannot be deleted)
_DELETE_ORDER = ("invoice", "user", "customer")


class UnsafeWrite(RuntimeError):
    """The harness refused to send a write that could touch data it does not own."""


class RateLimiter:
    """At most `per_minute` requests in any sliding 60-second window (thread safe)."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def pause(self, seconds: float) -> None:
        """Sleep on the limiter's clock (429 back-off waits here too, so tests can fake time)."""
        self._sleep(seconds)

    def acquire(self) -> float:
        """Wait until one more request fits in the window; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and self._sent[0] <= now - 60.0:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    self._sent.append(now)
                    return waited
                delay = self._sent[0] + 60.0 - now
            self._sleep(delay)
            waited += delay


class Cleanup:
    """Objects this run created, deleted at the end in dependency order."""

    def __init__(self) -> None:
        self.created: dict[str, list[int]] = collections.defaultdict(list)
        self._lock = threading.Lock()

    def record(self, resource: str, object_id: int) -> None:
        """Remember one created object."""
        with self._lock:
            if object_id not in self.created[resource]:
                self.created[resource].append(object_id)

    def owns(self, resource: str, object_id: int) -> bool:
        """Whether this run created the object."""
        return object_id in self.created.get(resource, [])

    def forget(self, resource: str, object_id: int) -> None:
        """The object is gone already (deleted by a test)."""
        with self._lock:
            if object_id in self.created.get(resource, []):
                self.created[resource].remove(object_id)

    def run(self, client: httpx.Client) -> list[str]:
        """Delete every remembered object; returns what could not be deleted (never raises)."""
        leftovers = []
        for resource in _DELETE_ORDER:
            for object_id in reversed(list(self.created.get(resource, []))):
                try:
                    if resource == "invoice":
                        # an open invoice blocks deleting its customer; voiding closes it
                        client.post(f"invoice/{object_id}/_action/void", json={})
                    response = client.delete(f"{resource}/{object_id}")
                    if response.status_code in (200, 404):
                        self.forget(resource, object_id)
                        continue
                    leftovers.append(f"{resource} {object_id}: HTTP {response.status_code}")
                except (httpx.HTTPError, UnsafeWrite) as exc:
                    leftovers.append(f"{resource} {object_id}: {exc}")
        return leftovers


def _split(path: str) -> list[str]:
    """Path segments below /api/v3."""
    index = path.find(API_PREFIX)
    tail = path[index + len(API_PREFIX) :] if index >= 0 else path
    return [segment for segment in tail.strip("/").split("/") if segment]


class GuardedTransport(httpx.BaseTransport):
    """Rate limit, 429 back-off, and (for real accounts) the write guard, around a transport."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        limiter: RateLimiter | None = None,
        guard_writes: bool = False,
        allow_writes: bool = False,
        key_prefix: str = "",
        cleanup: Cleanup | None = None,
        max_retries: int = 10,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._inner = inner
        self._limiter = limiter
        self._guard_writes = guard_writes
        self._allow_writes = allow_writes
        self._key_prefix = key_prefix
        self.cleanup = cleanup if cleanup is not None else Cleanup()
        self._max_retries = max_retries
        # back-off sleeps on the limiter's clock when there is one
        self._sleep = sleep or (limiter.pause if limiter is not None else time.sleep)
        self.rate_limited = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse unsafe writes, wait for the limiter, retry on 429, record created objects."""
        segments = _split(request.url.path)
        if self._guard_writes and request.method != "GET":
            self._refuse_unsafe(request, segments)
        attempt = 0
        while True:
            if self._limiter is not None:
                self._limiter.acquire()
            response = self._inner.handle_request(request)
            if response.status_code != 429 or attempt >= self._max_retries:
                break
            self.rate_limited += 1
            response.read()
            response.close()
            self._sleep(retry_delay(response.headers.get("retry-after"), attempt))
            attempt += 1
        if request.method == "POST" and response.status_code == 201 and len(segments) == 1:
            response.read()
            object_id = _response_id(response.content)
            if object_id is not None:
                self.cleanup.record(segments[0], object_id)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()

    def _refuse_unsafe(self, request: httpx.Request, segments: list[str]) -> None:
        """Raise UnsafeWrite unless the write only touches this run's own objects."""
        if not self._allow_writes:
            raise UnsafeWrite(f"{request.method} {request.url}: the target is read-only")
        if not segments:
            raise UnsafeWrite(f"{request.method} {request.url}: not an object URL")
        if len(segments) == 1:
            if request.method != "POST" or segments[0] == "_bulk":
                raise UnsafeWrite(f"{request.method} {request.url}: only creates are allowed")
            payload = _json(request.content)
            key = payload.get("external_key") if isinstance(payload, dict) else None
            if not (isinstance(key, str) and key.startswith(self._key_prefix)):
                raise UnsafeWrite(f"create without an external_key starting {self._key_prefix!r}")
            parent = payload.get("customer_id")
            if isinstance(parent, str) and parent.isascii() and parent.isdigit():
                parent = int(parent)  # a numeric string, as ChargeOver reads one (a leniency)
            if parent is not None and not (
                isinstance(parent, int) and self.cleanup.owns("customer", parent)
            ):
                raise UnsafeWrite(
                    f"create linked to customer {parent!r}, which this run did not create"
                )
            return
        resource, raw_id = segments[0], segments[1]
        if not (raw_id.isdigit() and self.cleanup.owns(resource, int(raw_id))):
            raise UnsafeWrite(f"{request.method} {request.url}: not an object this run created")


def _json(content: bytes) -> Any:
    """Decode a JSON body, or None."""
    try:
        return json.loads(content or b"null")
    except ValueError:
        return None


def _response_id(content: bytes) -> int | None:
    """`response.id` of a create envelope."""
    body = _json(content)
    response = body.get("response") if isinstance(body, dict) else None
    raw = response.get("id") if isinstance(response, dict) else None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return int(raw)
    return None


def retry_delay(retry_after: str | None, attempt: int) -> float:
    """How long to wait after a 429: its `Retry-After` seconds when given, else exponential.

    A wait shorter than the server asks for only earns another 429 (and, inside a hypothesis
    run, a flaky failure), so the header wins up to a two-minute ceiling.
    """
    header = (retry_after or "").strip()
    if header.replace(".", "", 1).isdigit():
        return min(float(header), 120.0)
    return float(min(2**attempt, 30))
