"""The leniency suite: each documented leniency's example request, judged per target.

The list is the emulator dialect's own (`Dialect.leniencies`, each `Leniency.probe`), read, not
copied. A target the harness hosts runs `strict`, so every example must get strict's 400 (the
engine's `BadRequest`); any other target (a sandbox, a faithful emulator behind a URL) must
answer what the documented reading gives (`probe.expect_status`): a refusal there is a target
stricter than documented, which is how a sandbox run confirms or refutes each UNCONFIRMED
leniency. Examples that write only run where writes are allowed; their objects carry the run's
external_key prefix and are cleaned up with the run's other objects.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx

# The dialect's leniency list and strict's rejection: read, never copied (the harness may
# import the emulator to host it and to read what the dialect documents).
from chargeover_emulator.dialects import load_dialect
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.validation import Leniency, LeniencyProbe
from contracts.reporting import FailureRecord, Progress, RunReport, SuiteResult
from contracts.reproduction import curl
from contracts.safety import UnsafeWrite
from contracts.settings import Settings
from contracts.targets import Target

__all__ = ["AS_DOCUMENTED", "STRICT_REJECTS", "run_leniencies"]

_SUITE = "leniencies"
#: the matrix columns: a hosted (strict) target's judgement, and any other target's
STRICT_REJECTS = "leniency_strict_rejects"
AS_DOCUMENTED = "leniency_as_documented"
_PLACEHOLDER = re.compile(r"\{(customer_id|user_id|item_id|external_key)\}")


class _Skip(Exception):
    """The example cannot be sent to this target (the reason is the message)."""


class _Fixtures:
    """The objects placeholders name: found with read-only list calls, or created by this run."""

    def __init__(self, http: httpx.Client, target: Target) -> None:
        self.http = http
        self.target = target
        self.count = 0
        self.found: dict[str, Any] = {}

    def value(self, name: str, probe: LeniencyProbe) -> str:
        """The text a placeholder stands for in `probe`."""
        if name == "external_key":
            self.count += 1
            return f"{self.target.settings.key_prefix}leniency-{self.count}"
        if name == "item_id":
            return str(self._existing("item", "item_id"))
        if name == "customer_id" and not probe.writes and not self.target.writes_allowed:
            return str(self._existing("customer", "customer_id"))
        if not self.target.writes_allowed:
            raise _Skip(f"{{{name}}} needs an object this run creates, and the target is read-only")
        return str(self._created(name))

    def _existing(self, resource: str, key: str) -> int:
        """The newest existing object (read-only)."""
        if resource not in self.found:
            response = self.http.get(resource, params={"limit": 1, "order": f"{key}:DESC"})
            records = response.json().get("response") if response.status_code == 200 else None
            self.found[resource] = int(records[0][key]) if records else None
        if self.found[resource] is None:
            raise _Skip(f"no {resource} on the target to address")
        return int(self.found[resource])

    def _created(self, name: str) -> int:
        """A customer (or a user of it) this run creates, once."""
        if name in self.found:
            return int(self.found[name])
        prefix = self.target.settings.key_prefix
        if name == "customer_id":
            payload: dict[str, Any] = {
                "company": "Leniency probes",
                "external_key": f"{prefix}leniency-customer",
            }
            response = self.http.post("customer", json=payload)
        else:
            payload = {
                "customer_id": self._created("customer_id"),
                "first_name": "Probe",
                "external_key": f"{prefix}leniency-user",
            }
            response = self.http.post("user", json=payload)
        if response.status_code != 201:
            raise _Skip(
                f"could not create the object {{{name}}} names: HTTP {response.status_code}"
            )
        self.found[name] = int(response.json()["response"]["id"])
        return int(self.found[name])


def _answer(response: httpx.Response) -> tuple[str, Any]:
    """The error's message (or the start of the body) and its `details`, if any."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200], None
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])[:300], body.get("details")
    return response.text[:200], None


def _judge(
    leniency: Leniency, probe: LeniencyProbe, hosted: bool, status: int, text: str, details: Any
) -> str:
    """The failure's title, or '' when the target answered as it should."""
    name = leniency.name
    if hosted:
        if status != BadRequest.status_code:
            return (
                f"leniency {name} accepted by a strict target: expected HTTP "
                f"{BadRequest.status_code}, got HTTP {status} {text}"
            )
        # strict's 400 names the violation (validation.Violation.error): it must be the one
        # the leniency covers, or the example shows something else
        if (
            isinstance(details, dict)
            and "rule" in details
            and (
                details.get("component") != leniency.component
                or details["rule"] not in leniency.rules
            )
        ):
            return (
                f"the example of leniency {name} breaks another rule: strict rejected "
                f"{details.get('component')} {details.get('rule')}, the leniency covers "
                f"{leniency.component} {', '.join(sorted(leniency.rules))}: {text}"
            )
        return ""
    if status == probe.expect_status:
        return ""
    if 400 <= status < 500:
        return (
            f"stricter than documented: leniency {name} (evidence: {leniency.evidence}) was "
            f"refused: HTTP {status} {text}"
        )
    return (
        f"not read as documented: leniency {name} (evidence: {leniency.evidence}) should give "
        f"HTTP {probe.expect_status}, got HTTP {status} {text}"
    )


def _send(http: httpx.Client, probe: LeniencyProbe, fixtures: _Fixtures) -> httpx.Response:
    """The example as it goes on the wire, its placeholders filled (may raise _Skip)."""

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda match: fixtures.value(match.group(1), probe), text)

    path = fill(probe.path).lstrip("/")
    url = f"{path}?{probe.query}" if probe.query else path
    if probe.body is None:
        return http.request(probe.method, url)
    content = fill(probe.body).encode()
    json.loads(content)  # a probe's body is JSON once filled (a broken example fails here)
    headers = {"Content-Type": "application/json"}
    return http.request(probe.method, url, content=content, headers=headers)


def run_leniencies(
    target: Target, settings: Settings, report: RunReport, progress: Progress
) -> SuiteResult:
    """Send each leniency's example and judge the answer (see the module docstring)."""
    result = SuiteResult(_SUITE)
    started = time.monotonic()
    hosted = target.is_emulator
    check = STRICT_REJECTS if hosted else AS_DOCUMENTED
    http = target.client()
    fixtures = _Fixtures(http, target)
    failed = 0
    skipped: list[str] = []
    documented = load_dialect(settings.vendor).leniencies
    leniencies = [item for item in documented if item.probe is not None]
    for leniency in leniencies:
        probe = leniency.probe
        assert probe is not None
        row = f"leniency {leniency.name}"
        report.tally(row, check)  # the row shows even when the example cannot run here
        if probe.writes and not target.writes_allowed:
            skipped.append(f"{leniency.name} (writes; read-only target)")
            continue
        try:
            response = _send(http, probe, fixtures)
        except _Skip as reason:
            skipped.append(f"{leniency.name} ({reason})")
            continue
        except UnsafeWrite as refused:  # e.g. a create without the vendor's run tag
            skipped.append(f"{leniency.name} (the write guard refused it: {refused})")
            continue
        result.tests += 1
        report.examples[row] += 1
        text, details = _answer(response)
        title = _judge(leniency, probe, hosted, response.status_code, text, details)
        if not title:
            report.tally(row, check).passed += 1
            continue
        failed += 1
        report.tally(row, check).failed += 1
        expected = BadRequest.status_code if hosted else probe.expect_status
        report.add_failure(
            FailureRecord(
                _SUITE, row, check, title.split(":")[0],
                f"{title}\n(expected HTTP {expected}; {probe.method} {response.request.url})",
                curl(response.request),
            )
        )  # fmt: skip
    without = len(documented) - len(leniencies)
    progress.line(
        f"leniencies: {result.tests} examples sent, {failed} failed, {len(skipped)} not run here"
    )
    result.duration = time.monotonic() - started
    result.status = "failed" if failed else "passed"
    judged = "rejected by strict" if hosted else "as documented"
    result.detail = f"{result.tests - failed}/{result.tests} {judged}" + (
        f"; not run here: {', '.join(skipped)}" if skipped else ""
    )
    if without:
        result.detail += f"; {without} without an example"
    return result
