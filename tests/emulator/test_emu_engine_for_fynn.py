"""The vendor-neutral engine pieces the Fynn dialect needed, tested on their own: text (UUID)
primary keys in `Table`, the dialect's options in `Settings.options`, a dialect's own answer to
rejected requests (every violation), and the spec reader's `security` and `parent`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from chargeover_emulator.config import Settings
from chargeover_emulator.errors import ApiError, BadRequest
from chargeover_emulator.specdoc import SpecDocument
from chargeover_emulator.storage.tables import Table
from chargeover_emulator.validation import RequestValidator, Violation, ViolationLedger

REPO = Path(__file__).resolve().parents[2]


def test_a_string_primary_key_is_a_text_key_the_caller_supplies() -> None:
    table = Table("widget", "id", {"id": "string", "name": "string", "on": "boolean"})
    assert '"id" TEXT NOT NULL PRIMARY KEY' in table.ddl()
    conn = sqlite3.connect(":memory:")
    conn.execute(table.ddl())
    for key, name in (("b-2", "second"), ("a-1", "first"), ("c-3", "third")):
        table.insert(conn, {"id": key, "name": name, "on": True})
    assert table.get(conn, "a-1") == {"id": "a-1", "name": "first", "on": True}
    table.update(conn, "a-1", {"name": "renamed"})
    table.delete(conn, "c-3")
    assert table.get(conn, "c-3") is None
    order = table.select(conn, table.everything, "1", [], "rowid", 10, 0)
    assert [row["id"] for row in order] == ["b-2", "a-1"]  # insertion order, not key order
    with pytest.raises(ValueError, match="must supply its text id"):
        table.insert(conn, {"name": "no key"})


def test_integer_keys_are_unchanged() -> None:
    table = Table("thing", "thing_id", {"name": "string"})
    assert '"thing_id" INTEGER PRIMARY KEY AUTOINCREMENT' in table.ddl()
    assert not table.text_key


def test_unknown_vendor_variables_become_the_dialects_options() -> None:
    environ = {
        "FYNN_EMULATOR_API_KEYS": "k=customer:read",
        "FYNN_EMULATOR_RATE_LIMIT": "off",
        "FYNN_EMULATOR_PUT_SEMANTICS": "replace",
        "FYNN_EMULATOR_HIERARCHY": "",  # empty: unset
        "CHARGEOVER_EMULATOR_PUT_SEMANTICS": "merge",  # another vendor's
    }
    settings = Settings.from_env(environ, vendor="fynn", options={"hierarchy": "off"})
    assert dict(settings.options) == {
        "api_keys": "k=customer:read",
        "put_semantics": "replace",
        "hierarchy": "off",
    }
    assert not settings.rate_limit.enabled
    assert dict(Settings.from_env({}).options) == {}


def test_a_dialect_answers_rejected_requests_with_every_violation() -> None:
    seen: list[Sequence[Violation]] = []

    def reject(violations: Sequence[Violation]) -> ApiError:
        seen.append(violations)
        return BadRequest("mine")

    document = SpecDocument.load(REPO / "spec" / "fynn" / "openapi.yaml")
    operation = document.operations["createCustomer"]
    assert operation.validator is not None
    for policy in ("strict", "faithful"):
        validator = RequestValidator(policy, (), ViolationLedger(), reject=reject)
        with pytest.raises(BadRequest, match="mine"):
            validator.body("createCustomer", operation.validator, {"firstName": "A"})
        rules = sorted(v.rule for v in seen[-1])
        assert rules == ["minLength", "required"]
        required = next(v for v in seen[-1] if v.rule == "required")
        assert required.detail.property == "email"


def test_the_spec_reader_reads_security_scopes_and_parents() -> None:
    fynn = SpecDocument.load(REPO / "spec" / "fynn" / "openapi.yaml")
    assert fynn.operations["listCustomers"].security == (frozenset({"customer:read"}),)
    assert fynn.operations["setCustomerDefaultPaymentMethod"].security == (
        frozenset({"payment-method:write"}),
        frozenset({"customer:payment-method:change"}),
    )
    address = fynn.resources["customer-address"]
    assert (address.parent, address.parent_param) == ("customer", "customerId")
    assert fynn.resources["customer"].parent is None
    assert fynn.operations["setCustomerParent"].block["feature"]["when-disabled"] == (
        "not-implemented"
    )
    chargeover = SpecDocument.load(REPO / "spec" / "chargeover.openapi.yaml")
    assert all(not any(op.security) for op in chargeover.operations.values())
