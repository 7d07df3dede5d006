"""Emulator vs Stoplight Prism on the same spec: throughput, median and p99 per request type.

Both servers run on SERVER_CORE and are driven by the same closed-loop generator on LOAD_CORE,
one request type at a time, in one run, so the ratios compare like with like. The emulator is
served the way users start it (`chargeover-emulator serve`, uvicorn), seeded, rate limit off.
Prism answers from the spec's examples without state, so its list "page" is one example item:
bytes per response are recorded next to every number to keep that visible.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
import sys
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.emulator_load import SCENARIOS as EMULATOR_LOAD_SCENARIOS
from benchmarks.loadgen import Load, generator_name, run_load
from benchmarks.processes import Server, free_port
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME

__all__ = [
    "AUTH",
    "PASSWORD",
    "SEED_CUSTOMERS",
    "USERNAME",
    "Scenario",
    "emulator_command",
    "prism_binary",
    "run",
    "scenarios",
]

# The emulator's default credentials (the vendor docs' example keys); Prism only checks that
# an Authorization header is present.
USERNAME = DEFAULT_USERNAME
PASSWORD = DEFAULT_PASSWORD
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()}
SEED_CUSTOMERS = 1000
CONNECTIONS = 8
_API_ROOT = "/api/v3"
_LABELS = {
    "get_by_id": "get by id",
    "list_limit_500": "list limit=500",
    "where_query": "where query",
    "create_customer": "create",
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One request type; paths are relative to the API root (`/api/v3` on the emulator)."""

    key: str
    label: str
    method: str
    paths: tuple[str, ...]
    body: dict[str, Any] | None = None


def scenarios() -> tuple[Scenario, ...]:
    """The request types of benchmarks/emulator_load.py, so both benchmarks send the same requests.

    Ids cycle through the seeded customers so that SQLite's page cache, not one hot row, is used.
    Create runs last (emulator_load's order), because it grows the table the others read.
    """
    out = []
    for key, (method, path, body) in EMULATOR_LOAD_SCENARIOS.items():
        relative = path.removeprefix(_API_ROOT)
        paths = tuple(relative.format(n=n) for n in range(1, SEED_CUSTOMERS + 1, 7))
        out.append(Scenario(key, _LABELS.get(key, key), method, tuple(dict.fromkeys(paths)), body))
    return tuple(out)


def prism_binary(npm_prefix: Path) -> Path | None:
    """The Prism CLI the nox session installed under npm_prefix (None when it is missing)."""
    binary = npm_prefix / "node_modules" / ".bin" / "prism"
    return binary if binary.exists() else None


def emulator_command() -> str:
    """The `chargeover-emulator` script of this interpreter's environment (nox's venv)."""
    beside = Path(sys.executable).parent / "chargeover-emulator"
    found = str(beside) if beside.exists() else shutil.which("chargeover-emulator")
    if found is None:
        raise RuntimeError("chargeover-emulator is not installed in this environment")
    return found


def _load(port: int, prefix: str, scenario: Scenario, seconds: float) -> Load:
    headers = dict(AUTH)
    body = None
    if scenario.body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(scenario.body).encode()
    return Load(
        host="127.0.0.1",
        port=port,
        method=scenario.method,
        paths=[prefix + path for path in scenario.paths],
        headers=headers,
        body=body,
        connections=CONNECTIONS,
        seconds=seconds,
    )


def _drive(
    server: Server, prefix: str, seconds: float, warmup: float, generator: str
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for scenario in scenarios():
        # A warm-up run first: imports, SQLite page cache and V8's JIT settle before we measure.
        run_load(_load(server.port, prefix, scenario, warmup), generator)
        result = run_load(_load(server.port, prefix, scenario, seconds), generator)
        if scenario.method == "GET":
            # Records per response, so that list throughput can also be compared per record.
            result["items_per_response"] = _items(server.port, prefix + scenario.paths[0])
            result["items_per_second"] = round(result["rps"] * result["items_per_response"], 1)
        results[scenario.key] = result
    return results


def _items(port: int, path: str) -> int:
    """How many records one response carries: the length of a list payload, else 1."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=AUTH)
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read()).get("response")
    return len(payload) if isinstance(payload, list) else 1


def run(
    *,
    workdir: Path,
    spec: Path,
    npm_prefix: Path,
    seconds: float,
    warmup: float,
    generator: str = "auto",
) -> dict[str, Any]:
    """Load both servers in turn: per-scenario numbers and emulator/Prism throughput ratios."""
    emulator_bin = emulator_command()
    port = free_port()
    db = workdir / "http-load.sqlite3"
    for stale in workdir.glob("http-load.sqlite3*"):
        stale.unlink()
    emulator = Server(
        "emulator",
        [
            emulator_bin,
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            "--seed",
            "1",
            "--seed-count",
            str(SEED_CUSTOMERS),
            "--rate-limit",
            "off",
            "--log-level",
            "warning",
        ],
        port=port,
        ready_path="/api/v3/teapot",
        headers=AUTH,
        log=workdir / "emulator-http.log",
    )
    out: dict[str, Any] = {
        "generator": generator_name(generator),
        "connections": CONNECTIONS,
        "seconds_per_scenario": seconds,
        "warmup_seconds": warmup,
        "seeded_customers": SEED_CUSTOMERS,
        "scenarios": {
            s.key: {"label": s.label, "method": s.method, "path": s.paths[0]} for s in scenarios()
        },
    }
    with emulator:
        out["emulator"] = _drive(emulator, _API_ROOT, seconds, warmup, generator)
        out["emulator_startup_seconds"] = emulator.startup_seconds
        out["emulator_peak_rss_kib"] = emulator.peak_rss_kib()
    prism = prism_binary(npm_prefix)
    if prism is None:
        out["prism"] = None
        out["prism_missing"] = (
            f"no Prism CLI under {npm_prefix} (the nox bench session installs it)"
        )
        return out
    port = free_port()
    server = Server(
        "prism",
        # warn: Prism logs every request at its default level, which the emulator does not do.
        [
            str(prism),
            "mock",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--verboseLevel",
            "warn",
            str(spec),
        ],
        port=port,
        ready_path="/teapot",
        headers=AUTH,
        log=workdir / "prism.log",
        env={"SCARF_ANALYTICS": "false", "NO_UPDATE_NOTIFIER": "1"},
    )
    with server:
        out["prism"] = _drive(server, "", seconds, warmup, generator)
        out["prism_startup_seconds"] = server.startup_seconds
        out["prism_peak_rss_kib"] = server.peak_rss_kib()
    # A ratio only where both servers answered every request with 2xx: error responses are
    # cheap, so a failing server would look fast.
    valid = [key for key in out["emulator"] if _clean(out["emulator"][key], out["prism"][key])]
    out["item_ratios"] = {
        key: round(
            out["emulator"][key]["items_per_second"] / out["prism"][key]["items_per_second"], 2
        )
        for key in valid
        if "items_per_second" in out["emulator"][key]
    }
    out["ratios"] = {
        key: round(out["emulator"][key]["rps"] / out["prism"][key]["rps"], 2)
        if key in valid
        else None
        for key in out["emulator"]
    }
    return out


def _clean(*results: dict[str, Any]) -> bool:
    """Whether every run completed requests without a single error."""
    return all(result["requests"] and not result["errors"] for result in results)
