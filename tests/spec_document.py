"""Read-only helpers over a spec for tests: operations, $ref resolution, example validation.

Every helper defaults to the ChargeOver document; pass another vendor's path (or its parsed
document) to use it on that one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "chargeover.openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch")
_SPEC_URI = "urn:chargeover-spec"


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The parsed spec at `path` (cached; treat as read-only)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def resolve(node: Any, spec: dict[str, Any] | None = None) -> Any:
    """Follow local `$ref`s until a concrete node."""
    spec = spec or load_spec()
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True)
class Operation:
    """One (path, method) of the spec with its merged path-level parameters."""

    path: str
    method: str
    body: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(spec: dict[str, Any] | None = None) -> Iterator[Operation]:
    spec = spec or load_spec()
    for path, item in spec["paths"].items():
        shared = [resolve(p, spec) for p in item.get("parameters", [])]
        for method in METHODS:
            if method in item:
                own = [resolve(p, spec) for p in item[method].get("parameters", [])]
                yield Operation(path, method, item[method], tuple(shared + own))


@cache
def _registry(path: Path = SPEC_PATH) -> Registry[Any]:
    spec = load_spec(path)
    resource: Resource[Any] = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


def _rebase_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (_SPEC_URI + v if k == "$ref" and v.startswith("#/") else _rebase_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase_refs(v) for v in node]
    return node


def schema_errors(schema: dict[str, Any], value: Any, path: Path = SPEC_PATH) -> list[str]:
    """Validate `value` against a JSON Schema local to the spec at `path`; return the errors."""
    rebased = _rebase_refs(copy.deepcopy(schema))
    validator = jsonschema.Draft202012Validator(
        rebased, registry=_registry(path), format_checker=jsonschema.FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


@dataclass(frozen=True)
class EmbeddedExample:
    """A named example embedded in the spec, with the schema it documents."""

    where: str
    schema: dict[str, Any]
    value: Any


def embedded_examples(spec: dict[str, Any] | None = None) -> Iterator[EmbeddedExample]:
    """Every example of a parameter, request body or response, with its schema."""
    spec = spec or load_spec()

    def media(where: str, content: dict[str, Any]) -> Iterator[EmbeddedExample]:
        for media_type, m in content.items():
            for name, example in (m.get("examples") or {}).items():
                value = resolve(example, spec)["value"]
                yield EmbeddedExample(f"{where} {media_type} {name}", m["schema"], value)

    for op in operations(spec):
        for p in op.parameters:
            for name, example in (p.get("examples") or {}).items():
                where = f"{op.name} parameter {p['name']} {name}"
                yield EmbeddedExample(where, p["schema"], resolve(example, spec)["value"])
        if "requestBody" in op.body:
            yield from media(f"{op.name} request", resolve(op.body["requestBody"], spec)["content"])
        for status, response in op.body["responses"].items():
            yield from media(f"{op.name} {status}", resolve(response, spec).get("content", {}))
