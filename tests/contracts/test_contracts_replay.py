"""Issue 19 item 6: a run can be replayed: its seed is printed and reported, and every
reproduction is one curl style with `$BASE_URL` and `$AUTHORIZATION` placeholders."""

from __future__ import annotations

import io

from contracts.reporting import FailureRecord, Progress, RunReport, replayable
from contracts.runner import run
from contracts.settings import Settings
from tests.contracts.conftest import SMALL, fresh_emulator

BASE = "http://127.0.0.1:50123/api/v3"


def test_schemathesis_and_harness_reproductions_come_out_alike() -> None:
    schemathesis_style = (
        "curl -X POST -H 'Authorization: [Filtered]' -H 'Content-Type: application/json' "
        "-d ' ' http://127.0.0.1:50123/api/v3/invoice/41/_action/void"
    )
    harness_style = (
        "curl -X POST -u USER:PASS -H 'Content-Type: application/json' -d ' ' "
        "'http://127.0.0.1:50123/api/v3/invoice/41/_action/void'"
    )
    expected = (
        "curl -X POST -H \"Authorization: $AUTHORIZATION\" -H 'Content-Type: application/json' "
        "-d ' ' \"$BASE_URL\"/invoice/41/_action/void"
    )
    assert replayable(schemathesis_style, BASE) == expected
    # a quoted URL stays one shell word: the quote is closed around the variable
    assert replayable(harness_style, BASE) == (
        "curl -X POST -H \"Authorization: $AUTHORIZATION\" -H 'Content-Type: application/json' "
        "-d ' ' \"$BASE_URL\"'/invoice/41/_action/void'"
    )


def test_the_report_stores_replayable_reproductions_only() -> None:
    report = RunReport(target="url", base_url=BASE, profile="fast", seed=7)
    report.add_failure(
        FailureRecord(
            "schemathesis", "GET /customer", "check", "t", "m",
            f"curl -X GET -H 'Authorization: Basic c2VjcmV0OnNlY3JldA==' '{BASE}/customer?x=1'",
        )
    )  # fmt: skip
    (failure,) = report.failures
    assert "c2VjcmV0" not in failure.reproduction and "50123" not in failure.reproduction
    assert failure.reproduction.endswith("\"$BASE_URL\"'/customer?x=1'")
    markdown = report.markdown()
    assert "seed: `7` (replay the run with `--seed 7`)" in markdown
    assert "`BASE_URL`" in markdown and "`AUTHORIZATION`" in markdown


def test_a_run_without_seed_picks_one_and_prints_it() -> None:
    app, credentials = fresh_emulator()
    settings = Settings.from_env(
        {}, target="emulator-inprocess", suites=("leniencies",), profile_override=SMALL
    )
    assert settings.seed is None
    console = io.StringIO()
    report = run(settings, app=app, credentials=credentials, progress=Progress(console))
    assert report.seed is not None
    assert f"seed {report.seed} (replay with --seed {report.seed})" in console.getvalue()
