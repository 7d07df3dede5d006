"""Contract-suite speed: schemathesis examples/s against the emulator, in-process and over HTTP.

`contracts/` has no runnable harness yet (no `python -m contracts`), so this measures schemathesis
directly, as the harness will drive it: the spec is the oracle, every operation gets the same
fixed budget of generated examples, each example is sent and its response checked with
schemathesis' default checks. Failures are counted, not raised: this is a speed measurement,
and the contract suite proper decides what passes.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis import openapi
from schemathesis.core.failures import Failure, FailureGroup

from benchmarks.http_load import AUTH, emulator_command
from benchmarks.processes import Server, free_port
from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.seeding import seed

__all__ = ["run"]

SEED_CUSTOMERS = 50


def _exercise(schema: Any, base_url: str | None, examples_per_operation: int) -> dict[str, Any]:
    """Generate, send and check examples for every operation; count them and time the whole."""
    counts = {"examples": 0, "failed_checks": 0, "operations": 0}
    settings = hypothesis.settings(
        max_examples=examples_per_operation,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples every run, so runs compare
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1

        @settings
        @hypothesis.given(case=operation.as_strategy())
        def check(case: Any) -> None:
            counts["examples"] += 1
            response = case.call(base_url=base_url, headers=dict(AUTH))
            try:
                case.validate_response(response)
            except (
                Failure,
                FailureGroup,
            ):  # FailureGroup is a BaseExceptionGroup, not an Exception
                counts["failed_checks"] += 1

        check()
    seconds = time.perf_counter() - started
    return {
        **counts,
        "seconds": round(seconds, 2),
        "examples_per_second": round(counts["examples"] / seconds, 1) if seconds else None,
    }


def run(*, spec: Path, workdir: Path, examples_per_operation: int) -> dict[str, Any]:
    """Examples/s in-process (ASGI) and over HTTP (uvicorn on its own core)."""
    out: dict[str, Any] = {
        "harness": "schemathesis directly (contracts/ has no runnable harness yet)",
        "examples_per_operation": examples_per_operation,
    }
    for stale in workdir.glob("contracts-*.sqlite3*"):
        stale.unlink()
    emulator = Emulator(
        Settings.from_env(
            db=str(workdir / "contracts-asgi.sqlite3"), rate_limit="off", spec_path=str(spec)
        )
    )
    seed(emulator, 1, SEED_CUSTOMERS)
    app = create_app(emulator=emulator)
    with warnings.catch_warnings():
        # starlette's TestClient (used by schemathesis for ASGI) warns about httpx; not ours to fix
        warnings.simplefilter("ignore")
        out["in_process"] = _exercise(
            openapi.from_asgi("/openapi.yaml", app), None, examples_per_operation
        )
    emulator.close()

    port = free_port()
    server = Server(
        "emulator",
        [
            emulator_command(),
            "serve",
            "--port",
            str(port),
            "--db",
            str(workdir / "contracts-http.sqlite3"),
            "--seed",
            "1",
            "--seed-count",
            str(SEED_CUSTOMERS),
            "--rate-limit",
            "off",
        ],
        port=port,
        ready_path="/api/v3/teapot",
        headers=AUTH,
        log=workdir / "emulator-contracts.log",
    )
    with server:
        schema = openapi.from_path(spec)
        out["over_http"] = _exercise(
            schema, f"http://127.0.0.1:{port}/api/v3", examples_per_operation
        )
    return out
