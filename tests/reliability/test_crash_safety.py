"""kill -9 the emulator mid-burst: the file stays sound and every acknowledged create survives."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.emulator_process import EmulatorProcess
from tests.reliability.crash import CrashOutcome, crash_cycle
from tests.reliability.ledger import Ledger, Row
from tests.reliability.weakened_server import SERVE as WEAKENED_SERVE


def _run(process: EmulatorProcess, cycles: int, kill_after: int, ledger: Ledger) -> None:
    outcome = CrashOutcome()
    started = time.monotonic()
    for _ in range(cycles):
        crash_cycle(process, outcome, writers=4, kill_after=kill_after)
    assert outcome.integrity == []
    assert outcome.problems == []
    ledger.record(
        Row(
            family="crash safety",
            scenario=f"kill -9 during a 4-writer create burst, {cycles} cycle(s)",
            load_held=f"{outcome.acknowledged} acknowledged creates",
            faults_survived=outcome.kills,
            data_lost=outcome.lost,
            seconds=round(time.monotonic() - started, 1),
            notes="PRAGMA integrity_check ok after each restart; every 201 present",
        )
    )


def test_kill9_mid_burst_small(spawn: Callable[..., EmulatorProcess], ledger: Ledger) -> None:
    _run(spawn(), cycles=1, kill_after=100, ledger=ledger)


@pytest.mark.slow
def test_kill9_mid_burst_full(spawn: Callable[..., EmulatorProcess], ledger: Ledger) -> None:
    _run(spawn(), cycles=5, kill_after=600, ledger=ledger)


def test_crash_check_detects_write_behind_storage(
    spawn: Callable[..., EmulatorProcess], ledger: Ledger
) -> None:
    """Can fail: storage that acknowledges before committing loses 201s to kill -9."""
    weak = spawn("weak", command=WEAKENED_SERVE, extra_args=("--weakness", "write-behind"))
    outcome = CrashOutcome()
    crash_cycle(weak, outcome, writers=4, kill_after=100)
    assert outcome.lost > 0
    assert outcome.problems
    ledger.record(
        Row(
            family="can fail",
            scenario="crash safety vs. write-behind storage (commit every 500)",
            notes=f"detected: {outcome.lost} of {outcome.acknowledged} acknowledged creates lost",
        )
    )
