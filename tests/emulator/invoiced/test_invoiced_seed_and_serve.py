"""Seeding is deterministic (same seed, same rows), and the real commands work:
`contract-kit seed --vendor invoiced` then `contract-kit serve --vendor invoiced` over HTTP."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import KEY, invoiced_client, invoiced_settings
from tests.emulator_process import free_port

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACT_KIT = (sys.executable, "-m", "contract_kit")


def _rows(db: Path) -> list[Any]:
    with sqlite3.connect(db) as conn:
        tables = sorted(
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0].startswith("invoiced_")
        )
        return [(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]


def _seeded(tmp_path: Path, name: str, number: int, count: int) -> Path:
    emulator = Emulator(invoiced_settings(tmp_path, name))
    emulator.dialect.seed(emulator, number, count, progress=False)
    emulator.close()
    return tmp_path / f"{name}.sqlite3"


def test_the_same_seed_writes_the_same_rows(tmp_path: Path) -> None:
    first = _rows(_seeded(tmp_path, "a", 7, 12))
    assert first == _rows(_seeded(tmp_path, "b", 7, 12))
    assert first != _rows(_seeded(tmp_path, "c", 8, 12))
    customers = dict(first)["invoiced_customer"]
    contacts = dict(first)["invoiced_contact"]
    assert len(customers) == 12
    assert 12 <= len(contacts) <= 36


def test_seeded_customers_have_contacts_and_unique_numbers(tmp_path: Path) -> None:
    emulator = Emulator(invoiced_settings(tmp_path))
    emulator.dialect.seed(emulator, 1, 5, progress=False)
    client = invoiced_client(emulator)
    customers = client.get("/customers").json()
    assert len({customer["number"] for customer in customers}) == 5
    for customer in customers:
        contacts = client.get(f"/customers/{customer['id']}/contacts").json()
        assert [contact["primary"] for contact in contacts][:1] == [True]
    emulator.close()


def test_seed_then_serve_with_the_real_commands(tmp_path: Path) -> None:
    db = tmp_path / "served.sqlite3"
    seeded = subprocess.run(
        [*CONTRACT_KIT, "seed", "--vendor", "invoiced", "--db", str(db), "--seed", "3",
         "--seed-count", "4"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    server = subprocess.Popen(
        [*CONTRACT_KIT, "serve", "--vendor", "invoiced", "--db", str(db), "--port", str(port),
         "--api-key", "sk_served", "--rate-limit", "off"],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline and answer is None:
            with contextlib.suppress(httpx.TransportError):
                answer = httpx.get(f"{base}/customers?per_page=3", auth=("sk_served", ""))
            time.sleep(0.1)
        assert answer is not None, "the server did not answer"
        assert answer.status_code == 200
        assert len(answer.json()) == 3
        assert answer.headers["X-Total-Count"] == "4"
        assert 'rel="next"' in answer.headers["Link"]
        assert httpx.get(f"{base}/customers", auth=(KEY, "")).status_code == 401
        spec = httpx.get(f"{base}/openapi.yaml")
        assert spec.content == (REPO_ROOT / "spec" / "invoiced" / "openapi.yaml").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)
