"""The bench's Invoiced and Fynn rows send what their emulators answer with 2xx.

Every request the `vendors` section sends (and the ceiling replays) must be a success on the
real `contract-kit serve --vendor V` it starts: error answers are cheap, so a 4xx scenario would
make the emulator look fast. Fynn's create must also differ per request (its login email is
unique), which a numbered load body does; the broken variant, the same body every time, fails.
Nothing here asserts a timing.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.http_load import (
    SEED_CUSTOMERS,
    capture_answers,
    chargeover_profile,
    drive,
    emulator_command,
    fetch,
    serve_options,
)
from benchmarks.loadgen import Load, run_load
from benchmarks.processes import Server, free_port
from benchmarks.profiles import NUMBERED
from benchmarks.report import markdown
from benchmarks.vendors import VENDORS, Vendor, seeded_ids

BY_NAME = {vendor.name: vendor for vendor in VENDORS}


@pytest.fixture(scope="module", params=[vendor.name for vendor in VENDORS])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Vendor, Server]]:
    """The vendor's emulator started exactly as the bench starts it (seeded, rate limit off)."""
    vendor = BY_NAME[request.param]
    home = tmp_path_factory.mktemp(f"bench-{vendor.name}")
    port = free_port()
    server = Server(
        "emulator",
        vendor.command(port, home / "emulator.sqlite3"),
        port=port,
        ready_path=vendor.list_query(size=1),
        headers=vendor.auth,
        log=home / "emulator.log",
    )
    with server:
        yield vendor, server


def test_every_request_of_the_vendor_scenarios_gets_2xx_from_its_emulator(
    served: tuple[Vendor, Server],
) -> None:
    vendor, server = served
    ids = seeded_ids(server.port, vendor)
    assert len(ids) >= SEED_CUSTOMERS
    assert len(set(ids)) == len(ids)
    profile = vendor.profile(ids)
    assert [s.key for s in profile.scenarios] == [
        "get_by_id",
        f"list_{vendor.page_size}_{vendor.max_page}",
        "create_customer",
    ]
    # capture_answers sends every request line once, as the bench does for the ceiling; it
    # raises on any non-2xx answer (urllib), and records the statuses
    answers = capture_answers(server.port, profile, "")
    assert len(answers) == sum(len(s.paths) for s in profile.scenarios)
    assert {a["status"] for a in answers.values()} <= {200, 201}
    fetched = json.loads(answers[f"GET {vendor.list_query()}"]["body"])
    listed = vendor.records(fetched)
    assert listed is not None and len(listed) == vendor.max_page
    one = json.loads(answers[f"GET {profile.scenarios[0].paths[1]}"]["body"])
    assert str(one["id"]) == ids[7]


def test_a_list_load_counts_the_vendors_records_without_errors(
    served: tuple[Vendor, Server],
) -> None:
    vendor, server = served
    profile = vendor.profile(seeded_ids(server.port, vendor))
    key = profile.scenarios[1].key
    results = drive(server, profile, "", 1.0, 1.0, "auto", only={key: {}})
    assert list(results) == [key]
    assert results[key]["errors"] == 0, results
    assert results[key]["requests"] > 0
    assert results[key]["items_per_response"] == vendor.max_page


def test_the_auth_of_the_profile_is_the_one_the_emulator_checks(
    served: tuple[Vendor, Server],
) -> None:
    vendor, server = served
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(server.port, {}, vendor.list_query(size=1))
    refused.value.close()  # the error holds the response (and its socket)
    assert refused.value.code == 401
    assert fetch(server.port, vendor.auth, vendor.list_query(size=1))


def _create_load(vendor: Vendor, server: Server, *, numbered: bool) -> Load:
    """The bench's create load (numbered), or the same body for every request (not)."""
    create = vendor.profile(["x"]).scenarios[-1]
    body = json.dumps(create.body).encode() if numbered else create.payload("same")
    return Load(
        host="127.0.0.1",
        port=server.port,
        method="POST",
        paths=list(create.paths),
        headers={**vendor.auth, "Content-Type": "application/json"},
        body=body,
        connections=2,
        seconds=1.0,
        numbered=NUMBERED if numbered else None,
    )


@pytest.mark.parametrize(
    "generator",
    [
        "python",
        pytest.param(
            "wrk",
            marks=pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed"),
        ),
    ],
)
def test_a_numbered_create_load_never_repeats_fynns_unique_email(
    served: tuple[Vendor, Server], generator: str
) -> None:
    vendor, server = served
    if not vendor.unique_fields:
        pytest.skip(f"{vendor.title}'s create has no unique field")
    result = run_load(_create_load(vendor, server, numbered=True), generator)
    assert result["requests"] > 1
    assert result["errors"] == 0, result
    # the broken variant: one email for every request, so all but the first are 422s
    broken = run_load(_create_load(vendor, server, numbered=False), generator)
    assert broken["requests"] > 1
    assert broken["errors"] >= broken["requests"] - 1, broken
    assert broken["error_detail"].get("errors_status"), broken


def test_the_vendor_requests_come_from_the_spec() -> None:
    invoiced, fynn = BY_NAME["invoiced"], BY_NAME["fynn"]
    assert (invoiced.max_page, fynn.max_page) == (100, 100)
    assert invoiced.list_query() == "/customers?per_page=100"
    assert fynn.list_query(page=3) == "/customers?limit=100&page=3"
    assert invoiced.create_body() == {
        "name": "Acme",
        "email": "billing@acmecorp.com",
        "payment_terms": "NET 30",
        "type": "company",
    }
    body = fynn.create_body()
    assert body["email"] == f"john.doe.{NUMBERED}@example.com"
    assert body["lastName"] == "Doe"
    profile = fynn.profile([f"id-{n}" for n in range(30)])
    assert profile.scenarios[0].paths == ("/customers/id-0", "/customers/id-7",
                                          "/customers/id-14", "/customers/id-21",
                                          "/customers/id-28")  # fmt: skip
    assert (
        profile.scenarios[-1].payload("a.1")
        == json.dumps({**body, "email": "john.doe.a.1@example.com"}).encode()
    )


def test_chargeovers_requests_get_2xx_from_the_emulator_the_http_section_starts(
    tmp_path: Path,
) -> None:
    profile = chargeover_profile()
    port = free_port()
    server = Server(
        "emulator",
        [emulator_command(), "serve", *serve_options(port, tmp_path / "emulator.sqlite3")],
        port=port,
        ready_path=profile.api_root + profile.ready_path,
        headers=profile.auth,
        log=tmp_path / "emulator.log",
    )
    with server:
        answers = capture_answers(server.port, profile, profile.api_root)
        assert len(answers) == sum(len(s.paths) for s in profile.scenarios)
        assert {a["status"] for a in answers.values()} <= {200, 201}
        assert profile.items(answers["GET /customer?limit=500"]["body"].encode()) == 500


def test_chargeovers_profile_keeps_its_request_types() -> None:
    profile = chargeover_profile()
    assert [s.key for s in profile.scenarios] == [
        "get_by_id",
        "list_limit_500",
        "where_query",
        "create_customer",
    ]
    assert profile.scenarios[0].paths[:2] == ("/customer/1", "/customer/8")
    assert profile.items(b'{"response": [{}, {}, {}]}') == 3
    assert profile.items(b'{"response": {"customer_id": 1}}') == 1
    assert not any(s.numbered for s in profile.scenarios)


def _result(rps: float, *, errors: int = 0, items: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "requests": 1000,
        "rps": rps,
        "median_ms": 1.5,
        "p99_ms": 4.0,
        "bytes_per_response": 900,
        "errors": errors,
        "error_detail": {"errors_status": errors} if errors else {},
    }
    if items is not None:
        result["items_per_response"] = items
    return result


def _vendor_results(*, steady_errors: int = 0) -> dict[str, Any]:
    scenarios = {
        "get_by_id": {"label": "get by id", "method": "GET", "path": "/customers/1"},
        "list_per_page_100": {
            "label": "list per_page=100",
            "method": "GET",
            "path": "/customers?per_page=100",
        },
        "create_customer": {"label": "create", "method": "POST", "path": "/customers"},
    }
    return {
        "title": "Invoiced",
        "spec": "spec/invoiced/openapi.yaml",
        "command": "contract-kit serve --vendor invoiced --seed 1 --seed-count 1000",
        "seeded_customers": 1000,
        "customers": 1000,
        "ids_cycled": 143,
        "scenarios": scenarios,
        "emulator": {
            "get_by_id": _result(4000.0, items=1),
            "list_per_page_100": _result(900.0, items=100),
            "create_customer": _result(2500.0),
        },
        "ceiling": {
            "get_by_id": _result(8000.0, items=1),
            "list_per_page_100": _result(3000.0, items=100),
            "create_customer": _result(7000.0),
        },
        "ceiling_ratios": {"get_by_id": 0.5, "list_per_page_100": 0.3, "create_customer": 0.36},
        "steady": {
            "get_by_id": _result(2000.0, items=1),
            "list_per_page_100": _result(2100.0, items=1),
            "create_customer": _result(1900.0, errors=steady_errors),
        },
        "steady_ratios": {
            "get_by_id": 2.0,
            "list_per_page_100": 0.43,
            "create_customer": None if steady_errors else 1.32,
        },
        "emulator_peak_rss_kib": 97_280,
        "steady_peak_rss_kib": 51_200,
        "prism": None,
        "prism_missing": "no Prism CLI under /nowhere (the nox bench session installs it)",
    }


def _render(vendor: dict[str, Any]) -> str:
    machine = {
        "cores": 2,
        "cpu_model": "test",
        "memory_gib": 1,
        "platform": "test",
        "load_average_before": [0.1, 0.1, 0.1],
        "python": "3.11",
        "sqlite": "3",
        "node": None,
        "versions": {},
        "git_commit": "abc",
        "git_dirty": False,
        "started_at": "now",
        "mode": "quick",
    }
    section = {
        "generator": "wrk",
        "connections": 8,
        "seconds_per_scenario": 2.0,
        "warmup_seconds": 1.0,
        "vendors": {"invoiced": vendor},
    }
    return markdown({"machine": machine, "vendors": section})


def test_the_report_renders_a_table_per_vendor_with_every_anchor() -> None:
    text = _render(_vendor_results())
    assert "## Invoiced and Fynn emulators vs Prism, Steady and the ceiling" in text
    assert "### Invoiced" in text
    lines = text.splitlines()
    get_row = next(line for line in lines if line.startswith("| get by id: `GET /customers/1`"))
    cells = [cell.strip() for cell in get_row.strip("|").split("|")]
    # request, emulator rps, median, p99, bytes, Prism rps, e/Prism, Steady rps, e/Steady,
    # ceiling rps, e/ceiling
    assert cells[1] == "4,000.0"
    assert cells[5:] == ["-", "n/a", "2,000.0", "**2.00x**", "8,000.0", "**0.50x**"]
    served = next(line for line in lines if line.startswith("What each server sends"))
    assert "emulator get by id 900 B, list per_page=100 900 B (100 records)" in served
    assert "Steady get by id 900 B, list per_page=100 900 B (1 record), create 900 B" in served
    assert "Prism not measured: no Prism CLI under /nowhere" in text
    assert "Peak RSS after the load: emulator 95.0 MiB, Steady 50.0 MiB." in text
    assert "Errors" not in text


def test_the_report_says_which_mock_failed_and_gives_it_no_ratio() -> None:
    text = _render(_vendor_results(steady_errors=1000))
    create_row = next(line for line in text.splitlines() if line.startswith("| create:"))
    assert "1,900.0 (1000 errors) | n/a |" in create_row
    assert "Steady create (1,000 of 1,000 requests: status 1,000)" in text
