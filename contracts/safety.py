"""Safety against real accounts: a client-side rate limit, 429 back-off, write guard and cleanup.

Against anything that is not the emulator the harness is read-only unless `--allow-writes`; with
it, every create must carry the run's tag, every update, delete or action must address an object
this run created, and `Cleanup` deletes those objects at the end (even after a failure). All of
it sits in one httpx transport so no suite can bypass it. What a vendor's tag is, what a create
answers and how an object is deleted is its `WritePolicy` (a harness dialect's `writes`):
ChargeOver's is `ChargeOverWrites` (an external_key with the run's prefix).
"""

from __future__ import annotations

import collections
import dataclasses
import json
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

import httpx

__all__ = [
    "ChargeOverWrites",
    "Cleanup",
    "GuardedTransport",
    "ObjectId",
    "RateLimiter",
    "UnsafeWrite",
    "WritePolicy",
    "retry_delay",
]


#: an object's id as a vendor writes it: ChargeOver's integers, Fynn's UUID strings
ObjectId = int | str


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
        self.created: dict[str, list[ObjectId]] = collections.defaultdict(list)
        self._lock = threading.Lock()

    def record(self, resource: str, object_id: ObjectId) -> None:
        """Remember one created object."""
        with self._lock:
            if object_id not in self.created[resource]:
                self.created[resource].append(object_id)

    def owns(self, resource: str, object_id: ObjectId) -> bool:
        """Whether this run created the object."""
        return object_id in self.created.get(resource, [])

    def forget(self, resource: str, object_id: ObjectId) -> None:
        """The object is gone already (deleted by a test)."""
        with self._lock:
            if object_id in self.created.get(resource, []):
                self.created[resource].remove(object_id)

    def run(self, client: httpx.Client, policy: WritePolicy | None = None) -> list[str]:
        """Delete every remembered object; returns what could not be deleted (never raises)."""
        if policy is None:
            policy = ChargeOverWrites()
        leftovers = []
        ranked = [(policy.delete_rank(name), name) for name in self.created]
        for _, resource in sorted((rank, name) for rank, name in ranked if rank is not None):
            for object_id in reversed(list(self.created.get(resource, []))):
                try:
                    response = policy.delete(client, resource, object_id)
                    if response.status_code in policy.deleted_statuses:
                        self.forget(resource, object_id)
                        continue
                    leftovers.append(f"{resource} {object_id}: HTTP {response.status_code}")
                except (httpx.HTTPError, UnsafeWrite) as exc:
                    leftovers.append(f"{resource} {object_id}: {exc}")
        return leftovers


class WritePolicy(Protocol):
    """A vendor's rules for writes on a target the harness does not own."""

    @property
    def api_prefix(self) -> str:
        """The path the API lives under (segments are counted below it)."""
        ...

    @property
    def deleted_statuses(self) -> frozenset[int]:
        """The statuses after which an object counts as gone (deleted now, or already)."""
        ...

    def refusal(
        self, method: str, segments: list[str], payload: Any, key_prefix: str, cleanup: Cleanup
    ) -> str | None:
        """Why this write may not go (allowed writes only), or None when it may."""
        ...

    def created(
        self, method: str, segments: list[str], status: int, body: Any
    ) -> tuple[str, ObjectId] | None:
        """(collection, id) of the object a successful create made, or None."""
        ...

    def delete_rank(self, collection: str) -> int | None:
        """Cleanup order, lower first (dependants before what they depend on); None: the
        harness does not delete this kind of object."""
        ...

    def delete(self, client: httpx.Client, collection: str, object_id: ObjectId) -> httpx.Response:
        """Delete one recorded object (after whatever the vendor needs first)."""
        ...


def split_path(path: str, api_prefix: str) -> list[str]:
    """Path segments below the API prefix."""
    index = path.find(api_prefix) if api_prefix else 0
    tail = path[index + len(api_prefix) :] if index >= 0 else path
    return [segment for segment in tail.strip("/").split("/") if segment]


@dataclasses.dataclass(frozen=True)
class ChargeOverWrites:
    """ChargeOver: creates carry an external_key with the run's prefix; a create's envelope
    names the new id; invoices are voided before they are deleted, dependants go first."""

    api_prefix: str = "/api/v3"
    deleted_statuses: frozenset[int] = frozenset({200, 404})
    # delete order: dependants first (a customer with invoices or contacts cannot be deleted)
    _DELETE_ORDER: ClassVar[tuple[str, ...]] = ("invoice", "user", "customer")

    def refusal(
        self, method: str, segments: list[str], payload: Any, key_prefix: str, cleanup: Cleanup
    ) -> str | None:
        if not segments:
            return "not an object URL"
        if len(segments) == 1:
            if method != "POST" or segments[0] == "_bulk":
                return "only creates are allowed"
            key = payload.get("external_key") if isinstance(payload, dict) else None
            if not (isinstance(key, str) and key.startswith(key_prefix)):
                return f"create without an external_key starting {key_prefix!r}"
            parent = payload.get("customer_id")
            if isinstance(parent, str) and parent.isascii() and parent.isdigit():
                parent = int(parent)  # a numeric string, as ChargeOver reads one (a leniency)
            if parent is not None and not (
                isinstance(parent, int) and cleanup.owns("customer", parent)
            ):
                return f"create linked to customer {parent!r}, which this run did not create"
            return None
        resource, raw_id = segments[0], segments[1]
        if not (raw_id.isdigit() and cleanup.owns(resource, int(raw_id))):
            return "not an object this run created"
        return None

    def created(
        self, method: str, segments: list[str], status: int, body: Any
    ) -> tuple[str, ObjectId] | None:
        if method != "POST" or status != 201 or len(segments) != 1:
            return None
        object_id = _response_id(body)
        return None if object_id is None else (segments[0], object_id)

    def delete_rank(self, collection: str) -> int | None:
        order = self._DELETE_ORDER
        return order.index(collection) if collection in order else None

    def delete(self, client: httpx.Client, collection: str, object_id: ObjectId) -> httpx.Response:
        if collection == "invoice":
            # an open invoice blocks deleting its customer; voiding closes it
            client.post(f"invoice/{object_id}/_action/void", json={})
        return client.delete(f"{collection}/{object_id}")


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
        policy: WritePolicy | None = None,
        max_retries: int = 10,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._inner = inner
        self._limiter = limiter
        self._guard_writes = guard_writes
        self._allow_writes = allow_writes
        self._key_prefix = key_prefix
        self.cleanup = cleanup if cleanup is not None else Cleanup()
        self.policy = policy or ChargeOverWrites()
        self._max_retries = max_retries
        # back-off sleeps on the limiter's clock when there is one
        self._sleep = sleep or (limiter.pause if limiter is not None else time.sleep)
        self.rate_limited = 0
        # requests handed to the target (retries included), for the report
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse unsafe writes, wait for the limiter, retry on 429, record created objects."""
        segments = split_path(request.url.path, self.policy.api_prefix)
        if self._guard_writes and request.method != "GET":
            self._refuse_unsafe(request, segments)
        attempt = 0
        while True:
            if self._limiter is not None:
                self._limiter.acquire()
            response = self._inner.handle_request(request)
            self.sent += 1
            if response.status_code != 429 or attempt >= self._max_retries:
                break
            self.rate_limited += 1
            response.read()
            response.close()
            self._sleep(retry_delay(response.headers.get("retry-after"), attempt))
            attempt += 1
        if request.method == "POST" and 200 <= response.status_code < 300:
            response.read()
            made = self.policy.created(
                request.method, segments, response.status_code, _json(response.content)
            )
            if made is not None:
                self.cleanup.record(*made)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()

    def _refuse_unsafe(self, request: httpx.Request, segments: list[str]) -> None:
        """Raise UnsafeWrite unless the write only touches this run's own objects."""
        if not self._allow_writes:
            raise UnsafeWrite(f"{request.method} {request.url}: the target is read-only")
        reason = self.policy.refusal(
            request.method, segments, _json(request.content), self._key_prefix, self.cleanup
        )
        if reason is not None:
            raise UnsafeWrite(f"{request.method} {request.url}: {reason}")


def _json(content: bytes) -> Any:
    """Decode a JSON body, or None."""
    try:
        return json.loads(content or b"null")
    except ValueError:
        return None


def _response_id(body: Any) -> int | None:
    """`response.id` of a ChargeOver create envelope."""
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
