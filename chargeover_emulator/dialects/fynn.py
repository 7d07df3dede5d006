"""Fynn's dialect: API Platform's conventions as Fynn serves its customer area.

Routes at the root (no prefix), bare single objects and `{data, meta: {pagination}}` lists,
UUID ids, ISO 8601 timestamps, Bearer API keys with permissions (403 before anything runs),
errors as `{type, title, detail, violations}` (422 with German Symfony messages), the
`customer.hierarchy` feature flag. Its resources live in `chargeover_emulator.fynn`; every
choice where Fynn's behaviour is unconfirmed is in spec/fynn/NOTES.md.
"""

from __future__ import annotations

import importlib.resources
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from chargeover_emulator.config import Settings
from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import Authenticator, KindHandler, KindHost, Service, Workbench
from chargeover_emulator.errors import ApiError, BadRequest, ConfigError, NotFound
from chargeover_emulator.exchange import ApiResult
from chargeover_emulator.fynn import errors, seeding
from chargeover_emulator.fynn.auth import ApiKeys
from chargeover_emulator.fynn.contacts import AddressBook, EmailBook
from chargeover_emulator.fynn.customers import CustomerService
from chargeover_emulator.fynn.options import FynnOptions
from chargeover_emulator.routing import RouteTable
from chargeover_emulator.specdoc import Operation, SpecDocument
from chargeover_emulator.storage.database import Database
from chargeover_emulator.validation import (
    Leniency,
    LeniencyProbe,
    Violation,
    keep_value,
)

__all__ = ["FynnDialect"]

SPEC = Path(__file__).resolve().parents[2] / "spec" / "fynn" / "openapi.yaml"
#: where an installed (non-editable) distribution carries the spec (pyproject's force-include)
_PACKAGED = ("_spec", "fynn.openapi.yaml")


class MethodNotAllowed(ApiError):
    """405: the path exists, the method does not (Symfony's routing answer)."""

    status_code = 405


def _unknown_keys_dropped(obj: Any, detail: Any) -> Any:
    unexpected = set(getattr(detail, "unexpected", ()) or ())
    return {key: value for key, value in obj.items() if key not in unexpected}


_BODY_LENIENCIES = (
    Leniency(
        name="unknown-attributes-are-ignored",
        component="body",
        rules=frozenset({"additionalProperties"}),
        fix=_unknown_keys_dropped,
        evidence=(
            "API Platform ignores attributes its input class does not declare (fact sheet §6.2, "
            "INF); `taxExempt` and `customFields` on create are such (spec/fynn/NOTES.md)"
        ),
    ),
)
_EMPTY_PAGING = Leniency(
    name="empty-paging-values",
    component="query",
    rules=frozenset({"type"}),
    parameters=frozenset({"page", "limit"}),
    accepts=lambda raw, _detail: isinstance(raw, str) and raw.strip() == "",
    repair=keep_value,
    evidence=(
        "the vendor's fragment declares page and limit `allowEmptyValue`; API Platform casts an "
        "empty value to 0 (`page=`: 400, `limit=`: no items): spec/fynn/NOTES.md"
    ),
    probe=LeniencyProbe("GET", "/customers", 200, query="limit="),
)
_LIMIT_CLAMPED = Leniency(
    name="limit-above-maximum-is-clamped",
    component="query",
    rules=frozenset({"maximum"}),
    parameters=frozenset({"limit"}),
    repair=keep_value,
    evidence="API Platform clamps to maximum_items_per_page (spec/fynn/NOTES.md, limit > 100)",
    probe=LeniencyProbe("GET", "/customers", 200, query="limit=101"),
)
_BOOLEAN_FILTER = Leniency(
    name="boolean-filter-reads-digits-and-ignores-the-rest",
    component="query",
    rules=frozenset({"type"}),
    parameters=frozenset({"isVatIdValid"}),
    repair=keep_value,
    evidence="API Platform's BooleanFilter reads 1/0 and ignores other values (NOTES.md)",
    probe=LeniencyProbe("GET", "/customers", 200, query="isVatIdValid=1"),
)


class FynnDialect:
    """Fynn's choices; its options come from `Settings.options` (`FYNN_EMULATOR_<NAME>`)."""

    name = "fynn"
    api_prefix = ""
    grammar_parameters: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.options = FynnOptions()
        self.leniencies: tuple[Leniency, ...] = (*_BODY_LENIENCIES, _EMPTY_PAGING, _BOOLEAN_FILTER)
        self._services: dict[str, Service] = {}
        self._routes: RouteTable[Operation] = RouteTable()

    def spec_path(self, explicit: Path | None) -> Path:
        """The explicit spec, else the checkout's, else the installed distribution's copy."""
        if explicit is not None:
            return explicit
        if SPEC.is_file():
            return SPEC
        return Path(str(importlib.resources.files("chargeover_emulator").joinpath(*_PACKAGED)))

    def services(self, spec: SpecDocument, settings: Settings) -> Mapping[str, Service]:
        self.options = FynnOptions.parse(settings.options)
        if settings.limit_overflow == "clamp":
            self.leniencies = (*self.leniencies, _LIMIT_CLAMPED)
        for operation in spec.operations.values():
            self._routes.add(operation.method, operation.path, operation)
        addresses = AddressBook(spec.resources["customer-address"])
        emails = EmailBook(spec.resources["customer-email-address"])
        customers = CustomerService(spec.resources["customer"], addresses, emails, self.options)
        self._services = {
            "customer": customers,
            "customer-address": addresses,
            "customer-email-address": emails,
        }
        return self._services

    def install(self, conn: sqlite3.Connection) -> None:
        """Nothing beyond the resources' tables."""

    def authenticator(self, settings: Settings) -> Authenticator:
        return ApiKeys(FynnOptions.parse(settings.options).api_keys)

    def before_request(self, ctx: RequestContext, services: Mapping[str, Service]) -> None:
        """Nothing is due."""

    def reset(self) -> None:
        """No per-run state."""

    def rewrite(
        self, method: str, segments: Sequence[str], query: Mapping[str, Any]
    ) -> list[str] | None:
        return None

    def no_route(
        self, method: str, path: str, segments: Sequence[str], resources: set[str]
    ) -> ApiError:
        """Symfony's routing answers: 405 where the path exists for other methods, else 404."""
        allowed = sorted(self._routes.methods(list(segments))) if segments else []
        if allowed:
            return MethodNotAllowed(
                f'No route found for "{method} {path}": Method Not Allowed'
                f" (Allow: {', '.join(allowed)})",
                # RFC 9110 requires it on a 405, and Symfony sends it
                headers={"Allow": ", ".join(allowed)},
            )
        return NotFound(f'No route found for "{method} {path or "/"}"')

    def handlers(self, host: KindHost, database: Database) -> Mapping[str, KindHandler]:
        return {"custom": self._custom}

    def _custom(self, ctx: RequestContext, operation: Operation, call: Any) -> ApiResult:
        """A named read of one customer (`children`, `hierarchy`)."""
        service = self._services[operation.resource or ""]
        read = (
            service.customs.get(operation.name or "")
            if isinstance(service, CustomerService)
            else None
        )
        if read is None:
            raise ConfigError(f"{operation.operation_id}: no custom read {operation.name!r}")
        key = service.resolve(ctx, next(iter(call.params.values())))
        return ApiResult(operation.status, read(ctx, key))

    def no_data(self) -> ApiError | None:
        """An empty body is validated like any other (its missing fields are the 422)."""
        return None

    def body_type_error(self, expected: str) -> ApiError:
        return BadRequest(f"The input data is misformatted: the body must be {expected}.")

    def rejected(self, violations: Sequence[Violation]) -> ApiError:
        return errors.rejected(violations)

    def seed(self, emulator: Workbench, number: int, count: int, *, progress: bool) -> None:
        seeding.seed(emulator, number, count, progress=progress)

    def written(self, kind: str, key: Any, read: Callable[[], Any]) -> Any:
        return read()

    def success(self, result: ApiResult) -> Any:
        if self.options.null_keys == "omit":
            return _without_nulls(result.response)
        return result.response

    def failure(self, error: ApiError) -> Any:
        return errors.error_body(error)


def _without_nulls(value: Any) -> Any:
    """The value with every null-valued key left out, at any depth (`null_keys = omit`)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
