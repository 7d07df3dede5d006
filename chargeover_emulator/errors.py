"""One rooted error tree; HTTP errors are data (status, message, details, headers), rendered
into the vendor's own error body by a single handler that asks the dialect (`Dialect.failure`).

```
EmulatorError
 +-- ConfigError            bad settings or an unusable spec, raised at start-up
 +-- ApiError               status, message, details, headers
      +-- BadRequest        400
      +-- Unauthorized      401 (its challenge in WWW-Authenticate)
      +-- NotFound          404
      +-- TooManyRequests   429
      +-- ServerError       500 (the catch-all; tests assert it never happens), or an
                            injected 5xx (faults.py)
```
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = [
    "ApiError",
    "BadRequest",
    "ConfigError",
    "EmulatorError",
    "NotFound",
    "ServerError",
    "TooManyRequests",
    "Unauthorized",
]


class EmulatorError(Exception):
    """Root of every error the emulator raises on purpose."""


class ConfigError(EmulatorError):
    """Settings or the spec cannot be used."""


class ApiError(EmulatorError):
    """An error response: status code, message and the envelope's `response` value."""

    #: the HTTP status; each class has its own (a ServerError may be told another 5xx)
    status_code: int = 400

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        #: response headers the error carries (a 401's challenge)
        self.headers: Mapping[str, str] = MappingProxyType(dict(headers or {}))
        #: spec violations the validation policy had accepted before the request failed
        self.violations: tuple[Any, ...] = ()


class BadRequest(ApiError):
    """The request is malformed, invalid or not supported."""

    status_code = 400


class Unauthorized(ApiError):
    """Credentials are missing, malformed or wrong."""

    status_code = 401

    def __init__(self, message: str, *, challenge: str | None = None) -> None:
        # RFC 7235: a 401 names the scheme(s) it wants in WWW-Authenticate
        super().__init__(message, headers={"WWW-Authenticate": challenge} if challenge else None)


class NotFound(ApiError):
    """The addressed object does not exist."""

    status_code = 404


class TooManyRequests(ApiError):
    """The credential exceeded its rate limit; `Retry-After` says when the window has room."""

    status_code = 429

    def __init__(self, retry_after: int = 1) -> None:
        # RFC 9110: delay-seconds, a whole number; at least 1 so a client never spins
        super().__init__("Rate limit exceeded", headers={"Retry-After": str(max(1, retry_after))})


class ServerError(ApiError):
    """An unexpected fault; rendered as an envelope so clients never see a bare 500 page."""

    status_code = 500

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        status: int = 500,
    ) -> None:
        super().__init__(message, details=details, headers=headers)
        # another 5xx (502, 503, ...) only where a fault is injected on purpose (faults.py)
        self.status_code = status
