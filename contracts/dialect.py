"""What the harness asks a vendor: the `HarnessDialect`, the contract side of an emulator dialect.

The emulator's `chargeover_emulator.dialect.Dialect` says how a vendor answers; this says how
the harness judges and reaches it: the vendor's spec (the oracle) and schemathesis policy, its
schemathesis checks, how credentials go on a request and which variables carry them, what a
write on a real account may touch (`contracts.safety.WritePolicy`), the documented exceptions
to built-in checks, and which of the vendor's own suites (reference model, generated client,
leniencies) exist. A run takes one instance and uses exactly its checks, auth and waivers
(`contracts.runner.run`); nothing of a vendor lives in module-level state. ChargeOver's is
`contracts.dialects.chargeover`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

from contracts.auth import AuthScheme, Credentials
from contracts.check_registry import CheckFunction
from contracts.safety import WritePolicy
from contracts.waivers import Waiver

__all__ = ["HarnessDialect"]


@dataclasses.dataclass(frozen=True)
class HarnessDialect:
    """One vendor, as a contract run sees it."""

    # short lower-case vendor name, as in `--vendor` and the emulator's dialect
    name: str
    # the vendor's name as reports print it
    title: str
    # the path every API route lives under (`/api/v3`, or "" at the host's root); base URLs
    # end in it
    api_prefix: str
    # the oracle: the vendor's OpenAPI document (Settings.spec_path unless given explicitly)
    spec_path: Path
    # the static schemathesis policy of the vendor's runs (contracts/schemathesis.toml)
    schemathesis_config: Path
    # schemathesis response checks on top of the built-in ones, registered for a run only
    checks: tuple[CheckFunction, ...]
    # how the target's credentials go on a request (Basic, Bearer, ...)
    auth: AuthScheme
    # what a write on a target the harness does not own may touch, and how it is cleaned up
    writes: WritePolicy
    # the target account's credential variables after `{VENDOR}_`: (username, password), or
    # one name for an API key sent as the username with an empty password
    account_fields: tuple[str, ...] = ("USERNAME", "PASSWORD")
    # the variable after `{VENDOR}_` of a second key that may only read (FYNN_READ_TOKEN), for
    # suites that prove writes need a permission; None: the vendor has no such suite
    read_only_field: str | None = None
    # the settings (name -> text, as `{VENDOR}_EMULATOR_<NAME>`) that make a hosted emulator
    # accept the run's credentials and its read-only ones; None: the account fields by name
    hosted_account: Callable[[Credentials, Credentials | None], Mapping[str, str]] | None = None
    # documented exceptions to built-in checks, counted in every report
    waivers: tuple[Waiver, ...] = ()
    # the vendor's own suites besides schemathesis, as `module:function` (imported when run);
    # a suite the vendor lacks is reported as skipped
    suites: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def emulator_account(
        self, credentials: Credentials, read_only: Credentials | None = None
    ) -> dict[str, str]:
        """The emulator settings (lower-case names) under which a hosted emulator accepts
        `credentials` (and `read_only`, when the vendor has such keys)."""
        if self.hosted_account is not None:
            return dict(self.hosted_account(credentials, read_only))
        # an API key alone: the (empty) password has no setting of its own
        values = zip(self.account_fields, credentials, strict=False)
        return {field.lower(): value for field, value in values}

    @property
    def check_names(self) -> tuple[str, ...]:
        """The names the report's matrix shows for the vendor's checks."""
        return tuple(check.__name__ for check in self.checks)
