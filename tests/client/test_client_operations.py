"""The generated client covers the whole spec: no operation skipped, no stray module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from tests.client.conftest import iter_operations, snake_case


def test_every_operation_has_a_generated_module(
    spec: dict[str, Any], generated_operations: dict[str, ModuleType]
) -> None:
    expected = {snake_case(op["operationId"]) for _, _, op in iter_operations(spec)}
    assert expected, "the spec has no operations"
    assert sorted(expected - generated_operations.keys()) == []
    assert sorted(generated_operations.keys() - expected) == []


def test_list_operations_take_where_order_offset_limit(
    spec: dict[str, Any], generated_operations: dict[str, ModuleType]
) -> None:
    list_ops = [
        op["operationId"]
        for _, _, op in iter_operations(spec)
        if op["operationId"].startswith("list")
    ]
    assert {"listCustomers", "listUsers", "listInvoices"} <= set(list_ops)
    for operation_id in ("listCustomers", "listUsers", "listInvoices"):
        params = generated_operations[snake_case(operation_id)].sync_detailed.__code__.co_varnames
        assert {"where", "order", "offset", "limit"} <= set(params), operation_id
