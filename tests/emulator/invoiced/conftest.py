"""Invoiced emulator fixtures: a fresh emulator over a tmp_path SQLite file, clients that send
the API key by HTTP Basic (key as username, empty password), and the same app over real HTTP."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette deprecates httpx in its TestClient in favour of httpx2 (packaging only).
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.dialects.invoiced import DEFAULT_API_KEY
from chargeover_emulator.emulator import Emulator
from tests.threaded_server import serve_in_thread

KEY = DEFAULT_API_KEY
FIXED_NOW = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
FIXED_TIMESTAMP = int(FIXED_NOW.timestamp())


def invoiced_settings(tmp_path: Path, name: str = "invoiced", **values: Any) -> Settings:
    """Settings for the Invoiced dialect with a fresh SQLite file, the rate limit off."""
    values.setdefault("rate_limit", "off")
    return Settings.from_env({}, vendor="invoiced", db=str(tmp_path / f"{name}.sqlite3"), **values)


def invoiced_client(emulator: Emulator, *, auth: tuple[str, str] | None = (KEY, "")) -> TestClient:
    """An in-process client that raises server exceptions, so any 500 fails the test loudly."""
    client = TestClient(create_app(emulator=emulator), raise_server_exceptions=True)
    client.auth = auth
    return client


@pytest.fixture
def inv_emulator(tmp_path: Path) -> Iterator[Emulator]:
    """The Invoiced emulator (faithful policy) with a fixed clock."""
    state = Emulator(invoiced_settings(tmp_path), clock=lambda: FIXED_NOW)
    yield state
    state.close()


@pytest.fixture
def inv(inv_emulator: Emulator) -> TestClient:
    """An authenticated in-process client."""
    return invoiced_client(inv_emulator)


@pytest.fixture
def inv_url(inv_emulator: Emulator) -> Iterator[str]:
    """The same emulator under uvicorn on a loopback port (real HTTP)."""
    with serve_in_thread(create_app(emulator=inv_emulator)) as url:
        yield url
