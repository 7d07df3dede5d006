"""ChargeOver REST v3 as a dialect: wrapped envelope, offset+limit paging, the `where`/`order`
grammar, Basic and signature-v1 auth, the legacy `?action=` URL style, bulk, and the customer,
user and invoice rules in `resources/`."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chargeover_emulator.auth import Authenticator
from chargeover_emulator.bulk import BulkRunner
from chargeover_emulator.config import Settings
from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import KindHandler, KindHost, Service, Workbench
from chargeover_emulator.errors import ApiError, BadRequest, ConfigError
from chargeover_emulator.exchange import ApiRequest, ApiResult
from chargeover_emulator.protocol.envelope import error_body, ok_body
from chargeover_emulator.protocol.query import decode_segment
from chargeover_emulator.quirks import (
    BODY_LENIENCIES,
    GRAMMAR_PARAMETERS,
    LENIENCIES,
    legacy_action_segments,
    no_route,
    unsupported,
)
from chargeover_emulator.resources.invoices import InvoiceService
from chargeover_emulator.resources.registry import build_services
from chargeover_emulator.routing import split_path
from chargeover_emulator.seeding import seed
from chargeover_emulator.specdoc import Operation, SpecDocument, locate_spec
from chargeover_emulator.storage.database import Database
from chargeover_emulator.validation import Leniency

__all__ = ["ChargeOverDialect"]

# The revision log every resource writes to, and external keys kept forever (never reusable).
_DDL = (
    "CREATE TABLE IF NOT EXISTS revision (revision_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " context_str TEXT, context_id INTEGER, admin_id INTEGER, admin_name TEXT, user_id INTEGER,"
    " user_name TEXT, integration_id INTEGER, revision_datetime TEXT, revision_ipaddr TEXT,"
    " revision_note TEXT)",
    "CREATE INDEX IF NOT EXISTS ix_revision_context ON revision (context_str, context_id)",
    "CREATE TABLE IF NOT EXISTS used_external_key (resource TEXT NOT NULL, value TEXT NOT NULL,"
    " owner_id INTEGER NOT NULL, PRIMARY KEY (resource, value))",
)


class ChargeOverDialect:
    """ChargeOver's choices; one instance per emulator (it remembers the day it last swept)."""

    name = "chargeover"
    api_prefix = "/api/v3"
    leniencies: tuple[Leniency, ...] = (*LENIENCIES, *BODY_LENIENCIES)
    grammar_parameters = GRAMMAR_PARAMETERS

    def __init__(self) -> None:
        self._swept_on: dt.date | None = None

    def spec_path(self, explicit: Path | None) -> Path:
        return locate_spec(explicit)

    def services(self, spec: SpecDocument, settings: Settings) -> Mapping[str, Service]:
        missing = {"customer", "user"} - set(spec.resources)
        if "invoice" in spec.resources and "item" not in spec.resources:
            missing.add("item")  # invoice lines name items
        if missing:
            raise ConfigError(f"the spec has no x-kit-resource for {', '.join(sorted(missing))}")
        return build_services(spec)

    def install(self, conn: sqlite3.Connection) -> None:
        for statement in _DDL:
            conn.execute(statement)

    def authenticator(self, settings: Settings) -> Authenticator:
        return Authenticator(
            settings.username, settings.password, window_seconds=settings.signature_window_seconds
        )

    def before_request(self, ctx: RequestContext, services: Mapping[str, Service]) -> None:
        """Once per calendar day, move invoices past their due date to open-overdue."""
        if self._swept_on == ctx.today:
            return
        invoices = services.get("invoice")
        if isinstance(invoices, InvoiceService):
            invoices.sweep_overdue(ctx)
        self._swept_on = ctx.today

    def reset(self) -> None:
        self._swept_on = None

    def rewrite(
        self, method: str, segments: Sequence[str], query: Mapping[str, Any]
    ) -> list[str] | None:
        return legacy_action_segments(method, segments, query)

    def no_route(
        self, method: str, path: str, segments: Sequence[str], resources: set[str]
    ) -> ApiError:
        return no_route(method, path, segments, resources)

    def handlers(self, host: KindHost, database: Database) -> Mapping[str, KindHandler]:
        runner = BulkRunner(database, host.dispatch)

        def bulk(ctx: RequestContext, operation: Operation, call: Any) -> ApiResult:
            """`POST /_bulk`: up to 25 requests, each in a savepoint, results in order."""
            items = host.json_body(operation, call, list)
            runner.check(items)
            items = host.validate_body(operation, call, items)
            return ApiResult(operation.status, {"_bulk": runner(ctx, items)})

        def legacy_action(ctx: RequestContext, operation: Operation, call: Any) -> ApiResult:
            """`POST /{res}/{id}?action=NAME` as `POST /{res}/{id}/_action/NAME` (`rewrite`).

            `rewrite` already turns every request naming an action into the current style
            before routing, so this operation is routed only when none is named: ChargeOver's
            "not supported" 400, as for any undocumented route. Reached with an action (a host
            that routes first), it serves the action the same way, by rewriting.
            """
            request = call.request
            method = request.method.upper()
            segments = [decode_segment(s) for s in split_path(request.path)]
            rewritten = legacy_action_segments(method, segments, call.query)
            if rewritten is None:
                raise unsupported(method, request.path)
            query = {name: value for name, value in request.query.items() if name != "action"}
            path = "/".join(quote(segment, safe=":") for segment in rewritten)
            result = host.dispatch(ctx, ApiRequest(method, path, query, request.body))
            call.accepted.extend(result.violations)
            return result

        return {"bulk": bulk, "legacy-action": legacy_action}

    def no_data(self) -> ApiError:
        return BadRequest("A required parameter was missing: No data.")

    def body_type_error(self, expected: str) -> ApiError:
        return BadRequest(
            # `expected` comes with its article ("an object"): the JSON type is its noun
            f"Missing or invalid parameter: the request body must be a JSON {expected.split()[-1]}."
        )

    def seed(self, emulator: Workbench, number: int, count: int, *, progress: bool) -> None:
        """Customers, each with a contact and up to 3 invoices; re-running adds what is missing."""
        seed(emulator, number, count, progress=progress)

    def written(self, kind: str, key: Any, read: Callable[[], Any]) -> Any:
        """`{"id": 3}`: creates and updates answer with a reference, never the object."""
        return {"id": key}

    def success(self, result: ApiResult) -> Any:
        return ok_body(result.status, result.response)

    def failure(self, error: ApiError) -> Any:
        return error_body(error)
