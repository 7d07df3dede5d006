"""Injection and garbage corpus: no server error, no data changed, no input in the SQL text."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import chargeover_emulator.protocol.where as where_module
from chargeover_emulator.config import RateLimit, Settings
from tests.reliability.corpus import HOSTILE, Probe, read_probes, write_probes
from tests.reliability.envelope import envelope_problems
from tests.reliability.inprocess import InProcessEmulator
from tests.reliability.ledger import Ledger, Row
from tests.reliability.sqlwatch import CANARY_TABLE, MARKER


@dataclasses.dataclass
class CorpusOutcome:
    """Problems found while sending probes (a server error is always one)."""

    sent: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    leaks: list[str] = dataclasses.field(default_factory=list)
    data_changed: bool = False
    canary_intact: bool = True


def send(emulator: InProcessEmulator, probes: Iterable[Probe]) -> CorpusOutcome:
    """Send every probe under the SQL watch; judge responses, SQL text, canary and stored data."""
    outcome = CorpusOutcome()
    before = emulator.dump()
    with emulator.watch.watching():
        for probe in probes:
            outcome.sent += 1
            exchange = emulator.request(
                probe.method,
                probe.url,
                params=probe.params,
                json_body=probe.json_body,
                content=probe.content,
                headers=probe.headers,
            )
            label = f"{probe.place}: {probe.method} {probe.url[:80]} {str(probe.params)[:80]}"
            if exchange.error is not None:
                outcome.problems.append(f"{label}: {exchange.error!r}"[:300])
                continue
            problems = envelope_problems(exchange.status, exchange.headers, exchange.content)
            outcome.problems += [f"{label}: {problem}" for problem in problems]
    outcome.leaks = emulator.watch.text_leaks()
    outcome.data_changed = emulator.dump() != before
    outcome.canary_intact = emulator.canary_intact()
    return outcome


def test_hostile_reads_and_lookups_change_nothing(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    started = time.monotonic()
    ids = emulator.seed()["ids"]
    outcome = send(emulator, read_probes(ids))
    assert outcome.problems == [], "\n".join(outcome.problems[:20])
    assert outcome.leaks == [], outcome.leaks[:5]
    assert outcome.canary_intact
    assert not outcome.data_changed
    assert emulator.watch.statements, "the trace callback saw no SQL: the proof would be empty"
    ledger.record(
        Row(
            family="injection corpus",
            scenario="where / order / path ids / lookups / query parameters",
            bad_inputs_tried=outcome.sent,
            seconds=round(time.monotonic() - started, 1),
            notes=f"{len(emulator.watch.statements)} SQL statements traced, 0 with input as text; "
            "canary intact; dump unchanged",
        )
    )


def test_garbage_bodies_are_refused_and_change_nothing(tmp_path: Path, ledger: Ledger) -> None:
    """Under `strict`: the default `faithful` policy accepts an unknown key as ChargeOver does
    (dropped before any SQL; test_unknown_keys_never_reach_sql covers that path)."""
    settings = Settings(
        db=str(tmp_path / "strict.sqlite3"), rate_limit=RateLimit(0, 60.0), validation="strict"
    )
    emulator = InProcessEmulator(tmp_path, settings=settings)
    started = time.monotonic()
    ids = emulator.seed()["ids"]
    outcome = send(emulator, write_probes(ids))
    assert outcome.problems == [], "\n".join(outcome.problems[:20])
    assert outcome.leaks == []
    assert outcome.canary_intact
    assert not outcome.data_changed
    ledger.record(
        Row(
            family="injection corpus",
            scenario="garbage bodies (deep JSON, NUL, wrong content types, ...)",
            bad_inputs_tried=outcome.sent,
            seconds=round(time.monotonic() - started, 1),
            notes="all refused with a 4xx envelope under strict; dump unchanged",
        )
    )
    emulator.close()


def test_unknown_keys_never_reach_sql(emulator: InProcessEmulator) -> None:
    """Under `faithful` an unknown key is dropped before storage: its name is never SQL text."""
    hostile = f"{MARKER}; DROP TABLE {CANARY_TABLE}"
    response = emulator.request("POST", "/api/v3/customer", json_body={"company": "x", hostile: 1})
    assert response.status == 201
    only_unknown = emulator.request("POST", "/api/v3/customer", json_body={hostile: 1})
    assert only_unknown.status == 400  # nothing left once the key is dropped: "No data"
    assert emulator.watch.text_leaks() == []
    assert emulator.canary_intact()


def test_hostile_values_are_stored_verbatim_and_touch_nothing_else(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    """Accepted hostile values round-trip byte for byte; only the addressed row changes."""
    started = time.monotonic()
    ids = emulator.seed()["ids"]
    target = f"/api/v3/customer/{ids['customer']}"
    bystander = emulator.request("POST", "/api/v3/customer", json_body={"company": "Bystander"})
    bystander_url = f"/api/v3/customer/{bystander.json()['response']['id']}"
    bystander_before = emulator.request("GET", bystander_url).content
    tried = 0
    with emulator.watch.watching():
        for text in HOSTILE:
            tried += 1
            update = emulator.request("PUT", target, json_body={"company": text, "custom_1": text})
            assert update.status == 202, (text[:40], update.status, update.content[:200])
            stored = emulator.request("GET", target).json()["response"]
            assert (stored["company"], stored["custom_1"]) == (text, text), text[:40]
            escaped = text.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,")
            found = emulator.request(
                "GET", "/api/v3/customer", params={"where": f"company:EQUALS:{escaped}"}
            )
            assert [row["customer_id"] for row in found.json()["response"]] == [ids["customer"]], (
                text[:40]
            )
    assert emulator.watch.text_leaks() == []
    assert emulator.canary_intact()
    assert emulator.request("GET", bystander_url).content == bystander_before
    ledger.record(
        Row(
            family="injection corpus",
            scenario="hostile values accepted as data (round trip + where lookup)",
            bad_inputs_tried=tried,
            seconds=round(time.monotonic() - started, 1),
            notes="stored byte for byte (NUL included); bystander row and canary untouched",
        )
    )


def _interpolating_predicate(
    condition: where_module.Condition, target: where_module.FieldTarget, case_sensitive: bool
) -> tuple[str, list[int | float | str]]:
    """The classic mistake: the value pasted into the SQL text between quotes."""
    if condition.operator in {"IS", "ISNOT", "CONTAINS"}:
        return _ORIGINAL_PREDICATE(condition, target, case_sensitive)
    operator = {"EQUALS": "=", "NOTEQUALS": "<>", "GT": ">", "LT": "<", "GTE": ">=", "LTE": "<="}
    return f"\"{target.column}\" {operator[condition.operator]} '{condition.value}'", []


_ORIGINAL_PREDICATE = where_module._predicate


def test_corpus_detects_a_where_compiler_that_pastes_values_into_sql(
    emulator: InProcessEmulator, monkeypatch: pytest.MonkeyPatch, ledger: Ledger
) -> None:
    """Can fail: with values interpolated instead of bound, the trace shows input as SQL text."""
    monkeypatch.setattr(where_module, "_predicate", _interpolating_predicate)
    ids = emulator.seed()["ids"]
    outcome = send(emulator, [p for p in read_probes(ids) if p.place == "where value (string)"])
    assert outcome.leaks, "the SQL watch missed input pasted into the statement text"
    assert outcome.problems  # the payloads that break the syntax surface as server errors
    ledger.record(
        Row(
            family="can fail",
            scenario="injection corpus vs. where compiler that interpolates values",
            notes=f"detected: {len(outcome.leaks)} statements with input as SQL text, "
            f"{len(outcome.problems)} server errors",
        )
    )
