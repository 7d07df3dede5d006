"""The emulator's page-size bounds equal the spec's (the client's are tested the same way)."""

from __future__ import annotations

from chargeover_emulator.protocol.paging import DEFAULT_LIMIT, MAX_LIMIT
from chargeover_emulator.specdoc import SpecDocument, locate_spec


def test_list_limit_bounds_are_the_specs() -> None:
    document = SpecDocument.load(locate_spec())
    bounds = {
        operation.operation_id: (schema.get("default"), schema.get("maximum"))
        for operation in document.operations.values()
        if operation.kind == "list"
        for parameter in operation.parameters
        if parameter.get("name") == "limit"
        for schema in [document.resolve(parameter["schema"])]
    }
    assert len(bounds) == 4, bounds  # customers, users, invoices, items
    assert set(bounds.values()) == {(DEFAULT_LIMIT, MAX_LIMIT)}, bounds
