"""Concurrent clients over real HTTP: ids unique, _count exact, no lost update, no 5xx."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.emulator_process import EmulatorProcess
from tests.reliability.ledger import Ledger, Row
from tests.reliability.load import run_load
from tests.reliability.weakened_server import SERVE as WEAKENED_SERVE


def _check_and_record(process: EmulatorProcess, clients: int, creates: int, ledger: Ledger) -> None:
    outcome = run_load(process.base_url, process.auth, clients=clients, creates=creates)
    assert outcome.problems == [], outcome.problems
    assert outcome.statuses[201] == clients * creates
    ledger.record(
        Row(
            family="concurrency",
            scenario=f"{clients} clients x {creates} creates + {creates} updates, real HTTP",
            load_held=f"{outcome.operations} writes in {outcome.seconds:.1f}s "
            f"({outcome.operations / outcome.seconds:.0f}/s), 0 errors",
            data_lost=outcome.lost_creates + outcome.lost_updates,
            seconds=round(outcome.seconds, 1),
            notes="ids unique, _count exact, every acknowledged value stored",
        )
    )


def test_concurrent_writers_small(spawn: Callable[..., EmulatorProcess], ledger: Ledger) -> None:
    _check_and_record(spawn(), clients=4, creates=25, ledger=ledger)


@pytest.mark.slow
def test_concurrent_writers_full(spawn: Callable[..., EmulatorProcess], ledger: Ledger) -> None:
    _check_and_record(spawn(), clients=8, creates=500, ledger=ledger)


def test_load_detects_a_non_atomic_update(
    spawn: Callable[..., EmulatorProcess], ledger: Ledger
) -> None:
    """Can fail: with updates split into read + write, concurrent writers lose updates."""
    weak = spawn("weak", command=WEAKENED_SERVE, extra_args=("--weakness", "lost-update"))
    outcome = run_load(weak.base_url, weak.auth, clients=8, creates=20)
    assert outcome.lost_updates > 0, outcome
    assert any("updates lost" in problem for problem in outcome.problems)
    ledger.record(
        Row(
            family="can fail",
            scenario="concurrency vs. update split into read + write",
            notes=f"detected: {outcome.lost_updates} lost updates",
        )
    )
