# copied from codegen/vendors/invoiced/client_lib by nox -s generate - edit there
"""Hand-written helpers shipped inside invoiced_client (the generator never writes here).

Vendor-neutral modules come from codegen/client_lib, Invoiced's from
codegen/vendors/invoiced/client_lib. The public surface is what `__all__` lists; modules are
implementation detail and may change.
"""

from .auth import BasicAuth, BearerAuth, api_key_auth
from .connect import (
    PRODUCTION_URL,
    SANDBOX_URL,
    AsyncInvoicedTransport,
    InvoicedTransport,
    connect,
)
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    InvoicedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
)
from .pagination import MAX_PER_PAGE, AsyncPages, Pages, apaginate, next_link, paginate
from .response import unwrap
from .retry import RetryPolicy

__all__ = [
    "MAX_PER_PAGE",
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncInvoicedTransport",
    "AsyncPages",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerAuth",
    "InvalidRequestError",
    "InvoicedError",
    "InvoicedTransport",
    "NotFoundError",
    "Pages",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "UnexpectedStatusError",
    "apaginate",
    "api_key_auth",
    "connect",
    "next_link",
    "paginate",
    "unwrap",
]
