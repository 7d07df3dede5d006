# copied from codegen/vendors/fynn/client_lib by nox -s generate - edit there
"""Hand-written helpers shipped inside fynn_client (the generator never writes here).

Vendor-neutral modules come from codegen/client_lib, Fynn's from codegen/vendors/fynn/client_lib.
The public surface is what `__all__` lists; modules are implementation detail and may change.
"""

from .connect import AsyncFynnTransport, FynnTransport, connect, tenant_url
from .credentials import BearerAuth
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    FynnError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    ValidationError,
    Violation,
)
from .pagination import MAX_LIMIT, AsyncPages, Pages, apaginate, paginate
from .response import unwrap
from .retry import RetryPolicy

__all__ = [
    "MAX_LIMIT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncFynnTransport",
    "AsyncPages",
    "AuthenticationError",
    "BadRequestError",
    "BearerAuth",
    "FynnError",
    "FynnTransport",
    "NotFoundError",
    "Pages",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "UnexpectedStatusError",
    "ValidationError",
    "Violation",
    "apaginate",
    "connect",
    "paginate",
    "tenant_url",
    "unwrap",
]
