"""Drift: each kind of difference between the spec and recorded traffic is reported, and
nothing is reported for the docs' own examples."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from contracts.traffic.cassette import Interaction, read_cassette, write_har, write_vcr
from contracts.traffic.cli import main
from contracts.traffic.drift import drift, drift_findings
from contracts.traffic.findings import TrafficWaiver, WaiverError, load_waivers
from contracts.traffic.matching import VendorSpec


@pytest.fixture(scope="module")
def chargeover() -> VendorSpec:
    return VendorSpec("chargeover")


@pytest.fixture(scope="module")
def invoiced() -> VendorSpec:
    return VendorSpec("invoiced")


def _docs(cassettes: Path, name: str) -> list[Interaction]:
    return read_cassette(cassettes / name)


def _with_response(item: Interaction, edit: Any) -> Interaction:
    body = item.response_json()
    edit(body)
    return dataclasses.replace(item, response_body=json.dumps(body).encode())


def _findings(spec: VendorSpec, items: list[Interaction]) -> list[tuple[str, str, str]]:
    findings, _, _ = drift_findings(spec, items)
    return [(f.operation, f.check, f.subject) for f in findings]


def test_the_docs_examples_drift_nowhere(cassettes: Path, chargeover: VendorSpec) -> None:
    items = _docs(cassettes, "chargeover_docs_ruby.yml") + _docs(
        cassettes, "chargeover_docs_vcrpy.yaml"
    )
    findings, checked, examples = drift_findings(chargeover, items)
    assert findings == []
    assert examples == {
        "createCustomer": 1,
        "getCustomer": 2,
        "customerSetInactive (via customerLegacyAction)": 1,
    }
    assert len(checked) == 4 * 5


def test_invoiceds_docs_examples_drift_nowhere(cassettes: Path, invoiced: VendorSpec) -> None:
    assert _findings(invoiced, _docs(cassettes, "invoiced_docs.har")) == []


def test_legacy_action_urls_are_the_actions_operation(
    cassettes: Path, chargeover: VendorSpec
) -> None:
    action = _docs(cassettes, "chargeover_docs_ruby.yml")[2]
    found = chargeover.match(action)
    assert found is not None and found.legacy is not None
    assert (found.operation.operation_id, found.legacy.operation_id) == (
        "customerSetInactive",
        "customerLegacyAction",
    )
    unknown = dataclasses.replace(action, url=action.url.replace("setInactive", "fly"))
    assert _findings(chargeover, [unknown]) == [
        ("customerLegacyAction", "drift_request_valid", "query/action")
    ]


def test_a_field_the_spec_does_not_describe_is_reported(
    cassettes: Path, chargeover: VendorSpec
) -> None:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    edited = _with_response(get, lambda body: body["response"].update(loyalty_tier="gold"))
    assert _findings(chargeover, [edited]) == [
        ("getCustomer", "drift_fields_described", "response.loyalty_tier")
    ]


def test_nested_undescribed_fields_are_found_in_list_items(
    cassettes: Path, invoiced: VendorSpec
) -> None:
    listing = _docs(cassettes, "invoiced_docs.har")[2]
    edited = _with_response(listing, lambda body: body[0].update(risk_score=3))
    assert _findings(invoiced, [edited]) == [
        ("listCustomers", "drift_fields_described", "[].risk_score")
    ]


def test_a_response_the_schema_rejects_is_reported(cassettes: Path, chargeover: VendorSpec) -> None:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    edited = _with_response(get, lambda body: body["response"].update(customer_id="sixteen"))
    assert _findings(chargeover, [edited]) == [
        ("getCustomer", "drift_response_valid", "/response/customer_id")
    ]


def test_a_status_the_operation_does_not_document_is_reported(
    cassettes: Path, chargeover: VendorSpec
) -> None:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    assert _findings(chargeover, [dataclasses.replace(get, status=418)]) == [
        ("getCustomer", "drift_status_documented", "status")
    ]


def test_a_route_no_operation_serves_is_reported(cassettes: Path, chargeover: VendorSpec) -> None:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    widget = dataclasses.replace(get, url="https://example.chargeover.com/api/v3/widget/1")
    assert _findings(chargeover, [widget]) == [
        ("(undocumented route)", "drift_matched", "GET /api/v3/widget/1")
    ]


def test_a_request_the_spec_rejects_is_reported_unless_a_leniency_documents_it(
    cassettes: Path, chargeover: VendorSpec
) -> None:
    create = _docs(cassettes, "chargeover_docs_ruby.yml")[0]
    body = create.request_json()
    wrong = dataclasses.replace(create, request_body=json.dumps({**body, "tags": "t"}).encode())
    assert _findings(chargeover, [wrong]) == [
        ("createCustomer", "drift_request_valid", "body/tags")
    ]
    # an unknown field is what ChargeOver's dialect documents the real API ignoring
    lenient = dataclasses.replace(
        create, request_body=json.dumps({**body, "write_datetime": "2015-06-08"}).encode()
    )
    assert _findings(chargeover, [lenient]) == []


def test_a_query_parameter_the_operation_does_not_declare_is_reported(
    cassettes: Path, chargeover: VendorSpec
) -> None:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    assert _findings(chargeover, [dataclasses.replace(get, url=get.url + "?expand=all")]) == [
        ("getCustomer", "drift_request_valid", "query/expand")
    ]


def test_a_required_header_the_api_did_not_send_is_reported(
    cassettes: Path, invoiced: VendorSpec
) -> None:
    listing = _docs(cassettes, "invoiced_docs.har")[2]
    without = dataclasses.replace(
        listing, response_headers=tuple(h for h in listing.response_headers if h[0] != "Link")
    )
    assert _findings(invoiced, [without]) == [
        ("listCustomers", "drift_response_valid", "header Link")
    ]


# -- waivers, reports and the command line -----------------------------------------------------


def _drifting_cassette(cassettes: Path, tmp_path: Path) -> Path:
    (get,) = _docs(cassettes, "chargeover_docs_vcrpy.yaml")
    edited = _with_response(get, lambda body: body["response"].update(loyalty_tier="gold"))
    path = tmp_path / "drifting.yaml"
    write_vcr(path, [edited])
    return path


def test_a_waiver_with_its_reason_excuses_a_finding_and_is_counted(
    cassettes: Path, tmp_path: Path
) -> None:
    path = _drifting_cassette(cassettes, tmp_path)
    assert not drift("chargeover", [path]).ok
    waiver = TrafficWaiver(
        "getCustomer", "sandbox plan feature", "drift_fields_described", "response.loyalty_tier"
    )
    report = drift("chargeover", [path], waivers=[waiver])
    assert report.ok
    assert list(report.waivers.values()) == [1]
    assert "sandbox plan feature" in report.markdown()
    other = TrafficWaiver("getCustomer", "another field", subject="response.other")
    assert not drift("chargeover", [path], waivers=[other]).ok


def test_a_waiver_needs_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("- {operation: getCustomer, check: drift_fields_described}\n")
    with pytest.raises(WaiverError, match="no reason"):
        load_waivers(path)
    path.write_text("- {operation: '*', reason: ok, colour: red}\n")
    with pytest.raises(WaiverError, match="unknown keys"):
        load_waivers(path)


def test_the_command_exits_1_on_drift_0_when_waived_2_on_bad_input(
    cassettes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _drifting_cassette(cassettes, tmp_path)
    reports = tmp_path / "reports"
    assert main(["drift", "--vendor", "chargeover", str(path), "--report-dir", str(reports)]) == 1
    out = capsys.readouterr().out
    assert "# Drift: chargeover spec against recorded traffic" in out
    assert "the API sent `response.loyalty_tier`, which the spec does not describe" in out
    junit = ET.parse(reports / "junit.xml").getroot()
    cases = {case.get("name"): case for case in junit.iter("testcase")}
    assert set(cases) == {
        "getCustomer :: drift_fields_described",
        "getCustomer :: drift_matched",
        "getCustomer :: drift_request_valid",
        "getCustomer :: drift_response_valid",
        "getCustomer :: drift_status_documented",
    }
    assert cases["getCustomer :: drift_fields_described"].find("failure") is not None
    assert cases["getCustomer :: drift_matched"].find("failure") is None
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- operation: getCustomer\n  check: drift_fields_described\n"
        "  subject: response.loyalty_tier\n  reason: only our sandbox plan sends it\n"
    )
    argv = ["drift", str(path), "--waivers", str(waivers), "--report-dir", str(reports)]
    assert main(argv) == 0
    assert "only our sandbox plan sends it" in (reports / "summary.md").read_text()
    (tmp_path / "junk.yaml").write_text("just: text\n")
    assert main(["drift", str(tmp_path / "junk.yaml"), "--report-dir", str(reports)]) == 2


def test_har_and_both_vcr_layouts_feed_one_run(cassettes: Path, tmp_path: Path) -> None:
    har = tmp_path / "docs.har"
    write_har(har, _docs(cassettes, "chargeover_docs_vcrpy.yaml"))
    report = drift(
        "chargeover",
        [cassettes / "chargeover_docs_ruby.yml", cassettes / "chargeover_docs_vcrpy.yaml", har],
    )
    assert report.ok and sum(report.examples.values()) == 5


def test_python_m_contracts_runs_drift(cassettes: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    cassette = str(cassettes / "chargeover_docs_ruby.yml")
    command = [sys.executable, "-m", "contracts", "drift", cassette, "--report-dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "customerSetInactive (via customerLegacyAction)" in done.stdout
    assert (tmp_path / "junit.xml").is_file()
