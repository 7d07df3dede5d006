"""Fynn emulator fixtures: a fresh Fynn emulator over a tmp_path SQLite file per test, clients
holding the default full key, the read-only key, or none."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.fynn.options import FULL_KEY, READ_ONLY_KEY

FULL = {"Authorization": f"Bearer {FULL_KEY}"}
READ_ONLY = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
FIXED_NOW = dt.datetime(2025, 3, 14, 9, 26, 53)


def fynn_settings(tmp_path: Path, **explicit: Any) -> Settings:
    """Fynn settings on a fresh file, rate limit off unless given."""
    explicit.setdefault("rate_limit", RateLimit(0, 60.0))
    return Settings.from_env({}, vendor="fynn", db=str(tmp_path / "fynn.sqlite3"), **explicit)


def make_client(emulator: Emulator, headers: dict[str, str] | None = FULL) -> TestClient:
    """An in-process client that raises server exceptions (any 500 fails loudly)."""
    client = TestClient(create_app(emulator=emulator), raise_server_exceptions=True)
    client.headers.update(headers or {})
    return client


@pytest.fixture
def fynn_factory(tmp_path: Path) -> Iterator[Callable[..., Emulator]]:
    """Build Fynn emulators with explicit settings (closed at the end of the test)."""
    built: list[Emulator] = []
    names = itertools.count()

    def build(**explicit: Any) -> Emulator:
        folder = tmp_path / f"e{next(names)}"
        folder.mkdir()
        state = Emulator(fynn_settings(folder, **explicit), clock=lambda: FIXED_NOW)
        built.append(state)
        return state

    yield build
    for state in built:
        state.close()


@pytest.fixture
def fynn(fynn_factory: Callable[..., Emulator]) -> Emulator:
    """A Fynn emulator with default settings and a fixed clock."""
    return fynn_factory()


@pytest.fixture
def api(fynn: Emulator) -> TestClient:
    """A client holding the default full key."""
    return make_client(fynn)


@pytest.fixture
def read_only(fynn: Emulator) -> TestClient:
    """A client holding the documented read-only key (`customer:read` only)."""
    return make_client(fynn, READ_ONLY)


def new_customer(client: TestClient, email: str = "anna@example.com", **fields: Any) -> Any:
    """Create a customer and return its JSON (asserting the 201)."""
    response = client.post("/customers", json={"email": email, **fields})
    assert response.status_code == 201, response.text
    return response.json()
