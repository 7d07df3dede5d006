"""Request validation against the spec, under a policy: `strict` or `faithful`.

Every request part the spec describes is checked: query parameters (coerced from text by their
schema's type first, as OpenAPI's `form` style implies) and the JSON body. Each problem is a
`Violation` naming the component (`query`, `body`), the JSON pointer inside it and the schema
rule it breaks (`type`, `maximum`, `enum`, ...).

- `strict` rejects the request on its first violation with a 400 naming all three.
- `faithful` accepts exactly the violations a `Leniency` of the vendor covers (each one listed
  with its evidence: what the real API is known to accept), repairs the request the way the
  vendor reads it (a dropped parameter, say), and reports each one; any other violation is
  rejected as under `strict`. Reports go to the response (`X-Emulator-Violations`), the log
  and a counter (`ViolationLedger`) that tests and the harness read.

A parameter whose value is a grammar with its own parser (ChargeOver's `where`/`order`) is
`deferred` under `faithful`: the parser, not the schema's regex, gives the vendor's message.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import jsonschema_rs

from chargeover_emulator.errors import ApiError, BadRequest
from chargeover_emulator.protocol.body import content_type_error
from chargeover_emulator.protocol.numbers import (
    INT64_MAX,
    INT64_MIN,
    decimal_integer,
    decimal_number,
)

__all__ = [
    "DROP",
    "NULL_BODY",
    "POLICIES",
    "Leniency",
    "LeniencyProbe",
    "Policy",
    "Rejection",
    "RequestValidator",
    "Violation",
    "ViolationLedger",
    "declared_parameters",
    "drop_parameter",
    "keep_value",
]

Policy = Literal["faithful", "strict"]
POLICIES: tuple[Policy, ...] = ("faithful", "strict")
HEADER = "X-Emulator-Violations"

_log = logging.getLogger("chargeover_emulator.validation")


@dataclasses.dataclass(frozen=True)
class Violation:
    """One way a request departs from the spec; values are never echoed (they may be secrets)."""

    component: str
    pointer: str
    rule: str
    message: str
    leniency: str | None = None
    #: the schema error's detail (its kind: a `required` error names the missing property), for
    #: a dialect that words its own violations; never rendered by the engine
    detail: Any = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def where(self) -> str:
        """`query/limit`, `body/line_items/0/item_id`: component and pointer together."""
        return f"{self.component}{self.pointer}"

    def describe(self) -> str:
        """A header-safe summary: names from the spec only."""
        accepted = f" accepted: {self.leniency}" if self.leniency else ""
        return f"{self.where} {self.rule}{accepted}"

    def error(self) -> BadRequest:
        """The vendor's 400 for this violation, naming component, pointer and rule."""
        return BadRequest(
            f"Missing or invalid parameter: {self.where}: {self.message} (rule: {self.rule})",
            details={"component": self.component, "pointer": self.pointer, "rule": self.rule},
        )


Repair = Callable[[dict[str, Any], str], None]
#: how a vendor answers a rejected request: every violation found (the first is what `strict`
#: stopped at) -> the error to raise; the default is the first violation's 400
Rejection = Callable[[Sequence[Violation]], ApiError]


def _first_violation(violations: Sequence[Violation]) -> ApiError:
    return violations[0].error()


def drop_parameter(query: dict[str, Any], name: str) -> None:
    """Read the parameter as absent (its default applies)."""
    query.pop(name, None)


def keep_value(query: dict[str, Any], name: str) -> None:
    """Pass the value on unchanged: the handler reads it the vendor's way (e.g. clamps it)."""


@dataclasses.dataclass(frozen=True)
class LeniencyProbe:
    """One request that shows a leniency, and what the vendor's documented reading answers.

    `path` is below the API prefix and may name placeholders (`{customer_id}`, `{user_id}`,
    `{item_id}`, `{external_key}`) that whoever sends it fills: an existing object's id, or
    one it created. `query` is the query string as sent (`limit=abc`); `body` the JSON text
    as sent (placeholders allowed; `None`: no body). `writes`: the request changes data or
    has a side effect (an e-mail), so it only goes where writes are allowed.
    """

    method: str
    path: str
    expect_status: int
    query: str = ""
    body: str | None = None
    writes: bool = False


@dataclasses.dataclass(frozen=True)
class Leniency:
    """A violation the real API is known to accept, with the evidence and how it reads it."""

    name: str
    component: str
    rules: frozenset[str]
    evidence: str
    parameters: frozenset[str] = frozenset()  # empty: any parameter of the component
    repair: Repair = drop_parameter
    #: only these values (as sent, with the schema error's detail: its expected types, format,
    #: unexpected keys); None: any value breaking one of `rules`
    accepts: Callable[[Any, Any], bool] | None = None
    #: body leniencies: the value the vendor reads instead (DROP removes the key)
    fix: Callable[[Any, Any], Any] | None = None
    #: an example request the leniency accepts (the contract harness sends it to each target)
    probe: LeniencyProbe | None = None

    def covers(self, violation: Violation, raw: Any, detail: Any = None) -> bool:
        """Whether this leniency accepts the violation, given the value as sent."""
        if violation.component != self.component or violation.rule not in self.rules:
            return False
        if self.parameters and violation.pointer.lstrip("/") not in self.parameters:
            return False
        return self.accepts is None or self.accepts(raw, detail)


class ViolationLedger:
    """Counts accepted violations per (operation, where, rule, leniency), readable at any time."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str, str]] = Counter()
        self._lock = threading.Lock()

    def record(self, operation_id: str, violation: Violation) -> None:
        key = (operation_id, violation.where, violation.rule, violation.leniency or "")
        with self._lock:
            self.counts[key] += 1

    def total(self) -> int:
        """Accepted violations so far."""
        return sum(self.counts.values())

    def as_list(self) -> list[dict[str, Any]]:
        """JSON-ready rows, for `GET /_emulator/violations`."""
        with self._lock:
            items = sorted(self.counts.items())
        return [
            {"operation": op, "where": where, "rule": rule, "leniency": name, "count": count}
            for (op, where, rule, name), count in items
        ]

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()


@dataclasses.dataclass(frozen=True)
class _Parameter:
    """A query parameter as the validator needs it: its type for coercion and its validator."""

    name: str
    kind: str
    validator: jsonschema_rs.Validator
    required: bool = False
    #: `style: deepObject` (`filter[number]=x`): the coercion kind of each declared member
    members: dict[str, str] | None = None


class RequestValidator:
    """Validates one operation's query and body under the configured policy."""

    def __init__(
        self,
        policy: Policy,
        leniencies: Iterable[Leniency],
        ledger: ViolationLedger,
        *,
        deferred: Iterable[str] = (),
        reject: Rejection = _first_violation,
    ) -> None:
        if policy not in POLICIES:
            raise ValueError(f"validation policy must be one of {POLICIES}, got {policy!r}")
        self.policy = policy
        self.leniencies = tuple(leniencies)
        self.ledger = ledger
        self.deferred = frozenset(deferred)
        self._reject = reject

    def query(
        self,
        operation_id: str,
        parameters: Mapping[str, _Parameter],
        query: Mapping[str, Any],
    ) -> tuple[dict[str, Any], list[Violation]]:
        """The query as the handler should read it, and the violations accepted on the way."""
        repaired = dict(query)
        accepted: list[Violation] = []
        for name, parameter in parameters.items():
            if parameter.members is not None:
                accepted += self._deep_object(operation_id, parameter, query, repaired)
                continue
            if name not in query:
                continue
            values = query[name] if isinstance(query[name], list) else [query[name]]
            for raw in values:
                for violation in _check_parameter(parameter, raw):
                    accepted.append(self._settle(operation_id, violation, raw, repaired, name))
        return repaired, accepted

    def _deep_object(
        self,
        operation_id: str,
        parameter: _Parameter,
        query: Mapping[str, Any],
        repaired: dict[str, Any],
    ) -> list[Violation]:
        """`filter[number]=x&filter[name]=y` as one object `filter` (OpenAPI `deepObject`),
        each member coerced by its declared type (text for undeclared ones), then validated;
        the pointer names the member (`/filter/colour`), even an undeclared one."""
        name, members = parameter.name, parameter.members or {}
        prefix = f"{name}["
        found = {key: key[len(prefix) : -1] for key in query if key.startswith(prefix)}
        if not found:
            return []
        accepted: list[Violation] = []
        value: dict[str, Any] = {}
        for key, member in found.items():
            repaired.pop(key, None)
            raw = query[key][-1] if isinstance(query[key], list) else query[key]
            kind = members.get(member, "string")
            coerced = _coerce(kind, raw) if key.endswith("]") else _UNREADABLE
            if coerced is _UNREADABLE:
                unreadable = Violation("query", f"/{name}/{member}", "type", f"not a valid {kind}")
                accepted.append(self._settle(operation_id, unreadable, raw, repaired, name))
                continue
            value[member] = coerced
        repaired[name] = value
        for error in parameter.validator.iter_errors(value):
            pointer = f"/{name}" + "".join(f"/{part}" for part in error.instance_path)
            unexpected = getattr(error.kind, "unexpected", None)
            if unexpected:
                pointer += f"/{unexpected[0]}"
            rule = str(error.schema_path[-1]) if error.schema_path else "schema"
            violation = Violation("query", pointer, rule, error.message)
            accepted.append(self._settle(operation_id, violation, value, repaired, name))
        return accepted

    def path(
        self,
        operation_id: str,
        parameters: Mapping[str, _Parameter],
        values: Mapping[str, str],
        *,
        alternatives: Callable[[str, str], bool] = lambda name, value: False,
    ) -> list[Violation]:
        """Path parameters, decoded; `alternatives(name, value)` names a documented other form
        of a value (an `external_key:...` lookup where an id is declared), which is no violation."""
        accepted: list[Violation] = []
        for name, parameter in parameters.items():
            value = values.get(name)
            if value is None or alternatives(name, value):
                continue
            for violation in _check_parameter(parameter, value, "path"):
                accepted.append(self._settle(operation_id, violation, value, {}, name))
        return accepted

    def headers(
        self, operation_id: str, parameters: Mapping[str, _Parameter], headers: Mapping[str, str]
    ) -> list[Violation]:
        """Declared header parameters (lower-case names): required ones present, values valid."""
        accepted: list[Violation] = []
        for name, parameter in parameters.items():
            value = headers.get(name)
            if value is None:
                if parameter.required:
                    missing = Violation("header", f"/{name}", "required", "is required")
                    accepted.append(self._settle(operation_id, missing, None, {}, name))
                continue
            for violation in _check_parameter(parameter, value, "header"):
                accepted.append(self._settle(operation_id, violation, value, {}, name))
        return accepted

    def body(
        self, operation_id: str, validator: jsonschema_rs.Validator, body: Any
    ) -> tuple[Any, list[Violation]]:
        """The body as the handler should read it, and the violations accepted on the way.

        Under `faithful` each pass repairs every violation a leniency covers and validates
        again, so a repair that leaves another problem (a datetime whose date part is no date)
        is still judged; a violation no leniency covers is the vendor's 400.
        """
        accepted: list[Violation] = []
        for _ in range(_BODY_PASSES):
            errors = list(validator.iter_errors(body))
            if not errors:
                return body, accepted
            if self.policy == "strict":
                raise self._reject([_body_violation(error) for error in errors])
            # deepest first: removing a key must not move a sibling's pointer before its repair
            errors.sort(key=lambda e: len(e.instance_path), reverse=True)
            uncovered = [
                violation
                for error in errors
                if self._body_leniency(violation := _body_violation(error), error) is None
            ]
            if uncovered:  # every violation no leniency covers, for the vendor's answer
                raise self._reject(uncovered)
            body = copy.deepcopy(body)
            for error in errors:
                violation = _body_violation(error)
                leniency = self._body_leniency(violation, error)
                if leniency is None or leniency.fix is None:
                    raise self._reject([violation])
                body = _replace(
                    body, list(error.instance_path), leniency.fix(error.instance, error.kind)
                )
                accepted.append(self._record(operation_id, violation, leniency.name))
        raise self._reject([_body_violation(error) for error in validator.iter_errors(body)])

    def _body_leniency(self, violation: Violation, error: Any) -> Leniency | None:
        """The leniency that repairs this body violation, if any."""
        return next(
            (
                item
                for item in self.leniencies
                if item.fix is not None and item.covers(violation, error.instance, error.kind)
            ),
            None,
        )

    def missing_body(self, operation_id: str) -> Violation | None:
        """A required request body that is absent: `strict` refuses it; `faithful` reads it as
        an empty one, which the operation then judges (a dialect's "no data" answer, or the
        dispatcher's refusal of a write without a body), unless a dialect's leniency says the
        vendor reads it so: then the acceptance is recorded, and returned, like any other."""
        if self.policy == "strict":
            raise _MISSING_BODY.error()
        leniency = next(
            (item for item in self.leniencies if item.covers(_MISSING_BODY, None)), None
        )
        return (
            None if leniency is None else self._record(operation_id, _MISSING_BODY, leniency.name)
        )

    def accepts_form_bodies(self) -> bool:
        """Whether a form-encoded body (where the spec declares JSON) is read at all: only under
        `faithful`, and only where a leniency says the vendor reads one."""
        return self._form_leniency() is not None

    def form_body(self, operation_id: str, content_type: str) -> Violation:
        """Record (and report) an operation reading a form-encoded body."""
        leniency = self._form_leniency()
        if leniency is None:
            raise content_type_error(content_type)
        return self._record(operation_id, _FORM_BODY, leniency.name)

    def _form_leniency(self) -> Leniency | None:
        if self.policy == "strict":
            return None
        return next((item for item in self.leniencies if item.covers(_FORM_BODY, None)), None)

    def null_body(self, operation_id: str, expected: str) -> Violation:
        """A JSON `null` where the operation's body is optional: no body, if a leniency says so."""
        violation = Violation("body", "", "type", f"null is not {expected}")
        if self.policy == "strict":
            raise self._reject([violation])
        leniency = next(
            (item for item in self.leniencies if item.covers(violation, None, NULL_BODY)), None
        )
        if leniency is None:
            raise self._reject([violation])
        return self._record(operation_id, violation, leniency.name)

    def _record(self, operation_id: str, violation: Violation, leniency: str) -> Violation:
        accepted = dataclasses.replace(violation, leniency=leniency)
        self.ledger.record(operation_id, accepted)
        _log.info("accepted %s on %s", accepted.describe(), operation_id)
        return accepted

    def _settle(
        self, operation_id: str, violation: Violation, raw: Any, query: dict[str, Any], name: str
    ) -> Violation:
        """Raise under `strict` (or with no leniency); otherwise repair, record and return it."""
        if self.policy == "strict":
            raise self._reject([violation])
        if violation.component == "query" and name in self.deferred:
            return self._record(operation_id, violation, "deferred-to-grammar-parser")
        leniency = next((item for item in self.leniencies if item.covers(violation, raw)), None)
        if leniency is None:
            raise self._reject([violation])
        leniency.repair(query, name)
        return self._record(operation_id, violation, leniency.name)


def declared_parameters(
    parameters: Iterable[Mapping[str, Any]],
    kind_of: Callable[[Any], str],
    validator_for: Callable[[Any], jsonschema_rs.Validator],
    *,
    location: str = "query",
) -> dict[str, _Parameter]:
    """The operation's parameters `in` one location (query, path, header), each with its
    coercion kind and schema validator; header names are lower-cased (HTTP ignores case)."""
    found: dict[str, _Parameter] = {}
    for parameter in parameters:
        if parameter.get("in") != location or "schema" not in parameter:
            continue
        schema = parameter["schema"]
        name = str(parameter["name"])
        name = name.lower() if location == "header" else name
        members = None
        if parameter.get("style") == "deepObject":
            declared = schema.get("properties", {}) if isinstance(schema, dict) else {}
            members = {member: kind_of(member_schema) for member, member_schema in declared.items()}
        found[name] = _Parameter(
            name, kind_of(schema), validator_for(schema), bool(parameter.get("required")), members
        )
    return found


def _check_parameter(parameter: _Parameter, raw: Any, component: str = "query") -> list[Violation]:
    """Coerce one textual value by the parameter's type, then validate it."""
    pointer = f"/{parameter.name}"
    value = _coerce(parameter.kind, raw)
    if value is _UNREADABLE:
        return [Violation(component, pointer, "type", f"not a valid {parameter.kind}")]
    return [
        Violation(component, pointer,
                  str(error.schema_path[-1]) if error.schema_path else "schema", error.message,
                  detail=error.kind)
        for error in parameter.validator.iter_errors(value)
    ]  # fmt: skip


_UNREADABLE: Any = object()
_FORM_BODY = Violation("body", "", "mediaType", "form-encoded where JSON is declared")
_MISSING_BODY = Violation("body", "", "required", "a request body is required")
#: a body fix's answer for "read the key as absent"
DROP: Any = object()
#: the `detail` a leniency sees for a whole body that is JSON `null`
NULL_BODY: Any = object()
_BODY_PASSES = 4


def _body_violation(error: Any) -> Violation:
    pointer = "".join(f"/{part}" for part in error.instance_path)
    rule = str(error.schema_path[-1]) if error.schema_path else "schema"
    return Violation("body", pointer, rule, error.message, detail=error.kind)


def _replace(body: Any, path: list[Any], value: Any) -> Any:
    """`body` with the value at `path` replaced (or its key removed, for DROP)."""
    if not path:
        return value
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    if value is DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return body


def _coerce(kind: str, raw: Any) -> Any:
    """Text to the schema's type (`form` style); `_UNREADABLE` when the text is not one."""
    if not isinstance(raw, str):
        return raw
    if kind == "integer":
        number = decimal_integer(raw.strip())
        if isinstance(number, float):
            # Beyond int64, where no schema bound lies: one value past it, with its sign,
            # judges every bound as the exact (maybe 5,000-digit) number would.
            return INT64_MAX + 1 if number > 0 else INT64_MIN - 1
        return _UNREADABLE if number is None else number
    if kind == "number":
        parsed = decimal_number(raw.strip())
        return _UNREADABLE if parsed is None else parsed
    if kind == "boolean":
        lowered = raw.strip().lower()
        return {"true": True, "false": False}.get(lowered, _UNREADABLE)
    return raw
