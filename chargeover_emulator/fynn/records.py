"""What every Fynn resource service shares: a UUID-keyed table of the read schema's fields,
lookup by id (404 otherwise), and the operation kinds Fynn does not document."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import NotFound
from chargeover_emulator.records import Records
from chargeover_emulator.specdoc import ResourceSpec

__all__ = ["FynnRecords", "iso_timestamp", "new_id"]


def new_id(ctx: RequestContext) -> str:
    """A version-4 UUID from the request's random source (seeding passes a seeded one)."""
    return str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))


def iso_timestamp(moment: dt.datetime) -> str:
    """ISO 8601 with a numeric offset, as Fynn prints it (`2020-01-01T00:00:00+00:00`)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.replace(microsecond=0).isoformat()


class FynnRecords:
    """One resource: its spec, its table (the read schema's scalar fields, plus `hidden`)."""

    def __init__(self, spec: ResourceSpec, table: str, hidden: Mapping[str, str]) -> None:
        self._spec = spec
        columns = {
            name: prop.kind
            for name, prop in spec.properties.items()
            if prop.scalar or name == "customFields"
        }
        self.table = Records(table, spec.primary_key, {**columns, **hidden})

    @property
    def spec(self) -> ResourceSpec:
        return self._spec

    @property
    def actions(self) -> Mapping[str, Any]:
        return {}

    def ddl(self) -> list[str]:
        return [self.table.ddl()]

    def install(self, conn: sqlite3.Connection) -> None:
        """Nothing beyond the table (start-up adds columns an older file lacks)."""
        self.table.add_missing_columns(conn)

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        return []

    def row(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        """The stored row, or Fynn's 404."""
        found = self.table.get(ctx.conn, key)
        if found is None:
            raise NotFound(self._spec.not_found_message)
        return found

    def resolve(self, ctx: RequestContext, ident: str) -> str:
        return str(self.row(ctx, ident)[self._spec.primary_key])

    def action(self, ctx: RequestContext, key: Any, name: str, body: Mapping[str, Any]) -> Any:
        return self.actions[name](ctx, key, body)

    # Kinds no Fynn operation has: the engine only calls what the spec documents.
    def list(self, ctx: RequestContext, query: Mapping[str, Any]) -> Any:
        raise NotImplementedError(f"{self._spec.name}: no list operation")

    def count(self, ctx: RequestContext, query: Mapping[str, Any]) -> Any:
        raise NotImplementedError(f"{self._spec.name}: no count operation")

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> Any:
        raise NotImplementedError(f"{self._spec.name}: created under its parent only")

    def update(self, ctx: RequestContext, key: Any, body: Mapping[str, Any]) -> None:
        raise NotImplementedError(f"{self._spec.name}: no update operation")

    def delete(self, ctx: RequestContext, key: Any) -> None:
        raise NotImplementedError(f"{self._spec.name}: no delete operation")

    def revisions(self, ctx: RequestContext, key: Any, query: Mapping[str, Any]) -> Any:
        raise NotImplementedError(f"{self._spec.name}: no revisions")
