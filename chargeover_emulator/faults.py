"""Fault injection: a vendor's bad day on demand (429, 5xx, slow answers, dropped connections).

Off unless the `faults` setting is on (`--faults`, `{VENDOR}_EMULATOR_FAULTS=on`); while off,
the `X-Emulator-Fault` header is ignored as a real API ignores an unknown header, and the rules
endpoint does not exist. Vendor-neutral: an injected status is an `ApiError`, rendered in the
vendor's own error shape by the dialect's `failure`, like every other error.

A fault is written the same way in the header, a rule and the settings:

    429                     a 429 with `Retry-After: 1`
    status=429,retry-after=5
    503  /  status=500      a 5xx
    delay=300ms  /  delay=2s  /  delay=1.5
                            answer (normally) after the delay
    timeout                 hang for the longest delay (60 s): a client's timeout fires first
    drop                    send the status line and headers, then close: no body arrives
    status=503,delay=1s     several at once

A request is authenticated first (an unauthenticated caller cannot inject anything), then the
fault applies instead of the request: an injected error or drop runs nothing and writes nothing.
A delay comes before the request runs; a client that gives up during it never has it run.

Per run, rules give a seeded fraction of faults per operation (`operation:fraction:fault`,
space-separated; `*` is every operation): `*:0.1:503 getCustomer:0.5:delay=200ms`. The same
seed and the same request order give the same faults. A rule set through the endpoint may also
say `times`: it fires at most that often (`getCustomer`, fraction 1, `503`, twice: the next two
reads fail and the third succeeds, which is how a client's retries are shown to cope).
"""

from __future__ import annotations

import dataclasses
import http
import random
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from chargeover_emulator.errors import ApiError, BadRequest, ServerError, TooManyRequests

__all__ = [
    "HEADER",
    "MAX_DELAY_SECONDS",
    "Fault",
    "FaultRule",
    "Faults",
    "parse_rules",
]

#: the request header that asks for a fault on that request
HEADER = "x-emulator-fault"
#: the longest delay a fault may ask for, and the length of `timeout`
MAX_DELAY_SECONDS = 60.0
_DEFAULT_RETRY_AFTER = 1
_DURATION = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>ms|s)?")


@dataclasses.dataclass(frozen=True)
class Fault:
    """What to do instead of (or before) answering one request."""

    status: int | None = None
    retry_after: int | None = None
    delay_seconds: float = 0.0
    drop: bool = False

    @classmethod
    def parse(cls, text: str) -> Fault:
        """`429`, `status=503,delay=1s`, `timeout`, `drop`, ... (see the module docstring)."""
        values: dict[str, Any] = {}
        for raw in re.split(r"[,;]", text):
            item = raw.strip().lower()
            if not item:
                continue
            name, has_value, value = (part.strip() for part in item.partition("="))
            if not has_value and name.isdigit():
                name, value = "status", name
            if name == "status" and value.isdigit():
                values["status"] = int(value)
            elif name == "retry-after" and value.isdigit():
                values["retry_after"] = int(value)
            elif name == "delay" and has_value:
                values["delay_seconds"] = _duration(value)
            elif name == "timeout" and not has_value:
                values["delay_seconds"] = MAX_DELAY_SECONDS
            elif name == "drop" and not has_value:
                values["drop"] = True
            else:
                where = "" if raw.strip() == text.strip() else f" in {text!r}"
                raise BadRequest(
                    f"Invalid fault {raw.strip()!r}{where}: write 429, status=503, delay=300ms, "
                    "timeout or drop."
                )
        if not values:
            raise BadRequest(f"Empty fault {text!r}.")
        return cls(**values).validated(text)

    def validated(self, text: str) -> Fault:
        """Self, once the status is one a server under strain sends (429 or 5xx)."""
        if self.status is not None and not (self.status == 429 or 500 <= self.status <= 599):
            raise BadRequest(f"Invalid fault {text!r}: status must be 429 or 5xx.")
        if self.retry_after is not None and self.status != 429:
            raise BadRequest(f"Invalid fault {text!r}: retry-after goes with status=429.")
        if self.drop and self.status is not None:
            raise BadRequest(f"Invalid fault {text!r}: drop sends no status.")
        return self

    def error(self) -> ApiError | None:
        """The injected error response, if this fault answers with one."""
        if self.status is None:
            return None
        if self.status == 429:
            return TooManyRequests(retry_after=self.retry_after or _DEFAULT_RETRY_AFTER)
        phrase = http.HTTPStatus(self.status).phrase
        return ServerError(f"{phrase} (injected).", status=self.status)

    def describe(self) -> str:
        """The fault written back in its own syntax (the rules endpoint shows it)."""
        parts = []
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.retry_after is not None:
            parts.append(f"retry-after={self.retry_after}")
        if self.delay_seconds:
            parts.append(f"delay={round(self.delay_seconds * 1000)}ms")
        if self.drop:
            parts.append("drop")
        return ",".join(parts)


def _duration(text: str) -> float:
    """`300ms`, `2s`, `1.5` (seconds) as seconds, at most MAX_DELAY_SECONDS."""
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise BadRequest(f"Invalid delay {text!r}: write 300ms, 2s or 1.5.")
    seconds = float(found["number"]) / (1000.0 if found["unit"] == "ms" else 1.0)
    if seconds > MAX_DELAY_SECONDS:
        raise BadRequest(f"Invalid delay {text!r}: at most {MAX_DELAY_SECONDS:g} s.")
    return seconds


@dataclasses.dataclass(frozen=True)
class FaultRule:
    """`fraction` of the requests to `operation` (an operationId, or `*`) get `fault`, at
    most `times` times when it is set."""

    operation: str
    fraction: float
    fault: Fault
    times: int | None = None

    @classmethod
    def parse(cls, text: str) -> FaultRule:
        """`operation:fraction:fault`, e.g. `*:0.1:503` or `getCustomer:0.5:delay=200ms`."""
        operation, _, rest = text.strip().partition(":")
        fraction_text, _, fault = rest.partition(":")
        try:
            fraction = float(fraction_text)
        except ValueError:
            fraction = -1.0
        if not operation or not fault or not 0.0 <= fraction <= 1.0:
            raise BadRequest(
                f"Invalid fault rule {text!r}: write operation:fraction:fault, e.g. *:0.1:503."
            )
        return cls(operation, fraction, Fault.parse(fault))

    @classmethod
    def from_json(cls, value: Any) -> FaultRule:
        """One rule of the rules endpoint: `{"operation", "fraction", "fault"}`."""
        if not isinstance(value, Mapping):
            raise BadRequest("Each fault rule must be an object.")
        operation = value.get("operation", "*")
        fraction = value.get("fraction", 1.0)
        fault = value.get("fault")
        times = value.get("times")
        if times is not None and (type(times) is not int or times < 0):
            raise BadRequest("A fault rule's times must be a whole number (or absent).")
        valid_fraction = isinstance(fraction, int | float) and not isinstance(fraction, bool)
        if not isinstance(operation, str) or not operation or not valid_fraction:
            raise BadRequest("A fault rule needs an operation name and a fraction.")
        if not isinstance(fault, str) or not 0.0 <= float(fraction) <= 1.0:
            raise BadRequest("A fault rule needs a fault and a fraction from 0 to 1.")
        return cls(operation, float(fraction), Fault.parse(fault), times)

    def as_json(self) -> dict[str, Any]:
        """The rule as the rules endpoint shows it."""
        return {
            "operation": self.operation,
            "fraction": self.fraction,
            "fault": self.fault.describe(),
            "times": self.times,
        }


def parse_rules(text: str) -> tuple[FaultRule, ...]:
    """Space-separated rules (the `fault_rules` setting)."""
    return tuple(FaultRule.parse(part) for part in text.split())


class Faults:
    """The faults of one emulator: the header's, and the per-run rules with their seeded draw."""

    def __init__(
        self, *, enabled: bool, rules: Sequence[FaultRule] = (), seed: int | None = None
    ) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._rules: tuple[FaultRule, ...] = ()
        self._fired: list[int] = []
        self._seed: int | None = None
        self._random = random.Random()
        self.replace(rules, seed)

    def replace(self, rules: Sequence[FaultRule], seed: int | None) -> None:
        """New rules and a new draw (the same seed draws the same faults again)."""
        with self._lock:
            self._rules = tuple(rules)
            self._fired = [0] * len(self._rules)
            self._seed = seed
            self._random = random.Random(seed)

    def as_json(self) -> dict[str, Any]:
        """What the rules endpoint shows."""
        with self._lock:
            return {
                "enabled": self.enabled,
                "seed": self._seed,
                "rules": [
                    {**rule.as_json(), "fired": fired}
                    for rule, fired in zip(self._rules, self._fired, strict=True)
                ],
            }

    def pick(self, header: str | None, operation_id: Callable[[], str | None]) -> Fault | None:
        """The fault for one request: the header's if it asks, else the first rule that draws.

        `operation_id` is called only when there are rules (routing twice costs a request).
        """
        if not self.enabled:
            return None
        if header is not None and header.strip():
            return Fault.parse(header)
        with self._lock:
            if not self._rules:
                return None
            operation = operation_id()
            for index, rule in enumerate(self._rules):
                if rule.operation not in {"*", operation}:
                    continue
                if rule.times is not None and self._fired[index] >= rule.times:
                    continue
                if self._random.random() < rule.fraction:
                    self._fired[index] += 1
                    return rule.fault
        return None
