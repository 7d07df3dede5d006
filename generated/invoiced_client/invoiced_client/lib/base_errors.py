# copied from codegen/client_lib by nox -s generate - edit there
"""The vendor-neutral part of every client's exception tree.

    <Vendor>Error                    root (lib/root.py): catch it to catch everything below
     +-- APIConnectionError          no response: connection refused, reset, DNS, TLS
     |    +-- APITimeoutError        connect/read/write/pool timeout (see connect(timeout=...))
     +-- APIStatusError              the API answered with an error status

Each vendor's errors.py subclasses APIStatusError once per status it documents and adds the fields
its error body carries. Messages carry what the server said only: never a header, a URL query or
a credential.
"""

from __future__ import annotations

from typing import Any

from ..types import Response
from .root import Root


class APIConnectionError(Root):
    """The request did not produce a response (the cause is chained as __cause__)."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        # Only method and path: the query string may hold customer data, headers hold credentials.
        super().__init__(f"{message} ({method} {path})")
        self.method = method
        self.path = path


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class APIStatusError(Root):
    """The API answered with an error status; `response` is the raw response (headers, body)."""

    def __init__(self, summary: str, *, status_code: int, response: Response[Any]) -> None:
        super().__init__(summary)
        self.status_code = status_code
        self.response = response
