"""Fixtures for the reliability scenarios: profile, results ledger, in-process and real emulators.

`RELIABILITY_PROFILE=full` (set by `nox -s reliability`) runs the heavy `slow` scenarios at full
size; the default `fast` profile skips them here, so the README's test command stays quick, and
runs a small version of every scenario family instead. `RELIABILITY_RESULTS=<path>` makes the
session write the measured results as JSON for `python -m tests.reliability.report`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.emulator_process import EmulatorProcess
from tests.reliability.inprocess import InProcessEmulator
from tests.reliability.ledger import Ledger
from tests.reliability.profile import FULL, PROFILE

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this directory's heavy scenarios unless the profile is `full`."""
    if FULL:
        return
    skip = pytest.mark.skip(reason="heavy scenario: `nox -s reliability` runs it in full")
    for item in items:
        if "slow" in item.keywords and _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def ledger() -> Iterator[Ledger]:
    """Measured results of this session, written as JSON when RELIABILITY_RESULTS is set."""
    book = Ledger(PROFILE)
    yield book
    target = os.environ.get("RELIABILITY_RESULTS")
    if target:
        book.write(Path(target))


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[InProcessEmulator]:
    """A fresh in-process emulator with a canary table (nothing seeded)."""
    target = InProcessEmulator(tmp_path)
    yield target
    target.close()


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., EmulatorProcess]]:
    """Start emulator subprocesses over files in tmp_path; all are stopped at teardown."""
    started: list[EmulatorProcess] = []

    def start(name: str = "emulator", **options: object) -> EmulatorProcess:
        process = EmulatorProcess(
            tmp_path / f"{name}.sqlite3",
            log=tmp_path / f"{name}.log",
            **options,  # type: ignore[arg-type]
        )
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.stop()
