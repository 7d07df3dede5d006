"""Contract-suite speed: examples per second of the contracts harness against the emulator.

Runs the harness's schemathesis suite (`contracts.runner.run`, the code behind
`python -m contracts`) with a fixed budget and a fixed seed, once with the emulator in-process
(ASGI, same process and core as the harness) and once over HTTP (`chargeover-emulator serve`,
which the harness starts, pinned here to SERVER_CORE so it gets a core of its own). An example
is one generated request sent and checked; the count is the harness's own (`RunReport.examples`).
Failures are recorded, not judged: `nox -s contracts` decides what passes.
"""

from __future__ import annotations

import dataclasses
import io
import time
from pathlib import Path
from typing import Any

from benchmarks.http_load import emulator_command
from benchmarks.processes import SERVER_CORE, pinned
from contracts.reporting import Progress
from contracts.runner import run as run_contracts
from contracts.settings import PROFILES, Settings

__all__ = ["run"]

SEED = 1
# All four schemathesis phases, as `python -m contracts` runs them.
FULL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# The quick run's budget: explicit examples plus a little fuzzing.
QUICK_PHASES = ("examples", "fuzzing")


def _measure(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    report = run_contracts(settings, progress=Progress(io.StringIO()))
    seconds = time.perf_counter() - started
    examples = sum(report.examples.values())
    return {
        "operations": len(report.operations),
        "examples": examples,
        "seconds": round(seconds, 2),
        "examples_per_second": round(examples / seconds, 1) if seconds else None,
        "failed_checks": len(report.failures),
        # What failed, so that a flaky failure in a benchmark run can still be followed up.
        "failures": sorted({f"{f.operation}: {f.check}: {f.title}" for f in report.failures}),
        "errors": len(report.errors),
        "suites": {suite.name: suite.status for suite in report.suites},
    }


def run(*, workdir: Path, quick: bool) -> dict[str, Any]:
    """Examples/s in-process (ASGI) and over HTTP, with the same budget and seed."""
    profile = PROFILES["fast"]
    phases: tuple[str, ...] = FULL_PHASES
    if quick:
        profile = dataclasses.replace(profile, max_examples=2, stateful_examples=2)
        phases = QUICK_PHASES
    base = Settings(
        suites=("schemathesis",),
        phases=phases,
        profile_override=profile,
        seed=SEED,
        report_dir=workdir / "contracts-report",
        emulator_command=tuple(pinned([emulator_command()], SERVER_CORE)),
    )
    return {
        "harness": "contracts harness (`contracts.runner.run`), schemathesis suite",
        "profile": dataclasses.asdict(profile),
        "phases": list(phases),
        "seed": SEED,
        "in_process": _measure(dataclasses.replace(base, target="emulator-inprocess")),
        "over_http": _measure(dataclasses.replace(base, target="emulator-http")),
    }
