"""Each row's list-view JSON, kept in a side table and dropped by a trigger when the row changes.

A list page of 500 customers used to rebuild 500 dicts of ~80 fields from SQLite tuples and
encode them: about 10 ms, nine tenths of it in Python. The bytes of a row's list view depend on
that row alone (list views have no child arrays; services with list children do not use this),
so they are rendered once, stored, and a page is the concatenation of stored bytes.

They live in a side table keyed by the row's id rather than in a column of the row: rows stay as
small as before, so scans that read rows (CONTAINS, deep offsets, counting) cost what they did.

Correctness rests on SQLite, not on the services remembering to invalidate: AFTER UPDATE and
AFTER DELETE triggers on the resource table remove the stored bytes in the same transaction as
the change, whatever statement made it (Table.update, a service's own UPDATE, a cascade). A read
renders the rows whose bytes are missing, with the same Projection the live path uses, and
stores them inside the request's transaction. Everything stored is dropped at startup, so a
change of spec or emulator version can never serve an old rendering.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from chargeover_emulator.storage.tables import Projection, Table, tuples

__all__ = ["RENDERED_PREFIX", "RenderedRows"]

#: side tables are named `<prefix><resource>`; the prefix keeps them apart from resource tables
RENDERED_PREFIX = "_emulator_rendered_"
# The side table's columns, named so that no resource column (which `where` and `order`
# reference unqualified) can clash with them in the join.
_ID = "_emulator_row_id"
_JSON = "_emulator_json"


class RenderedRows:
    """The stored list-view bytes of one table's rows."""

    def __init__(
        self, table: Table, view: Projection, render: Callable[[dict[str, Any]], bytes]
    ) -> None:
        self.table = table
        self.view = view
        self.render = render
        self.side_table = f"{RENDERED_PREFIX}{table.name}"
        name, key, side = table.name, table.primary_key, self.side_table
        self._select_rendered = (
            f'SELECT "{name}"."{key}", "{side}"."{_JSON}" FROM "{name}"'
            f' LEFT JOIN "{side}" ON "{side}"."{_ID}" = "{name}"."{key}"'
        )
        self._select_view = f'SELECT "{key}", {view.select_list} FROM "{name}"'
        self._store = f'INSERT OR REPLACE INTO "{side}" ("{_ID}", "{_JSON}") VALUES (?, ?)'

    def install(self, conn: sqlite3.Connection) -> None:
        """Create the side table and its triggers, and drop what an earlier process stored."""
        name, key, side = self.table.name, self.table.primary_key, self.side_table
        conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{side}" ("{_ID}" INTEGER PRIMARY KEY, "{_JSON}" BLOB)'
        )
        for event in ("UPDATE", "DELETE"):
            conn.execute(
                f'CREATE TRIGGER IF NOT EXISTS "tr_{name}_rendered_{event.lower()}"'
                f' AFTER {event} ON "{name}"'
                f' BEGIN DELETE FROM "{side}" WHERE "{_ID}" = OLD."{key}"; END'
            )
        conn.execute(f'DELETE FROM "{side}"')

    def select(
        self,
        conn: sqlite3.Connection,
        where: str,
        params: Sequence[Any],
        order: str,
        limit: int,
        offset: int,
    ) -> list[bytes]:
        """The list-view bytes of the matching rows, ordered and paged like Table.select."""
        rows = tuples(
            conn,
            f"{self._select_rendered} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        missing = [key for key, stored in rows if stored is None]
        fresh = self._render(conn, missing) if missing else {}
        return [stored if stored is not None else fresh[key] for key, stored in rows]

    def _render(self, conn: sqlite3.Connection, keys: list[int]) -> dict[int, bytes]:
        """Render and store the rows of `keys` (at most one page, so one IN list)."""
        marks = ", ".join("?" for _ in keys)
        to_dict = self.view.to_dict
        fresh = {
            row[0]: self.render(to_dict(row[1:]))
            for row in tuples(
                conn, f'{self._select_view} WHERE "{self.table.primary_key}" IN ({marks})', keys
            )
        }
        conn.executemany(self._store, [(key, rendered) for key, rendered in fresh.items()])
        return fresh
