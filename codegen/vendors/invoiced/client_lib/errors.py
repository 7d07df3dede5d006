"""One exception tree for everything the Invoiced client raises.

    InvoicedError                    root: catch this to catch everything below
     +-- APIConnectionError          no response: connection refused, reset, DNS, TLS
     |    +-- APITimeoutError        connect/read/write/pool timeout (see connect(timeout=...))
     +-- APIStatusError              the API answered with an error body `{type, message, param}`
          +-- InvalidRequestError    400 and 404, as the Invoiced SDKs group them
          |    +-- BadRequestError   400  a missing or invalid parameter (`param` names it)
          |    +-- NotFoundError     404  no such object
          +-- AuthenticationError    401  missing or wrong API key
          +-- PermissionDeniedError  403  the key may not do this
          +-- RateLimitError         429  too many requests (`retry_after` seconds when sent)
          +-- ServerError            5xx  the body may not even be JSON
          +-- UnexpectedStatusError  any other status

`type` is an open string (`invalid_request`, `api`, `authentication_error`, ... per the spec's
Error schema): the class follows the HTTP status, never `type`. Messages carry the server's
`type` and `message` only: never a header, a URL query or a credential.
"""

from __future__ import annotations

from typing import Any

from ..types import Response
from . import base_errors
from .base_errors import APIConnectionError, APITimeoutError
from .retry import retry_after_seconds
from .root import InvoicedError

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InvalidRequestError",
    "InvoicedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatusError",
    "error_class_for",
]


class APIStatusError(base_errors.APIStatusError):
    """The API answered with an error; `type`, `message` and `param` come from its body."""

    def __init__(
        self,
        *,
        status_code: int,
        type: str,
        message: str,
        param: str | None,
        response: Response[Any],
    ) -> None:
        summary = f"{status_code} {type}: {message}" if type else f"{status_code} {message}"
        if param:
            summary += f" (param: {param})"
        super().__init__(summary, status_code=status_code, response=response)
        self.type = type
        self.message = message
        self.param = param


class InvalidRequestError(APIStatusError):
    """400 or 404: the request cannot be served as sent (the SDKs' InvalidRequestError)."""


class BadRequestError(InvalidRequestError):
    """400: a missing or invalid parameter; `param` names it when the API says which."""


class NotFoundError(InvalidRequestError):
    """404: the object does not exist (`Customer was not found: 15444`)."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key or the access token is not allowed to do this."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` is the server's Retry-After in seconds, or None."""

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.response.headers.get("Retry-After"))


class ServerError(APIStatusError):
    """5xx: Invoiced failed."""


class UnexpectedStatusError(APIStatusError):
    """A status the API does not document."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class_for(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status (5xx all map to ServerError)."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, UnexpectedStatusError)
