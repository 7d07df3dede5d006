"""ChargeOver-specific contract rules, and the schemathesis checks that apply them.

Everything the ChargeOver wire protocol adds on top of plain OpenAPI lives here, in one place
(ARCHITECTURE.md): the envelope, enum values, paging limits and the Location header. Each rule
is a pure function over an `Observation` (so unit tests and the stateful suite use the same
code), wrapped for schemathesis by a thin check function. Importing this module registers
nothing: the checks belong to ChargeOver's harness dialect (`contracts.dialects.chargeover`),
and a run registers them for its own duration only (`contracts.check_registry`). Allowed
values and limits are read from the spec, never hard-coded a second time.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

from chargeover_emulator.protocol.envelope_rules import envelope_problems
from contracts.oracle import Oracle, load_oracle
from contracts.settings import SPEC_PATH

__all__ = [
    "CHECKS",
    "CUSTOM_CHECK_NAMES",
    "ContractViolation",
    "Observation",
    "broken_rules",
    "chargeover_enums",
    "chargeover_envelope",
    "chargeover_location",
    "chargeover_paging",
    "check_enums",
    "check_envelope",
    "check_location",
    "check_paging",
    "observe",
    "oracle_for",
    "run_all",
]

API_PREFIX = "/api/v3"
_NOT_PARSED = object()


class ContractViolation(AssertionError):
    """A response breaks a ChargeOver rule; the message says which and how."""


@dataclasses.dataclass(frozen=True)
class Observation:
    """One request/response pair, reduced to what the rules look at."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: Any = _NOT_PARSED
    text: str = ""

    @classmethod
    def build(
        cls, method: str, url: str, status: int, headers: Mapping[str, str], content: bytes
    ) -> Observation:
        """Parse the body once; a body that is not JSON stays `_NOT_PARSED`."""
        text = content.decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = _NOT_PARSED
        lowered = {key.lower(): value for key, value in headers.items()}
        return cls(method.upper(), url, status, lowered, body, text)

    @property
    def path(self) -> str:
        """The request path below /api/v3 (`/customer/3`)."""
        path = urlsplit(self.url).path
        index = path.find(API_PREFIX)
        return path[index + len(API_PREFIX) :] if index >= 0 else path

    @property
    def query(self) -> dict[str, str]:
        """The request's query parameters (the last value wins, as in the emulator)."""
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def has_json(self) -> bool:
        """Whether the body parsed as JSON."""
        return self.body is not _NOT_PARSED


def check_envelope(obs: Observation) -> None:
    """`code` mirrors the HTTP status, `status` is OK exactly on 2xx, errors say why.

    The rule itself is `chargeover_emulator.protocol.envelope_rules`, shared with the tests.
    """
    if not obs.has_json:
        raise ContractViolation(f"Body is not a JSON envelope object: {obs.text[:200]!r}")
    problems = envelope_problems(obs.status, obs.body)
    if problems:
        raise ContractViolation("; ".join(problems))


def _walk_objects(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object nested in `value`, depth first."""
    if isinstance(value, Mapping):
        yield value
        for child in value.values():
            yield from _walk_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_objects(child)


def check_enums(obs: Observation, oracle: Oracle) -> None:
    """Every enum-typed field of a response object holds a value the spec's component allows."""
    if not (obs.has_json and isinstance(obs.body, dict)) or not 200 <= obs.status < 300:
        return
    allowed_by_field = oracle.enum_fields
    problems = []
    for item in _walk_objects(obs.body.get("response")):
        for field, allowed in allowed_by_field.items():
            value = item.get(field)
            # null is a nullability question (response_schema_conformance), not an enum one
            if value is not None and value not in allowed:
                problems.append(f"{field}={value!r} not in {sorted(allowed)}")
    if problems:
        raise ContractViolation("Enum value outside the spec: " + "; ".join(sorted(set(problems))))


def _limit_parameter(oracle: Oracle, method: str, path: str) -> Mapping[str, Any] | None:
    """The schema of the `limit` query parameter of the operation serving `path`, if any."""
    operation = _match_operation(oracle, method, path)
    if operation is None:
        return None
    for parameter in operation.get("parameters") or []:
        resolved = oracle.resolve(parameter)
        if resolved.get("name") == "limit" and resolved.get("in") == "query":
            schema: Mapping[str, Any] = oracle.resolve(resolved.get("schema", {}))
            return schema
    return None


def _match_operation(oracle: Oracle, method: str, path: str) -> Mapping[str, Any] | None:
    """The spec operation for a concrete request path (literal segments win over templates)."""
    segments = path.strip("/").split("/")
    best: tuple[int, Mapping[str, Any]] | None = None
    for op_method, template, operation in oracle.operations():
        if op_method != method:
            continue
        parts = template.strip("/").split("/")
        if len(parts) != len(segments):
            continue
        literal = 0
        for part, segment in zip(parts, segments, strict=True):
            if "{" not in part:
                if part != segment:
                    break
                literal += 1
            elif ":" in part and not segment.startswith(part.split("{", 1)[0]):
                break  # `external_key:{key}` only matches `external_key:...`
        else:
            if best is None or literal > best[0]:
                best = (literal, operation)
    return best[1] if best else None


def check_paging(obs: Observation, oracle: Oracle) -> None:
    """A page holds at most min(limit, maximum) records, and at most the default without a limit."""
    if obs.method != "GET" or obs.status != 200 or not isinstance(obs.body, dict):
        return
    records = obs.body.get("response")
    if not isinstance(records, list):
        return
    schema = _limit_parameter(oracle, obs.method, obs.path)
    if schema is None:
        return
    maximum = int(schema.get("maximum", oracle.max_limit))
    default = int(schema.get("default", oracle.default_limit))
    raw = obs.query.get("limit", "").strip()
    if raw.isdigit() and int(raw) > 0:
        allowed = min(int(raw), maximum)
        why = f"limit={raw} allows at most {allowed}"
    else:
        # absent, 0 (the PHP SDK's "default") or unparsable and still answered 200
        allowed = min(default, maximum)
        why = f"without a limit at most {allowed}"
    if len(records) > allowed:
        raise ContractViolation(f"Page has {len(records)} records; {why} (spec maximum {maximum})")


def check_location(obs: Observation) -> None:
    """201 and 202 carry a Location header ending in /{resource}/{id} of the response id."""
    if obs.status not in (201, 202):
        return
    location = obs.headers.get("location")
    if not location:
        raise ContractViolation(f"HTTP {obs.status} without a Location header")
    body = obs.body if isinstance(obs.body, dict) else {}
    response = body.get("response")
    object_id = response.get("id") if isinstance(response, dict) else None
    if object_id is None:
        raise ContractViolation(f"HTTP {obs.status} without response.id to check Location against")
    resource = obs.path.strip("/").split("/")[0]
    expected = f"/{resource}/{object_id}"
    if not urlsplit(location).path.rstrip("/").endswith(expected):
        raise ContractViolation(f"Location {location!r} does not end with {expected!r}")


def run_all(obs: Observation, oracle: Oracle | None = None) -> list[tuple[str, str]]:
    """Every rule against one observation: (check name, violation) for each rule broken."""
    oracle = oracle or load_oracle()
    rules: dict[str, Callable[[], None]] = {
        "chargeover_envelope": lambda: check_envelope(obs),
        "chargeover_enums": lambda: check_enums(obs, oracle),
        "chargeover_paging": lambda: check_paging(obs, oracle),
        "chargeover_location": lambda: check_location(obs),
    }
    return broken_rules(rules)


def broken_rules(rules: Mapping[str, Callable[[], None]]) -> list[tuple[str, str]]:
    """Run each named rule: (name, violation) for every rule that raised ContractViolation."""
    problems = []
    for name, rule in rules.items():
        try:
            rule()
        except ContractViolation as exc:
            problems.append((name, str(exc)))
    return problems


def observe(response: Response, case: Case[Any]) -> Observation:
    """Adapt a schemathesis response to an Observation (every vendor's checks take these)."""
    request = response.request
    headers = {key: values[-1] for key, values in response.headers.items() if values}
    return Observation.build(
        str(request.method or case.method),
        str(request.url),
        response.status_code,
        headers,
        response.content or b"",
    )


def oracle_for(case: Case[Any], default: Path = SPEC_PATH) -> Oracle:
    """The oracle of the schema under test: the file it was loaded from (tests may load a
    spec from another path), else `default`, the vendor's spec."""
    location = getattr(case.operation.schema, "location", None) or ""
    if location.startswith("file://"):
        return load_oracle(Path(unquote(urlsplit(location).path)))
    return load_oracle(default)


def chargeover_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """ChargeOver envelope: code == HTTP status, status OK iff 2xx, errors carry a message."""
    check_envelope(observe(response, case))
    return None


def chargeover_enums(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Enum fields hold values from the spec's enum components."""
    check_enums(observe(response, case), oracle_for(case))
    return None


def chargeover_paging(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """List pages never exceed min(limit, maximum) or the default size."""
    check_paging(observe(response, case), oracle_for(case))
    return None


def chargeover_location(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """201/202 carry Location pointing at /{resource}/{id}."""
    check_location(observe(response, case))
    return None


#: ChargeOver's schemathesis checks, registered by nobody until a run scopes them
CHECKS = (chargeover_envelope, chargeover_enums, chargeover_paging, chargeover_location)
CUSTOM_CHECK_NAMES = tuple(check.__name__ for check in CHECKS)
