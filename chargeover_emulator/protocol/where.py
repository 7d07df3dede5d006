"""The `where` grammar (`field:OP:value,field:OP:value`) parsed and compiled to bound SQL.

Conditions are joined with `,` (AND); `\\:` and `\\,` escape the reserved characters, and
`\\\\` a backslash. Field names reach SQL only after lookup in a whitelist that the caller
builds from the spec; values reach SQL only as bound parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Literal

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import decimal_integer, decimal_number

__all__ = ["OPERATORS", "Condition", "FieldTarget", "Relation", "compile_where", "parse_where"]

ValueKind = Literal["integer", "number", "boolean", "string"]

OPERATORS = ("EQUALS", "NOTEQUALS", "GT", "LT", "GTE", "LTE", "CONTAINS", "IS", "ISNOT")
_COMPARISONS = {"EQUALS": "=", "NOTEQUALS": "<>", "GT": ">", "LT": "<", "GTE": ">=", "LTE": "<="}


@dataclasses.dataclass(frozen=True)
class Condition:
    """One parsed condition; `value` is None for IS:NULL / ISNOT:NULL."""

    field: str
    operator: str
    value: str | None
    source: str


@dataclasses.dataclass(frozen=True)
class Relation:
    """A child table reached by a dotted field (`line_items.item_id`); table None = no data kept."""

    table: str | None
    foreign_key: str
    parent_key: str


@dataclasses.dataclass(frozen=True)
class FieldTarget:
    """Where a filterable field lives in SQLite and how its values compare."""

    column: str
    kind: ValueKind
    relation: Relation | None = None


def _split_unescaped(text: str, separator: str, maxsplit: int = -1) -> list[str]:
    """Split on `separator` unless it is preceded by a backslash; escapes are kept for later."""
    if "\\" not in text:  # nothing escaped (nearly every query): the built-in split is the same
        return text.split(separator, maxsplit)
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    """Resolve `\\:`, `\\,` and `\\\\`; any other backslash stays literal."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and text[index + 1] in ":,\\":
            out.append(text[index + 1])
            index += 2
            continue
        out.append(text[index])
        index += 1
    return "".join(out)


def parse_where(text: str) -> list[Condition]:
    """Parse a whole `where` value; an empty string means no conditions."""
    conditions: list[Condition] = []
    if text == "":
        return conditions
    for raw in _split_unescaped(text, ","):
        # maxsplit=2: an unescaped colon inside the value (a datetime such as
        # `write_datetime:GTE:2015-02-01 10:00:00`) stays part of the value.
        tokens = _split_unescaped(raw, ":", maxsplit=2)
        if len(tokens) != 3 or tokens[0] == "":
            raise BadRequest(
                f'Invalid where condition "{raw}": expected field:OPERATOR:value '
                "(or field:IS:NULL / field:ISNOT:NULL)."
            )
        field, operator, value = _unescape(tokens[0]), tokens[1], _unescape(tokens[2])
        if operator not in OPERATORS:
            raise BadRequest(
                f'Invalid where condition "{raw}": unknown operator "{operator}" '
                f"(use one of EQUALS, NOTEQUALS, GT, LT, GTE, LTE, CONTAINS, IS:NULL, ISNOT:NULL)."
            )
        if operator in {"IS", "ISNOT"}:
            if value != "NULL":
                raise BadRequest(
                    f'Invalid where condition "{raw}": {operator} must be followed by NULL.'
                )
            conditions.append(Condition(field, operator, None, raw))
        else:
            conditions.append(Condition(field, operator, value, raw))
    return conditions


def _coerce(condition: Condition, kind: ValueKind) -> int | float | str:
    """Turn the textual value into the column's type, or reject it with 400.

    An integer beyond int64 is bound as a float, which SQLite compares numerically with the
    column (GT <huge> matches nothing, LT <huge> everything) instead of overflowing the bind.
    """
    value = condition.value or ""
    if kind in {"integer", "number"}:
        number = decimal_integer(value) if kind == "integer" else decimal_number(value)
        if number is None:
            raise BadRequest(
                f'Invalid where condition "{condition.source}": "{value}" is not a valid {kind}.'
            )
        return number
    if kind == "boolean":
        lowered = value.lower()
        if lowered in {"1", "true"}:
            return 1
        if lowered in {"0", "false"}:
            return 0
        raise BadRequest(
            f'Invalid where condition "{condition.source}": "{value}" is not a boolean.'
        )
    return value


def _escape_like(value: str) -> str:
    """Escape LIKE wildcards so CONTAINS is a plain substring match."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _predicate(
    condition: Condition, target: FieldTarget, case_sensitive: bool
) -> tuple[str, list[int | float | str]]:
    """SQL for one condition against a plain column (quoted identifier, bound value)."""
    column = f'"{target.column}"'
    if condition.operator == "IS":
        return f"{column} IS NULL", []
    if condition.operator == "ISNOT":
        return f"{column} IS NOT NULL", []
    if condition.operator == "CONTAINS":
        text = condition.value or ""
        # A number or flag column is matched on its text; a string column is text already.
        subject = column if target.kind == "string" else f"CAST({column} AS TEXT)"
        if case_sensitive:
            return f"instr({subject}, ?) > 0", [text]
        return f"{subject} LIKE ? ESCAPE '\\'", [f"%{_escape_like(text)}%"]
    value = _coerce(condition, target.kind)
    collate = " COLLATE NOCASE" if target.kind == "string" and not case_sensitive else ""
    return f"{column} {_COMPARISONS[condition.operator]} ?{collate}", [value]


def compile_where(
    conditions: list[Condition],
    resolve: Callable[[str], FieldTarget | None],
    *,
    case_sensitive: bool = False,
    filterable: Sequence[str] = (),
) -> tuple[str, list[int | float | str]]:
    """Compile conditions to one SQL boolean expression (`1` when there are none);
    `filterable` names the valid fields for the error a wrong one gets."""
    clauses: list[str] = []
    params: list[int | float | str] = []
    for condition in conditions:
        target = resolve(condition.field)
        if target is None:
            valid = f" (filterable: {', '.join(filterable)})" if filterable else ""
            raise BadRequest(
                f'Invalid where condition "{condition.source}": '
                f'"{condition.field}" is not a filterable field{valid}.'
            )
        sql, values = _predicate(condition, target, case_sensitive)
        relation = target.relation
        if relation is not None:
            if relation.table is None:
                # A documented relation the emulator keeps no rows for: nothing is related.
                sql = "1" if condition.operator == "IS" else "0"
                values = []
            elif condition.operator == "IS":
                sql = (
                    f'"{relation.parent_key}" NOT IN (SELECT "{relation.foreign_key}" FROM '
                    f'"{relation.table}" WHERE "{target.column}" IS NOT NULL)'
                )
            else:
                sql = (
                    f'"{relation.parent_key}" IN (SELECT "{relation.foreign_key}" FROM '
                    f'"{relation.table}" WHERE {sql})'
                )
        clauses.append(f"({sql})")
        params.extend(values)
    return (" AND ".join(clauses) if clauses else "1"), params
