"""Scale: list, where and `_count` latency at 1k/10k/100k customers, full pagination, peak memory.

Each size gets its own SQLite file, seeded with the emulator's own `seed()` (the Python API that
`chargeover-emulator serve --seed` calls), timed, then served by `chargeover-emulator serve` on
SERVER_CORE and queried one request at a time from this process on LOAD_CORE: single-client
latency, so the numbers are the server's cost per request, not queueing. A query whose cost
grows with the page stays flat from 1k to 100k; one that grows with the table grows ~100x.

Seeding workaround: every seeded customer creates a contact whose username uniqueness check
(`Table.find_key`, a BINARY `username = ?`) scans `user`, because the only index on username is
the NOCASE one that serves `where`; so seeding is quadratic (about 20 minutes for 100k customers
on 2 cores). Above WORKAROUND_ABOVE customers, and only while SQLite's plan for that lookup is
still a scan, this module creates a BINARY index `bench_user_username` before seeding and records
that it did; 1k and 10k are seeded exactly as the emulator ships. The index is on `user` only and
serves none of the customer queries measured here.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.http_load import AUTH, PASSWORD, USERNAME, emulator_command
from benchmarks.processes import Server, free_port
from benchmarks.stats import rotated, summarize
from benchmarks.walk import MODES
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.seeding import seed

__all__ = ["run", "seed_database"]

WORKAROUND_ABOVE = 10_000
WARMUP_REQUESTS = 2
# Records after which extra walks stop, for the iterator's memory part way (beside one page).
EARLY_STOPS = (10_000,)


def _queries(size: int) -> dict[str, tuple[str, str]]:
    """Query key -> (label, path under /api/v3) for a table of `size` customers."""
    middle = size // 2
    return {
        "list500": ("list limit=500 (first page)", "/customer?limit=500"),
        "list500_last": (
            "list limit=500 (last page, deep offset)",
            f"/customer?limit=500&offset={size - 500}",
        ),
        "where_pk": (
            "where customer_id:GTE (primary key), limit=10",
            f"/customer?where=customer_id:GTE:{middle}&limit=10",
        ),
        "where_external_key": (
            "where external_key:EQUALS (indexed column), 1 match",
            f"/customer?where=external_key:EQUALS:seed-{middle}",
        ),
        "where_contains": (
            "where company:CONTAINS (no index can serve it), 1 match",
            f"/customer?where=company:CONTAINS:%20{middle}",
        ),
        "count": ("_count (whole table)", "/customer/_count"),
        "count_where": (
            "_count where external_key:EQUALS",
            f"/customer/_count?where=external_key:EQUALS:seed-{middle}",
        ),
    }


def _username_lookup_scans(db: Path) -> bool:
    """Whether the emulator's username uniqueness lookup (Table.find_key's SQL) scans `user`.

    Asked of SQLite's query plan rather than of the index list: an index on username in another
    collation (NOCASE, for `where`) exists but cannot serve this BINARY equality.
    """
    sql = 'EXPLAIN QUERY PLAN SELECT "user_id" FROM "user" WHERE "username" = ? LIMIT 1'
    with sqlite3.connect(db) as conn:
        plan = [str(row[3]) for row in conn.execute(sql, ["x"]).fetchall()]
    return any(step.startswith("SCAN") for step in plan)


def _page_stats(db: Path) -> dict[str, int]:
    """Page size, page count and free pages: how much of the file is data."""
    with sqlite3.connect(db) as conn:
        return {
            pragma: int(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
            for pragma in ("page_size", "page_count", "freelist_count")
        }


def seed_database(db: Path, spec: Path, size: int) -> dict[str, Any]:
    """Seed `size` customers into a fresh file with the emulator's own seeding; time it."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    emulator = Emulator(Settings.from_env(db=str(db), rate_limit="off", spec_path=str(spec)))
    workaround = False
    if size > WORKAROUND_ABOVE and _username_lookup_scans(db):
        emulator.database.connection.execute("CREATE INDEX bench_user_username ON user (username)")
        workaround = True
    started = time.perf_counter()
    seed(emulator, 1, size)
    seconds = time.perf_counter() - started
    counts = {
        table: emulator.database.connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in ("customer", "user", "invoice")
    }
    emulator.close()
    return {
        "seconds": round(seconds, 2),
        "customers_per_second": round(size / seconds, 1),
        "rows": counts,
        "workaround_username_index": workaround,
        # After close: the WAL has been checkpointed into the file (a leftover WAL would show).
        "db_mib": round(db.stat().st_size / 2**20, 1),
        "db_files": sorted(p.name for p in db.parent.glob(db.name + "*")),
        "db_pages": _page_stats(db),
    }


def _measure(client: httpx.Client, queries: dict[str, str], samples: int) -> dict[str, Any]:
    """Latency per query, taken in rounds (every query once per round, in a rotating order) so
    that a burst of load from elsewhere on the machine spreads over all queries alike."""
    keys = list(queries)
    timings: dict[str, list[float]] = {key: [] for key in keys}
    sizes: dict[str, int] = {}
    for key in keys:
        for _ in range(WARMUP_REQUESTS):
            client.get(queries[key]).raise_for_status()
    for round_ in range(samples):
        for key in rotated(keys, round_):
            started = time.perf_counter()
            response = client.get(queries[key])
            timings[key].append(time.perf_counter() - started)
            response.raise_for_status()
            sizes[key] = len(response.content)
    return {key: {**summarize(timings[key]), "bytes": sizes[key]} for key in keys}


def _walk(base_url: str, mode: str, stop_after: int | None = None) -> dict[str, Any]:
    """One walk in its own process (benchmarks/walk.py), so its peak RSS is its own."""
    argv = [sys.executable, "-m", "benchmarks.walk", base_url, "--mode", mode]
    argv += ["--username", USERNAME, "--password", PASSWORD]
    if stop_after is not None:
        argv += ["--stop-after", str(stop_after)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _paginate(base_url: str, expected: int, rounds: int) -> dict[str, Any]:
    """Every customer through paginate(), each mode of benchmarks/walk.py `rounds` times.

    Rounds alternate the modes (a rotating order), so a burst of load from elsewhere spreads
    over all of them alike; the medians are the figures. At 100k the emulator stores the
    renderings of 10k rows only (storage/rendered.py), so every walk renders most pages cold,
    as a client walking a large account meets them. The memory baseline is a walk stopped
    after its first page, and walks stopped after EARLY_STOPS records: a flat iterator peaks at
    about the same RSS after 10k records as after 100k.
    """
    modes = list(MODES)
    walks: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for round_ in range(rounds):
        for mode in rotated(modes, round_):
            result = _walk(base_url, mode)
            if result["records"] != expected:
                raise RuntimeError(f"{mode} walk yielded {result['records']}, expected {expected}")
            walks[mode].append(result)
    out: dict[str, Any] = {"records": expected, "pages": -(-expected // 500), "rounds": rounds}
    for mode in modes:
        rates = [w["records_per_second"] for w in walks[mode]]
        out[mode] = {
            "records_per_second": rates,
            "median_records_per_second": round(statistics.median(rates), 1),
            "median_seconds": round(statistics.median(w["seconds"] for w in walks[mode]), 2),
            "peak_rss_mib": max(w["peak_rss_mib"] for w in walks[mode]),
            # Walks stopped early: flat memory peaks at about the same RSS after 20 pages as
            # after the whole walk (one page has fewer pages in flight).
            "first_page_peak_rss_mib": _walk(base_url, mode, stop_after=500)["peak_rss_mib"],
            "early_peak_rss_mib": {
                str(records): _walk(base_url, mode, stop_after=records)["peak_rss_mib"]
                for records in EARLY_STOPS
                if records < expected
            },
        }
    return out


def run(
    *, spec: Path, workdir: Path, sizes: tuple[int, ...], samples: int, walk_rounds: int
) -> dict[str, Any]:
    """Per size: seeding, query latencies and peak RSS; full pagination at the largest size."""
    out: dict[str, Any] = {"sizes": list(sizes), "samples": samples, "queries": {}, "by_size": {}}
    for size in sizes:
        db = workdir / f"scale-{size}.sqlite3"
        result: dict[str, Any] = {"seeding": seed_database(db, spec, size)}
        port = free_port()
        server = Server(
            "emulator",
            [
                emulator_command(),
                "serve",
                "--port",
                str(port),
                "--db",
                str(db),
                "--rate-limit",
                "off",
            ],
            port=port,
            ready_path="/api/v3/teapot",
            headers=AUTH,
            log=workdir / f"emulator-scale-{size}.log",
        )
        base_url = f"http://127.0.0.1:{port}/api/v3"
        with server, httpx.Client(base_url=base_url, headers=AUTH, timeout=120) as client:
            queries = _queries(size)
            out["queries"].update({key: label for key, (label, _) in queries.items()})
            paths = {key: path for key, (_, path) in queries.items()}
            result["latency"] = _measure(client, paths, samples)
            if size == max(sizes):
                result["pagination"] = _paginate(base_url, size, walk_rounds)
            result["server_peak_rss_mib"] = round((server.peak_rss_kib() or 0) / 1024, 1)
        out["by_size"][str(size)] = result
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
    smallest, largest = str(min(sizes)), str(max(sizes))
    out["growth"] = {
        "table_ratio": max(sizes) / min(sizes),
        "median_ratio": {
            key: round(
                out["by_size"][largest]["latency"][key]["median_ms"]
                / out["by_size"][smallest]["latency"][key]["median_ms"],
                2,
            )
            for key in out["queries"]
        },
    }
    return out
