"""schemathesis under the target's rate limit: the run's one limiter, and 429s waited out.

The harness's own clients go through `contracts.safety.GuardedTransport`, which waits for the
target's `RateLimiter` and retries a 429 after its `Retry-After`. schemathesis sends through its
own `requests` session, so before this module it had a limiter of its own (`rate-limit` in its
configuration): two windows of 200 requests a minute each, and the suite after schemathesis could
send 400 requests within one minute into a 250/min account. Its 429s then failed a model step,
and hypothesis, replaying the step a moment later, got a 200 and reported a `FlakyFailure`
(issue 19 item 1). Here every schemathesis request waits for the same limiter (`before_call`,
through `acquire`), and a 429 is sent again after its `Retry-After` before any check sees it
(a schema-scoped `after_call` hook that replaces the response in place, as the hook's contract
asks), so a rate limit never becomes a failure.
"""

from __future__ import annotations

import weakref
from typing import Any

import requests
from schemathesis import HookContext, Response
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from contracts.safety import RateLimiter, retry_delay

__all__ = ["MAX_RETRIES", "acquire", "share_limiter"]

#: how often one request is sent again after a 429 before its 429 is what the checks judge
MAX_RETRIES = 10

# schema id -> the limiter its requests wait for (schemas are unhashable; `before_call` is a
# global hook only, so it looks here)
_LIMITERS: dict[int, RateLimiter] = {}


def acquire(case: Case[Any]) -> None:
    """Wait until the case's request fits its schema's limiter (no-op for other schemas)."""
    limiter = _LIMITERS.get(id(case.operation.schema))
    if limiter is not None:
        limiter.acquire()


def share_limiter(schema: BaseSchema, limiter: RateLimiter, *, timeout: float = 30.0) -> None:
    """Make `schema`'s requests wait for `limiter` and retry their 429s after `Retry-After`."""
    _LIMITERS[id(schema)] = limiter
    weakref.finalize(schema, _LIMITERS.pop, id(schema), None)

    def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
        attempt = 0
        while response.status_code == 429 and attempt < MAX_RETRIES:
            values = response.headers.get("retry-after") or []
            retry_after = values[0] if values else None
            limiter.pause(retry_delay(retry_after, attempt))
            limiter.acquire()
            with requests.Session() as session:
                # the prepared request carries its URL, body and credentials as first sent
                again = session.send(
                    response.request.copy(), timeout=timeout, allow_redirects=False
                )
            _replace(response, Response.from_requests(again, verify=response.verify))
            attempt += 1

    schema.hook(after_call)


def _replace(response: Response, replacement: Response) -> None:
    """Turn `response` into `replacement` (the hook must change the response in place)."""
    for slot in Response.__slots__:
        if hasattr(replacement, slot):
            setattr(response, slot, getattr(replacement, slot))
