"""The bench's full walk (benchmarks/walk.py) counts every customer in each mode, in its own
process, and the report shows each mode's median and memory.

A walk that stopped short, or counted a page twice, would put a rate in the table for work that
was not done; scale.py refuses a walk whose count differs from the table's size, and this test
runs the real walk command against a real emulator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from benchmarks.report import _pagination
from benchmarks.walk import MODES
from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, Settings
from chargeover_emulator.emulator import Emulator
from tests.threaded_server import serve_in_thread

CUSTOMERS = 1203  # three pages, the last one short


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("walk") / "walk.sqlite3"
    settings = Settings.from_env(db=str(db), rate_limit="off")
    emulator = Emulator(settings)
    emulator.dialect.seed(emulator, 1, CUSTOMERS, progress=False)
    with serve_in_thread(create_app(settings, emulator=emulator)) as base:
        yield f"{base}/api/v3"


def _walk(origin: str, *args: str) -> dict[str, object]:
    argv = [sys.executable, "-m", "benchmarks.walk", origin, *args]
    argv += ["--username", DEFAULT_USERNAME, "--password", DEFAULT_PASSWORD]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_walk_counts_every_customer_once(origin: str, mode: str) -> None:
    result = _walk(origin, "--mode", mode)
    assert result["mode"] == mode
    assert result["records"] == CUSTOMERS
    assert isinstance(result["peak_rss_mib"], float) and result["peak_rss_mib"] > 0


def test_a_walk_stopped_after_one_page_reads_one_page(origin: str) -> None:
    assert _walk(origin, "--stop-after", "500")["records"] == 500


def test_the_report_shows_each_modes_median_rounds_and_memory() -> None:
    walk = {
        "records_per_second": [21000.0, 23500.4, 22000.0],
        "median_records_per_second": 22000.0,
        "median_seconds": 4.55,
        "peak_rss_mib": 88.1,
        "first_page_peak_rss_mib": 60.2,
        "early_peak_rss_mib": {"10000": 86.5},
    }
    lines = _pagination({"records": 100000, "pages": 200, "rounds": 3, "default": walk})
    text = "\n".join(lines)
    assert "100,000 customers" in text and "3 alternating rounds" in text
    [row] = [line for line in lines if line.startswith("| `paginate(...)`")]
    assert (
        "**22,000**" in row
        and "21,000, 23,500, 22,000" in row
        and "60.2 / 86.5 (10,000 records) / 88.1" in row
    )
    assert "prefetch=False" not in text  # a mode that was not measured gets no row
