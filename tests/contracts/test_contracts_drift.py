"""Issue 19 item 2: the run reports where the spec and the target disagree.

The worked example of the issue: the spec gains an optional `nickname` on customer create,
which the target (the emulator, strict, built from the original spec) refuses with 400, and
the spec loses a read field (`custom_5`) that the target still returns; and it documents a read
field (`nickname`) the target never returns.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import yaml

from contracts.reporting import Progress, RunReport
from contracts.runner import run
from contracts.settings import SPEC_PATH, Settings
from tests.contracts.conftest import SMALL, fresh_emulator
from tests.threaded_server import serve_in_thread


def drift_run(spec_path: Path) -> RunReport:
    app, credentials = fresh_emulator(customers=3)
    settings = Settings.from_env(
        {},
        target="emulator-inprocess",
        suites=("drift",),
        spec_path=spec_path,
        profile_override=SMALL,
        seed=1,
    )
    return run(settings, app=app, credentials=credentials, progress=Progress(io.StringIO()))


def drifted_spec(tmp_path: Path) -> Path:
    """The repository's spec with the issue's two edits."""
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    schemas["CustomerCreate"]["properties"]["nickname"] = {"type": "string"}
    del schemas["Customer"]["properties"]["custom_5"]
    # and a read field the target does not have
    schemas["Customer"]["properties"]["nickname"] = {"type": ["string", "null"]}
    path = tmp_path / "drifted.openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_the_spec_and_its_own_emulator_agree() -> None:
    report = drift_run(SPEC_PATH)
    assert report.ok, report.markdown()
    assert [f for f in report.drift if f.severity != "note"] == [], report.markdown()


def test_a_refused_documented_field_fails_and_a_removed_field_is_reported(tmp_path: Path) -> None:
    report = drift_run(drifted_spec(tmp_path))
    assert not report.ok
    (failure,) = report.failures
    assert failure.suite == "drift" and failure.operation == "POST /customer"
    assert "`nickname`" in failure.title and "HTTP 400" in failure.message
    assert failure.reproduction.startswith("curl -X POST") and "nickname" in failure.reproduction
    found = {(f.severity, f.kind, f.resource, f.field) for f in report.drift}
    assert ("failure", "rejected", "customer", "nickname") in found
    assert ("warning", "undocumented", "customer", "custom_5") in found
    assert ("warning", "never returned", "customer", "nickname") in found
    markdown = report.markdown()
    assert "## Drift" in markdown and "| warning | customer | `custom_5` | undocumented" in markdown


def test_probes_on_a_real_account_are_cleaned_up() -> None:
    """On a URL target with --allow-writes the probes create prefixed objects only, and the
    run deletes them all (contracts/safety.py)."""
    app, credentials = fresh_emulator(customers=3)
    with serve_in_thread(app) as address:
        settings = Settings.from_env(
            {},
            target="url",
            base_url=f"{address}/api/v3",
            username=credentials[0],
            password=credentials[1],
            allow_writes=True,
            suites=("drift",),
            profile_override=SMALL,
            seed=1,
        )
        report = run(settings, progress=Progress(io.StringIO()))
        assert report.ok and report.leftovers == [], report.markdown()
        count = httpx.get(f"{address}/api/v3/customer/_count", auth=credentials).json()
        assert count["response"] == 3  # the seeded customers only
