"""Schemathesis negative fuzzing of every operation, against an app in-process.

Negative data (`GenerationMode.NEGATIVE`) violates the spec on purpose: wrong types, missing
required fields, patterns broken, extra properties. The oracle is two checks: schemathesis's own
`not_a_server_error`, and `error_envelope` (every 4xx is the ChargeOver error envelope).
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.result import Err
from schemathesis.core.transport import Response

from tests.reliability.envelope import envelope_problems

__all__ = ["FuzzOutcome", "error_envelope", "fuzz"]


def error_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Schemathesis check: a 4xx response is the ChargeOver error envelope."""
    headers = {name.lower(): values[0] for name, values in response.headers.items() if values}
    if 400 <= response.status_code < 500:
        problems = envelope_problems(response.status_code, headers, response.content)
        if problems:
            raise AssertionError("not an error envelope: " + "; ".join(problems))
    return None


@dataclasses.dataclass
class FuzzOutcome:
    """What the fuzzer sent and found."""

    cases: int = 0
    operations: int = 0
    statuses: collections.Counter[int] = dataclasses.field(default_factory=collections.Counter)
    failures: list[str] = dataclasses.field(default_factory=list)


def fuzz(
    app: Any,
    *,
    headers: Mapping[str, str],
    path_values: Mapping[str, Any],
    max_examples: int,
    derandomize: bool,
    include: Callable[[str], bool] = lambda label: True,
) -> FuzzOutcome:
    """Send negative cases to every operation `include` accepts; collect failures, do not raise.

    Each operation is fuzzed twice: fully negative (path ids included, so mostly 404s), and with
    the path pinned to seeded objects so that negative queries and bodies reach the handlers.
    """
    schema = schemathesis.openapi.from_asgi("/openapi.yaml", app)
    outcome = FuzzOutcome()
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            outcome.failures.append(f"spec operation failed to load: {result.err()}")
            continue
        operation = result.ok()
        if not include(operation.label):
            continue
        outcome.operations += 1
        names = [param.name for param in operation.path_parameters]
        pinned = {name: path_values[name] for name in names if name in path_values}
        variants: list[dict[str, Any] | None] = [None, pinned] if names else [None]
        for path_parameters in variants:
            strategy = operation.as_strategy(
                GenerationMode.NEGATIVE, path_parameters=path_parameters
            )

            @given(strategy)
            @settings(
                max_examples=max_examples,
                derandomize=derandomize,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def attempt(case: Case[Any]) -> None:
                outcome.cases += 1
                try:
                    response = case.call(headers=dict(headers))
                except Exception as error:  # escaped the app: a server error, always a failure
                    outcome.failures.append(
                        f"{case.operation.label}: {type(error).__name__}: {error}\n"
                        f"    {case.as_curl_command()}"
                    )
                    return
                outcome.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=[not_a_server_error, error_envelope])
                except Exception as failure:
                    outcome.failures.append(f"{case.operation.label}: {failure}")

            try:
                attempt()
            except HypothesisException:
                # No negative case exists for this variant (e.g. only the pinned path could be
                # made invalid); the other variant covers the operation.
                continue
    return outcome
