"""The OpenAPI document: located, loaded once, exposed as resources, operations and validators."""

from __future__ import annotations

import dataclasses
import importlib.resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from chargeover_emulator.errors import ConfigError

__all__ = ["Operation", "Property", "ResourceSpec", "SpecDocument", "locate_spec"]

_REPO_SPEC = Path(__file__).resolve().parent.parent / "spec" / "chargeover.openapi.yaml"
_SCALARS = {"integer", "number", "boolean", "string"}
_METHODS = ("get", "post", "put", "delete", "patch")
_CACHE: dict[bytes, SpecDocument] = {}


def locate_spec(explicit: Path | None = None) -> Path:
    """Explicit path, else the copy packaged in the wheel, else the repository's spec/."""
    if explicit is not None:
        return explicit
    packaged = (
        importlib.resources.files("chargeover_emulator") / "_spec" / "chargeover.openapi.yaml"
    )
    if packaged.is_file():
        return Path(str(packaged))
    return _REPO_SPEC


@dataclasses.dataclass(frozen=True)
class Property:
    """One read-schema property, reduced to what storage and rendering need."""

    name: str
    kind: str
    nullable: bool
    read_only: bool
    item_schema: dict[str, Any] | None = None

    @property
    def scalar(self) -> bool:
        """Whether the value is stored in a column (not an array or object)."""
        return self.kind in _SCALARS


@dataclasses.dataclass
class Operation:
    """One documented operation: its route, its kind (`x-kit-operation`) and its responses."""

    operation_id: str
    method: str
    path: str
    kind: str
    resource: str | None
    action: str | None = None
    aliases: tuple[str, ...] = ()
    validator: jsonschema_rs.Validator | None = None
    body_required: bool = False
    #: the documented success status (the lowest 2xx code of `responses`)
    status: int = 200
    #: whether the success response declares a `Location` header
    location: bool = False
    #: `lookup` kind gets: the lookup key the path parameter holds (`external_key`, `token`)
    lookup: str | None = None
    #: `custom` kinds: which one (`balance`, `children`); a dialect serves it by this name
    name: str | None = None
    #: `constant` kind: the fixed response
    value: Any = None
    #: path and query parameters, resolved (`$ref`s followed), path-item ones first
    parameters: tuple[dict[str, Any], ...] = ()
    #: the operation's `security` requirements, each as the scopes it names (any one requirement
    #: suffices); () when the operation declares none
    security: tuple[frozenset[str], ...] = ()
    #: the whole `x-kit-operation` block, for the keys a dialect reads itself (`feature`)
    block: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ResourceSpec:
    """A resource as declared by `x-kit-resource` on its read schema."""

    name: str
    schema_name: str
    primary_key: str
    lookup_keys: tuple[str, ...]
    filterable: tuple[str, ...]
    list_omits: frozenset[str]
    not_found_message: str
    duplicate_message: str
    properties: dict[str, Property]
    #: the whole `x-kit-resource` block, for the keys a dialect reads itself (`filter-match`)
    block: dict[str, Any] = dataclasses.field(default_factory=dict)
    operations: dict[str, Operation] = dataclasses.field(default_factory=dict)
    actions: dict[str, Operation] = dataclasses.field(default_factory=dict)
    #: the path parameter carrying the primary key (`path-param`; None: the primary key's name)
    path_param: str | None = None
    #: a nested resource's parent (`parent.resource`) and the path parameter carrying its key
    parent: str | None = None
    parent_param: str | None = None

    def scalar_kind(self, field: str) -> str | None:
        """The value kind of a scalar read property, or None (the `order` whitelist)."""
        prop = self.properties.get(field)
        return prop.kind if prop is not None and prop.scalar else None


class SpecDocument:
    """The parsed spec plus everything derived from it."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        try:
            loaded = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise ConfigError(f"spec is not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError("spec is not an OpenAPI mapping")
        self.document: dict[str, Any] = loaded
        self.schemas: dict[str, Any] = loaded.get("components", {}).get("schemas", {})
        self.resources: dict[str, ResourceSpec] = {}
        self.operations: dict[str, Operation] = {}
        self._validated_components = _with_integer_bounds(loaded.get("components", {}))
        for schema_name, schema in self.schemas.items():
            if isinstance(schema, dict) and "x-kit-resource" in schema:
                resource = self._resource(schema_name, schema)
                self.resources[resource.name] = resource
        self._read_operations()

    @classmethod
    def load(cls, path: Path) -> SpecDocument:
        """Read and parse the spec file; the same bytes are parsed once per process."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read spec {path}: {exc}") from exc
        # The document is immutable after construction, so tests that build many apps share it.
        if raw not in _CACHE:
            _CACHE.clear()
            _CACHE[raw] = cls(raw)
        return _CACHE[raw]

    def resolve(self, schema: Any) -> dict[str, Any]:
        """Follow local `$ref`s until a schema object is reached."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            pointer = schema["$ref"]
            if not pointer.startswith("#/"):
                raise ConfigError(f"only local $refs are supported, got {pointer}")
            target: Any = self.document
            for part in pointer[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema, seen = target, seen + 1
        return schema if isinstance(schema, dict) else {}

    def flat_properties(self, schema: Any) -> dict[str, Property]:
        """Properties of an object schema, merging allOf members."""
        resolved = self.resolve(schema)
        properties: dict[str, Property] = {}
        for member in resolved.get("allOf", []):
            properties.update(self.flat_properties(member))
        for name, prop_schema in resolved.get("properties", {}).items():
            kind, nullable, item = self._kind(prop_schema)
            read_only = bool(
                self.resolve(prop_schema).get("readOnly") or prop_schema.get("readOnly")
            )
            properties[name] = Property(name, kind, nullable, read_only, item)
        return properties

    def value_kind(self, schema: Any) -> str:
        """`integer`, `number`, `boolean`, `string`, `array` or `object`: how text coerces."""
        return self._kind(schema)[0]

    def _kind(self, schema: Any) -> tuple[str, bool, dict[str, Any] | None]:
        """(kind, nullable, array item schema) of a property schema in any 3.1 spelling."""
        resolved = self.resolve(schema)
        declared = resolved.get("type")
        types = set(declared) if isinstance(declared, list) else ({declared} if declared else set())
        for key in ("anyOf", "oneOf", "allOf"):
            for member in resolved.get(key, []):
                kind, nullable, item = self._kind(member)
                types.add(kind)
                if nullable:
                    types.add("null")
                if item is not None:
                    return "array", True, item
        nullable = "null" in types or bool(resolved.get("nullable"))
        types.discard("null")
        types.discard("any")
        if "array" in types:
            return "array", nullable, self.resolve(resolved.get("items", {}))
        # Tolerant-reader unions (LegacyInteger = integer|numeric string,
        # LegacyFlag = boolean|"0"/"1")
        # store as their first, precise type; the emulator writes that type.
        for kind in ("object", "integer", "number", "boolean", "string"):
            if kind in types:
                return kind, nullable, None
        return "string", True, None

    def validator(self, schema: Any) -> jsonschema_rs.Validator:
        """A Draft 2020-12 validator whose root embeds the components so `$ref`s resolve.

        Formats are assertions here (`date` must be a real calendar date), and `format: int64`
        / `int32` also bound the value from below: jsonschema checks neither on its own, and
        the spec writes only the `maximum` out.
        """
        root = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self._validated_components,
        }
        root.update(schema if "$ref" not in schema else {"$ref": schema["$ref"]})
        return jsonschema_rs.validator_for(root, validate_formats=True)

    def _resource(self, schema_name: str, schema: dict[str, Any]) -> ResourceSpec:
        """Build a ResourceSpec from a read schema's x-kit-resource block."""
        ext = schema["x-kit-resource"]
        parent = _parent(ext.get("parent"))
        try:
            name = ext["name"]
            return ResourceSpec(
                name=name,
                schema_name=schema_name,
                primary_key=ext["primary-key"],
                lookup_keys=tuple(ext.get("lookup-keys", ())),
                filterable=tuple(ext.get("filterable", ())),
                list_omits=frozenset(ext.get("list-omits", ())),
                not_found_message=ext.get("not-found-message", "Not found."),
                duplicate_message=ext.get(
                    "duplicate-external-key-message",
                    'Duplicate external_key "{value}".',
                ),
                properties=self.flat_properties(schema),
                path_param=ext.get("path-param"),
                parent=parent[0] if parent else None,
                parent_param=parent[1] if parent else None,
                block=dict(ext),
            )
        except KeyError as exc:
            raise ConfigError(f"{schema_name}: x-kit-resource lacks {exc}") from exc

    def _read_operations(self) -> None:
        """Read every operation's `x-kit-operation` block and attach its request validator."""
        for path, item in self.document.get("paths", {}).items():
            if not isinstance(item, dict):
                continue
            shared = [self.resolve(p) for p in item.get("parameters", [])]
            for method in _METHODS:
                op = item.get(method)
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                operation = self._operation(path, method, op, shared)
                self.operations[operation.operation_id] = operation
                if operation.resource is None:
                    continue
                res = self.resources.get(operation.resource)
                if res is None:
                    raise ConfigError(
                        f"{operation.operation_id}: x-kit-operation names resource "
                        f"{operation.resource!r}, which no x-kit-resource declares"
                    )
                if operation.kind == "action" and operation.action is not None:
                    for name in (operation.action, *operation.aliases):
                        res.actions[name] = operation
                else:
                    key = _filing_key(operation)
                    if key in res.operations:
                        raise ConfigError(
                            f"{operation.operation_id} and {res.operations[key].operation_id} "
                            f"are both the {key!r} operation of {res.name}"
                        )
                    res.operations[key] = operation

    def _operation(
        self, path: str, method: str, op: dict[str, Any], shared: list[dict[str, Any]]
    ) -> Operation:
        """One operation as its `x-kit-operation` block declares it."""
        operation_id = op["operationId"]
        block = op.get("x-kit-operation")
        if not isinstance(block, dict) or not isinstance(block.get("kind"), str):
            raise ConfigError(f"{operation_id}: no x-kit-operation block with a kind")
        body = op.get("requestBody")
        validator = None
        required = False
        if isinstance(body, dict):
            body = self.resolve(body)
            required = bool(body.get("required"))
            media = body.get("content", {}).get("application/json", {})
            if "schema" in media:
                validator = self.validator(media["schema"])
        own = [self.resolve(p) for p in op.get("parameters", [])]
        overridden = {(p.get("in"), p.get("name")) for p in own}
        parameters = [p for p in shared if (p.get("in"), p.get("name")) not in overridden] + own
        responses = op.get("responses", {})
        success = sorted(code for code in map(str, responses) if code.isdigit() and code[0] == "2")
        headers = self.resolve(responses[success[0]]).get("headers", {}) if success else {}
        action = block.get("action")
        name = block.get("name")
        return Operation(
            operation_id=operation_id,
            method=method.upper(),
            path=path,
            kind=block["kind"],
            resource=block.get("resource"),
            action=action if isinstance(action, str) else None,
            aliases=tuple(block.get("aliases", ())),
            validator=validator,
            body_required=required,
            status=_success_status(operation_id, block, success),
            location="Location" in headers,
            lookup=block.get("lookup"),
            name=name if isinstance(name, str) else None,
            value=block.get("value"),
            parameters=tuple(parameters),
            security=tuple(
                frozenset(scope for scopes in requirement.values() for scope in scopes)
                # an operation's own requirements replace the document's (OpenAPI)
                for requirement in op.get("security", self.document.get("security", ()))
            ),
            block=dict(block),
        )


def _parent(declared: Any) -> tuple[str, str] | None:
    """`x-kit-resource.parent` as (parent resource, path parameter naming the parent's id)."""
    if declared is None:
        return None
    try:
        return str(declared["resource"]), str(declared["path-param"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"x-kit-resource.parent needs resource and path-param: {exc}") from exc


def _filing_key(operation: Operation) -> str:
    """How a resource files an operation: by kind, a lookup get by its key, a custom by name."""
    if operation.lookup is not None:
        return f"get_by_{operation.lookup}"
    if operation.kind == "custom" and operation.name is not None:
        return f"custom:{operation.name}"
    return operation.kind


def _success_status(operation_id: str, block: dict[str, Any], documented: list[str]) -> int:
    """`x-kit-operation.status` where several 2xx are documented, else the only (lowest) one."""
    chosen = block.get("status")
    if chosen is None:
        return int(documented[0]) if documented else 200
    if str(chosen) not in documented:
        raise ConfigError(f"{operation_id}: x-kit-operation status {chosen} is not documented")
    return int(chosen)


_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _with_integer_bounds(schema: Any) -> Any:
    """A copy of `schema` where every `format: int32/int64` also has its minimum and maximum."""
    if isinstance(schema, list):
        return [_with_integer_bounds(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: _with_integer_bounds(value) for key, value in schema.items()}
    declared = copy.get("format")
    bounds = _INTEGER_FORMATS.get(declared) if isinstance(declared, str) else None
    if bounds is not None:
        copy.setdefault("minimum", bounds[0])
        copy.setdefault("maximum", bounds[1])
    return copy
