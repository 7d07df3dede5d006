"""A sliding-window request limit per credential (ChargeOver: 250 requests per minute)."""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable

from chargeover_emulator.config import RateLimit
from chargeover_emulator.errors import TooManyRequests

__all__ = ["RateLimiter"]


class RateLimiter:
    """Counts requests per key over the last period; raises TooManyRequests past the limit."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        self._hits: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Record one request for `key`, refusing it when the window is already full."""
        if not self._limit.enabled:
            return
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, collections.deque())
            while hits and hits[0] <= now - self._limit.period_seconds:
                hits.popleft()
            if len(hits) >= self._limit.requests:
                # the oldest hit leaves the window first; then one more request fits
                free_at = hits[0] + self._limit.period_seconds
                raise TooManyRequests(math.ceil(free_at - now))
            hits.append(now)

    def reset(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._hits.clear()
