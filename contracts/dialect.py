"""What the harness asks a vendor: the `HarnessDialect`, the contract side of an emulator dialect.

The emulator's `chargeover_emulator.dialect.Dialect` says how a vendor answers; this says how
the harness judges and reaches it: the vendor's schemathesis checks, how credentials go on a
request, and the documented exceptions to built-in checks (the spec, the oracle, is a setting:
`Settings.spec_path`). A run takes one instance and uses exactly its checks, auth and waivers
(`contracts.runner.run`); nothing of a vendor lives in module-level state. ChargeOver's is
`contracts.dialects.chargeover`.
"""

from __future__ import annotations

import dataclasses

from contracts.auth import AuthScheme
from contracts.check_registry import CheckFunction
from contracts.waivers import Waiver

__all__ = ["HarnessDialect"]


@dataclasses.dataclass(frozen=True)
class HarnessDialect:
    """One vendor, as a contract run sees it."""

    # short lower-case vendor name, as in `--vendor` and the emulator's dialect
    name: str
    # the path every API route lives under (`/api/v3`); base URLs end in it
    api_prefix: str
    # schemathesis response checks on top of the built-in ones, registered for a run only
    checks: tuple[CheckFunction, ...]
    # how the target's credentials go on a request (Basic, Bearer, ...)
    auth: AuthScheme
    # documented exceptions to built-in checks, counted in every report
    waivers: tuple[Waiver, ...] = ()

    @property
    def check_names(self) -> tuple[str, ...]:
        """The names the report's matrix shows for the vendor's checks."""
        return tuple(check.__name__ for check in self.checks)
