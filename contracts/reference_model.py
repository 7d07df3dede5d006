"""The reference model: what the objects a run wrote must look like, and the `where` semantics.

The model knows only what the harness sent (plus server-assigned ids and tokens), so its
invariants hold on any target: queries are restricted to the run's external_key prefix.
Comparisons are case-insensitive, the emulator's default (`where_case_sensitive = false`)
and MySQL's default collation on the real service (unconfirmed, see spec/NOTES.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["OPERATORS", "Condition", "ReferenceModel", "escape", "where"]

# operators that take a value; IS:NULL / ISNOT:NULL take none
OPERATORS = ("EQUALS", "NOTEQUALS", "CONTAINS", "GT", "LT", "GTE", "LTE")


def escape(value: str) -> str:
    """Escape a `where` value: backslash before `\\`, `:` and `,` (fact sheet §6.1)."""
    return "".join("\\" + char if char in "\\:," else char for char in value)


@dataclasses.dataclass(frozen=True)
class Condition:
    """One `<field>:<OPERATOR>:<value>` condition."""

    field: str
    operator: str
    value: str = ""

    def render(self) -> str:
        """The condition as sent in `where`."""
        if self.operator in {"IS:NULL", "ISNOT:NULL"}:
            return f"{self.field}:{self.operator}"
        return f"{self.field}:{self.operator}:{escape(self.value)}"

    def holds(self, record: Mapping[str, Any]) -> bool:
        """Whether a record (as read back) satisfies the condition."""
        actual = record.get(self.field)
        if self.operator == "IS:NULL":
            return actual is None or actual == ""
        if self.operator == "ISNOT:NULL":
            return not (actual is None or actual == "")
        if actual is None:
            return False
        left, right = _comparable(actual, self.value)
        if self.operator == "EQUALS":
            return bool(left == right)
        if self.operator == "NOTEQUALS":
            return bool(left != right)
        if self.operator == "CONTAINS":
            return str(right) in str(left)
        if self.operator == "GT":
            return bool(left > right)
        if self.operator == "LT":
            return bool(left < right)
        if self.operator == "GTE":
            return bool(left >= right)
        if self.operator == "LTE":
            return bool(left <= right)
        raise ValueError(f"unknown operator {self.operator}")


def _comparable(actual: Any, value: str) -> tuple[Any, Any]:
    """Numbers compare as numbers, everything else as case-folded text."""
    if isinstance(actual, bool):
        return int(actual), int(value) if value.lstrip("-").isdigit() else value
    if isinstance(actual, int | float):
        try:
            return float(actual), float(value)
        except ValueError:
            return str(actual), value
    return str(actual).casefold(), value.casefold()


def where(conditions: Iterable[Condition]) -> str:
    """Conditions joined with `,` (AND)."""
    return ",".join(condition.render() for condition in conditions)


@dataclasses.dataclass
class ReferenceModel:
    """Objects this run created, by resource and id, holding the fields the harness wrote."""

    primary_keys: Mapping[str, str]
    objects: dict[str, dict[int, dict[str, Any]]] = dataclasses.field(default_factory=dict)
    deleted: dict[str, set[int]] = dataclasses.field(default_factory=dict)

    def create(self, resource: str, object_id: int, fields: Mapping[str, Any]) -> None:
        """Remember a created object."""
        record = dict(fields)
        record[self.primary_keys[resource]] = object_id
        self.objects.setdefault(resource, {})[object_id] = record

    def update(self, resource: str, object_id: int, fields: Mapping[str, Any]) -> None:
        """Apply a partial update (only the fields sent change)."""
        self.objects[resource][object_id].update(fields)

    def delete(self, resource: str, object_id: int) -> None:
        """Forget a deleted object (and remember it is gone)."""
        self.objects[resource].pop(object_id)
        self.deleted.setdefault(resource, set()).add(object_id)

    def get(self, resource: str, object_id: int) -> dict[str, Any]:
        """The expected fields of one object."""
        return self.objects[resource][object_id]

    def ids(self, resource: str) -> list[int]:
        """Live ids in primary-key order (the listing's default order)."""
        return sorted(self.objects.get(resource, {}))

    def matching(self, resource: str, conditions: Iterable[Condition]) -> list[int]:
        """Live ids whose known fields satisfy every condition."""
        conditions = list(conditions)
        return [
            object_id
            for object_id in self.ids(resource)
            if all(c.holds(self.objects[resource][object_id]) for c in conditions)
        ]

    def children(self, customer_id: int) -> list[tuple[str, int]]:
        """Live users and invoices that belong to a customer."""
        return [
            (resource, object_id)
            for resource in ("user", "invoice")
            for object_id, record in self.objects.get(resource, {}).items()
            if record.get("customer_id") == customer_id
        ]
