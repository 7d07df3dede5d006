"""Emulator settings: explicit arguments, then {VENDOR}_EMULATOR_* variables, then defaults.

The emulator's variables carry their own prefix (`CHARGEOVER_EMULATOR_RATE_LIMIT`), so that they
never share a name with a sandbox account's credentials (`CHARGEOVER_USERNAME`) or the contract
harness's options (`CHARGEOVER_CONTRACTS_SEED`), which may be set in the same shell.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from chargeover_emulator.errors import BadRequest, ConfigError
from chargeover_emulator.faults import parse_rules
from chargeover_emulator.protocol.numbers import non_negative_integer

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "DEFAULT_VENDOR",
    "SERVE_RATE_LIMIT",
    "RateLimit",
    "Settings",
    "environment_prefix",
]

DEFAULT_VENDOR = "chargeover"
_VENDOR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")

# The credentials printed in the vendor docs' examples, so that the documented curl calls
# (`curl -u PjID...:xgEW... .../api/v3/teapot`) work against a default emulator.
DEFAULT_USERNAME = "PjID8u5VOCfJk3iYKzTMo7emstRLnEp9"
DEFAULT_PASSWORD = "xgEWspuItV7A2D6miwZFk94dTrBLSKQO"


def environment_prefix(vendor: str = DEFAULT_VENDOR) -> str:
    """The prefix of the emulator's environment variables for `vendor`: `CHARGEOVER_EMULATOR_`."""
    if not _VENDOR_NAME.fullmatch(vendor):
        raise ConfigError(f"vendor must be letters and digits, got {vendor!r}")
    return f"{vendor.upper()}_EMULATOR_"


_PERIODS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """At most `requests` per `period_seconds` per credential; `requests == 0` disables it."""

    requests: int
    period_seconds: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Parse `250/min`, `10/s`, `1000/hour` or `off`."""
        cleaned = text.strip().lower()
        if cleaned in {"off", "none", "0", "false", "no"}:
            return cls(0, 60.0)
        count, _, period = cleaned.partition("/")
        requests = non_negative_integer(count)
        if requests is None or period not in _PERIODS:
            raise ConfigError(f"rate limit must look like 250/min or off, got {text!r}")
        return cls(requests, _PERIODS[period])

    @property
    def enabled(self) -> bool:
        """Whether requests are limited at all."""
        return self.requests > 0


#: `serve`'s default: the real API's limit (ChargeOver's 250 requests per minute), so that a
#: client developed against the served emulator meets its 429s before production does. In
#: process (`Settings()`, `create_app()`) and in tests the limit is off unless asked for.
SERVE_RATE_LIMIT = RateLimit(250, 60.0)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the emulator can be told; built once at the edge and passed down."""

    db: str = "chargeover-emulator.sqlite3"
    spec_path: Path | None = None
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD
    #: off for in-process and test use; `serve` turns on SERVE_RATE_LIMIT, the real API's limit
    rate_limit: RateLimit = RateLimit(0, 60.0)
    signature_window_seconds: int = 300
    max_body_bytes: int = 1024 * 1024
    limit_overflow: Literal["clamp", "reject"] = "clamp"
    unknown_item_ids: Literal["reject", "accept"] = "reject"
    where_case_sensitive: bool = False
    #: `faithful` accepts (and reports) what the real API is known to accept; `strict` rejects
    #: every spec violation (see validation.py)
    validation: Literal["faithful", "strict"] = "faithful"
    seed: int | None = None
    seed_count: int = 0
    enable_reset: bool = True
    #: whose API to emulate: a dialect name (`chargeover_emulator.dialects.vendors()`)
    vendor: str = DEFAULT_VENDOR
    #: the one API key of vendors that authenticate by key (None: the dialect's default key)
    api_key: str | None = None
    #: page/per_page paging (`link_paging`): the page size when none is asked for, and the
    #: largest one served (None: the spec's `per_page` default and maximum)
    per_page_default: int | None = None
    per_page_max: int | None = None
    #: the dialect's own options, as text by name: every {VENDOR}_EMULATOR_<NAME> variable that
    #: names no setting above (`FYNN_EMULATOR_API_KEYS` -> `api_keys`); the dialect reads and
    #: checks them, the engine never does
    options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: fault injection (faults.py): off unless asked; `fault_rules` are `operation:fraction:fault`
    faults: bool = False
    fault_rules: str = ""
    fault_seed: int | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        vendor: str = DEFAULT_VENDOR,
        defaults: Mapping[str, Any] | None = None,
        **explicit: Any,
    ) -> Settings:
        """Merge explicit values (None means unset) over {VENDOR}_EMULATOR_* over `defaults`
        (a front end's own, such as `serve`'s rate limit) over the dataclass defaults."""
        env = os.environ if environ is None else environ
        prefix = environment_prefix(vendor)
        names = {field.name for field in dataclasses.fields(cls)} - {"options"}
        unknown = set(defaults or {}) - names
        if unknown:
            raise ConfigError(f"unknown setting {sorted(unknown)[0]!r}")
        values: dict[str, Any] = dict(defaults or {})
        options: dict[str, str] = {}
        for variable, raw in env.items():
            if not variable.startswith(prefix) or raw == "":
                continue
            name = variable[len(prefix) :].lower()
            if name in names:
                values[name] = _coerce(name, raw)
            elif name != "options":
                options[name] = raw
        values["vendor"] = vendor
        for name, value in explicit.items():
            if name not in names | {"options"}:
                raise ConfigError(f"unknown setting {name!r}")
            if name == "options" and value is not None:
                options.update(value)
            elif value is not None:
                values[name] = _coerce(name, value) if isinstance(value, str) else value
        return cls(**values, options=options).validated()

    def validated(self) -> Settings:
        """Return self after checking cross-field rules."""
        if self.limit_overflow not in {"clamp", "reject"}:
            raise ConfigError("limit_overflow must be clamp or reject")
        if self.unknown_item_ids not in {"reject", "accept"}:
            raise ConfigError("unknown_item_ids must be reject or accept")
        if self.validation not in {"faithful", "strict"}:
            raise ConfigError("validation must be faithful or strict")
        if self.max_body_bytes <= 0 or self.signature_window_seconds <= 0:
            raise ConfigError("max_body_bytes and signature_window_seconds must be positive")
        if self.seed_count < 0:
            raise ConfigError("seed_count must not be negative")
        if any(
            size is not None and size < 1 for size in (self.per_page_default, self.per_page_max)
        ):
            raise ConfigError("per_page_default and per_page_max must be positive")
        try:
            parse_rules(self.fault_rules)
        except BadRequest as exc:
            raise ConfigError(f"fault_rules: {exc.message}") from None
        if self.fault_rules.strip() and not self.faults:
            raise ConfigError("fault_rules need faults on (--faults)")
        return self


def _coerce(name: str, raw: str) -> Any:
    """Turn one textual setting (CLI or environment) into its typed value."""
    try:
        if name == "rate_limit":
            return RateLimit.parse(raw)
        if name == "spec_path":
            return Path(raw)
        if name in {
            "signature_window_seconds",
            "max_body_bytes",
            "seed",
            "seed_count",
            "per_page_default",
            "per_page_max",
            "fault_seed",
        }:
            return int(raw)
        if name in {"where_case_sensitive", "enable_reset", "faults"}:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
    except ValueError as exc:
        raise ConfigError(f"invalid value for {name}: {raw!r}") from exc
    return raw
