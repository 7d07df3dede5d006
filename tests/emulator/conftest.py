"""Emulator fixtures: a fresh app over a tmp_path SQLite file per test, an authenticated client."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():
    # Starlette 1.10 deprecates httpx in its TestClient in favour of httpx2, which is not a
    # dependency here; the warning concerns packaging only, the client works unchanged.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.resources.base import ResourceService

AUTH = (DEFAULT_USERNAME, DEFAULT_PASSWORD)
FIXED_NOW = dt.datetime(2025, 3, 14, 9, 26, 53)


def make_client(app: Starlette, *, auth: tuple[str, str] | None = AUTH) -> TestClient:
    """A TestClient that raises server exceptions, so any 500 fails the test loudly."""
    client = TestClient(app, raise_server_exceptions=True)
    client.auth = auth
    return client


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh SQLite file and the rate limit off (tests that need it turn it on)."""
    return Settings(db=str(tmp_path / "emulator.sqlite3"), rate_limit=RateLimit(0, 60.0))


@pytest.fixture
def emulator(settings: Settings) -> Iterator[Emulator]:
    """The emulator state with a fixed clock."""
    state = Emulator(settings, clock=lambda: FIXED_NOW)
    yield state
    state.close()


@pytest.fixture
def client(emulator: Emulator) -> TestClient:
    """An authenticated in-process client."""
    return make_client(create_app(emulator=emulator))


@pytest.fixture
def anon(emulator: Emulator) -> TestClient:
    """A client that sends no credentials."""
    return make_client(create_app(emulator=emulator), auth=None)


def chargeover_service(emulator: Emulator, resource: str) -> ResourceService:
    """A ChargeOver resource service, for tests that look inside the dialect's rules."""
    service = emulator.services[resource]
    assert isinstance(service, ResourceService)
    return service


def policy_emulator(tmp_path: Path, policy: str) -> tuple[TestClient, Emulator]:
    """A fresh emulator under validation policy `policy` and an authenticated client for it."""
    settings = Settings.from_env(
        {}, db=str(tmp_path / f"{policy}.sqlite3"), rate_limit="off", validation=policy
    )
    emulator = Emulator(settings)
    return make_client(create_app(emulator=emulator)), emulator
