"""Hand-written helpers shipped inside chargeover_client (the generator never writes here).

Vendor-neutral modules come from codegen/client_lib, ChargeOver's from
codegen/vendors/chargeover/client_lib.

The public surface is what `__all__` lists; modules are implementation detail and may change.
"""

from .auth import BasicAuth, SignatureAuth, signature_v1
from .connect import AsyncChargeOverTransport, ChargeOverTransport, connect
from .counting import acount, count
from .envelope import unwrap
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChargeOverError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
)
from .pagination import MAX_PAGE_SIZE, apaginate, paginate
from .query import Operator, Order, Where, escape
from .retry import RetryPolicy

__all__ = [
    "MAX_PAGE_SIZE",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncChargeOverTransport",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "ChargeOverError",
    "ChargeOverTransport",
    "NotFoundError",
    "Operator",
    "Order",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "SignatureAuth",
    "UnexpectedStatusError",
    "Where",
    "acount",
    "apaginate",
    "connect",
    "count",
    "escape",
    "paginate",
    "signature_v1",
    "unwrap",
]
