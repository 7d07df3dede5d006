"""Issue 19 items 5 and 8: `serve --seed` on a persisted database, seeded links, a clean stop."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from contract_kit.cli import main
from tests.emulator_process import REPO_ROOT, SERVE, EmulatorProcess, free_port

SEED = ("--seed", "7", "--seed-count", "5")


def customers(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT external_key, company FROM customer ORDER BY customer_id")
        return [tuple(row) for row in rows]


def test_serve_seed_twice_on_one_database_is_clean(tmp_path: Path) -> None:
    db, log = tmp_path / "persisted.sqlite3", tmp_path / "serve.log"
    origins = []
    for _ in range(2):  # the second start crashed: 'external_key value "seed-1"' already used
        with EmulatorProcess(db, log=log, extra_args=SEED) as process:
            origins.append(f"http://127.0.0.1:{process.port}/")
            count = httpx.get(f"{process.base_url}/customer/_count", auth=process.auth).json()
            assert count["response"] == 5
            first = httpx.get(f"{process.base_url}/customer/1", auth=process.auth).json()
            # seeded links name the address first served, port included (and are kept)
            assert first["response"]["url_self"].startswith(origins[0]), first["response"]
    assert "Traceback" not in log.read_text()
    assert [key for key, _ in customers(db)] == [f"seed-{n}" for n in range(1, 6)]


def test_seed_adds_only_what_is_missing_and_stays_deterministic(tmp_path: Path) -> None:
    grown, fresh = tmp_path / "grown.sqlite3", tmp_path / "fresh.sqlite3"
    for count in ("3", "3", "6"):
        assert main(["seed", "--db", str(grown), "--seed", "7", "--seed-count", count]) == 0
    assert main(["seed", "--db", str(fresh), "--seed", "7", "--seed-count", "6"]) == 0
    # 3, again 3 (nothing new), then 6: the same six customers a fresh database gets
    assert customers(grown) == customers(fresh) and len(customers(fresh)) == 6


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_server_exits_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--db", str(tmp_path / "stop.sqlite3")],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # a shell's background jobs ignore SIGINT; a terminal's Ctrl-C does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.yaml", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        process.send_signal(stop)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = err.decode(errors="replace")
    assert process.returncode == 0, text  # SIGTERM ended in -15: "Session emulator failed"
    assert "Traceback" not in text and "chargeover-emulator: stopped" in text
