"""Built-in check failures that are documented decisions, not contract violations.

Each waiver names the built-in check, says exactly which failures it covers and why, and is
counted in the report (operation x check matrix, "waived" column), so nothing is hidden.
`WAIVERS` are ChargeOver's (its harness dialect carries them); a run's `WaiverLedger` applies
its dialect's list, registered per schema through schemathesis's `filter_failure` hook.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import jsonschema
from schemathesis import HookContext, Response
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

# The dialect's leniency list and its validator: read, never copied (the harness may import the
# emulator to host it and to read what the dialect documents).
from chargeover_emulator.errors import ApiError
from chargeover_emulator.quirks import GRAMMAR_PARAMETERS, LENIENCIES
from chargeover_emulator.specdoc import SpecDocument, locate_spec
from chargeover_emulator.validation import RequestValidator, ViolationLedger, query_parameters

__all__ = ["WAIVERS", "Waiver", "WaiverLedger", "install"]


@dataclasses.dataclass(frozen=True)
class Waiver:
    """One documented exception to a built-in or custom check."""

    name: str
    check: str
    reason: str
    applies: Callable[[Failure, Case[Any], Response], bool]
    # known emulator bugs apply to emulator targets only and name how to reproduce them
    emulator_only: bool = False
    repro: str = ""
    # documented leniencies of the real API apply to URL targets only: the emulators the
    # harness hosts run `--validation strict` and must reject every violation
    url_only: bool = False


def _negative_locations(case: Case[Any]) -> set[str]:
    """The request parts schemathesis generated as schema-violating."""
    components = getattr(case.meta, "components", None) or {}
    return {
        str(getattr(location, "value", location))
        for location, info in components.items()
        if getattr(getattr(info, "mode", None), "value", "") == "negative"
    }


_EMPTY_TOLERANT = ("where", "order", "limit", "offset")


def _is_blank(value: Any) -> bool:
    """A value the emulator ignores: empty or whitespace-only (`?limit=`, `?limit=%C2%A0`), or
    an object/array, which goes out as repeated parameters of which PHP-style the last wins."""
    if isinstance(value, str):
        return value.strip() == ""
    return value is None or isinstance(value, dict | list)


def _normalized_query_valid(
    case: Case[Any], *, drop_blank: bool, query: dict[str, Any] | None = None
) -> bool:
    """Whether the query validates with limit clamped (and blank paging/filter values dropped)."""
    query = dict(case.query or {}) if query is None else dict(query)
    if drop_blank:
        query = {k: v for k, v in query.items() if not (k in _EMPTY_TOLERANT and _is_blank(v))}
    maximum = _declared_maximum(case, "limit")
    raw = str(query.get("limit", "")).strip()
    if maximum is not None and raw.isdigit() and int(raw) > maximum:
        query["limit"] = maximum
    declared = {parameter.name: parameter for parameter in case.operation.query}
    if set(query) - set(declared):
        return False
    for name, parameter in declared.items():
        if name not in query:
            if parameter.definition.get("required"):
                return False
            continue
        schema = parameter.definition.get("schema", {})
        if not jsonschema.Draft202012Validator(schema).is_valid(query[name]):
            return False
    return True


def _query_valid_with(case: Case[Any], **replaced: Any) -> bool:
    """Whether the case's query validates once `replaced` values are put in."""
    return _normalized_query_valid(case, drop_blank=False, query={**(case.query or {}), **replaced})


def _limit_above_maximum_only(failure: Failure, case: Case[Any], response: Response) -> bool:
    """The request's only schema violation is `limit` above its declared maximum."""
    if _negative_locations(case) != {"query"}:
        return False
    maximum = _declared_maximum(case, "limit")
    text = str((case.query or {}).get("limit", "")).strip()
    if maximum is None or not text.isdigit() or int(text) <= maximum:
        return False
    return _normalized_query_valid(case, drop_blank=False)


def _blank_query_values(failure: Failure, case: Case[Any], response: Response) -> bool:
    """The violations are blank `where`/`order`/`limit`/`offset` (and maybe a clamped limit)."""
    query = case.query or {}
    if _negative_locations(case) != {"query"}:
        return False
    if not any(name in query and _is_blank(query[name]) for name in _EMPTY_TOLERANT):
        return False
    return _normalized_query_valid(case, drop_blank=True)


def _valid_without(case: Case[Any], *names: str) -> bool:
    """Whether the query validates once the parameters `names` are dropped."""
    query = {key: value for key, value in (case.query or {}).items() if key not in names}
    declared = {parameter.name: parameter for parameter in case.operation.query}
    return all(
        key in declared
        and jsonschema.Draft202012Validator(declared[key].definition.get("schema", {})).is_valid(
            value
        )
        for key, value in query.items()
    )


def _lenient_optional_input(failure: Failure, case: Case[Any], response: Response) -> bool:
    """JSON `null` for an optional action body, `_flag_emails` outside 0/1, `_revision?limit=0`."""
    negative = _negative_locations(case)
    if negative == {"body"}:
        return case.body is None and not case.operation.definition.raw.get("requestBody", {}).get(
            "required", False
        )
    if negative != {"query"}:
        return False
    query = case.query or {}
    if "_flag_emails" in query and _valid_without(case, "_flag_emails"):
        return True
    return str(query.get("limit")) == "0" and _query_valid_with(case, limit=1)


def _documented_leniency(failure: Failure, case: Case[Any], response: Response) -> bool:
    """Every query violation is one the vendor's leniency list accepts (what `faithful` does).

    The list is the emulator's (`chargeover_emulator.quirks.LENIENCIES`), read, not copied, so
    the harness expects exactly the acceptances the dialect documents.
    """
    if _negative_locations(case) != {"query"}:
        return False
    query: dict[str, Any] = {}
    for name, value in (case.query or {}).items():
        if isinstance(value, dict) or value is None:
            return False
        values = value if isinstance(value, list) else [value]
        texts = [_query_text(item) for item in values]
        query[name] = texts if len(texts) > 1 else texts[0]
    validator, parameters = _faithful_validator(str(case.operation.definition.raw["operationId"]))
    try:
        validator.query("harness", parameters, query)
    except ApiError:
        return False
    return True


def _query_text(value: Any) -> str:
    """A query value as it goes on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@functools.cache
def _faithful_validator(operation_id: str) -> tuple[RequestValidator, dict[str, Any]]:
    """The dialect's `faithful` validator and one operation's query parameters."""
    document = SpecDocument.load(locate_spec())
    operation = document.operations[operation_id]
    validator = RequestValidator(
        "faithful", LENIENCIES, ViolationLedger(), deferred=GRAMMAR_PARAMETERS
    )
    parameters = query_parameters(operation.parameters, document.value_kind, document.validator)
    return validator, parameters


def _declared_maximum(case: Case[Any], name: str) -> int | None:
    """The `maximum` of a query parameter in the operation's definition."""
    for parameter in case.operation.query:
        if parameter.name == name:
            schema: dict[str, Any] = parameter.definition.get("schema", {})
            maximum = schema.get("maximum")
            return int(maximum) if maximum is not None else None
    return None


WAIVERS: tuple[Waiver, ...] = (
    Waiver(
        name="documented-leniency",
        check="negative_data_rejection",
        reason=(
            "A URL target may run ChargeOver's `faithful` policy (the real API does, and so "
            "does `chargeover-emulator serve` by default): it accepts the query violations "
            "listed with their evidence in chargeover_emulator/quirks.py (LENIENCIES) and "
            "spec/NOTES.md. Only failures whose every violation is on that list are waived."
        ),
        applies=_documented_leniency,
        url_only=True,
    ),
    Waiver(
        name="limit-above-maximum-is-clamped",
        check="negative_data_rejection",
        reason=(
            "`limit` above the spec maximum (500; 10 for _revision) is clamped, not rejected: "
            "ChargeOver documents the maximum but not the overflow behaviour (fact sheet §6.3), "
            "the emulator clamps by default (limit_overflow=clamp) and chargeover_paging checks "
            "that such a page never exceeds the maximum. Only failures whose sole violation "
            "is limit > maximum are waived."
        ),
        applies=_limit_above_maximum_only,
    ),
    Waiver(
        name="empty-query-values-ignored",
        check="negative_data_rejection",
        reason=(
            "`limit=`, `offset=` with an empty value, a whitespace-only `where`/`order`, or a "
            "repeated parameter (last one wins, as PHP reads query strings) are ignored instead "
            "of a 400. The spec allows an empty `where`/`order` (the C# SDK sends them); the "
            "emulator extends the same leniency to paging values."
        ),
        applies=_blank_query_values,
        emulator_only=True,
        repro="curl -u USER:PASS 'http://127.0.0.1:8080/api/v3/customer?where='",
    ),
    Waiver(
        name="emulator-lenient-optional-inputs",
        check="negative_data_rejection",
        reason=(
            "The emulator ignores what it does not need: a JSON `null` body on an action whose "
            "body is optional, `_flag_emails` outside 0/1 (the spec says `_flag_*` are ignored "
            "but types it enum [0, 1]), and `_revision?limit=0` (treated as the default, as for "
            "list `limit`; RevisionLimit's minimum is 1). Spec issue for the last two."
        ),
        applies=_lenient_optional_input,
        emulator_only=True,
        repro=(
            "curl -u USER:PASS -H 'Content-Type: application/json' -d null "
            "http://127.0.0.1:8080/api/v3/customer/1/_action/setActive"
        ),
    ),
)


class WaiverLedger:
    """Applies one dialect's waivers; counts waived failures per (operation, check, waiver)."""

    def __init__(self, waivers: Sequence[Waiver] = (), *, emulator: bool) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.waivers = tuple(waivers)
        self.emulator = emulator
        self._lock = threading.Lock()

    def keep(self, failure: Failure, case: Case[Any], response: Response, check: str) -> bool:
        """False when a waiver covers the failure (which is then counted)."""
        for waiver in self.waivers:
            if (waiver.emulator_only and not self.emulator) or (waiver.url_only and self.emulator):
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
