"""Drift: does the spec still describe what the real API sent?

For each recorded interaction: its operation (the engine's routes, legacy URLs included), then
five checks, each a column of the report:

- `drift_matched`: a documented operation serves this method and path;
- `drift_request_valid`: query, path and JSON body are valid for the operation (a violation a
  documented leniency of the vendor's dialect covers is known, not drift);
- `drift_status_documented`: the operation documents the status the API answered;
- `drift_response_valid`: the body is valid against that status's schema, and the headers the
  spec marks required are there;
- `drift_fields_described`: every field the API sent is described by the schema (response
  schemas are tolerant readers, so validation alone never sees a new field).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chargeover_emulator.errors import ApiError
from chargeover_emulator.validation import (
    RequestValidator,
    Violation,
    ViolationLedger,
    declared_parameters,
)
from contracts.traffic.cassette import NOT_JSON, Interaction, read_cassette
from contracts.traffic.findings import Finding, TrafficReport, TrafficWaiver, build_report
from contracts.traffic.matching import Match, VendorSpec
from contracts.traffic.shapes import undescribed

__all__ = ["CHECKS", "drift", "drift_findings"]

CHECKS = (
    "drift_matched",
    "drift_request_valid",
    "drift_status_documented",
    "drift_response_valid",
    "drift_fields_described",
)
UNMATCHED = "(undocumented route)"


def _where(item: Interaction) -> str:
    return f"{item.source}: {item.method} {item.url}"


class _Drift:
    """The checks of one vendor's spec over recorded interactions."""

    def __init__(self, spec: VendorSpec) -> None:
        self.spec = spec
        self.validator = RequestValidator("strict", (), ViolationLedger())
        self.checked: list[tuple[str, str]] = []
        self.findings: list[Finding] = []
        self.examples: Counter[str] = Counter()

    def add(self, item: Interaction) -> None:
        match = self.spec.match(item)
        if match is None:
            self.examples[UNMATCHED] += 1
            self.checked.append((UNMATCHED, "drift_matched"))
            self.findings.append(
                Finding(
                    UNMATCHED,
                    "drift_matched",
                    f"{item.method} {item.path}",
                    "no operation of the spec serves this method and path",
                    _where(item),
                )
            )
            return
        label = match.label
        self.examples[label] += 1
        self.checked += [(label, check) for check in CHECKS]
        for check, subject, message in self._request(match, item):
            self.findings.append(Finding(label, check, subject, message, _where(item)))
        for check, subject, message in self._response(match, item):
            self.findings.append(Finding(label, check, subject, message, _where(item)))

    def _violations(self, call: Any) -> list[Violation]:
        try:
            call()
        except ApiError as error:
            details = error.details
            return [
                Violation(
                    str(details.get("component", "request")),
                    str(details.get("pointer", "")),
                    str(details.get("rule", "schema")),
                    error.message,
                )
            ]
        return []

    def _request(self, match: Match, item: Interaction) -> list[tuple[str, str, str]]:
        document = self.spec.document
        operation = match.operation
        # a legacy URL's query is its own operation's (`?action=` is declared there)
        url_operation = match.legacy or operation
        op = operation.operation_id
        violations: list[tuple[Violation, Any, Any]] = []
        query = item.query
        declared = declared_parameters(
            url_operation.parameters, document.value_kind, document.validator, location="query"
        )
        for name, parameter in declared.items():
            for found in self._violations(
                lambda p={name: parameter}: self.validator.query(op, p, query)
            ):
                violations.append((found, query.get(name), None))
        for name in query:
            known = name in declared or any(
                name.startswith(f"{deep}[") for deep, p in declared.items() if p.members is not None
            )
            if not known:
                violations.append(
                    (Violation("query", f"/{name}", "undeclared", "not declared"), None, None)
                )
        path_declared = declared_parameters(
            operation.parameters, document.value_kind, document.validator, location="path"
        )
        for name, parameter in path_declared.items():
            for found in self._violations(
                lambda p={name: parameter}: self.validator.path(op, p, match.params)
            ):
                violations.append((found, match.params.get(name), None))
        body = item.request_json()
        if operation.validator is not None and body is not None and body is not NOT_JSON:
            for error in operation.validator.iter_errors(body):
                pointer = "".join(f"/{part}" for part in error.instance_path)
                rule = str(error.schema_path[-1]) if error.schema_path else "schema"
                violation = Violation("body", pointer, rule, error.message)
                violations.append((violation, error.instance, error.kind))
        results = []
        for violation, raw, detail in violations:
            leniency = next(
                (
                    item
                    for item in self.spec.dialect.leniencies
                    if item.covers(violation, raw, detail)
                ),
                None,
            )
            if leniency is not None:
                continue  # documented: the real API accepts it, and the spec's NOTES say so
            results.append(
                (
                    "drift_request_valid",
                    violation.where,
                    f"the request breaks `{violation.rule}` at {violation.where}: "
                    + violation.message,
                )
            )
        return results

    def _response(self, match: Match, item: Interaction) -> list[tuple[str, str, str]]:
        op = match.operation.operation_id
        block = self.spec.response_block(op, item.status)
        if block is None:
            return [
                (
                    "drift_status_documented",
                    "status",
                    f"the API answered {item.status}, which {op} does not document",
                )
            ]
        results: list[tuple[str, str, str]] = []
        for name, header in (block.get("headers") or {}).items():
            header = self.spec.document.resolve(header)
            if header.get("required") and item.response_header(str(name)) is None:
                results.append(
                    (
                        "drift_response_valid",
                        f"header {name}",
                        f"the spec requires header {name} on {item.status}; the API sent none",
                    )
                )
        schema = self.spec.response_schema(op, item.status)
        body = item.response_json()
        if schema is None or body is None:
            return results
        if body is NOT_JSON:
            results.append(
                ("drift_response_valid", "body", "the spec documents JSON; the API sent other text")
            )
            return results
        validator = self.spec.document.validator(schema)
        for error in validator.iter_errors(body):
            pointer = "".join(f"/{part}" for part in error.instance_path) or "/"
            rule = str(error.schema_path[-1]) if error.schema_path else "schema"
            results.append(
                (
                    "drift_response_valid",
                    pointer,
                    f"the response breaks `{rule}` at {pointer}: {error.message}",
                )
            )
        for path in undescribed(self.spec.document, schema, body):
            results.append(
                (
                    "drift_fields_described",
                    path,
                    f"the API sent `{path}`, which the spec does not describe",
                )
            )
        return results


def drift_findings(
    spec: VendorSpec, interactions: Sequence[Interaction]
) -> tuple[list[Finding], list[tuple[str, str]], Counter[str]]:
    """Findings, the (operation, check) pairs that ran, and interactions per operation."""
    run = _Drift(spec)
    for item in interactions:
        run.add(item)
    return run.findings, run.checked, run.examples


def drift(
    vendor: str,
    paths: Sequence[Path],
    *,
    waivers: Sequence[TrafficWaiver] = (),
    spec_path: Path | None = None,
) -> TrafficReport:
    """Read the cassettes and judge every interaction against the vendor's spec."""
    started = time.monotonic()
    spec = VendorSpec(vendor, spec_path)
    interactions = [item for path in paths for item in read_cassette(path)]
    findings, checked, examples = drift_findings(spec, interactions)
    # spec order, then the undocumented routes
    order = {operation_id: number for number, operation_id in enumerate(spec.document.operations)}
    labels = sorted(examples, key=lambda label: order.get(label.split(" ")[0], len(order)))
    return build_report(
        suite="drift",
        title=f"Drift: {vendor} spec against recorded traffic",
        target=", ".join(str(path) for path in paths),
        base_url=str(spec.spec_path),
        operations=labels,
        checked=checked,
        findings=findings,
        waivers=waivers,
        examples=examples,
        wall_time=time.monotonic() - started,
    )
