"""Built-in check failures that are documented decisions, not contract violations.

Each waiver names the built-in check, says exactly which failures it covers and why, and is
counted in the report (operation x check matrix, "waived" column), so nothing is hidden.
`WAIVERS` are ChargeOver's (its harness dialect carries them); `documented_leniency(vendor)` is
the one waiver every vendor with a `faithful` policy shares; a run's `WaiverLedger` applies its
dialect's list, registered per schema through schemathesis's `filter_failure` hook.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from schemathesis import HookContext, Response
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from chargeover_emulator.dialects import load_dialect

# The dialect's leniency list and its validator: read, never copied (the harness may import the
# emulator to host it and to read what the dialect documents).
from chargeover_emulator.errors import ApiError
from chargeover_emulator.specdoc import SpecDocument
from chargeover_emulator.validation import RequestValidator, ViolationLedger, declared_parameters

__all__ = ["WAIVERS", "Waiver", "WaiverLedger", "documented_leniency", "install"]


@dataclasses.dataclass(frozen=True)
class Waiver:
    """One documented exception to a built-in or custom check."""

    name: str
    check: str
    reason: str
    applies: Callable[[Failure, Case[Any], Response], bool]
    # documented leniencies of the real API apply to every target the harness does not host:
    # the emulators it starts run `--validation strict` and must reject every violation
    not_hosted: bool = False


def _negative_locations(case: Case[Any]) -> set[str]:
    """The request parts schemathesis generated as schema-violating."""
    components = getattr(case.meta, "components", None) or {}
    return {
        str(getattr(location, "value", location))
        for location, info in components.items()
        if getattr(getattr(info, "mode", None), "value", "") == "negative"
    }


def _documented_leniency(
    vendor: str, failure: Failure, case: Case[Any], response: Response
) -> bool:
    """Every violation of the request is one the dialect's `faithful` policy accepts.

    The leniencies are the emulator dialect's own (`Dialect.leniencies`), read, not copied, and
    judged by the engine's own validator, so the harness expects exactly the acceptances the
    dialect documents (query, path and body), and nothing else.
    """
    negative = _negative_locations(case)
    if not negative or not negative <= {"query", "path", "body"}:
        return False
    query = _sent_query(response)
    if query is None:
        query = {}
        for name, value in (case.query or {}).items():
            if isinstance(value, dict) or value is None:
                return False
            values = value if isinstance(value, list) else [value]
            texts = [_query_text(item) for item in values]
            query[name] = texts if len(texts) > 1 else texts[0]
    faithful = _faithful(vendor, str(case.operation.definition.raw["operationId"]))
    try:
        faithful.validator.query("harness", faithful.query, query)
        path = {name: _query_text(value) for name, value in (case.path_parameters or {}).items()}
        faithful.validator.path("harness", faithful.path, path)
        if "body" in negative:
            if case.body is None:
                faithful.validator.null_body("harness", "an object")
            elif faithful.body is not None:
                faithful.validator.body("harness", faithful.body, case.body)
    except ApiError:
        return False
    return True


def _sent_query(response: Response) -> dict[str, Any] | None:
    """The query string as the target received it (a repeated name as a list), or None.

    Judged on the wire, not on the generated value: schemathesis serialises a generated object
    as repeated `name=` pairs, which the target reads like any repeated parameter (issue 19
    item 6: such a `limit` was accepted as documented and still reported, in the runs that
    happened to generate one).
    """
    url = getattr(getattr(response, "request", None), "url", None)
    if not isinstance(url, str):
        return None
    query: dict[str, Any] = {}
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name in query:
            previous = query[name]
            query[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[name] = value
    return query


def _query_text(value: Any) -> str:
    """A query or path value as it goes on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclasses.dataclass(frozen=True)
class _Faithful:
    """The engine's `faithful` validator with the dialect's leniencies, for one operation."""

    validator: RequestValidator
    query: dict[str, Any]
    path: dict[str, Any]
    body: Any


@functools.cache
def _faithful(vendor: str, operation_id: str) -> _Faithful:
    dialect = load_dialect(vendor)
    document = SpecDocument.load(dialect.spec_path(None))
    operation = document.operations[operation_id]
    validator = RequestValidator(
        "faithful", dialect.leniencies, ViolationLedger(), deferred=dialect.grammar_parameters
    )

    def declared(location: str) -> dict[str, Any]:
        return declared_parameters(
            operation.parameters, document.value_kind, document.validator, location=location
        )

    return _Faithful(validator, declared("query"), declared("path"), operation.validator)


def documented_leniency(vendor: str, *, where: str) -> Waiver:
    """The waiver of a vendor's documented leniencies on targets the harness does not host.

    `where` says where the vendor's dialect lists them with their evidence (for the reason).
    """
    return Waiver(
        name="documented-leniency",
        check="negative_data_rejection",
        reason=(
            f"A URL target may run {vendor}'s `faithful` policy (the real API does, and so "
            f"does `contract-kit serve --vendor {vendor}` by default): it accepts the query, "
            f"path and body violations its dialect lists with their evidence ({where}). Only "
            "failures whose every violation is on that list are waived; the emulators the "
            "harness starts run strict, so none is waived against them."
        ),
        applies=functools.partial(_documented_leniency, vendor),
        not_hosted=True,
    )


WAIVERS: tuple[Waiver, ...] = (
    documented_leniency("chargeover", where="chargeover_emulator/quirks.py, spec/NOTES.md"),
)


class WaiverLedger:
    """Applies one dialect's waivers; counts waived failures per (operation, check, waiver)."""

    def __init__(self, waivers: Sequence[Waiver] = (), *, hosted: bool) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.waivers = tuple(waivers)
        self.hosted = hosted
        self._lock = threading.Lock()

    def keep(self, failure: Failure, case: Case[Any], response: Response, check: str) -> bool:
        """False when a waiver covers the failure (which is then counted)."""
        for waiver in self.waivers:
            if waiver.not_hosted and self.hosted:
                continue
            if waiver.check == check and waiver.applies(failure, case, response):
                with self._lock:
                    self.counts[(case.operation.label, waiver.check, waiver.name)] += 1
                return False
        return True


def _check_name(failure: Failure) -> str:
    """The check that raised a failure (built-in failures name it; custom ones carry it)."""
    checks = getattr(failure, "checks", None)
    if checks:
        return str(checks[0])
    # custom checks: schemathesis titles them "Custom check failed: `name`"
    title = failure.title or ""
    return title.split("`")[1] if title.count("`") >= 2 else ""


def install(schema: BaseSchema, ledger: WaiverLedger) -> None:
    """Register the waivers on one schema (not globally: broken-variant tests share a process)."""

    def filter_failure(
        context: HookContext, failure: Failure, case: Case[Any], response: Response
    ) -> bool:
        return ledger.keep(failure, case, response, _check_name(failure))

    schema.hook(filter_failure)
