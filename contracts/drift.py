"""Spec/target drift: where the spec and the target disagree about the fields of a resource.

Why the other suites miss it (issue 19 item 2): a spec-valid create the target refuses with 400
passes schemathesis, which must accept 400 for business rules (a duplicate key, an unknown id)
and on a URL target sends no write at all; the model suite sends fixed fields only. A field the
target returns that the spec lacks passes `response_schema_conformance`, since read schemas are
open (a tolerant reader), and a documented field the target never returns is optional. So this
suite asks directly, per resource of the spec (`x-kit-resource`):

- **rejected** (a failure): a create with every optional field the spec documents, each with a
  value derived from its schema (its example, enum, format or type), is refused with a 4xx;
  each field is then sent alone with the required ones, and every field refused alone is
  reported. A client generated from the spec sends that field and breaks, so the run fails.
  Runs where writes are allowed (emulators; a URL target with `--allow-writes`, on prefixed
  objects the run deletes); fields whose valid value the schema cannot tell (a reference id
  without an example, a pattern) are listed as not probed.
- **undocumented** (a warning): a field the target returns that the read schema lacks. Generated
  clients keep it as an additional property, so nothing breaks, but the spec (and the emulator
  built from it) is behind the target.
- **never returned** (a warning): a documented field absent from every record read (lists and a
  single get). A real API may omit empty fields, so alone it proves little; it is evidence for
  the spec's maintainer.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Mapping
from typing import Any, Literal

import httpx

from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import curl
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["DriftFinding", "run_drift"]

_SUITE = "drift"
# records read per resource (one list page, then one get per record, at most this many)
_SAMPLE = 5


@dataclasses.dataclass(frozen=True)
class DriftFinding:
    """One disagreement between the spec and the target."""

    kind: Literal["rejected", "undocumented", "never returned", "not probed"]
    resource: str
    field: str
    detail: str

    @property
    def severity(self) -> Literal["failure", "warning", "note"]:
        """Rejected documented fields fail the run; the rest inform (see the module docstring)."""
        if self.kind == "rejected":
            return "failure"
        return "note" if self.kind == "not probed" else "warning"


class _Values:
    """Values a schema documents as valid, unique per call where a field may need it."""

    def __init__(self, document: SpecDocument, prefix: str) -> None:
        self._document = document
        self._prefix = prefix
        self._counter = itertools.count(1)

    def for_field(self, name: str, schema: Any) -> tuple[bool, Any]:
        """(True, value) when the schema tells a valid value, else (False, the reason)."""
        resolved = self._document.resolve(schema)
        if resolved.get("readOnly"):
            return False, "read-only"
        if "example" in resolved:
            return True, resolved["example"]
        if resolved.get("examples"):
            return True, resolved["examples"][0]
        if resolved.get("enum"):
            return True, resolved["enum"][0]
        for key in ("anyOf", "oneOf"):
            for member in resolved.get(key, []):
                if self._document.resolve(member).get("type") != "null":
                    return self.for_field(name, member)
        kind = self._document.value_kind(resolved)
        number = next(self._counter)
        if name == "external_key":
            return True, f"{self._prefix}drift-{number}"
        if kind == "boolean":
            return True, True
        if kind in {"integer", "number"}:
            if name.endswith("_id"):
                return False, "a reference id: no valid value without an example"
            minimum = resolved.get("minimum", resolved.get("exclusiveMinimum", 0))
            return True, max(1, int(minimum) + 1)
        if kind == "string":
            if "pattern" in resolved:
                return False, "a pattern: no value derived"
            return True, self._text(resolved, number)
        return False, f"{kind}: no value derived"

    def _text(self, schema: Mapping[str, Any], number: int) -> str:
        """A string of the schema's format, within its length bounds."""
        text = {
            "date": "2030-01-02",
            "date-time": "2030-01-02T03:04:05Z",
            "email": f"drift{number}@example.com",
            "uri": "https://example.com/drift",
        }.get(str(schema.get("format", "")), f"drift{number}")
        minimum, maximum = int(schema.get("minLength", 0)), schema.get("maxLength")
        text = text.ljust(minimum, "x")
        return text[: int(maximum)] if maximum is not None else text


def run_drift(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Probe creates (where writes are allowed) and compare read records with the spec."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    document = SpecDocument.load(settings.spec_path)
    values = _Values(document, settings.key_prefix)
    findings: list[DriftFinding] = []
    with target.client() as client:
        for resource in document.resources.values():
            if target.writes_allowed and "create" in resource.operations:
                findings += _probe_create(client, document, resource, values, report)
            findings += _compare_reads(client, resource)
    report.drift += findings
    failures = [finding for finding in findings if finding.severity == "failure"]
    warnings = [finding for finding in findings if finding.severity == "warning"]
    result.status = "failed" if failures else "passed"
    result.tests = len(document.resources)
    result.detail = f"{len(failures)} rejected field(s), {len(warnings)} warning(s)"
    result.duration = time.monotonic() - started
    progress.line(f"drift: {result.detail}")
    return result


def _probe_create(
    client: httpx.Client,
    document: SpecDocument,
    resource: ResourceSpec,
    values: _Values,
    report: RunReport,
) -> list[DriftFinding]:
    """Create with every optional field; on a refusal, find the fields refused alone."""
    operation = resource.operations["create"]
    raw = document.document["paths"][operation.path][operation.method.lower()]
    content = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = document.resolve(content.get("schema", {}))
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    label = f"drift {resource.name}"
    findings: list[DriftFinding] = []
    required_body: dict[str, Any] = {}
    optional: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    for name, field_schema in properties.items():
        known, value = values.for_field(name, field_schema)
        if not known:
            if name in required:
                reason = f"required field {name!r}: {value}"
                return [DriftFinding("not probed", resource.name, "(create)", reason)]
            unknown[name] = str(value)
        elif name in required or name == "external_key":
            required_body[name] = value
        else:
            optional[name] = value
    if unknown:
        detail = "; ".join(f"{name} ({reason})" for name, reason in unknown.items())
        findings.append(DriftFinding("not probed", resource.name, "(create fields)", detail))

    def fresh(extra: Mapping[str, Any]) -> dict[str, Any]:
        body = {**required_body, **extra}
        if "external_key" in body:  # unique per object; prefixed for the write guard
            body["external_key"] = values.for_field("external_key", {})[1]
        return body

    path = operation.path.lstrip("/")
    everything = client.post(path, json=fresh(optional))
    accepted = report.tally(label, "drift_documented_fields_accepted")
    if everything.status_code < 400:
        accepted.passed += 1
        return findings
    for name, value in optional.items():
        alone = client.post(path, json=fresh({name: value}))
        if alone.status_code < 400:
            continue
        accepted.failed += 1
        finding = DriftFinding(
            "rejected", resource.name, name,
            f"HTTP {alone.status_code}: {alone.text[:300]}",
        )  # fmt: skip
        findings.append(finding)
        report.add_failure(
            FailureRecord(
                suite=_SUITE,
                operation=f"{operation.method} {operation.path}",
                check="drift_documented_fields_accepted",
                title=f"the target refuses `{name}`, which the spec documents on "
                f"{schema.get('title', resource.name)} (sent {value!r})",
                message=finding.detail,
                reproduction=curl(alone.request),
            )
        )
    if not any(finding.kind == "rejected" for finding in findings):
        # refused together, accepted one by one: a combination rule, not a field the spec lacks
        detail = f"every optional field together: HTTP {everything.status_code}: {everything.text}"
        findings.append(DriftFinding("not probed", resource.name, "(combination)", detail[:300]))
    return findings


def _compare_reads(client: httpx.Client, resource: ResourceSpec) -> list[DriftFinding]:
    """Fields the target returns that the read schema lacks, and documented ones never seen."""
    listing, getter = resource.operations.get("list"), resource.operations.get("get")
    if listing is None:
        return []
    records = _records(client.get(listing.path.lstrip("/")))[:_SAMPLE]
    full: list[dict[str, Any]] = []
    if getter is not None:
        for record in records:
            key = record.get(resource.primary_key)
            if key is None:
                continue
            path = getter.path.replace("{" + _path_parameter(getter.path) + "}", str(key))
            full += _records(client.get(path.lstrip("/")))[:1]
    if not records:
        return []
    documented = set(resource.properties)
    seen = {field for record in [*records, *full] for field in record}
    findings = [
        DriftFinding("undocumented", resource.name, field, "returned, not in the read schema")
        for field in sorted(seen - documented)
    ]
    # a list may omit what `list-omits` names; a get must return everything
    returned = seen if full else seen | set(resource.list_omits)
    findings += [
        DriftFinding(
            "never returned",
            resource.name,
            field,
            f"absent from all {len(records) + len(full)} records read",
        )
        for field in sorted(documented - returned)
    ]
    return findings


def _path_parameter(path: str) -> str:
    """The name of the (last) `{parameter}` in a path template."""
    return path.rsplit("{", 1)[-1].split("}", 1)[0]


def _records(response: httpx.Response) -> list[dict[str, Any]]:
    """The records of a successful read, whatever envelope the vendor wraps them in."""
    if response.status_code >= 400:
        return []
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, dict) and not any(isinstance(v, (list, dict)) for v in body.values()):
        return [body]  # a bare record
    pending: list[Any] = [body]
    while pending:
        node = pending.pop(0)
        if isinstance(node, list):
            return [item for item in node if isinstance(item, dict)]
        if isinstance(node, dict):
            if (
                "response" not in node
                and "data" not in node
                and any(not isinstance(value, (list, dict)) for value in node.values())
            ):
                return [node]  # a record with nested values
            pending += [node[key] for key in ("response", "data") if key in node]
    return []
