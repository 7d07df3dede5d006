# copied from codegen/client_lib by nox -s generate - edit there
"""When and how long to wait before retrying a request: exponential backoff with jitter, bounded."""

from __future__ import annotations

import random
from collections.abc import Callable

from attrs import define, field, validators

# Retrying is safe only where repeating the request cannot repeat its effect.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE"})


def retry_after_seconds(value: str | None) -> float | None:
    """A `Retry-After` delay in seconds (never negative); None when absent or not a number."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


@define(frozen=True)
class RetryPolicy:
    """Retry idempotent requests on 429 and 5xx, at most `max_retries` times.

    The n-th retry waits `min(max_delay, initial_delay * 2**n)`, shortened by up to `jitter`
    (a fraction) at random so that many clients do not retry in lockstep. A `Retry-After` header
    in seconds, when the server sends one, replaces the computed wait (still capped at max_delay).
    """

    max_retries: int = field(default=3, validator=[validators.ge(0), validators.le(10)])
    initial_delay: float = field(default=0.5, validator=validators.ge(0))
    max_delay: float = field(default=8.0, validator=validators.ge(0))
    jitter: float = field(default=0.5, validator=[validators.ge(0), validators.le(1)])
    methods: frozenset[str] = field(default=IDEMPOTENT_METHODS, converter=frozenset)

    def should_retry(self, method: str, status_code: int, retries_done: int) -> bool:
        """Whether a response with this status to this method deserves another attempt."""
        retryable_status = status_code == 429 or 500 <= status_code <= 599
        return retryable_status and method.upper() in self.methods and retries_done < self.max_retries

    def delay(
        self,
        retries_done: int,
        retry_after: str | None = None,
        *,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before retry number `retries_done + 1`."""
        server_wait = retry_after_seconds(retry_after)
        if server_wait is not None:
            return min(self.max_delay, server_wait)
        # No header, an HTTP-date or garbage: our own backoff.
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retries_done)
        return ceiling * (1 - self.jitter * rand())
