# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""Builders for the `where` and `order` query parameters of ChargeOver list operations.

Grammar (fact sheet §6): a condition is `field:OPERATOR:value`; conditions are joined with `,`
and mean AND; `IS:NULL` and `ISNOT:NULL` take no value; `\\`, `:` and `,` inside a value are
escaped with a backslash. `order` is `field:ASC` or `field:DESC`, several joined with `,`.

    Where().equals("bill_country", "Canada").gte("write_datetime", "2024-01-01")
    Order().desc("write_datetime").asc("customer_id")

Both are immutable and render with str(); list functions take the string, `paginate` takes either.
"""

from __future__ import annotations

import re
from enum import StrEnum

# Field names are identifiers, dotted for relations (`customers.customer_id`); anything else
# would let a value smuggle in its own `:`/`,` separators unescaped.
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


class Operator(StrEnum):
    """Every comparison the `where` grammar documents."""

    EQUALS = "EQUALS"
    NOTEQUALS = "NOTEQUALS"
    GT = "GT"
    LT = "LT"
    GTE = "GTE"
    LTE = "LTE"
    CONTAINS = "CONTAINS"
    IS_NULL = "IS:NULL"
    ISNOT_NULL = "ISNOT:NULL"

    @property
    def takes_value(self) -> bool:
        return self not in (Operator.IS_NULL, Operator.ISNOT_NULL)


def escape(value: str) -> str:
    """Escape the reserved `\\`, `:` and `,` with a backslash (`Example:ID` -> `Example\\:ID`)."""
    # Backslashes first: a value ending in a backslash would otherwise escape the next separator.
    return value.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,")


def _check_field(field: str) -> str:
    if not _FIELD.fullmatch(field):
        raise ValueError(f"not a field name: {field!r}")
    return field


def _render(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        # ChargeOver stores flags as 0/1; "True" would never match.
        return "1" if value else "0"
    return escape(str(value))


class Where:
    """An AND of `where` conditions, built one method call at a time."""

    __slots__ = ("_conditions",)

    def __init__(self, *conditions: str) -> None:
        self._conditions: tuple[str, ...] = conditions

    def add(self, field: str, operator: Operator | str, value: str | int | float | bool | None = None) -> Where:
        """A new Where with one more condition (`value` is None exactly for the NULL operators)."""
        op = Operator(operator)
        if op.takes_value and value is None:
            raise ValueError(f"{op.value} needs a value")
        if not op.takes_value and value is not None:
            raise ValueError(f"{op.value} takes no value")
        condition = f"{_check_field(field)}:{op.value}"
        if value is not None:
            condition += f":{_render(value)}"
        return Where(*self._conditions, condition)

    def equals(self, field: str, value: str | int | float | bool) -> Where:
        return self.add(field, Operator.EQUALS, value)

    def not_equals(self, field: str, value: str | int | float | bool) -> Where:
        return self.add(field, Operator.NOTEQUALS, value)

    def gt(self, field: str, value: str | int | float) -> Where:
        return self.add(field, Operator.GT, value)

    def lt(self, field: str, value: str | int | float) -> Where:
        return self.add(field, Operator.LT, value)

    def gte(self, field: str, value: str | int | float) -> Where:
        return self.add(field, Operator.GTE, value)

    def lte(self, field: str, value: str | int | float) -> Where:
        return self.add(field, Operator.LTE, value)

    def contains(self, field: str, value: str) -> Where:
        return self.add(field, Operator.CONTAINS, value)

    def is_null(self, field: str) -> Where:
        return self.add(field, Operator.IS_NULL)

    def is_not_null(self, field: str) -> Where:
        return self.add(field, Operator.ISNOT_NULL)

    def __bool__(self) -> bool:
        return bool(self._conditions)

    def __str__(self) -> str:
        return ",".join(self._conditions)

    def __repr__(self) -> str:
        return f"Where({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Where) and other._conditions == self._conditions

    def __hash__(self) -> int:
        return hash(self._conditions)


class Order:
    """A sort order: keys applied left to right."""

    __slots__ = ("_keys",)

    def __init__(self, *keys: str) -> None:
        self._keys: tuple[str, ...] = keys

    def asc(self, field: str) -> Order:
        return Order(*self._keys, f"{_check_field(field)}:ASC")

    def desc(self, field: str) -> Order:
        return Order(*self._keys, f"{_check_field(field)}:DESC")

    def __bool__(self) -> bool:
        return bool(self._keys)

    def __str__(self) -> str:
        return ",".join(self._keys)

    def __repr__(self) -> str:
        return f"Order({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Order) and other._keys == self._keys

    def __hash__(self) -> int:
        return hash(self._keys)
