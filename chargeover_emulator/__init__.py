"""A stateful emulator of billing APIs (ChargeOver REST v3 first): Starlette + SQLite, driven by
each vendor's OpenAPI spec through the vendor's dialect.

The public surface is what this module exports; everything else is an implementation detail
that may change between releases.

    from chargeover_emulator import Settings, create_app

    app = create_app(Settings(db=":memory:"))  # vendor="chargeover" by default

A new vendor implements `Dialect` (and a `Service` per resource) and is served with
`Emulator(settings, dialect=...)`, or found by name with `load_dialect` once registered.
"""

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.dialect import Dialect, Service
from chargeover_emulator.dialects import load_dialect, vendors
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.errors import (
    ApiError,
    BadRequest,
    ConfigError,
    EmulatorError,
    NotFound,
    ServerError,
    TooManyRequests,
    Unauthorized,
)
from chargeover_emulator.exchange import ApiResult, Paged
from chargeover_emulator.seeding import seed

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "ApiError",
    "ApiResult",
    "BadRequest",
    "ConfigError",
    "Dialect",
    "Emulator",
    "EmulatorError",
    "NotFound",
    "Paged",
    "RateLimit",
    "ServerError",
    "Service",
    "Settings",
    "TooManyRequests",
    "Unauthorized",
    "create_app",
    "load_dialect",
    "seed",
    "vendors",
]
