"""The emulator's state: a dialect, its spec, database, services, auth, rate limit and clock."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from typing import Any

from chargeover_emulator.config import Settings
from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import Authorizer, Dialect, RejectsViolations, Service
from chargeover_emulator.dialects import load_dialect
from chargeover_emulator.dispatcher import Dispatcher
from chargeover_emulator.exchange import ApiRequest, ApiResult
from chargeover_emulator.faults import Faults, parse_rules
from chargeover_emulator.ratelimit import RateLimiter
from chargeover_emulator.specdoc import SpecDocument
from chargeover_emulator.storage.database import Database
from chargeover_emulator.validation import RequestValidator, ViolationLedger

__all__ = ["Emulator"]


class Emulator:
    """Everything one running emulator holds; built once by the app factory."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        dialect: Dialect | None = None,
    ) -> None:
        self.dialect = dialect or load_dialect(settings.vendor)
        self.settings = settings
        self.spec_path = self.dialect.spec_path(settings.spec_path)
        self.spec = SpecDocument.load(self.spec_path)
        self.services: Mapping[str, Service] = self.dialect.services(self.spec, settings)
        self.clock: Callable[[], dt.datetime] = clock or (
            lambda: dt.datetime.now().replace(microsecond=0)
        )
        self.rng = random.SystemRandom()
        self.database = Database(settings.db)
        self.violations = ViolationLedger()
        validator = RequestValidator(
            settings.validation,
            self.dialect.leniencies,
            self.violations,
            deferred=self.dialect.grammar_parameters,
            **(
                {"reject": self.dialect.rejected}
                if isinstance(self.dialect, RejectsViolations)
                else {}
            ),
        )
        self.authenticator = self.dialect.authenticator(settings)
        self.dispatcher = Dispatcher(
            self.spec,
            self.services,
            validator,
            self.dialect,
            self.database,
            authorizer=self.authenticator if isinstance(self.authenticator, Authorizer) else None,
        )
        self.limiter = RateLimiter(settings.rate_limit)
        # the address `serve` listens on (set by the CLI): seeded links carry its port
        self.origin = "http://127.0.0.1:8080"
        self.faults = Faults(
            enabled=settings.faults,
            rules=parse_rules(settings.fault_rules),
            seed=settings.fault_seed,
        )
        self.create_schema()

    def create_schema(self) -> None:
        """Create every table (idempotent: an existing file keeps its data)."""
        with self.database.transaction() as conn:
            self.dialect.install(conn)
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
            self.dialect.before_request(ctx, self.services)
            return self.dispatcher.dispatch(ctx, request)

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
        # the rules the settings gave, and their draw from the start (rules set since are gone)
        self.faults.replace(parse_rules(self.settings.fault_rules), self.settings.fault_seed)
        self.dialect.reset()

    def close(self) -> None:
        """Release the database."""
        self.database.close()


def _has_sequence(conn: Any) -> bool:
    """Whether SQLite's AUTOINCREMENT bookkeeping table exists."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone()
        is not None
    )
