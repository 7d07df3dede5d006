"""What drift and parity find, the waivers that excuse some of it, and the report they share.

A `Finding` is one difference on one operation under one check (`drift_response_valid`,
`parity_status`, ...). A `TrafficWaiver` (read from a YAML file, `--waivers`) excuses findings
by operation, check and subject, and must give its reason; excused findings are counted, never
hidden. `TrafficReport` is the contract suite's `RunReport` (terminal, Markdown, JUnit),
titled for traffic and with every matrix cell a JUnit test case of its suite.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from contracts.reporting import CheckTally, FailureRecord, RunReport, SuiteResult

__all__ = [
    "Finding",
    "TrafficReport",
    "TrafficWaiver",
    "WaiverError",
    "build_report",
    "load_waivers",
]


class WaiverError(ValueError):
    """A waiver file is malformed or a waiver gives no reason."""


@dataclasses.dataclass(frozen=True)
class Finding:
    """One difference: what was checked, where, and in words ("real sent X, emulator sent Y")."""

    operation: str
    check: str
    #: what the difference is about (a field path, a header, `status`), matched by waivers
    subject: str
    message: str
    #: the recorded interaction (`cassette.yaml#3: POST https://.../customer`)
    source: str


@dataclasses.dataclass(frozen=True)
class TrafficWaiver:
    """An accepted difference: on `operation` (`*`: any), `check` (None: any) and `subject`
    (None: any), with the reason it is accepted."""

    operation: str
    reason: str
    check: str | None = None
    subject: str | None = None

    @property
    def name(self) -> str:
        parts = [self.operation, self.check or "*", self.subject or "*"]
        return f"{' / '.join(parts)}: {self.reason}"

    def covers(self, finding: Finding) -> bool:
        return (
            self.operation in {"*", finding.operation, finding.operation.split(" ")[0]}
            and self.check in {None, finding.check}
            and self.subject in {None, finding.subject}
        )


def load_waivers(path: Path | None) -> tuple[TrafficWaiver, ...]:
    """Waivers from a YAML list of `{operation, check?, subject?, reason}`; a reason is required."""
    if path is None:
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise WaiverError(f"{path}: {exc}") from exc
    if not isinstance(data, list):
        raise WaiverError(f"{path}: a list of waivers is expected")
    waivers = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not str(item.get("reason") or "").strip():
            raise WaiverError(f"{path}: waiver {number} gives no reason")
        if "operation" not in item:
            raise WaiverError(f"{path}: waiver {number} names no operation (`*` for any)")
        unknown = set(item) - {"operation", "check", "subject", "reason"}
        if unknown:
            raise WaiverError(f"{path}: waiver {number} has unknown keys {sorted(unknown)}")
        waivers.append(
            TrafficWaiver(
                operation=str(item["operation"]),
                reason=str(item["reason"]).strip(),
                check=None if item.get("check") is None else str(item["check"]),
                subject=None if item.get("subject") is None else str(item["subject"]),
            )
        )
    return tuple(waivers)


class TrafficReport(RunReport):
    """A `RunReport` for drift or parity: one suite, the checks as matrix columns."""

    def __init__(self, title: str, target: str, base_url: str, **kwargs: Any) -> None:
        super().__init__(target=target, base_url=base_url, profile="recorded traffic", **kwargs)
        self.title = title

    def markdown(self) -> str:
        text = super().markdown()
        rest = text.partition("\n")[2]
        return f"# {self.title}\n{rest}".replace(" requests generated", " interactions", 1)

    def _junit_cases(
        self, suite: str, failures: Iterable[FailureRecord]
    ) -> list[tuple[str, str, list[FailureRecord]]]:
        failing: dict[tuple[str, str], list[FailureRecord]] = {}
        for failure in failures:
            failing.setdefault((failure.operation, failure.check), []).append(failure)
        cells = {
            (operation, check)
            for operation, row in self.matrix.items()
            for check in row
            if check.startswith(f"{suite}_")
        } | set(failing)
        return [(op, check, failing.get((op, check), [])) for op, check in sorted(cells)]

    def junit(self) -> ET.ElementTree[ET.Element]:
        tree = super().junit()
        tree.getroot().set("name", self.title)
        return tree


def build_report(
    *,
    suite: str,
    title: str,
    target: str,
    base_url: str,
    operations: Sequence[str],
    checked: Iterable[tuple[str, str]],
    findings: Iterable[Finding],
    waivers: Sequence[TrafficWaiver],
    examples: Mapping[str, int],
    wall_time: float,
    errors: Sequence[str] = (),
) -> TrafficReport:
    """The report of one run: every (operation, check) that ran passes unless a finding fails it
    (or a waiver excuses it, counted)."""
    report = TrafficReport(title, target, base_url)
    report.operations = list(operations)
    report.wall_time = wall_time
    report.errors = list(errors)
    failed: set[tuple[str, str]] = set()
    for finding in findings:
        waiver = next((w for w in waivers if w.covers(finding)), None)
        cell: CheckTally = report.tally(finding.operation, finding.check)
        if waiver is not None:
            cell.waived += 1
            key = (finding.operation, finding.check, waiver.name)
            report.waivers[key] = report.waivers.get(key, 0) + 1
            continue
        cell.failed += 1
        failed.add((finding.operation, finding.check))
        report.add_failure(
            FailureRecord(
                suite=suite,
                operation=finding.operation,
                check=finding.check,
                title=finding.message
                if finding.message.startswith(finding.subject)
                else f"{finding.subject}: {finding.message}",
                message=f"{finding.message}\n(recorded: {finding.source})",
                reproduction=f"# {finding.source}",
            )
        )
    report.examples.update(examples)
    for operation, check in checked:
        if (operation, check) not in failed:
            report.tally(operation, check).passed += 1
    status = "failed" if report.failures or report.errors else "passed"
    report.suites.append(
        SuiteResult(
            name=suite,
            status=status,
            duration=wall_time,
            detail=title,
            tests=sum(examples.values()),
        )
    )
    return report
