"""The spec change rules: what changed between two OpenAPI documents, classed for a client.

No kept OpenAPI diff tool runs here on OpenAPI 3.1 documents (docs/api-changes.md says which
were tried and why each failed), so the catalogue is written by hand, kept small, and every rule
is named after the oasdiff rule id for the same check. The bump is judged from the viewpoint of a
team that vendors the generated, strictly typed client: anything that can make its code (or its
type check) fail is MAJOR, even where oasdiff only warns (a removed optional response property
removes a model attribute; a new response enum value makes the generated enum reject the
payload), additions are MINOR.

A property's subject names the component schema that owns it (`Customer.admin_id`), so a change
to a schema that several operations reach is reported once, with the operations listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from contract_kit.api_changes.change import Bump, Change

__all__ = ["RULES", "Rule", "diff_specs"]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Rule:
    id: str
    bump: Bump
    action: str  # what a vendoring team must do; "" when nothing


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


MAJOR, MINOR = Bump.MAJOR, Bump.MINOR
RULES = _rules(
    # operations
    Rule("endpoint-added", MINOR, ""),
    Rule("api-removed-without-deprecation", MAJOR, "stop calling the operation"),
    Rule("api-removed-with-deprecation", MAJOR, "stop calling the (deprecated) operation"),
    Rule("api-operation-id-updated", MAJOR, "call the operation's function by its new name"),
    Rule("endpoint-deprecated", MINOR, "plan to stop calling the operation"),
    # parameters
    Rule("new-required-request-parameter", MAJOR, "pass the new parameter on every call"),
    Rule("new-optional-request-parameter", MINOR, ""),
    Rule("request-parameter-removed", MAJOR, "stop passing the parameter"),
    Rule("request-parameter-became-required", MAJOR, "pass the parameter on every call"),
    Rule("request-parameter-became-optional", MINOR, ""),
    Rule("request-parameter-type-changed", MAJOR, "send values of the new type"),
    Rule("request-parameter-type-generalized", MINOR, ""),
    Rule("request-parameter-enum-value-removed", MAJOR, "stop sending the removed values"),
    Rule("request-parameter-enum-value-added", MINOR, ""),
    # request bodies
    Rule("request-body-became-required", MAJOR, "send a body on every call"),
    Rule("request-body-became-optional", MINOR, ""),
    Rule("new-required-request-property", MAJOR, "set the new field on every request"),
    Rule("new-optional-request-property", MINOR, ""),
    Rule("request-property-removed", MAJOR, "stop setting the field"),
    Rule("request-property-became-required", MAJOR, "set the field on every request"),
    Rule("request-property-became-optional", MINOR, ""),
    Rule("request-property-type-changed", MAJOR, "send values of the new type"),
    Rule("request-property-type-generalized", MINOR, ""),
    Rule("request-property-enum-value-removed", MAJOR, "stop sending the removed values"),
    Rule("request-property-enum-value-added", MINOR, ""),
    # responses
    Rule("response-success-status-removed", MAJOR, "stop expecting the status"),
    Rule("response-success-status-added", MINOR, "handle the new status"),
    Rule("response-non-success-status-removed", MINOR, ""),
    Rule("response-non-success-status-added", MINOR, "handle the new error status"),
    Rule("response-required-property-removed", MAJOR, "stop reading the field"),
    Rule("response-optional-property-removed", MAJOR, "stop reading the field"),
    Rule("response-required-property-added", MINOR, ""),
    Rule("response-optional-property-added", MINOR, ""),
    Rule("response-property-became-optional", MAJOR, "handle the field being absent"),
    Rule("response-property-became-required", MINOR, ""),
    Rule("response-property-became-nullable", MAJOR, "handle a null value"),
    Rule("response-property-type-changed", MAJOR, "read values of the new type"),
    Rule("response-property-type-specialized", MINOR, ""),
    Rule("response-property-enum-value-added", MAJOR, "accept the new values when reading"),
    Rule("response-property-enum-value-removed", MINOR, ""),
    # security
    Rule("api-security-added", MINOR, ""),
    Rule("api-security-required", MAJOR, "send credentials to the operation"),
    Rule("api-security-removed", MAJOR, "authenticate with a scheme the operation still takes"),
)


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, one per rule and subject, sorted breaking first."""
    found = _Findings()
    before, after = _operations(old), _operations(new)
    for key in sorted(before.keys() - after.keys()):
        operation = before[key]
        rule = "api-removed-with-deprecation" if operation.deprecated else (
            "api-removed-without-deprecation"
        )  # fmt: skip
        found.add(rule, operation.label, "the operation was removed", operation.id)
    for key in sorted(after.keys() - before.keys()):
        operation = after[key]
        found.add("endpoint-added", operation.label, "a new operation", operation.id)
    for key in sorted(before.keys() & after.keys()):
        _diff_operation(found, old, new, before[key], after[key])
    return found.changes()


class _Findings:
    """Changes keyed by rule and subject, collecting the operations each one reaches."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], tuple[str, set[str]]] = {}

    def add(self, rule: str, subject: str, detail: str, operation: str) -> None:
        if rule not in RULES:
            raise KeyError(f"no such rule: {rule}")
        _, operations = self._found.setdefault((rule, subject), (detail, set()))
        operations.add(operation)

    def changes(self) -> list[Change]:
        changes = [
            Change(
                source="spec",
                rule=rule,
                bump=RULES[rule].bump,
                subject=subject,
                detail=detail,
                action=RULES[rule].action,
                operations=tuple(sorted(operations)),
            )
            for (rule, subject), (detail, operations) in self._found.items()
        ]
        return sorted(changes, key=lambda c: (-c.bump, c.subject, c.rule))


@dataclass(frozen=True)
class _Operation:
    method: str
    path: str
    id: str
    deprecated: bool
    body: Mapping[str, Any]
    parameters: dict[tuple[str, str], Mapping[str, Any]]
    responses: Mapping[str, Any]
    security: frozenset[frozenset[str]]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _operations(doc: Mapping[str, Any]) -> dict[tuple[str, str], _Operation]:
    operations = {}
    for path, item in (doc.get("paths") or {}).items():
        item = _resolve(doc, item)
        shared = [_resolve(doc, p) for p in item.get("parameters", [])]
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            parameters = {(p["in"], p["name"]): p for p in shared}
            own = (_resolve(doc, p) for p in op.get("parameters", []))
            parameters.update({(p["in"], p["name"]): p for p in own})
            requirements = op.get("security", doc.get("security", []))
            operations[(method, path)] = _Operation(
                method=method,
                path=path,
                id=op.get("operationId", f"{method.upper()} {path}"),
                deprecated=bool(op.get("deprecated", False)),
                body=_resolve(doc, op.get("requestBody", {})),
                parameters=parameters,
                responses={str(k): _resolve(doc, v) for k, v in op.get("responses", {}).items()},
                security=frozenset(frozenset(r) for r in requirements),
            )
    return operations


def _diff_operation(
    found: _Findings, old: Mapping[str, Any], new: Mapping[str, Any], a: _Operation, b: _Operation
) -> None:
    op = b.id
    if a.id != b.id:
        found.add("api-operation-id-updated", b.label, f"operationId {a.id} is now {b.id}", op)
    if b.deprecated and not a.deprecated:
        found.add("endpoint-deprecated", b.label, "the operation is deprecated", op)
    _diff_parameters(found, old, new, a, b)
    _diff_request_body(found, old, new, a, b)
    _diff_responses(found, old, new, a, b)
    _diff_security(found, a, b)


def _diff_parameters(
    found: _Findings, old: Mapping[str, Any], new: Mapping[str, Any], a: _Operation, b: _Operation
) -> None:
    for key in sorted(a.parameters.keys() | b.parameters.keys()):
        where, name = key
        subject = f"{b.label} {where} parameter {name}"
        before, after = a.parameters.get(key), b.parameters.get(key)
        if before is None and after is not None:
            required = bool(after.get("required"))
            rule = (
                "new-required-request-parameter" if required else "new-optional-request-parameter"
            )
            found.add(rule, subject, "a new parameter", b.id)
        elif after is None:
            found.add("request-parameter-removed", subject, "the parameter was removed", b.id)
        elif before is not None:
            was, now = bool(before.get("required")), bool(after.get("required"))
            if now and not was:
                found.add("request-parameter-became-required", subject, "now required", b.id)
            elif was and not now:
                found.add("request-parameter-became-optional", subject, "now optional", b.id)
            _diff_value(
                found,
                "request-parameter",
                subject,
                b.id,
                _Field(old, before.get("schema", {}), False),
                _Field(new, after.get("schema", {}), False),
                request=True,
            )


def _diff_request_body(
    found: _Findings, old: Mapping[str, Any], new: Mapping[str, Any], a: _Operation, b: _Operation
) -> None:
    was, now = bool(a.body.get("required")), bool(b.body.get("required"))
    if now and not was:
        found.add("request-body-became-required", b.label, "the body is now required", b.id)
    elif was and not now:
        found.add("request-body-became-optional", b.label, "the body is now optional", b.id)
    _diff_fields(
        found,
        b.id,
        _flatten(old, _json_schema(a.body), f"{b.id} request"),
        _flatten(new, _json_schema(b.body), f"{b.id} request"),
        request=True,
    )


def _diff_responses(
    found: _Findings, old: Mapping[str, Any], new: Mapping[str, Any], a: _Operation, b: _Operation
) -> None:
    for status in sorted(a.responses.keys() | b.responses.keys()):
        success = status.startswith("2")
        kind = "success" if success else "non-success"
        subject = f"{b.label} {status}"
        if status not in b.responses:
            found.add(f"response-{kind}-status-removed", subject, "status removed", b.id)
        elif status not in a.responses:
            found.add(f"response-{kind}-status-added", subject, "status added", b.id)
        else:
            owner = f"{b.id} {status} response"
            _diff_fields(
                found,
                b.id,
                _flatten(old, _json_schema(a.responses[status]), owner),
                _flatten(new, _json_schema(b.responses[status]), owner),
                request=False,
            )


def _diff_security(found: _Findings, a: _Operation, b: _Operation) -> None:
    def names(requirement: frozenset[str]) -> str:
        return " + ".join(sorted(requirement)) or "no authentication"

    for requirement in sorted(a.security - b.security, key=sorted):
        subject = f"{b.label} security {names(requirement)}"
        found.add("api-security-removed", subject, "no longer accepted", b.id)
    for requirement in sorted(b.security - a.security, key=sorted):
        # an operation that took no credentials (or accepted anonymous calls) now demands them
        rule = "api-security-required" if not a.security else "api-security-added"
        subject = f"{b.label} security {names(requirement)}"
        found.add(rule, subject, "a new way to authenticate", b.id)


@dataclass(frozen=True)
class _Field:
    """A property (or parameter) schema inside the document it comes from."""

    doc: Mapping[str, Any]
    schema: Mapping[str, Any]
    required: bool

    def types(self) -> frozenset[str]:
        return _types(self.doc, self.schema, set())

    def enum(self) -> frozenset[str] | None:
        return _enum(self.doc, self.schema, set())


def _flatten(
    doc: Mapping[str, Any], schema: Mapping[str, Any] | None, owner: str
) -> dict[str, _Field]:
    """Every property reachable from `schema`, keyed `Owner.path` (Owner: its component schema)."""
    fields: dict[str, _Field] = {}
    if schema is not None:
        for subject, prop, required in _walk(doc, schema, owner, "", ()):
            fields.setdefault(subject, _Field(doc, prop, required))
    return fields


def _walk(
    doc: Mapping[str, Any],
    schema: Mapping[str, Any],
    owner: str,
    prefix: str,
    stack: tuple[str, ...],
) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in stack:  # a recursive schema: its properties are already listed
            return
        yield from _walk(doc, _resolve(doc, schema), name, "", (*stack, name))
        return
    for combinator in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(combinator, []):
            yield from _walk(doc, member, owner, prefix, stack)
    if isinstance(schema.get("items"), Mapping):
        yield from _walk(doc, schema["items"], owner, f"{prefix}[].", stack)
    required = set(schema.get("required", []))
    for name, prop in (schema.get("properties") or {}).items():
        yield f"{owner}.{prefix}{name}", prop, name in required
        yield from _walk(doc, prop, owner, f"{prefix}{name}.", stack)


def _diff_fields(
    found: _Findings,
    operation: str,
    before: dict[str, _Field],
    after: dict[str, _Field],
    *,
    request: bool,
) -> None:
    side = "request" if request else "response"
    for subject in sorted(before.keys() | after.keys()):
        a, b = before.get(subject), after.get(subject)
        if a is None and b is not None:
            need = "required" if b.required else "optional"
            rule = f"new-{need}-request-property" if request else f"response-{need}-property-added"
            found.add(rule, subject, f"a new {need} {side} field", operation)
        elif b is None and a is not None:
            need = "required" if a.required else "optional"
            rule = "request-property-removed" if request else f"response-{need}-property-removed"
            found.add(rule, subject, f"the {side} field was removed", operation)
        elif a is not None and b is not None:
            if b.required and not a.required:
                found.add(f"{side}-property-became-required", subject, "now required", operation)
            elif a.required and not b.required:
                found.add(f"{side}-property-became-optional", subject, "now optional", operation)
            _diff_value(found, f"{side}-property", subject, operation, a, b, request=request)


def _diff_value(
    found: _Findings,
    kind: str,
    subject: str,
    operation: str,
    a: _Field,
    b: _Field,
    *,
    request: bool,
) -> None:
    """Type and enum changes of one value, judged by who writes it (client or vendor)."""
    was, now = a.types(), b.types()
    if was != now:
        detail = f"type {_show(was)} is now {_show(now)}"
        widened = "any" in now or now > was
        if request:
            rule = f"{kind}-type-generalized" if widened else f"{kind}-type-changed"
        elif now == was | {"null"}:
            rule = "response-property-became-nullable"
        else:
            narrowed = "any" in was or now < was
            rule = "response-property-type-specialized" if narrowed else f"{kind}-type-changed"
        found.add(rule, subject, detail, operation)
    old_enum, new_enum = a.enum(), b.enum()
    if old_enum is not None and new_enum is not None:
        if removed := old_enum - new_enum:
            found.add(f"{kind}-enum-value-removed", subject, f"removed {_show(removed)}", operation)
        if added := new_enum - old_enum:
            found.add(f"{kind}-enum-value-added", subject, f"added {_show(added)}", operation)


def _types(doc: Mapping[str, Any], schema: Mapping[str, Any], seen: set[str]) -> frozenset[str]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return frozenset({"any"})
        return _types(doc, _resolve(doc, schema), seen | {ref})
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(declared)
    members = [*schema.get("anyOf", []), *schema.get("oneOf", [])]
    if members:
        return frozenset().union(*(_types(doc, m, seen) for m in members))
    for combinator in schema.get("allOf", []):
        found = _types(doc, combinator, seen)
        if found != {"any"}:
            return found
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return frozenset(_json_type(v) for v in values)
    return frozenset({"any"})


def _enum(
    doc: Mapping[str, Any], schema: Mapping[str, Any], seen: set[str]
) -> frozenset[str] | None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return None if ref in seen else _enum(doc, _resolve(doc, schema), seen | {ref})
    if "enum" in schema:
        return frozenset(json.dumps(v) for v in schema["enum"] if v is not None)
    values = [_enum(doc, m, seen) for m in [*schema.get("anyOf", []), *schema.get("oneOf", [])]]
    enums = [v for v in values if v is not None]
    return frozenset().union(*enums) if enums else None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "any"


def _json_schema(holder: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The JSON schema of a request body or response (the first JSON media type)."""
    for media, content in (holder.get("content") or {}).items():
        if media == "application/json" or media.endswith("+json"):
            schema = content.get("schema")
            return schema if isinstance(schema, Mapping) else None
    return None


def _resolve(doc: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a node without one."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise ValueError(f"cannot resolve $ref {ref!r}")
        seen.add(ref)
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _show(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))
