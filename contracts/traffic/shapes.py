"""JSON shapes against a schema and against each other: what drift and parity judge.

- `undescribed(spec, schema, value)`: every field of a value that its schema does not
  describe (the spec's response schemas are tolerant readers, so validation alone never
  reports them).
- `compare(spec, schema, real, emulated)`: where two answers differ in shape: keys, JSON
  types, and enum values (the only values compared; ids, timestamps and tokens are volatile).
Paths read `response.line_items[].item_id`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from chargeover_emulator.specdoc import SpecDocument

__all__ = ["ShapeDifference", "compare", "json_type", "undescribed"]


def json_type(value: Any) -> str:
    """The JSON type name; integers and decimals are both `number` (wire text, not storage)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Schemas:
    """Navigation of a schema along a value: object members, array items, enum values."""

    def __init__(self, spec: SpecDocument) -> None:
        self.spec = spec

    def branches(self, schema: Any, value: Any) -> list[dict[str, Any]]:
        """The schema and its allOf members, and of anyOf/oneOf the members `value` fits
        (all of them when it fits none, so a field is found wherever it is declared)."""
        resolved = self.spec.resolve(schema)
        if not resolved:
            return []
        found = [resolved]
        for member in resolved.get("allOf", []):
            found += self.branches(member, value)
        choices = [*resolved.get("anyOf", []), *resolved.get("oneOf", [])]
        if choices:
            fitting = [c for c in choices if self._fits(c, value)]
            for member in fitting or choices:
                found += self.branches(member, value)
        return found

    def _fits(self, schema: Any, value: Any) -> bool:
        try:
            return bool(self.spec.validator(schema).is_valid(value))
        except Exception:  # an unreadable branch fits nothing
            return False

    def member(self, schema: Any, value: Any, key: str) -> tuple[bool, Any]:
        """(described, its schema) for `key` of the object `value`."""
        branches = self.branches(schema, value)
        free_form = True
        extra: Any = None
        for branch in branches:
            properties = branch.get("properties") or {}
            if key in properties:
                return True, properties[key]
            if properties or branch.get("additionalProperties") is False:
                free_form = False
            additional = branch.get("additionalProperties")
            if isinstance(additional, dict) and additional:
                extra = additional
            patterns = branch.get("patternProperties") or {}
            if patterns:
                import re

                for pattern, sub in patterns.items():
                    if re.search(pattern, key):
                        return True, sub
                free_form = False
        if extra is not None:
            return True, extra
        # an object schema that declares no member at all is a free-form map: all described
        return free_form, None

    def items(self, schema: Any, value: Any) -> Any:
        for branch in self.branches(schema, value):
            if "items" in branch:
                return branch["items"]
        return None

    def enum(self, schema: Any, value: Any) -> frozenset[Any] | None:
        for branch in self.branches(schema, value):
            if "enum" in branch:
                return frozenset(branch["enum"])
            if "const" in branch:
                return frozenset([branch["const"]])
        return None


def undescribed(spec: SpecDocument, schema: Any, value: Any, path: str = "") -> list[str]:
    """Paths of every field in `value` that `schema` does not describe, each once."""
    found: dict[str, None] = {}
    _walk_undescribed(_Schemas(spec), schema, value, path, found)
    return list(found)


def _walk_undescribed(
    schemas: _Schemas, schema: Any, value: Any, path: str, found: dict[str, None]
) -> None:
    if schema is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            described, sub = schemas.member(schema, value, key)
            if not described:
                found[_join(path, key)] = None
            elif sub is not None:
                _walk_undescribed(schemas, sub, item, _join(path, key), found)
    elif isinstance(value, list):
        sub = schemas.items(schema, value)
        for item in value:
            _walk_undescribed(schemas, sub, item, f"{path}[]", found)


@dataclasses.dataclass(frozen=True)
class ShapeDifference:
    """One place where the two answers differ: `real sent X, emulator sent Y`."""

    kind: str  # field | type | enum
    path: str
    real: str
    emulated: str

    def describe(self) -> str:
        where = self.path or "(body)"
        return f"{where}: real sent {self.real}, emulator sent {self.emulated}"


def compare(spec: SpecDocument, schema: Any, real: Any, emulated: Any) -> list[ShapeDifference]:
    """Every shape difference between a recorded answer and the emulator's, in path order."""
    return list(_compare(_Schemas(spec), schema, real, emulated, ""))


def _merged(items: list[Any]) -> Any:
    """A list's items as one representative: objects merged key by key (first non-null
    value), else the first non-null item; list lengths are data, not shape."""
    present = [item for item in items if item is not None]
    if not present:
        return None
    if all(isinstance(item, dict) for item in present):
        merged: dict[str, Any] = {}
        for item in present:
            for key, value in item.items():
                if merged.get(key) is None:
                    merged[key] = value
        return merged
    return present[0]


def _compare(
    schemas: _Schemas, schema: Any, real: Any, emulated: Any, path: str
) -> Iterator[ShapeDifference]:
    real_type, emulated_type = json_type(real), json_type(emulated)
    if "null" in (real_type, emulated_type):
        return  # a missing value against a value is data (an empty optional field), not shape
    if real_type != emulated_type:
        yield ShapeDifference("type", path, real_type, emulated_type)
        return
    if isinstance(real, dict) and isinstance(emulated, dict):
        only_real = [key for key in real if key not in emulated]
        only_emulated = [key for key in emulated if key not in real]
        # a field under another name is one difference, not a missing and an extra one
        for left, right in zip(only_real, only_emulated, strict=False):
            yield ShapeDifference("field", path, f"field `{left}`", f"field `{right}`")
        for key in only_real[len(only_emulated) :]:
            yield ShapeDifference("field", path, f"field `{key}`", "no such field")
        for key in only_emulated[len(only_real) :]:
            yield ShapeDifference("field", path, "no such field", f"field `{key}`")
        for key in real:
            if key in emulated:
                sub = schemas.member(schema, real, key)[1] if schema is not None else None
                yield from _compare(schemas, sub, real[key], emulated[key], _join(path, key))
        return
    if isinstance(real, list) and isinstance(emulated, list):
        sub = schemas.items(schema, real) if schema is not None else None
        yield from _compare(schemas, sub, _merged(real), _merged(emulated), f"{path}[]")
        return
    allowed = schemas.enum(schema, real) if schema is not None else None
    if allowed is not None and real != emulated:
        yield ShapeDifference("enum", path, repr(real), repr(emulated))
