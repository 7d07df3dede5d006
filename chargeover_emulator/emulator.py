"""The emulator's state: spec, database, resource services, auth, rate limit and clock."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from chargeover_emulator.auth import Authenticator
from chargeover_emulator.bulk import BulkRunner
from chargeover_emulator.config import Settings
from chargeover_emulator.dispatcher import ApiRequest, ApiResult, Dispatcher
from chargeover_emulator.errors import ConfigError
from chargeover_emulator.quirks import BODY_LENIENCIES, GRAMMAR_PARAMETERS, LENIENCIES
from chargeover_emulator.ratelimit import RateLimiter
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import install_catalogue
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.resources.invoices import InvoiceService
from chargeover_emulator.resources.registry import build_services
from chargeover_emulator.specdoc import SpecDocument, locate_spec
from chargeover_emulator.storage.database import Database
from chargeover_emulator.validation import RequestValidator, ViolationLedger

__all__ = ["Emulator"]

_COMMON_DDL = (
    "CREATE TABLE IF NOT EXISTS revision (revision_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " context_str TEXT, context_id INTEGER, admin_id INTEGER, admin_name TEXT, user_id INTEGER,"
    " user_name TEXT, integration_id INTEGER, revision_datetime TEXT, revision_ipaddr TEXT,"
    " revision_note TEXT)",
    "CREATE INDEX IF NOT EXISTS ix_revision_context ON revision (context_str, context_id)",
    "CREATE TABLE IF NOT EXISTS used_external_key (resource TEXT NOT NULL, value TEXT NOT NULL,"
    " owner_id INTEGER NOT NULL, PRIMARY KEY (resource, value))",
)


class Emulator:
    """Everything one running emulator holds; built once by the app factory."""

    def __init__(
        self, settings: Settings, *, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.settings = settings
        self.spec_path = locate_spec(settings.spec_path)
        self.spec = SpecDocument.load(self.spec_path)
        missing = {"customer", "user"} - set(self.spec.resources)
        if missing:
            raise ConfigError(
                f"{self.spec_path}: no x-kit-resource for {', '.join(sorted(missing))}"
            )
        self.services: dict[str, ResourceService] = build_services(self.spec)
        self.clock: Callable[[], dt.datetime] = clock or (
            lambda: dt.datetime.now().replace(microsecond=0)
        )
        self.rng = random.SystemRandom()
        self.database = Database(settings.db)
        self.violations = ViolationLedger()
        validator = RequestValidator(
            settings.validation,
            (*LENIENCIES, *BODY_LENIENCIES),
            self.violations,
            deferred=GRAMMAR_PARAMETERS,
        )
        self.dispatcher = Dispatcher(self.spec, self.services, validator)
        self.dispatcher.bulk_runner = BulkRunner(self.database, self.dispatcher.dispatch)
        self.authenticator = Authenticator(
            settings.username, settings.password, window_seconds=settings.signature_window_seconds
        )
        self.limiter = RateLimiter(settings.rate_limit)
        self._swept_on: dt.date | None = None
        self.create_schema()

    def create_schema(self) -> None:
        """Create every table (idempotent: an existing file keeps its data)."""
        with self.database.transaction() as conn:
            for statement in _COMMON_DDL:
                conn.execute(statement)
            install_catalogue(conn)
            case_sensitive = self.settings.where_case_sensitive
            for service in self.services.values():
                for statement in service.ddl():
                    conn.execute(statement)
                service.install(conn)
            # After every table exists: filter indexes may be on another resource's child table.
            for service in self.services.values():
                for statement in service.index_ddl(case_sensitive=case_sensitive):
                    conn.execute(statement)

    def context(
        self, conn: Any, *, ipaddr: str, base_url: str, rng: random.Random | None = None
    ) -> RequestContext:
        """A RequestContext for one request (or one seeding run)."""
        return RequestContext(conn, self.clock(), ipaddr, base_url, self.settings, rng or self.rng)

    def handle(self, request: ApiRequest, *, ipaddr: str, base_url: str) -> ApiResult:
        """Run one API request in one transaction (any error rolls it back)."""
        with self.database.transaction() as conn:
            ctx = self.context(conn, ipaddr=ipaddr, base_url=base_url)
            self._sweep(ctx)
            return self.dispatcher.dispatch(ctx, request)

    def _sweep(self, ctx: RequestContext) -> None:
        """Once per calendar day, move invoices past their due date to open-overdue."""
        if self._swept_on == ctx.today:
            return
        invoices = self.services.get("invoice")
        if isinstance(invoices, InvoiceService):
            invoices.sweep_overdue(ctx)
        self._swept_on = ctx.today

    def reset(self) -> None:
        """Drop all data and recreate the empty schema (tests and `POST /_emulator/reset`)."""
        with self.database.transaction() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master"
                    " WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            conn.execute("DELETE FROM sqlite_sequence") if _has_sequence(conn) else None
        self.create_schema()
        self.limiter.reset()
        self.violations.reset()
        self._swept_on = None

    def close(self) -> None:
        """Release the database."""
        self.database.close()


def _has_sequence(conn: Any) -> bool:
    """Whether SQLite's AUTOINCREMENT bookkeeping table exists."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
        is not None
    )
