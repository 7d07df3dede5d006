"""A stateful ChargeOver REST API v3 emulator: Starlette + SQLite, driven by the OpenAPI spec.

The public surface is what this module exports; everything else is an implementation detail
that may change between releases.

    from chargeover_emulator import Settings, create_app

    app = create_app(Settings(db=":memory:"))
"""

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
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
from chargeover_emulator.seeding import seed

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "ApiError",
    "BadRequest",
    "ConfigError",
    "Emulator",
    "EmulatorError",
    "NotFound",
    "RateLimit",
    "ServerError",
    "Settings",
    "TooManyRequests",
    "Unauthorized",
    "create_app",
    "seed",
]
