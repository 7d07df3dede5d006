"""The oracle: facts read from spec/chargeover.openapi.yaml itself (never from generated code)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

# the engine's spec reader: one parser of the vendor-neutral `x-kit-*` extensions
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
from contracts.settings import SPEC_PATH

__all__ = ["Oracle", "load_oracle"]

_METHODS = ("get", "put", "post", "delete", "patch")


@dataclasses.dataclass(frozen=True)
class Oracle:
    """Typed views of the spec that the custom checks and the stateful tests rely on."""

    path: Path
    document: Mapping[str, Any]

    def resolve(self, node: Any) -> Any:
        """Follow one local `$ref` (the spec only uses `#/components/...` references)."""
        while isinstance(node, Mapping) and "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    @functools.cached_property
    def schemas(self) -> Mapping[str, Any]:
        """`components.schemas`."""
        schemas: Mapping[str, Any] = self.document["components"]["schemas"]
        return schemas

    @functools.cached_property
    def resources(self) -> Mapping[str, ResourceSpec]:
        """Resources by name, as the engine's spec reader parses `x-kit-resource` (read once)."""
        return SpecDocument.load(self.path).resources

    @functools.cached_property
    def response_schema_names(self) -> frozenset[str]:
        """Component schemas reachable from any documented response body."""
        seen: set[str] = set()
        pending: list[Any] = []
        for _, _, operation in self.operations():
            for response in (operation.get("responses") or {}).values():
                pending.append(self.resolve(response).get("content"))
        while pending:
            node = pending.pop()
            if isinstance(node, Mapping):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[-1]
                    if name not in seen:
                        seen.add(name)
                        pending.append(self.schemas[name])
                pending.extend(value for key, value in node.items() if key != "examples")
            elif isinstance(node, list):
                pending.extend(node)
        return frozenset(seen)

    @functools.cached_property
    def enum_fields(self) -> dict[str, frozenset[str]]:
        """Response fields typed by a named enum component, with the values it allows.

        Read from every schema a response can contain, so that an enum added to the spec is
        checked without touching the harness.
        """
        fields: dict[str, frozenset[str]] = {}
        for name in sorted(self.response_schema_names):
            schema = self.schemas[name]
            for field, prop in (schema.get("properties") or {}).items():
                values = self._enum_values(prop)
                if values is not None:
                    fields[field] = fields.get(field, frozenset()) | values
        return fields

    def _enum_values(self, prop: Any) -> frozenset[str] | None:
        """The enum of a property that points at an enum component (directly or via anyOf)."""
        if not isinstance(prop, Mapping):
            return None
        candidates = [prop, *(prop.get("anyOf") or []), *(prop.get("oneOf") or [])]
        for candidate in candidates:
            if isinstance(candidate, Mapping) and "$ref" in candidate:
                target = self.resolve(candidate)
                if isinstance(target, Mapping) and "enum" in target:
                    return frozenset(str(value) for value in target["enum"])
        return None

    def parameter(self, name: str) -> Mapping[str, Any]:
        """A reusable parameter from `components.parameters`."""
        parameter: Mapping[str, Any] = self.document["components"]["parameters"][name]
        return parameter

    @functools.cached_property
    def max_limit(self) -> int:
        """The `limit` maximum (500)."""
        return int(self.parameter("Limit")["schema"]["maximum"])

    @functools.cached_property
    def default_limit(self) -> int:
        """The `limit` default (10)."""
        return int(self.parameter("Limit")["schema"]["default"])

    def operations(self) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """Every (METHOD, path, operation object) in document order."""
        for path, item in self.document["paths"].items():
            for method in _METHODS:
                if method in item:
                    yield method.upper(), path, item[method]

    @functools.cached_property
    def operation_ids(self) -> tuple[str, ...]:
        """Every operationId, in document order."""
        return tuple(str(operation["operationId"]) for _, _, operation in self.operations())

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """operationId -> schemathesis label (`GET /customer`)."""
        return {
            str(op["operationId"]): f"{method} {path}" for method, path, op in self.operations()
        }


@functools.cache
def load_oracle(path: Path = SPEC_PATH) -> Oracle:
    """Parse the spec once per process."""
    with path.open(encoding="utf-8") as file:
        document = yaml.safe_load(file)
    return Oracle(path=path, document=document)
