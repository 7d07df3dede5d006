# copied from codegen/vendors/fynn/client_lib by nox -s generate - edit there
"""One exception tree for everything the Fynn client raises.

    FynnError                        root: catch this to catch everything below
     +-- APIConnectionError          no response: connection refused, reset, DNS, TLS
     |    +-- APITimeoutError        connect/read/write/pool timeout (see connect(timeout=...))
     +-- APIStatusError              an error body `{title, detail, violations}`
          +-- BadRequestError        400  a malformed request (bad JSON, `page=0`, ...)
          +-- ValidationError        422, and a 400 that lists violations: `violations` says which
          +-- AuthenticationError    401  missing, expired or revoked API key
          +-- PermissionDeniedError  403  the key lacks the operation's permission
          +-- NotFoundError          404  no such object
          +-- RateLimitError         429  too many requests (`retry_after` seconds when sent)
          +-- ServerError            5xx  the body may not even be JSON
          +-- UnexpectedStatusError  any other status

Messages carry the server's `detail` (and each violation's path and message) only: never a
header, a URL query or a credential.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from ..types import Response
from . import base_errors
from .base_errors import APIConnectionError, APITimeoutError
from .retry import retry_after_seconds
from .root import FynnError

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "FynnError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatusError",
    "ValidationError",
    "Violation",
    "error_class_for",
]


@frozen
class Violation:
    """One broken rule: the property it concerns ("" for the whole object), a message, a code."""

    property_path: str
    message: str
    code: str | None = None


class APIStatusError(base_errors.APIStatusError):
    """The API answered with an error; `title`, `detail` and `violations` come from its body."""

    def __init__(
        self,
        *,
        status_code: int,
        title: str | None,
        detail: str,
        violations: tuple[Violation, ...],
        response: Response[Any],
    ) -> None:
        super().__init__(f"{status_code} {detail}", status_code=status_code, response=response)
        self.title = title
        self.detail = detail
        self.violations = violations


class BadRequestError(APIStatusError):
    """400 without violations: the request is malformed (invalid JSON, `page=0`, ...)."""


class ValidationError(APIStatusError):
    """422, or a 400 listing violations: `violations` names each offending property."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, expired or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the API key lacks the permission the operation needs (e.g. `customer:write`)."""


class NotFoundError(APIStatusError):
    """404: the object does not exist (or belongs to another tenant)."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's Retry-After in seconds, or None."""

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.response.headers.get("Retry-After"))


class ServerError(APIStatusError):
    """5xx: Fynn failed."""


class UnexpectedStatusError(APIStatusError):
    """A status the API does not document."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for(status_code: int, *, has_violations: bool = False) -> type[APIStatusError]:
    """The exception class for an HTTP status (5xx all map to ServerError)."""
    if status_code >= 500:
        return ServerError
    if status_code == 400 and has_violations:
        return ValidationError
    return _BY_STATUS.get(status_code, UnexpectedStatusError)
