"""Parity: the emulator replays recorded traffic and every kind of difference is reported."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chargeover_emulator.app import create_app
from contracts.traffic.cassette import Interaction, read_cassette, write_vcr
from contracts.traffic.cli import main
from contracts.traffic.matching import VendorSpec
from contracts.traffic.parity import Emulator, hosted_emulator, parity_findings
from contracts.traffic.recorder import Recorder
from tests.traffic.conftest import emulator_settings

Findings = list[tuple[str, str, str]]


def _replay(
    vendor: str, recording: list[Interaction], emulator: Emulator | None = None
) -> tuple[Findings, list[str]]:
    spec = VendorSpec(vendor)
    if emulator is None:
        with hosted_emulator(vendor) as fresh:
            found, _, _ = parity_findings(spec, fresh, recording)
    else:
        found, _, _ = parity_findings(spec, emulator, recording)
    return [(f.operation, f.check, f.subject) for f in found], [f.message for f in found]


def _client(emulator: Emulator, recorder: Recorder) -> httpx.Client:
    headers = {"Authorization": emulator.authorization or ""}
    return httpx.Client(base_url=emulator.base_url, headers=headers, transport=recorder.transport())


def _chargeover_session(client: httpx.Client) -> None:
    """Creates, reads, lists, updates, a legacy action, a 404, a contact naming its customer."""
    created = client.post("/customer", json={"company": "Acme", "external_key": "acme-1"})
    assert created.status_code == 201
    customer_id = created.json()["response"]["id"]
    assert client.get(f"/customer/{customer_id}").status_code == 200
    assert client.get("/customer", params={"limit": 5}).status_code == 200
    assert client.put(f"/customer/{customer_id}", json={"bill_city": "Boston"}).is_success
    action = client.post(f"/customer/{customer_id}", params={"action": "setInactive"})
    assert action.status_code == 200
    assert client.get("/customer/99999").status_code == 404
    user = client.post("/user", json={"customer_id": customer_id, "first_name": "Karli"})
    assert user.status_code == 201
    assert client.get(f"/user/{user.json()['response']['id']}").status_code == 200


@pytest.fixture
def chargeover_recording(emulator_for: Callable[[str], Any], tmp_path: Path) -> list[Interaction]:
    """A cassette recorded from the ChargeOver emulator itself, read back from its file."""
    recorder = Recorder(tmp_path / "emulator.yaml")
    with emulator_for("chargeover") as (emulator, _), _client(emulator, recorder) as client:
        _chargeover_session(client)
    return read_cassette(recorder.save())


def _edit(
    recording: list[Interaction], operation: str, spec: VendorSpec, edit: Any
) -> list[Interaction]:
    """The recording with `edit` applied to the first interaction of `operation`."""
    found = [i for i, item in enumerate(recording) if _operation(spec, item) == operation]
    assert found, operation
    edited = list(recording)
    edited[found[0]] = edit(recording[found[0]])
    return edited


def _operation(spec: VendorSpec, item: Interaction) -> str | None:
    found = spec.match(item)
    return None if found is None else found.operation.operation_id


def _response(edit: Callable[[Any], None]) -> Callable[[Interaction], Interaction]:
    def apply(item: Interaction) -> Interaction:
        body = item.response_json()
        edit(body)
        return dataclasses.replace(item, response_body=json.dumps(body).encode())

    return apply


def _rename(old: str, new: str) -> Callable[[Any], None]:
    def edit(body: Any) -> None:
        body["response"][new] = body["response"].pop(old)

    return edit


def _without_header(name: str) -> Callable[[Interaction], Interaction]:
    def apply(item: Interaction) -> Interaction:
        kept = tuple(h for h in item.response_headers if h[0].lower() != name.lower())
        assert len(kept) < len(item.response_headers), f"the recording had no {name}"
        return dataclasses.replace(item, response_headers=kept)

    return apply


# -- acceptance ---------------------------------------------------------------------------------


def test_a_recording_of_the_emulator_replays_with_zero_differences(
    chargeover_recording: list[Interaction],
) -> None:
    assert len(chargeover_recording) == 8
    assert _replay("chargeover", chargeover_recording) == ([], [])


def test_one_renamed_field_one_status_one_removed_header_are_exactly_three_differences(
    chargeover_recording: list[Interaction],
) -> None:
    spec = VendorSpec("chargeover")
    recording = _edit(
        chargeover_recording, "getCustomer", spec, _response(_rename("company", "company_name"))
    )
    recording = _edit(
        recording, "updateCustomer", spec, lambda item: dataclasses.replace(item, status=200)
    )
    recording = _edit(recording, "createCustomer", spec, _without_header("Location"))
    found, messages = _replay("chargeover", recording)
    assert sorted(found) == [
        ("createCustomer", "parity_headers", "Location"),
        ("getCustomer", "parity_shape", "response"),
        ("updateCustomer", "parity_status", "status"),
    ]
    assert "response: real sent field `company_name`, emulator sent field `company`" in messages
    assert "real sent 200, emulator sent 202" in messages
    assert any(m.startswith("header Location: real sent None, emulator sent '") for m in messages)


def test_recorded_ids_are_mapped_to_the_emulators(
    chargeover_recording: list[Interaction], tmp_path: Path
) -> None:
    # an emulator that already holds customers hands out other ids than the recording's
    settings = emulator_settings("chargeover", tmp_path / "busy")
    (tmp_path / "busy").mkdir()
    with hosted_emulator("chargeover", settings=settings) as busy:
        for number in range(3):
            httpx.post(
                f"{busy.base_url}/customer",
                json={"company": f"Existing {number}"},
                headers={"Authorization": busy.authorization or ""},
            ).raise_for_status()
        assert _replay("chargeover", chargeover_recording, busy) == ([], [])


# -- one test per difference class --------------------------------------------------------------


def test_a_different_json_type_is_reported(chargeover_recording: list[Interaction]) -> None:
    spec = VendorSpec("chargeover")
    recording = _edit(
        chargeover_recording,
        "getCustomer",
        spec,
        _response(lambda body: body["response"].update(company=5)),
    )
    found, messages = _replay("chargeover", recording)
    assert found == [("getCustomer", "parity_shape", "response.company")]
    assert messages == ["response.company: real sent number, emulator sent string"]


def test_a_different_enum_value_is_reported(chargeover_recording: list[Interaction]) -> None:
    spec = VendorSpec("chargeover")
    recording = _edit(
        chargeover_recording,
        "getCustomer",
        spec,
        _response(lambda body: body["response"].update(customer_status_str="inactive-manual")),
    )
    found, messages = _replay("chargeover", recording)
    assert found == [("getCustomer", "parity_shape", "response.customer_status_str")]
    assert messages == [
        "response.customer_status_str: real sent 'inactive-manual', emulator sent 'active-current'"
    ]


def test_a_field_only_one_side_sent_is_reported(chargeover_recording: list[Interaction]) -> None:
    spec = VendorSpec("chargeover")
    recording = _edit(
        chargeover_recording,
        "getUser",
        spec,
        _response(lambda body: body["response"].update(nickname="K")),
    )
    found, messages = _replay("chargeover", recording)
    assert found == [("getUser", "parity_shape", "response")]
    assert messages == ["response: real sent field `nickname`, emulator sent no such field"]


def _invoiced_session(client: httpx.Client) -> None:
    for name in ("Acme", "Globex", "Initech"):
        assert client.post("/customers", json={"name": name}).status_code == 201
    listed = client.get("/customers", params={"per_page": 2})
    assert listed.status_code == 200 and "link" in listed.headers
    contact = client.post("/customers/2/contacts", json={"name": "Sarah", "email": "s@x.example"})
    assert contact.status_code == 201
    assert client.get(f"/customers/2/contacts/{contact.json()['id']}").status_code == 200


@pytest.fixture
def invoiced_recording(emulator_for: Callable[[str], Any], tmp_path: Path) -> list[Interaction]:
    recorder = Recorder(tmp_path / "invoiced.har")
    with emulator_for("invoiced") as (emulator, _), _client(emulator, recorder) as client:
        _invoiced_session(client)
    return read_cassette(recorder.save())


def test_invoiced_replays_with_zero_differences_and_its_paging_headers_are_compared(
    invoiced_recording: list[Interaction],
) -> None:
    assert _replay("invoiced", invoiced_recording) == ([], [])
    spec = VendorSpec("invoiced")
    for header in ("Link", "X-Total-Count"):
        recording = _edit(invoiced_recording, "listCustomers", spec, _without_header(header))
        found, _ = _replay("invoiced", recording)
        assert found == [("listCustomers", "parity_headers", header)]
    fewer = _edit(
        invoiced_recording,
        "listCustomers",
        spec,
        lambda item: dataclasses.replace(
            item,
            response_headers=tuple(
                (k, v.split(", ")[0]) if k.lower() == "link" else (k, v)
                for k, v in item.response_headers
            ),
        ),
    )
    found, messages = _replay("invoiced", fewer)
    assert found == [("listCustomers", "parity_headers", "Link")]
    assert "real sent rels " in messages[0] and "emulator sent rels " in messages[0]


def test_an_object_the_account_had_before_the_recording_is_created_first(
    cassettes: Path,
) -> None:
    # GET /customer/16 and the legacy action on it: customer 16 is created from the recording
    recording = read_cassette(cassettes / "chargeover_docs_ruby.yml")
    found, _ = _replay("chargeover", recording)
    checks = {check for _, check, _ in found}
    assert "parity_status" not in checks and "parity_prerequisite" not in checks
    # and what the docs' 2017 example lacks that the emulator sends is reported, field by field
    assert ("getCustomer", "parity_shape", "response") in found


def test_a_prerequisite_that_cannot_be_made_is_reported(cassettes: Path) -> None:
    create, get, _ = read_cassette(cassettes / "chargeover_docs_ruby.yml")
    # the account's customer 16 carries the external key the recording's own create used
    body = create.request_json()
    create = dataclasses.replace(
        create, request_body=json.dumps({**body, "external_key": "dup"}).encode()
    )
    get = _response(lambda value: value["response"].update(external_key="dup"))(get)
    found, messages = _replay("chargeover", [create, get])
    assert ("getCustomer", "parity_prerequisite", "customer 16") in found
    assert any("A customer already exists" in message for message in messages)


# -- a broken emulator, and the command line ----------------------------------------------------


def _dropping_location(app: Any) -> Any:
    """A broken variant of the emulator: it forgets the `Location` header."""

    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def without_location(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v) for k, v in message["headers"] if k.lower() != b"location"
                ]
            await send(message)

        await app(scope, receive, without_location)

    return broken


def test_a_broken_emulator_fails_parity(
    chargeover_recording: list[Interaction], tmp_path: Path
) -> None:
    (tmp_path / "broken").mkdir()
    settings = emulator_settings("chargeover", tmp_path / "broken")
    app = _dropping_location(create_app(settings))
    with hosted_emulator("chargeover", app=app, settings=settings) as broken:
        found, _ = _replay("chargeover", chargeover_recording, broken)
    # every answer that documents a Location: the creates' 201 and the update's 202
    assert found == [
        ("createCustomer", "parity_headers", "Location"),
        ("updateCustomer", "parity_headers", "Location"),
        ("createUser", "parity_headers", "Location"),
    ]


@pytest.fixture
def running_emulator(tmp_path: Path) -> Iterator[Emulator]:
    settings = emulator_settings("chargeover", tmp_path / "cli")
    (tmp_path / "cli").mkdir()
    with hosted_emulator("chargeover", settings=settings) as emulator:
        yield emulator


def test_the_command_exits_1_on_a_difference_and_writes_its_reports(
    chargeover_recording: list[Interaction], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = VendorSpec("chargeover")
    clean, changed = tmp_path / "clean.yaml", tmp_path / "changed.yaml"
    write_vcr(clean, chargeover_recording)
    write_vcr(
        changed,
        _edit(
            chargeover_recording, "getCustomer", spec, lambda i: dataclasses.replace(i, status=203)
        ),
    )
    reports = tmp_path / "reports"
    assert main(["parity", str(clean), "--report-dir", str(reports)]) == 0
    assert main(["parity", str(changed), "--report-dir", str(reports)]) == 1
    out = capsys.readouterr().out
    assert "# Parity: the chargeover emulator against recorded traffic" in out
    assert "real sent 203, emulator sent 200" in (reports / "summary.md").read_text()
    assert "getCustomer :: parity_status" in (reports / "junit.xml").read_text()


def test_fynn_recording_drifts_nowhere_and_replays_with_zero_differences(tmp_path: Path) -> None:
    """The vendor is a parameter: Fynn's dialect, UUID ids, Bearer keys, no path prefix."""
    from chargeover_emulator.fynn.options import FULL_KEY
    from contracts.traffic.drift import drift_findings

    bearer = f"Bearer {FULL_KEY}"  # Fynn's keys are dialect options, not the settings' api_key
    recorder = Recorder(tmp_path / "fynn.yaml")
    with hosted_emulator("fynn") as emulator:
        emulator.authorization = bearer
        with _client(emulator, recorder) as client:
            created = client.post("/customers", json={"companyName": "Acme", "email": "a@x.io"})
            assert created.status_code == 201
            assert client.get(f"/customers/{created.json()['id']}").status_code == 200
            assert client.get("/customers", params={"limit": 5}).status_code == 200
            missing = client.get("/customers/00000000-0000-0000-0000-000000000000")
            assert missing.status_code == 404
    recording = read_cassette(recorder.save())
    findings, _, examples = drift_findings(VendorSpec("fynn"), recording)
    assert findings == [] and sum(examples.values()) == 4
    with hosted_emulator("fynn") as fresh:  # another emulator: other UUIDs, mapped
        fresh.authorization = bearer
        assert _replay("fynn", recording, fresh) == ([], [])
    renamed = _edit(
        recording,
        "getCustomer",
        VendorSpec("fynn"),
        _response(lambda body: body.update(company=body.pop("companyName"))),
    )
    with hosted_emulator("fynn") as fresh:
        fresh.authorization = bearer
        found, _ = _replay("fynn", renamed, fresh)
    assert found == [("getCustomer", "parity_shape", "(body)")]
