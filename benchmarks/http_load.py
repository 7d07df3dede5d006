"""Emulator vs Prism, Steady and a ceiling on the same spec: throughput, median and p99.

Both servers run on SERVER_CORE and are driven by the same closed-loop generator on LOAD_CORE,
one request type at a time, in one run, so the ratios compare like with like. The emulator is
served the way users start it (`chargeover-emulator serve`, uvicorn), seeded, rate limit off.
Prism answers from the spec's examples without state, so its list "page" is one example item:
bytes per response are recorded next to every number to keep that visible.

Prism is then run a second time on a copy of the spec whose list example is the emulator's own
response to each list-type request (selected per request with `Prefer: example=...`), so that
for those requests both servers send the same bytes and the ratio compares serving, not size.

Steady (`@stdy/cli`, a newer mock server several SDK vendors use) answers the same requests from
the same spec, like Prism. The "ceiling" (`benchmarks/ceiling.py`) is the emulator's own stack,
uvicorn and Starlette, sending the bytes the emulator sent for each request without doing any
work: emulator / ceiling is how much of its stack's capacity the emulator keeps.

The machinery takes a Profile (`benchmarks/profiles.py`: request types, auth, API root), so the
same runs compare Invoiced's and Fynn's emulators with their anchors (`benchmarks/vendors.py`).
"""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import sys
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from benchmarks.emulator_load import SCENARIOS as EMULATOR_LOAD_SCENARIOS
from benchmarks.loadgen import Load, generator_name, run_load
from benchmarks.processes import Server, free_port
from benchmarks.profiles import NUMBERED, Profile, Scenario
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME

__all__ = [
    "AUTH",
    "ID_STRIDE",
    "PASSWORD",
    "SEED_CUSTOMERS",
    "USERNAME",
    "Scenario",
    "anchors",
    "capture_answers",
    "chargeover_profile",
    "drive",
    "emulator_command",
    "prism_binary",
    "ratios",
    "run",
    "scenario_table",
    "scenarios",
    "serve_options",
    "steady_binary",
]

# The emulator's default credentials (the vendor docs' example keys); Prism only checks that
# an Authorization header is present.
USERNAME = DEFAULT_USERNAME
PASSWORD = DEFAULT_PASSWORD
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()}
SEED_CUSTOMERS = 1000
#: get by id reads every seventh seeded customer, spread over the table
ID_STRIDE = 7
CONNECTIONS = 8
_API_ROOT = "/api/v3"
_LABELS = {
    "get_by_id": "get by id",
    "list_limit_500": "list limit=500",
    "where_query": "where query",
    "create_customer": "create",
}


def scenarios() -> tuple[Scenario, ...]:
    """The request types of benchmarks/emulator_load.py, so both benchmarks send the same requests.

    Ids cycle through the seeded customers so that SQLite's page cache, not one hot row, is used.
    Create runs last (emulator_load's order), because it grows the table the others read.
    """
    out = []
    for key, (method, path, body) in EMULATOR_LOAD_SCENARIOS.items():
        relative = path.removeprefix(_API_ROOT)
        paths = tuple(relative.format(n=n) for n in range(1, SEED_CUSTOMERS + 1, ID_STRIDE))
        out.append(Scenario(key, _LABELS.get(key, key), method, tuple(dict.fromkeys(paths)), body))
    return tuple(out)


def _response_list(payload: Any) -> list[Any] | None:
    """ChargeOver's records: the envelope's `response` when it is a list."""
    found = payload.get("response") if isinstance(payload, dict) else None
    return found if isinstance(found, list) else None


def chargeover_profile() -> Profile:
    """ChargeOver's API as this section drives it (`/teapot`: the docs' credentials check)."""
    return Profile("chargeover", _API_ROOT, AUTH, scenarios(), "/teapot", _response_list)


def prism_binary(npm_prefix: Path) -> Path | None:
    """The Prism CLI the nox session installed under npm_prefix (None when it is missing)."""
    binary = npm_prefix / "node_modules" / ".bin" / "prism"
    return binary if binary.exists() else None


def steady_binary(npm_prefix: Path) -> Path | None:
    """The Steady CLI the nox session installed under npm_prefix (None when it is missing)."""
    binary = npm_prefix / "node_modules" / ".bin" / "steady"
    return binary if binary.exists() else None


def emulator_command(script: str = "chargeover-emulator") -> str:
    """A script (`chargeover-emulator`, `contract-kit`) of this interpreter's environment."""
    beside = Path(sys.executable).parent / script
    found = str(beside) if beside.exists() else shutil.which(script)
    if found is None:
        raise RuntimeError(f"{script} is not installed in this environment")
    return found


def serve_options(port: int, db: Path) -> list[str]:
    """`serve`'s options for an emulator under load: seeded, rate limit off, uvicorn quiet."""
    return [
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
    ]


def _load(
    port: int,
    prefix: str,
    profile: Profile,
    scenario: Scenario,
    seconds: float,
    extra: dict[str, str] | None = None,
) -> Load:
    headers = {**profile.auth, **(extra or {})}
    if scenario.body is not None:
        headers["Content-Type"] = "application/json"
    return Load(
        host="127.0.0.1",
        port=port,
        method=scenario.method,
        paths=[prefix + path for path in scenario.paths],
        headers=headers,
        body=None if scenario.body is None else json.dumps(scenario.body).encode(),
        connections=CONNECTIONS,
        seconds=seconds,
        numbered=NUMBERED if scenario.numbered else None,
    )


def drive(
    server: Server,
    profile: Profile,
    prefix: str,
    seconds: float,
    warmup: float,
    generator: str,
    only: dict[str, dict[str, str]] | None = None,
    list_bodies: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """Every scenario in turn (or those of `only`, each with its extra request headers).

    `list_bodies`, when given, receives the body of each list-type response (more than one
    record), as sent right after that request type's load.
    """
    results: dict[str, Any] = {}
    for scenario in profile.scenarios:
        if only is not None and scenario.key not in only:
            continue
        extra = (only or {}).get(scenario.key)
        # A warm-up run first: imports, SQLite page cache and V8's JIT settle before we measure.
        run_load(_load(server.port, prefix, profile, scenario, warmup, extra), generator)
        result = run_load(_load(server.port, prefix, profile, scenario, seconds, extra), generator)
        if scenario.method == "GET":
            # One response as this run's requests get it (same headers): its body size, and its
            # records, so that list throughput can also be compared per record.
            body = fetch(server.port, profile.auth, prefix + scenario.paths[0], extra)
            result["body_bytes"] = len(body)
            result["items_per_response"] = profile.items(body)
            if list_bodies is not None and result["items_per_response"] > 1:
                list_bodies[scenario.key] = body
            result["items_per_second"] = round(result["rps"] * result["items_per_response"], 1)
        results[scenario.key] = result
    return results


def fetch(
    port: int, auth: Mapping[str, str], path: str, extra: dict[str, str] | None = None
) -> bytes:
    """The body of one GET on loopback (raises on a non-2xx answer)."""
    return send(port, auth, "GET", path, None, extra)[1]


def send(
    port: int,
    auth: Mapping[str, str],
    method: str,
    path: str,
    body: bytes | None,
    extra: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """Status and body of one request on loopback (raises on a non-2xx answer)."""
    headers = {**auth, **(extra or {})}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.status), bytes(response.read())


def capture_answers(port: int, profile: Profile, prefix: str) -> dict[str, dict[str, Any]]:
    """The emulator's answer to every request line the scenarios send, for the ceiling.

    Keys are the request lines as the ceiling sees them (`GET /customer/8`, without the API
    prefix, which the ceiling serves at its root like Prism and Steady). A numbered body is
    sent with a number of its own, which no load generator's number can equal.
    """
    answers: dict[str, dict[str, Any]] = {}
    for scenario in profile.scenarios:
        for path in scenario.paths:
            body = scenario.payload(f"capture.{secrets.token_hex(4)}")
            status, sent = send(port, profile.auth, scenario.method, prefix + path, body)
            answers[f"{scenario.method} {path}"] = {"status": status, "body": sent.decode()}
    return answers


def same_bytes_spec(spec: Path, bodies: dict[str, bytes], out: Path) -> Path:
    """A copy of the spec whose GET operations also hold each body as a named 200 example.

    The example name is the scenario key; Prism picks it for a request with
    `Prefer: example=<key>`. The operation is the GET of the request's path, whose response
    schema the body already satisfies (the contract suite checks the emulator against it).
    """
    document = yaml.safe_load(spec.read_text())
    by_key = {s.key: s for s in scenarios()}
    for key, body in bodies.items():
        path = urllib.parse.urlsplit(by_key[key].paths[0]).path
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        content["application/json"].setdefault("examples", {})[key] = {
            "summary": f"the emulator's response to the {key} benchmark request",
            "value": json.loads(body),
        }
    out.write_text(json.dumps(document))
    return out


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
    profile = chargeover_profile()
    emulator_bin = emulator_command()
    port = free_port()
    db = workdir / "http-load.sqlite3"
    for stale in workdir.glob("http-load.sqlite3*"):
        stale.unlink()
    emulator = Server(
        "emulator",
        [emulator_bin, "serve", *serve_options(port, db)],
        port=port,
        ready_path=_API_ROOT + profile.ready_path,
        headers=AUTH,
        log=workdir / "emulator-http.log",
    )
    out: dict[str, Any] = {
        "generator": generator_name(generator),
        "connections": CONNECTIONS,
        "seconds_per_scenario": seconds,
        "warmup_seconds": warmup,
        "seeded_customers": SEED_CUSTOMERS,
        "scenarios": scenario_table(profile),
    }
    with emulator:
        bodies: dict[str, bytes] = {}
        out["emulator"] = drive(
            emulator, profile, _API_ROOT, seconds, warmup, generator, list_bodies=bodies
        )
        out["emulator_startup_seconds"] = emulator.startup_seconds
        out["emulator_peak_rss_kib"] = emulator.peak_rss_kib()
        answers = capture_answers(emulator.port, profile, _API_ROOT)
    out.update(
        anchors(
            profile,
            out["emulator"],
            answers=answers,
            spec=spec,
            npm_prefix=npm_prefix,
            workdir=workdir,
            seconds=seconds,
            warmup=warmup,
            generator=generator,
        )
    )
    prism = prism_binary(npm_prefix)
    if prism is None:
        return out
    variant = same_bytes_spec(spec, bodies, workdir / "prism-same-bytes.openapi.json")
    prefer = {key: {"Prefer": f"example={key}"} for key in bodies}
    with _prism(prism, variant, workdir / "prism-same-bytes.log", profile) as server:
        out["prism_same_bytes"] = drive(
            server, profile, "", seconds, warmup, generator, only=prefer
        )
    # A ratio only where both answered without errors and the bodies match in size (JSON
    # re-serialised by Prism may differ in a few number spellings, never by a record).
    out["same_bytes_ratios"] = {
        key: round(out["emulator"][key]["rps"] / result["rps"], 2)
        if _clean(out["emulator"][key], result)
        and abs(result["body_bytes"] - len(bodies[key])) <= len(bodies[key]) // 100
        else None
        for key, result in out["prism_same_bytes"].items()
    }
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
    out["ratios"] = ratios(out["emulator"], out["prism"])
    return out


def scenario_table(profile: Profile) -> dict[str, dict[str, str]]:
    """Each request type as the report names it: label, method and its first path."""
    return {
        s.key: {"label": s.label, "method": s.method, "path": s.paths[0]} for s in profile.scenarios
    }


def anchors(
    profile: Profile,
    emulator: dict[str, Any],
    *,
    answers: dict[str, dict[str, Any]],
    spec: Path,
    npm_prefix: Path,
    workdir: Path,
    seconds: float,
    warmup: float,
    generator: str,
) -> dict[str, Any]:
    """The ceiling (replaying `answers`), Steady and Prism on `spec`, each driven like the
    emulator was, with emulator/ceiling and emulator/Steady ratios (emulator/Prism is the
    caller's: ChargeOver's section names it `ratios`). A missing mock CLI is recorded as
    `<name>_missing` instead of its results. Logs and files go to `workdir`.
    """
    out: dict[str, Any] = {}
    bodies_file = workdir / "ceiling-bodies.json"
    bodies_file.write_text(json.dumps(answers), encoding="utf-8")
    with _ceiling(bodies_file, workdir / "ceiling.log", profile) as server:
        out["ceiling"] = drive(server, profile, "", seconds, warmup, generator)
    out["ceiling_ratios"] = ratios(emulator, out["ceiling"])
    steady = steady_binary(npm_prefix)
    if steady is None:
        out["steady"] = None
        out["steady_missing"] = (
            f"no Steady CLI under {npm_prefix} (the nox bench session installs it)"
        )
    else:
        with _steady(steady, spec, workdir / "steady.log", profile) as server:
            out["steady"] = drive(server, profile, "", seconds, warmup, generator)
            out["steady_peak_rss_kib"] = server.peak_rss_kib()
        out["steady_ratios"] = ratios(emulator, out["steady"])
    prism = prism_binary(npm_prefix)
    if prism is None:
        out["prism"] = None
        out["prism_missing"] = (
            f"no Prism CLI under {npm_prefix} (the nox bench session installs it)"
        )
        return out
    with _prism(prism, spec, workdir / "prism.log", profile) as server:
        out["prism"] = drive(server, profile, "", seconds, warmup, generator)
        out["prism_startup_seconds"] = server.startup_seconds
        out["prism_peak_rss_kib"] = server.peak_rss_kib()
    return out


def ratios(emulator: dict[str, Any], other: dict[str, Any]) -> dict[str, float | None]:
    """emulator / other throughput per request type, only where both answered without errors.

    Error responses are cheap, so a failing server would look fast: no ratio for it.
    """
    return {
        key: round(emulator[key]["rps"] / other[key]["rps"], 2)
        if key in other and _clean(emulator[key], other[key])
        else None
        for key in emulator
    }


def _steady(binary: Path, spec: Path, log: Path, profile: Profile) -> Server:
    """`steady` on a free port, serving `spec` (quiet: no per-request log lines, like Prism)."""
    port = free_port()
    return Server(
        "steady",
        [str(binary), "--port", str(port), "--host", "127.0.0.1", "--quiet", str(spec)],
        port=port,
        ready_path=profile.ready_path,
        headers=profile.auth,
        log=log,
        env={"NO_COLOR": "1"},
    )


def _ceiling(bodies: Path, log: Path, profile: Profile) -> Server:
    """`python -m benchmarks.ceiling` on a free port, answering with the captured bytes."""
    port = free_port()
    first_get = next(s for s in profile.scenarios if s.method == "GET")
    return Server(
        "ceiling",
        [sys.executable, "-m", "benchmarks.ceiling", "--port", str(port), str(bodies)],
        port=port,
        # it answers only captured request lines
        ready_path=first_get.paths[0],
        headers=profile.auth,
        log=log,
    )


def _prism(binary: Path, spec: Path, log: Path, profile: Profile) -> Server:
    """`prism mock` on a free port, serving `spec`."""
    port = free_port()
    return Server(
        "prism",
        # warn: Prism logs every request at its default level, which the emulator does not do.
        [
            str(binary),
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
        ready_path=profile.ready_path,
        headers=profile.auth,
        log=log,
        env={"SCARF_ANALYTICS": "false", "NO_UPDATE_NOTIFIER": "1"},
    )


def _clean(*results: dict[str, Any]) -> bool:
    """Whether every run completed requests without a single error."""
    return all(result["requests"] and not result["errors"] for result in results)
