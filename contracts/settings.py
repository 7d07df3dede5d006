"""Harness settings: explicit arguments, then environment variables, then defaults.

Each purpose has its own names, per vendor, so that none is read by the wrong reader:
the target account's credentials keep the names a vendor's users already have
(`CHARGEOVER_URL`, `CHARGEOVER_USERNAME`, `CHARGEOVER_PASSWORD`; which ones is the harness
dialect's `account_fields`), the harness's own options are `CHARGEOVER_CONTRACTS_{NAME}`, and
the emulator reads only `CHARGEOVER_EMULATOR_{FIELD}`. The vendor's spec, API prefix and
credential names come from its harness dialect (`contracts.dialects`).
This is the only module of the harness that reads `os.environ`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

__all__ = [
    "DEFAULT_VENDOR",
    "PROFILES",
    "REPO_ROOT",
    "SPEC_PATH",
    "SUITES",
    "Profile",
    "ProfileName",
    "Settings",
    "SettingsError",
    "TargetField",
    "TargetKind",
    "option_variable",
    "target_variable",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO_ROOT / "spec" / "chargeover.openapi.yaml"

TargetKind = Literal["emulator-http", "emulator-inprocess", "url"]
ProfileName = Literal["fast", "deep"]
#: a target-account variable after `{VENDOR}_`: the URL, or one of a dialect's account fields
TargetField = str
DEFAULT_VENDOR = "chargeover"
# the emulator accepts the same names (chargeover_emulator.config); a test proves they agree
_VENDOR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


#: every suite a run can select (`--suite`), in the order a default run runs them
SUITES = ("schemathesis", "model", "client", "leniencies", "drift")


class SettingsError(ValueError):
    """A setting is missing or malformed."""


@dataclasses.dataclass(frozen=True)
class Profile:
    """How hard each suite searches; `fast` is the test command's, `deep` is on demand."""

    name: ProfileName
    # schemathesis: examples per operation in the fuzzing phase (examples/coverage are exhaustive)
    max_examples: int
    # schemathesis's own stateful phase: scenarios (max examples) of its link-driven state machine
    stateful_examples: int
    # the reference-model state machine: runs and steps per run
    model_examples: int
    model_steps: int
    # generated-client model round trips per schema
    roundtrip_examples: int
    # shrink failures to a minimal reproduction (slow over HTTP; tests may skip it)
    shrink: bool = True

    def hypothesis_profile(self, *, max_examples: int | None = None) -> hypothesis_settings:
        """Hypothesis settings of this profile (registered as `contracts-<name>`)."""
        base = hypothesis_settings.get_profile(f"contracts-{self.name}")
        if not self.shrink:
            base = hypothesis_settings(base, phases=[p for p in Phase if p != Phase.shrink])
        if max_examples is None:
            return base
        return hypothesis_settings(base, max_examples=max_examples)


PROFILES: dict[ProfileName, Profile] = {
    "fast": Profile("fast", 8, 8, 12, 25, 25),
    "deep": Profile("deep", 150, 100, 200, 60, 300),
}

# Registered under a prefix so the test suite's own `fast`/`deep` profiles stay untouched;
# no deadline because every step is a network round trip.
hypothesis_settings.register_profile(
    "contracts-fast",
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
hypothesis_settings.register_profile(
    "contracts-deep",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def target_variable(vendor: str, name: TargetField) -> str:
    """The target account's variable, named as the vendor's users know it: `CHARGEOVER_URL`."""
    return f"{vendor.upper()}_{name}"


def option_variable(vendor: str, name: str) -> str:
    """A harness option's variable: `CHARGEOVER_CONTRACTS_SEED`."""
    return f"{vendor.upper()}_CONTRACTS_{name.upper()}"


def _flag(raw: str) -> bool:
    """Parse a boolean environment value."""
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a contract run needs; built once at the edge and passed down."""

    target: TargetKind = "emulator-http"
    # whose variables are read: CHARGEOVER_URL, CHARGEOVER_CONTRACTS_*, and for a hosted
    # emulator CHARGEOVER_EMULATOR_*
    vendor: str = DEFAULT_VENDOR
    profile_name: ProfileName = "fast"
    allow_writes: bool = False
    # a url target whose emulator has fault injection on is refused unless this is set
    allow_faults: bool = False
    report_dir: Path = REPO_ROOT / "reports" / "contracts"
    spec_path: Path = SPEC_PATH
    # the vendor's API prefix (its harness dialect's): a url target's base URL ends in it
    api_prefix: str = "/api/v3"
    # the target account's credential variables after `{VENDOR}_` (the dialect's): two for a
    # username and password, one for an API key sent as the username with an empty password
    account_fields: tuple[str, ...] = ("USERNAME", "PASSWORD")
    # url target: base URL ending in the API prefix, plus credentials (public key / private key)
    base_url: str | None = None
    username: str | None = None
    password: str | None = None
    # the variable (after `{VENDOR}_`) of a key that may only read (the dialect's), and its value
    read_only_field: str | None = None
    read_only_key: str | None = None
    # client-side limit for non-emulator targets, below ChargeOver's 250/min
    rate_limit_per_minute: int = 200
    seed: int | None = None
    # prefix of every external_key the harness creates, unique per run
    run_id: str = dataclasses.field(default_factory=lambda: secrets.token_hex(4))
    # which suites to run (the CLI runs all; tests pick), and schemathesis's operations (all)
    suites: tuple[str, ...] = SUITES
    operation_ids: tuple[str, ...] = ()
    # schemathesis phases to run (the CLI runs all four; tests pick the ones that matter)
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")
    # replaces the named profile (tests use smaller numbers)
    profile_override: Profile | None = None
    # empty: the `chargeover-emulator` script of this interpreter, else `python -m`
    emulator_command: tuple[str, ...] = ()
    emulator_start_timeout: float = 30.0

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        vendor: str = DEFAULT_VENDOR,
        **explicit: Any,
    ) -> Settings:
        """Merge explicit values (None means unset) over the vendor's variables over defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {"vendor": vendor, **_vendor_defaults(vendor)}
        fields = values.get("account_fields", cls.account_fields)
        from_env = {
            "target": env.get(option_variable(vendor, "TARGET")),
            "profile_name": env.get(option_variable(vendor, "PROFILE")),
            "report_dir": env.get(option_variable(vendor, "REPORT_DIR")),
            "base_url": env.get(target_variable(vendor, "URL")),
            "username": env.get(target_variable(vendor, fields[0])),
            "password": env.get(target_variable(vendor, fields[1])) if len(fields) > 1 else None,
            "rate_limit_per_minute": env.get(option_variable(vendor, "RATE_LIMIT")),
            "seed": env.get(option_variable(vendor, "SEED")),
        }
        read_only = values.get("read_only_field")
        if read_only:
            from_env["read_only_key"] = env.get(target_variable(vendor, read_only))
        for name, raw in from_env.items():
            if raw:
                values[name] = raw
        allow_writes = env.get(option_variable(vendor, "ALLOW_WRITES"))
        if allow_writes:
            values["allow_writes"] = _flag(allow_writes)
        values.update({name: value for name, value in explicit.items() if value is not None})
        return cls(**_coerced(values)).validated()

    @property
    def profile(self) -> Profile:
        """The selected search profile."""
        return self.profile_override or PROFILES[self.profile_name]

    @property
    def is_emulator(self) -> bool:
        """Whether the target is an emulator the harness owns (writes are always safe there)."""
        return self.target != "url"

    @property
    def writes_allowed(self) -> bool:
        """Writes happen on emulators, or on other targets only with --allow-writes."""
        return self.is_emulator or self.allow_writes

    @property
    def key_prefix(self) -> str:
        """The external_key prefix of every object this run creates."""
        return f"contracts-{self.run_id}-"

    def validated(self) -> Settings:
        """Return self after checking cross-field rules."""
        if not _VENDOR_NAME.fullmatch(self.vendor):
            raise SettingsError(f"vendor must be letters and digits, got {self.vendor!r}")
        if self.target not in get_args(TargetKind):
            raise SettingsError(f"target must be one of {', '.join(get_args(TargetKind))}")
        if self.profile_name not in PROFILES:
            raise SettingsError(f"profile must be one of {', '.join(PROFILES)}")
        if self.target == "url":
            url = target_variable(self.vendor, "URL")
            names = " and ".join(target_variable(self.vendor, f) for f in self.account_fields)
            if not self.base_url:
                raise SettingsError(f"--target url needs {url} (or --url)")
            if not (self.username and (self.password or len(self.account_fields) == 1)):
                raise SettingsError(f"--target url needs {names}")
            if self.api_prefix and not self.base_url.rstrip("/").endswith(self.api_prefix):
                raise SettingsError(f"{url} must end in {self.api_prefix}, got {self.base_url!r}")
        if self.rate_limit_per_minute <= 0:
            raise SettingsError("the rate limit must be a positive number of requests per minute")
        unknown = set(self.suites) - set(SUITES)
        if unknown:
            raise SettingsError(f"unknown suites: {', '.join(sorted(unknown))}")
        return self


def _vendor_defaults(vendor: str) -> dict[str, Any]:
    """The spec, API prefix and account variables of the vendor's harness dialect.

    A vendor without one keeps the class defaults (its settings still parse; a run then stops
    at `contracts.dialects.UnknownVendor`).
    """
    # imported here: the dialects import this module (SettingsError, REPO_ROOT)
    from contracts.dialects import UnknownVendor, by_name

    try:
        dialect = by_name(vendor)
    except UnknownVendor:
        return {}
    return {
        "spec_path": dialect.spec_path,
        "api_prefix": dialect.api_prefix,
        "account_fields": dialect.account_fields,
        "read_only_field": dialect.read_only_field,
    }


def _coerced(values: dict[str, Any]) -> dict[str, Any]:
    """Turn textual values (environment, CLI) into typed ones."""
    out = dict(values)
    try:
        if isinstance(out.get("report_dir"), str):
            out["report_dir"] = Path(out["report_dir"])
        if isinstance(out.get("spec_path"), str):
            out["spec_path"] = Path(out["spec_path"])
        for name in ("rate_limit_per_minute", "seed"):
            if isinstance(out.get(name), str):
                out[name] = int(out[name])
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if isinstance(out.get("base_url"), str):
        out["base_url"] = out["base_url"].rstrip("/")
    return out
