"""Each row's list-view JSON, kept in memory beside the database and dropped when the row changes.

A list page of 500 customers used to rebuild 500 dicts of ~80 fields from SQLite tuples and
encode them: about 10 ms, nine tenths of it in Python. The bytes of a row's list view depend on
that row alone (list views have no child arrays; services with list children do not use this),
so they are rendered once, stored, and a page is the concatenation of stored bytes.

Where they live, and why:
- In a TEMP table of the emulator's connection (SQLite's per-connection database, held in
  memory). Stored in the file they cost a WAL write of every rendering, which made the first
  read of a page twice as slow as rendering it, for bytes that a restart throws away anyway.
- Keyed by the row's id, apart from the row, so the rows stay as small as before and scans
  (CONTAINS, deep offsets, counting) cost what they did.
- Invalidated by SQLite, not by the services remembering to: TEMP triggers AFTER UPDATE and
  AFTER DELETE on the resource table remove the rendering in the same transaction as the
  change, whatever statement made it (Table.update, a service's own UPDATE, a cascade), and a
  rolled-back request or bulk item rolls the TEMP table back with everything else. TEMP
  triggers fire for this connection only: the emulator must be the only writer of its database
  file while it runs, which the one-connection design already assumes.
- Bounded: at most `max_rows` renderings per resource, so memory stays near 25 MB however large
  the table. When they are all taken, rows rendered for a page are served but not stored, and
  what is stored stays: a walk through a 100k-row table used to store every page's renderings
  and evict as many older ones, about 3 ms per cold page spent on bytes nobody read again (the
  walk renders each row once) and on emptying the cache of the rows that were being read
  repeatedly. Space comes back as rows change or are deleted (the triggers drop them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from chargeover_emulator.storage.tables import Projection, Table, tuples

__all__ = ["MAX_ROWS", "RENDERED_PREFIX", "RenderedRows"]

#: TEMP tables are named `<prefix><resource>`; the prefix keeps them apart from resource tables
RENDERED_PREFIX = "_emulator_rendered_"
#: renderings kept per resource (a customer list item is about 2 KB)
MAX_ROWS = 10_000
# The TEMP table's columns, named so that no resource column can clash with them.
_ID = "_emulator_row_id"
_JSON = "_emulator_json"


class RenderedRows:
    """The stored list-view bytes of one table's rows."""

    def __init__(
        self,
        table: Table,
        view: Projection,
        render: Callable[[dict[str, Any]], bytes],
        *,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.table = table
        self.view = view
        self.render = render
        self.max_rows = max_rows
        self.side_table = f"{RENDERED_PREFIX}{table.name}"
        # An upper bound of the renderings stored (triggers delete without telling); the real
        # count is taken only when this bound passes max_rows.
        self._size_bound = 0
        # conn.total_changes when a count last found no room (None: count again when near).
        self._full_at_changes: int | None = None
        name, key, side = table.name, table.primary_key, self.side_table
        self._select_keys = f'SELECT "{key}" FROM "{name}"'
        self._select_joined = (
            f'SELECT "{name}"."{key}", "{side}"."{_JSON}" FROM "{name}"'
            f' LEFT JOIN temp."{side}" ON "{side}"."{_ID}" = "{name}"."{key}"'
        )
        self._select_stored = f'SELECT "{_ID}", "{_JSON}" FROM temp."{side}"'
        self._select_view = f'SELECT "{key}", {view.select_list} FROM "{name}"'
        self._store = f'INSERT OR REPLACE INTO temp."{side}" ("{_ID}", "{_JSON}") VALUES (?, ?)'

    def install(self, conn: sqlite3.Connection) -> None:
        """Create the TEMP table and triggers on this connection (idempotent), empty."""
        name, key, side = self.table.name, self.table.primary_key, self.side_table
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{side}"'
            f' ("{_ID}" INTEGER PRIMARY KEY, "{_JSON}" BLOB NOT NULL)'
        )
        for event in ("UPDATE", "DELETE"):
            # A TEMP trigger may watch a main table; its body names the TEMP table unqualified.
            conn.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "tr_{name}_rendered_{event.lower()}"'
                f' AFTER {event} ON main."{name}"'
                f' BEGIN DELETE FROM "{side}" WHERE "{_ID}" = OLD."{key}"; END'
            )
        conn.execute(f'DELETE FROM temp."{side}"')
        self._size_bound = 0
        self._full_at_changes = None

    def select(
        self,
        conn: sqlite3.Connection,
        where: str,
        params: Sequence[Any],
        order: str,
        limit: int,
        offset: int,
    ) -> list[bytes]:
        """The list-view bytes of the matching rows, ordered and paged like Table.select.

        A first page is one query joining the renderings in. With an OFFSET the page's ids come
        first, on their own: the join would look a rendering up for every row OFFSET skips.
        """
        if offset == 0:
            rows = tuples(
                conn,
                f"{self._select_joined} WHERE {where} ORDER BY {order} LIMIT ?",
                [*params, limit],
            ).fetchall()
            keys = [key for key, _ in rows]
            stored = {key: rendered for key, rendered in rows if rendered is not None}
        else:
            keys = [
                row[0]
                for row in tuples(
                    conn,
                    f"{self._select_keys} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                )
            ]
            if not keys:
                return []
            marks = ", ".join("?" for _ in keys)
            stored = dict(tuples(conn, f'{self._select_stored} WHERE "{_ID}" IN ({marks})', keys))
        missing = [key for key in keys if key not in stored]
        if missing:
            stored.update(self._render(conn, missing))
        return [stored[key] for key in keys]

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
        room = self._room(conn, len(fresh))
        if room:
            stored = list(fresh.items())[:room]
            conn.executemany(self._store, stored)
            self._size_bound += len(stored)
        return fresh

    def _room(self, conn: sqlite3.Connection, wanted: int) -> int:
        """How many of `wanted` new renderings fit under `max_rows`.

        Counted only near the bound, and not again while nothing on the connection has changed
        a row since a count found no room: a cold walk of a large table would otherwise count
        the full TEMP table for every page (about 1 ms each). `total_changes` includes the rows
        the invalidation triggers delete.
        """
        if self._size_bound + wanted <= self.max_rows:
            return wanted
        if conn.total_changes == self._full_at_changes:
            return 0
        count = int(conn.execute(f'SELECT COUNT(*) FROM temp."{self.side_table}"').fetchone()[0])
        self._size_bound = count
        room = max(0, min(wanted, self.max_rows - count))
        self._full_at_changes = conn.total_changes if room == 0 else None
        return room
