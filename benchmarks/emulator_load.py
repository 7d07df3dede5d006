"""Load benchmark for `chargeover-emulator serve` (not a test): requests/s and p50/p99 latency.

Starts the emulator as a subprocess on a free loopback port (rate limit off, seeded data),
then drives each scenario with a closed-loop httpx load generator running in separate
processes, so the generator does not share the server's event loop or GIL.

    python benchmarks/emulator_load.py [--seconds 5] [--workers 2] [--concurrency 4] \
        [--seed-count 1000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, environment_prefix

AUTH = (DEFAULT_USERNAME, DEFAULT_PASSWORD)
SCENARIOS: dict[str, tuple[str, str, Any]] = {
    "get_by_id": ("GET", "/api/v3/customer/{n}", None),
    "list_limit_500": ("GET", "/api/v3/customer?limit=500", None),
    "where_query": (
        "GET",
        "/api/v3/customer?where=bill_country:EQUALS:Canada,company:CONTAINS:Inc&limit=50",
        None,
    ),
    "create_customer": ("POST", "/api/v3/customer", {"company": "Bench Co", "bill_country": "USA"}),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _worker(base: str, scenario: str, seconds: float, concurrency: int, ids: int, out: Any) -> None:
    """Closed loop: `concurrency` sequential clients on threads, each waits for its reply."""
    import threading

    method, path, body = SCENARIOS[scenario]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(offset: int) -> None:
        local: list[float] = []
        n = offset
        with httpx.Client(base_url=base, auth=AUTH, timeout=30) as client:
            while time.perf_counter() < stop_at:
                n = n % ids + 1
                started = time.perf_counter()
                response = client.request(method, path.format(n=n), json=body)
                local.append(time.perf_counter() - started)
                if response.status_code >= 300:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=loop, args=(i * 97,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((latencies, errors[0]))


def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        # no CHARGEOVER_EMULATOR_* from the caller's shell: the command is the whole config
        env = {k: v for k, v in os.environ.items() if not k.startswith(environment_prefix())}
        command = [sys.executable, "-m", "chargeover_emulator", "serve", "--port", str(port)]
        command += ["--db", str(db), "--rate-limit", "off"]
        command += ["--seed", "1", "--seed-count", str(args.seed_count)]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/api/v3/teapot", auth=AUTH, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            results: dict[str, dict[str, float]] = {}
            for scenario in SCENARIOS:
                queue: Any = multiprocessing.Queue()
                procs = [
                    multiprocessing.Process(
                        target=_worker,
                        args=(
                            base,
                            scenario,
                            args.seconds,
                            args.concurrency,
                            args.seed_count,
                            queue,
                        ),
                    )
                    for _ in range(args.workers)
                ]
                for proc in procs:
                    proc.start()
                latencies: list[float] = []
                errors = 0
                for _ in procs:
                    got, failed = queue.get()
                    latencies.extend(got)
                    errors += failed
                for proc in procs:
                    proc.join()
                latencies.sort()
                results[scenario] = {
                    "requests": len(latencies),
                    "errors": errors,
                    "rps": round(len(latencies) / args.seconds, 1),
                    "p50_ms": round(statistics.median(latencies) * 1000, 2),
                    "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
                }
                print(scenario, results[scenario], flush=True)
            return results
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2, help="load generator processes")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="closed-loop clients per process"
    )
    parser.add_argument("--seed-count", type=int, default=1000, help="seeded customers")
    parser.add_argument("--output", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    results = run(args)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            json.dumps(
                {"settings": vars(args) | {"output": str(args.output)}, "results": results},
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
