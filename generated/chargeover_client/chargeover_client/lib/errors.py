# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""One exception tree for everything the ChargeOver client raises.

The root and the connection errors are vendor-neutral (root.py, base_errors.py); the status errors
and their envelope fields are ChargeOver's.

    ChargeOverError                  root: catch this to catch everything below
     +-- APIConnectionError          no response: connection refused, reset, DNS, TLS
     |    +-- APITimeoutError        connect/read/write/pool timeout (see connect(timeout=...))
     +-- APIStatusError              the API answered with an error envelope (or a non-2xx status)
          +-- BadRequestError        400  missing or invalid parameter, duplicate external_key, ...
          +-- AuthenticationError    401  missing or wrong credentials
          +-- NotFoundError          404  no such object (`response` is null in the envelope)
          +-- RateLimitError         429  over the per-minute request budget
          +-- ServerError            5xx  the body may not even be JSON
          +-- UnexpectedStatusError  any other status, or a 2xx envelope whose status is not "OK"

Messages carry the server's code and message only: never a header, a URL query or a credential.
"""

from __future__ import annotations

from typing import Any

from ..types import Response
from . import base_errors
from .base_errors import APIConnectionError, APITimeoutError
from .root import ChargeOverError

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ChargeOverError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatusError",
    "error_class_for",
]


class APIStatusError(base_errors.APIStatusError):
    """The API answered with an error; `code`, `message` and `details` come from its envelope."""

    def __init__(
        self,
        *,
        status_code: int,
        code: int,
        message: str,
        details: dict[str, Any] | None,
        response: Response[Any],
    ) -> None:
        super().__init__(
            f"{code} {message}" if message else f"{code}",
            status_code=status_code,
            response=response,
        )
        self.code = code
        self.message = message
        self.details = details


class BadRequestError(APIStatusError):
    """400: a missing or invalid parameter, an unknown filter field, a duplicate external_key."""


class AuthenticationError(APIStatusError):
    """401: the credentials are missing or wrong."""


class NotFoundError(APIStatusError):
    """404: the object does not exist."""


class RateLimitError(APIStatusError):
    """429: the rate limit (250 requests a minute by default) was exceeded."""


class ServerError(APIStatusError):
    """5xx: the server failed."""


class UnexpectedStatusError(APIStatusError):
    """A status the API does not document, or a 2xx envelope whose `status` is not "OK"."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class_for(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status (5xx all map to ServerError)."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, UnexpectedStatusError)
