"""Fynn over real HTTP: `contract-kit serve --vendor fynn` as a subprocess (create, read, list
with `meta.pagination`, auth, an unknown route) and `contract-kit seed --vendor fynn`, whose
same seed writes the same data (ids and timestamps included)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chargeover_emulator.fynn.options import FULL_KEY, READ_ONLY_KEY
from tests.emulator_process import REPO_ROOT, free_port

CONTRACT_KIT = (sys.executable, "-m", "contract_kit")
FULL = {"Authorization": f"Bearer {FULL_KEY}"}


def _environment() -> dict[str, str]:
    """The caller's environment without any FYNN_EMULATOR_* (the arguments are the config)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FYNN_EMULATOR_")}


@contextlib.contextmanager
def _served(db: Path, log: Path) -> Iterator[str]:
    port = free_port()
    command = [
        *CONTRACT_KIT,
        "serve",
        "--vendor",
        "fynn",
        "--db",
        str(db),
        "--port",
        str(port),
        "--rate-limit",
        "off",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, env=_environment()
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{base}/customers", timeout=1.0)
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"serve did not answer on {base} in 30 s:\n{log.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_vendor_fynn_over_real_http(tmp_path: Path) -> None:
    with _served(tmp_path / "fynn.sqlite3", tmp_path / "serve.log") as base:
        with httpx.Client(base_url=base, headers=FULL, timeout=10) as client:
            created = client.post("/customers", json={"email": "anna@example.com"})
            assert created.status_code == 201
            assert created.headers["content-type"] == "application/json"
            customer = created.json()
            assert client.get(f"/customers/{customer['id']}").json() == customer
            listed = client.get("/customers", params={"limit": 1}).json()
            assert listed["meta"]["pagination"] == {
                "totalItems": 1,
                "itemsPerPage": 1,
                "currentPage": 1,
                "lastPage": 1,
                "pageTotalItems": 1,
            }
            assert listed["data"][0]["id"] == customer["id"]
            missing = client.get("/no-such-route")
            assert missing.status_code == 404
            assert set(missing.json()) == {"type", "title", "detail"}
        assert httpx.get(f"{base}/customers").status_code == 401
        read_only = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
        denied = httpx.post(f"{base}/customers", json={"email": "b@example.com"}, headers=read_only)
        assert denied.status_code == 403
        assert (
            httpx.get(f"{base}/customers", headers=read_only).json()["meta"]["pagination"][
                "totalItems"
            ]
            == 1
        )


def _dump(db: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return [
            (table, *row)
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        ]


@pytest.mark.slow
def test_seed_vendor_fynn_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("one", "two"):
        db = tmp_path / f"{name}.sqlite3"
        subprocess.run(
            [
                *CONTRACT_KIT,
                "seed",
                "--vendor",
                "fynn",
                "--db",
                str(db),
                "--seed",
                "7",
                "--seed-count",
                "6",
            ],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            env=_environment(),
        )
        dumps.append(_dump(db))
    assert dumps[0] == dumps[1]
    customers = [row for row in dumps[0] if row[0] == "customer"]
    assert len(customers) >= 6
    other = tmp_path / "other.sqlite3"
    subprocess.run(
        [
            *CONTRACT_KIT,
            "seed",
            "--vendor",
            "fynn",
            "--db",
            str(other),
            "--seed",
            "8",
            "--seed-count",
            "6",
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        env=_environment(),
    )
    assert _dump(other) != dumps[0]
