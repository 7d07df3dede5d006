"""What a run found, and how it is written: JUnit XML, a Markdown matrix, terminal progress."""

from __future__ import annotations

import dataclasses
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

if TYPE_CHECKING:  # drift imports this module
    from contracts.drift import DriftFinding

__all__ = ["CheckTally", "FailureRecord", "Progress", "RunReport", "SuiteResult", "replayable"]


@dataclasses.dataclass
class CheckTally:
    """How often one check passed, failed or was waived on one operation."""

    passed: int = 0
    failed: int = 0
    waived: int = 0

    @property
    def cell(self) -> str:
        """The Markdown matrix cell."""
        if self.failed:
            return f"FAIL {self.failed}"
        if self.waived:
            return f"ok {self.passed} (+{self.waived} waived)"
        return f"ok {self.passed}" if self.passed else "-"


@dataclasses.dataclass(frozen=True)
class FailureRecord:
    """One distinct failure and how to reproduce it."""

    suite: str
    operation: str
    check: str
    title: str
    message: str
    reproduction: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity for de-duplication (first message line)."""
        first_line = (self.message.splitlines() or [self.title])[0]
        return (self.suite, self.operation, self.check, first_line[:200])


@dataclasses.dataclass
class SuiteResult:
    """The outcome of one suite (schemathesis, model, client, leniencies)."""

    name: str
    status: str = "passed"  # passed | failed | error | skipped
    duration: float = 0.0
    detail: str = ""
    tests: int = 0


@dataclasses.dataclass
class RunReport:
    """Everything a run found; the CLI prints it and writes it to the report directory."""

    target: str
    base_url: str
    profile: str
    operations: list[str] = dataclasses.field(default_factory=list)
    matrix: dict[str, dict[str, CheckTally]] = dataclasses.field(
        default_factory=lambda: defaultdict(dict)
    )
    examples: Counter[str] = dataclasses.field(default_factory=Counter)
    failures: list[FailureRecord] = dataclasses.field(default_factory=list)
    waivers: dict[tuple[str, str, str], int] = dataclasses.field(default_factory=dict)
    suites: list[SuiteResult] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    leftovers: list[str] = dataclasses.field(default_factory=list)
    wall_time: float = 0.0
    # the run's vendor checks (its dialect's), shown after the built-in ones
    vendor_checks: tuple[str, ...] = ()
    # the seed every suite's random generation started from (`--seed` replays the run)
    seed: int | None = None
    # where the spec and the target disagree (contracts/drift.py); failures are also failures
    drift: list[DriftFinding] = dataclasses.field(default_factory=list)
    # the vendor's name (`--vendor`) and its name as printed
    vendor: str = "chargeover"
    title: str = "ChargeOver"
    # HTTP requests sent: schemathesis' recorded interactions, and the harness's own clients'
    requests_schemathesis: int = 0
    requests_harness: int = 0
    _seen: set[tuple[str, str, str, str]] = dataclasses.field(default_factory=set)

    @property
    def ok(self) -> bool:
        """No failure, no error, nothing left behind on a real account."""
        return not (
            self.failures
            or self.errors
            or self.leftovers
            or any(suite.status in {"failed", "error"} for suite in self.suites)
        )

    def tally(self, operation: str, check: str) -> CheckTally:
        """The matrix cell of (operation, check), created on first use."""
        return self.matrix[operation].setdefault(check, CheckTally())

    def record(self, operation: str, check: str, passed: bool) -> None:
        """Count one run of a check on an operation as passed or failed."""
        cell = self.tally(operation, check)
        if passed:
            cell.passed += 1
        else:
            cell.failed += 1

    def add_failure(self, failure: FailureRecord) -> bool:
        """Record a failure unless an identical one is known; True when it was new.

        Its reproduction is made replayable first: one curl style whatever the suite, the
        target's address as `$BASE_URL`, credentials as `$AUTHORIZATION`.
        """
        if failure.reproduction:
            failure = dataclasses.replace(
                failure, reproduction=replayable(failure.reproduction, self.base_url)
            )
        if failure.key in self._seen:
            return False
        self._seen.add(failure.key)
        self.failures.append(failure)
        return True

    @property
    def checks(self) -> list[str]:
        """Every check that ran, in a stable order (the vendor's and the model's last)."""
        names = {check for row in self.matrix.values() for check in row}
        return sorted(
            names, key=lambda name: (name in self.vendor_checks or name.startswith("model_"), name)
        )

    def markdown(self) -> str:
        """The summary: suites, operation x check matrix, failures with reproductions."""
        lines = [
            f"# {self.title} contract run",
            "",
            f"- target: `{self.target}` ({self.base_url})",
            f"- profile: `{self.profile}`; wall time {self.wall_time:.1f} s",
            f"- seed: `{self.seed}` (replay the run with `--seed {self.seed}`)",
            f"- result: **{'PASSED' if self.ok else 'FAILED'}**: {len(self.failures)} failure(s), "
            f"{len(self.errors)} error(s), {sum(self.examples.values())} requests generated",
            f"- requests sent: {self.requests_schemathesis + self.requests_harness} "
            f"(schemathesis {self.requests_schemathesis}, the harness's own suites "
            f"{self.requests_harness})",
            "",
            "| suite | status | tests | time | detail |",
            "|---|---|---|---|---|",
        ]
        for suite in self.suites:
            lines.append(
                f"| {suite.name} | {suite.status} | {suite.tests} | {suite.duration:.1f} s "
                f"| {_cell(suite.detail)} |"
            )
        lines += self._matrix("Operation x check", self._ordered_operations(spec_only=True))
        others = self._ordered_operations(spec_only=False)
        lines += self._matrix(
            "Reference model and generated-client models",
            [row for row in others if not row.startswith(_LENIENCY_ROW)],
        )
        lines += self._matrix(
            "Documented leniencies (one example each; see spec/NOTES.md)",
            [row for row in others if row.startswith(_LENIENCY_ROW)],
        )
        if self.drift:
            lines += ["", "## Drift (spec vs target; see contracts/drift.py)", ""]
            lines += ["| severity | resource | field | finding | detail |", "|---|---|---|---|---|"]
            for finding in self.drift:
                lines.append(
                    f"| {finding.severity} | {finding.resource} | `{finding.field}` "
                    f"| {finding.kind} | {_cell(finding.detail)} |"
                )
        if self.waivers:
            lines += ["", "## Waived (documented decisions, see contracts/waivers.py)", ""]
            for (operation, check, waiver), count in sorted(self.waivers.items()):
                lines.append(f"- `{operation}` {check}: {waiver} x{count}")
        if self.errors:
            lines += ["", "## Errors", ""] + [f"- {_cell(error)}" for error in self.errors]
        if self.leftovers:
            lines += ["", "## Not cleaned up", ""] + [f"- {item}" for item in self.leftovers]
        if self.failures:
            lines += ["", "## Failures", "", _REPLAY_HELP, ""]
            for number, failure in enumerate(self.failures, 1):
                lines += [
                    f"### {number}. `{failure.operation}`: {failure.check} ({failure.suite})",
                    "",
                    failure.title,
                    "",
                    "```",
                    failure.message.strip()[:2000],
                    "```",
                    "",
                    "Reproduce:",
                    "",
                    "```sh",
                    failure.reproduction.strip() or "# (no HTTP reproduction: see the message)",
                    "```",
                    "",
                ]
        return "\n".join(lines) + "\n"

    def _ordered_operations(self, *, spec_only: bool) -> list[str]:
        """Spec operations in spec order, or the other rows (model, client models) sorted."""
        if spec_only:
            return [operation for operation in self.operations if operation in self.matrix]
        return sorted(set(self.matrix) - set(self.operations))

    def _matrix(self, title: str, rows: list[str]) -> list[str]:
        """One Markdown table: rows x the checks that ran on them."""
        if not rows:
            return []
        used = {check for row in rows for check in self.matrix[row]}
        checks = [check for check in self.checks if check in used]
        lines = ["", f"## {title}", ""]
        lines.append(
            "| operation | cases | " + " | ".join(c.replace("_", " ") for c in checks) + " |"
        )
        lines.append("|---|---|" + "---|" * len(checks))
        for row in rows:
            cells = self.matrix[row]
            values = [cells[check].cell if check in cells else "-" for check in checks]
            lines.append(f"| `{row}` | {self.examples[row]} | {' | '.join(values)} |")
        return lines

    def junit(self) -> ET.ElementTree[ET.Element]:
        """JUnit XML: one testsuite per suite, one testcase per (operation, check)."""
        root = ET.Element(
            "testsuites", name=f"{self.vendor}-contracts", time=f"{self.wall_time:.3f}"
        )
        by_suite: dict[str, list[FailureRecord]] = defaultdict(list)
        for failure in self.failures:
            by_suite[failure.suite].append(failure)
        for suite in self.suites:
            element = ET.SubElement(
                root, "testsuite", name=suite.name, time=f"{suite.duration:.3f}"
            )
            cases = self._junit_cases(suite.name, by_suite[suite.name])
            failed = 0
            for operation, check, failures in cases:
                case = ET.SubElement(
                    element, "testcase", classname=suite.name, name=f"{operation} :: {check}"
                )
                for failure in failures:
                    failed += 1
                    node = ET.SubElement(case, "failure", message=failure.title[:500])
                    node.text = f"{failure.message}\n\nReproduce:\n{failure.reproduction}"
            if suite.status == "skipped":
                case = ET.SubElement(element, "testcase", classname=suite.name, name=suite.name)
                ET.SubElement(case, "skipped", message=suite.detail)
            elif suite.status == "error":
                case = ET.SubElement(element, "testcase", classname=suite.name, name=suite.name)
                ET.SubElement(case, "error", message=suite.detail[:500]).text = suite.detail
            element.set("tests", str(max(len(cases), 1)))
            element.set("failures", str(failed))
        return ET.ElementTree(root)

    def _junit_cases(
        self, suite: str, failures: Iterable[FailureRecord]
    ) -> list[tuple[str, str, list[FailureRecord]]]:
        """(operation, check, failures) for every matrix cell of a suite."""
        failing: dict[tuple[str, str], list[FailureRecord]] = defaultdict(list)
        for failure in failures:
            failing[(failure.operation, failure.check)].append(failure)
        cells = {
            (operation, check)
            for operation, row in self.matrix.items()
            for check in row
            if _suite_of(check) == suite
        } | set(failing)
        return [(op, check, failing.get((op, check), [])) for op, check in sorted(cells)]

    def write(self, directory: Path) -> tuple[Path, Path]:
        """Write summary.md and junit.xml into `directory`."""
        directory.mkdir(parents=True, exist_ok=True)
        summary = directory / "summary.md"
        summary.write_text(self.markdown(), encoding="utf-8")
        junit = directory / "junit.xml"
        tree = self.junit()
        ET.indent(tree)
        tree.write(junit, encoding="utf-8", xml_declaration=True)
        return summary, junit


_REPLAY_HELP = (
    "Each reproduction is a curl command line with two placeholders: set `BASE_URL` to the "
    "target's base URL and `AUTHORIZATION` to its Authorization header value, e.g. "
    '`export BASE_URL=http://127.0.0.1:8080/api/v3 AUTHORIZATION="Basic $(printf %s '
    '"$USERNAME:$PASSWORD" | base64)"`.'
)

# a curl credential of either style schemathesis (`-H 'Authorization: [Filtered]'`) or a
# hand-written reproduction (`-u USER:PASS`) prints
_CREDENTIAL = re.compile(
    r"""(?:-H|--header)\s+(?:'[Aa]uthorization:[^']*'|"[Aa]uthorization:[^"]*")"""
    r"""|(?:-u|--user)\s+(?:'[^']*'|"[^"]*"|\S+)"""
)


def replayable(reproduction: str, base_url: str) -> str:
    """A reproduction with `$BASE_URL` for the target's address and `$AUTHORIZATION` for its
    credentials, so that it runs against any instance (the port of a run is gone after it)."""
    text = _CREDENTIAL.sub('-H "Authorization: $AUTHORIZATION"', reproduction)
    if not base_url:
        return text
    # any host, so an in-process target's `http://testserver` and a real port both go
    prefix = urlsplit(base_url).path.rstrip("/")
    address = re.compile(r"(')?https?://[^\s'\"/]+" + re.escape(prefix) + r"(?=[/?'\s]|$)")

    def placeholder(match: re.Match[str]) -> str:
        # inside a single-quoted word: close it, expand the variable, reopen it
        return '"$BASE_URL"\'' if match.group(1) else '"$BASE_URL"'

    return address.sub(placeholder, text)


#: the row names of the leniency suite (`leniency <name>`)
_LENIENCY_ROW = "leniency "


def _suite_of(check: str) -> str:
    """Which suite a matrix column belongs to (by the naming convention of its checks)."""
    if check.startswith("model_"):
        return "model"
    if check.startswith("client_"):
        return "client"
    if check.startswith("leniency_"):
        return "leniencies"
    if check.startswith("drift_"):
        return "drift"
    return "schemathesis"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")[:300]


class Progress:
    """Terminal progress: one line per phase with a character per scenario."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._open = False

    def line(self, text: str) -> None:
        """Print a full line (ending a pending dot line)."""
        if self._open:
            self.stream.write("\n")
            self._open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def mark(self, char: str) -> None:
        """One scenario's outcome: . passed, F failed, E error, s skipped."""
        self.stream.write(char)
        self.stream.flush()
        self._open = True
