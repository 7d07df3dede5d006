"""Fixtures of the traffic tests: the hand-written cassettes and emulators over real HTTP."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from chargeover_emulator.config import Settings
from contracts.traffic.parity import Emulator, hosted_emulator

CASSETTES = Path(__file__).parent / "cassettes"


@pytest.fixture
def cassettes() -> Path:
    return CASSETTES


def emulator_settings(vendor: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {},
        vendor=vendor,
        db=str(tmp_path / f"{vendor}-recorded.sqlite3"),
        rate_limit="off",
        username="recorder",
        password="s3cr3t-private-key",
        api_key="sk_live_recorded_key",
    )


@pytest.fixture
def emulator_for(tmp_path: Path) -> Callable[[str], Any]:
    """`with emulator_for("chargeover") as (emulator, settings):` a served emulator."""
    import contextlib

    @contextlib.contextmanager
    def start(vendor: str) -> Iterator[tuple[Emulator, Settings]]:
        settings = emulator_settings(vendor, tmp_path)
        with hosted_emulator(vendor, settings=settings) as emulator:
            yield emulator, settings

    return start


def edit_vcrpy(source: Path, target: Path, edit: Callable[[list[dict[str, Any]]], None]) -> Path:
    """A copy of a vcrpy cassette with `edit` applied to its interactions."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    interactions = copy.deepcopy(data["interactions"])
    edit(interactions)
    data["interactions"] = interactions
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target
