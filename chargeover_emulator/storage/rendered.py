"""Each row's list-view JSON, kept beside the row and dropped by a trigger when the row changes.

A list page of 500 customers used to rebuild 500 dicts of ~80 fields from SQLite tuples and
encode them: about 10 ms, nine tenths of it in Python. The bytes of a row's list view depend on
that row alone (list views have no child arrays; services with list children do not use this),
so they are rendered once, stored in a hidden BLOB column, and a page is the concatenation of
stored bytes.

Correctness rests on SQLite, not on the services remembering to invalidate: an AFTER UPDATE
trigger on every data column clears the stored bytes in the same transaction as the change,
whatever statement made it (Table.update, a service's own UPDATE, a cascade). A read renders
the rows whose bytes are missing with the same Projection the live path uses and stores them,
still inside the request's transaction. New rows start with nothing stored. Stored bytes are
dropped at startup, so a change of spec or emulator version can never serve an old rendering.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from chargeover_emulator.storage.tables import Projection, Table, tuples

__all__ = ["RENDERED_COLUMN", "RenderedRows"]

#: the hidden column; a leading underscore and the prefix keep it apart from spec fields
RENDERED_COLUMN = "_emulator_list_json"


class RenderedRows:
    """The stored list-view bytes of one table's rows."""

    def __init__(
        self, table: Table, view: Projection, render: Callable[[dict[str, Any]], bytes]
    ) -> None:
        self.table = table
        self.view = view
        self.render = render
        name, key = table.name, table.primary_key
        self._select_rendered = f'SELECT "{key}", "{RENDERED_COLUMN}" FROM "{name}"'
        self._select_view = f'SELECT "{key}", {view.select_list} FROM "{name}"'
        self._store = f'UPDATE "{name}" SET "{RENDERED_COLUMN}" = ? WHERE "{key}" = ?'

    def install(self, conn: sqlite3.Connection) -> None:
        """Add the column (also to a database made by an older emulator), the trigger, and
        drop whatever an earlier process stored."""
        name, key = self.table.name, self.table.primary_key
        present = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        if RENDERED_COLUMN not in present:
            conn.execute(f'ALTER TABLE "{name}" ADD COLUMN "{RENDERED_COLUMN}" BLOB')
        data_columns = ", ".join(f'"{c}"' for c in self.table.columns if c != key)
        # Only a change of a data column clears; storing a rendering (an UPDATE of the hidden
        # column alone) does not fire it. The WHEN skips the extra write while nothing is stored.
        conn.execute(
            f'CREATE TRIGGER IF NOT EXISTS "tr_{name}_rendered_stale"'
            f' AFTER UPDATE OF {data_columns} ON "{name}"'
            f' WHEN OLD."{RENDERED_COLUMN}" IS NOT NULL'
            f' BEGIN UPDATE "{name}" SET "{RENDERED_COLUMN}" = NULL'
            f' WHERE "{key}" = NEW."{key}"; END'
        )
        conn.execute(
            f'UPDATE "{name}" SET "{RENDERED_COLUMN}" = NULL WHERE "{RENDERED_COLUMN}" IS NOT NULL'
        )

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
        conn.executemany(self._store, [(rendered, key) for key, rendered in fresh.items()])
        return fresh
