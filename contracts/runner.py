"""A contract run: schemathesis over every operation, the reference model, the client contracts."""

from __future__ import annotations

import dataclasses
import importlib
import secrets
import time
import tomllib
import traceback
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext
from schemathesis.schemas import BaseSchema

from contracts import check_registry, throttle, waivers
from contracts.dialect import HarnessDialect
from contracts.dialects import by_name
from contracts.oracle import load_oracle
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.settings import Settings
from contracts.targets import ASGIApp, Target, open_target

__all__ = ["build_schema", "run", "run_schemathesis"]

_MARKS = {Status.SUCCESS: ".", Status.FAILURE: "F", Status.ERROR: "E", Status.SKIP: "s"}


def schemathesis_config(target: Target, settings: Settings) -> SchemathesisConfig:
    """The dialect's static policy (contracts/schemathesis.toml for ChargeOver) plus what this
    target and profile add."""
    with target.dialect.schemathesis_config.open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    profile = settings.profile
    data["base-url"] = target.base_url
    data["auth"] = target.dialect.auth.schemathesis_auth(target.credentials)
    data.setdefault("generation", {})["max-examples"] = profile.max_examples
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        data.setdefault("phases", {}).setdefault(phase, {})["enabled"] = phase in settings.phases
    stateful = data["phases"]["stateful"]
    stateful.setdefault("generation", {})["max-examples"] = profile.stateful_examples
    if settings.seed is not None:
        data["seed"] = settings.seed
    # Operation selection goes through [[operations]] on purpose: with an [[operations]] table
    # in the config, schemathesis 4.32.5 ignores `schema.include(...)` filters.
    operations = data.setdefault("operations", [])
    if settings.operation_ids:
        operations.append({"exclude-operation-id": list(settings.operation_ids), "enabled": False})
    if not target.is_emulator:
        # schemathesis writes random objects, updates whatever ids it finds and probes
        # undeclared methods; on a real account that is never acceptable, so even
        # --allow-writes leaves it read-only (the reference model writes there, on prefixed
        # objects it cleans up)
        operations.append({"exclude-method": ["GET"], "enabled": False})
        data["phases"]["coverage"]["unexpected-methods"] = []
    return SchemathesisConfig.from_dict(data)


def build_schema(target: Target, settings: Settings, ledger: waivers.WaiverLedger) -> BaseSchema:
    """The spec (the oracle) loaded for this target, restricted to reads where writes are unsafe."""
    schema: BaseSchema = schemathesis.openapi.from_path(
        settings.spec_path, config=schemathesis_config(target, settings)
    )
    if target.app is not None:
        schema.app = target.app
    if not target.is_emulator:
        _refuse_writes(schema)
    if target.limiter is not None:
        # one limiter for every suite, and 429s waited out (contracts/throttle.py)
        throttle.share_limiter(schema, target.limiter)
    waivers.install(schema, ledger)
    return schema


class UnsafeSchemathesisCall(RuntimeError):
    """schemathesis was about to send a write to a target the harness does not own."""


# ids of schemas whose target is not ours (schemas are unhashable); `before_call` can only be
# a global hook, so it looks here
_READ_ONLY_SCHEMAS: set[int] = set()


def _refuse_writes(schema: BaseSchema) -> None:
    """Last line of defence: no non-GET request from schemathesis reaches a real account."""
    _READ_ONLY_SCHEMAS.add(id(schema))
    weakref.finalize(schema, _READ_ONLY_SCHEMAS.discard, id(schema))


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], **kwargs: Any) -> None:
    """Refuse any non-GET request on a read-only schema (see _refuse_writes); then wait for
    the run's rate limiter (see throttle.share_limiter)."""
    if id(case.operation.schema) in _READ_ONLY_SCHEMAS and case.method.upper() != "GET":
        raise UnsafeSchemathesisCall(f"refused {case.method} {case.formatted_path}")
    throttle.acquire(case)


def run_schemathesis(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Every phase of schemathesis over every (allowed) operation, into the report."""
    result = SuiteResult("schemathesis")
    started = time.monotonic()
    ledger = waivers.WaiverLedger(target.dialect.waivers, hosted=target.is_emulator)
    schema = build_schema(target, settings, ledger)
    with check_registry.registered(target.dialect.checks, schema):
        _follow(from_schema(schema).execute(), report, progress, result)
    for (operation, check, name), count in ledger.counts.items():
        report.tally(operation, check).waived += count
        report.waivers[(operation, check, name)] = (
            report.waivers.get((operation, check, name), 0) + count
        )
    result.duration = time.monotonic() - started
    failed = any(failure.suite == "schemathesis" for failure in report.failures)
    result.status = "failed" if failed or report.errors else "passed"
    tested = [op for op, row in report.matrix.items() if "not_a_server_error" in row]
    cases = sum(report.examples[op] for op in tested)
    result.detail = f"{len(tested)} operations, {cases} cases"
    return result


def _follow(
    stream: Iterable[events.EngineEvent], report: RunReport, progress: Progress, result: SuiteResult
) -> None:
    """Fold the engine's events into the report as they come."""
    for event in stream:
        if isinstance(event, events.PhaseStarted):
            if event.phase.is_enabled:
                progress.line(f"schemathesis {event.phase.name.value}: ")
        elif isinstance(event, events.PhaseFinished):
            if event.phase.skip_reason is not None and event.phase.name.value in {
                "examples", "coverage", "fuzzing", "stateful",
            }:  # fmt: skip
                progress.line(
                    f"schemathesis {event.phase.name.value}: skipped ({event.phase.skip_reason})"
                )
        elif isinstance(event, events.ScenarioFinished):
            progress.mark(_MARKS.get(event.status, "?"))
            _record_scenario(event, report)
            result.tests += 1
        elif isinstance(event, events.NonFatalError):
            report.errors.append(
                f"schemathesis {event.label}: {event.info.title}: {event.info.message}"
            )
        elif isinstance(event, events.FatalError):
            report.errors.append(f"schemathesis crashed: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                record = FailureRecord(
                    "schemathesis", failure.operation or "run", "after_run", failure.title,
                    failure.message, "",
                )  # fmt: skip
                report.add_failure(record)


def _record_scenario(event: events.ScenarioFinished, report: RunReport) -> None:
    """Fold one scenario's cases and check results into the matrix and failure list."""
    recorder = event.recorder
    report.requests_schemathesis += len(recorder.interactions)
    for case_id, node in recorder.cases.items():
        if case_id in recorder.interactions:
            report.examples[node.value.operation.label] += 1
    for case_id, check_nodes in recorder.checks.items():
        case_node = recorder.cases.get(case_id)
        operation = case_node.value.operation.label if case_node else (event.label or "?")
        for check in check_nodes:
            tally = report.tally(operation, check.name)
            if check.status == Status.SUCCESS:
                tally.passed += 1
                continue
            tally.failed += 1
            info = check.failure_info
            if info is None:
                continue
            steps = "\n".join(step.curl for step in info.steps) if info.steps else info.code_sample
            report.add_failure(
                FailureRecord(
                    suite="schemathesis",
                    operation=info.failure.operation or operation,
                    check=check.name,
                    title=info.failure.title,
                    message=info.failure.message,
                    reproduction=steps,
                )
            )


SuiteRunner = Callable[[Target, Settings, RunReport, Progress], SuiteResult]


def _suites() -> dict[str, SuiteRunner]:
    """Suites by name, imported lazily (the client suite needs the generated package)."""
    from contracts.client_contracts import run_client_contracts
    from contracts.drift import run_drift
    from contracts.leniencies import run_leniencies
    from contracts.stateful import run_model

    return {
        "schemathesis": run_schemathesis,
        "model": run_model,
        "client": run_client_contracts,
        "leniencies": run_leniencies,
        "drift": run_drift,
    }


def _suite(dialect: HarnessDialect, name: str) -> SuiteRunner | None:
    """A suite by name: schemathesis for every vendor, the others as the dialect names them
    (imported when a run selects them: the client suite needs the generated package)."""
    if name == "schemathesis":
        return run_schemathesis
    where = dialect.suites.get(name)
    if where is None:
        return None
    module, _, function = where.partition(":")
    runner: SuiteRunner = getattr(importlib.import_module(module), function)
    return runner


def run(
    settings: Settings,
    *,
    dialect: HarnessDialect | None = None,
    app: ASGIApp | None = None,
    credentials: tuple[str, str] | None = None,
    read_only_credentials: tuple[str, str] | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Open the target, run the selected suites, and return the report (written by the caller).

    The run judges with exactly `dialect`'s checks, auth and waivers (by default the dialect of
    `settings.vendor`); its checks are registered with schemathesis for this run only.
    """
    progress = progress or Progress()
    started = time.monotonic()
    if settings.seed is None:
        # every run has a seed, printed and reported, so that any run can be replayed
        settings = dataclasses.replace(settings, seed=secrets.randbelow(2**32))
    dialect = dialect or by_name(settings.vendor)
    oracle = load_oracle(settings.spec_path)
    report = RunReport(
        target=settings.target,
        base_url="",
        profile=settings.profile_name,
        vendor_checks=dialect.check_names,
        seed=settings.seed,
        vendor=dialect.name,
        title=dialect.title,
    )
    report.operations = [
        label
        for operation_id, label in oracle.labels.items()
        if not settings.operation_ids or operation_id in settings.operation_ids
    ]
    with open_target(
        settings,
        dialect=dialect,
        app=app,
        credentials=credentials,
        read_only_credentials=read_only_credentials,
    ) as target:
        report.base_url = target.base_url
        progress.line(
            f"contracts: target {target.kind} {target.base_url}, profile {settings.profile_name}, "
            f"writes {'allowed' if target.writes_allowed else 'off (read-only)'}, "
            f"seed {settings.seed} (replay with --seed {settings.seed})"
        )
        for name in settings.suites:
            suite = _suite(dialect, name)
            if suite is None:
                detail = f"no {name} suite for {dialect.title} yet"
                progress.line(f"{name}: skipped ({detail})")
                report.suites.append(SuiteResult(name, "skipped", detail=detail))
                continue
            try:
                report.suites.append(suite(target, settings, report, progress))
            except Exception as exc:  # a crashed suite is a failed run, not a crashed CLI
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                detail = f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})"
                report.suites.append(SuiteResult(name, "error", detail=detail))
        report.leftovers = target.close()
        report.requests_harness = target.requests_sent  # cleanup's deletes included
    report.wall_time = time.monotonic() - started
    return report
