"""Fynn's own suites as a run calls them: the permission sweep, then the customer model."""

from __future__ import annotations

from contracts.fynn import machine, scopes
from contracts.oracle import load_oracle
from contracts.reporting import Progress, RunReport, SuiteResult
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["run_model"]


def run_model(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """The `model` suite: every write with a read-only key (where writes are allowed and a
    read-only key exists), then the state machine; failed if either failed."""
    if target.writes_allowed and target.read_only_credentials is not None:
        swept = scopes.run_sweep(
            target.client(),
            target.client(target.read_only_credentials),
            load_oracle(settings.spec_path),
            f"{settings.key_prefix}scopes-",
            report,
            progress,
        )
    else:
        reason = "writes are off" if not target.writes_allowed else "no read-only key"
        swept = SuiteResult("scopes", "skipped", detail=reason)
        progress.line(f"scopes: skipped ({reason})")
    result = machine.run_model(target, settings, report, progress)
    result.duration += swept.duration
    result.tests += swept.tests
    result.detail = f"{result.detail}; permissions: {swept.status} ({swept.detail})"
    if swept.status in {"failed", "error"}:
        result.status = "failed"
    return result
