"""Tables whose columns come from a read schema's properties; rows convert to/from JSON values."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chargeover_emulator.protocol.numbers import fits_int64
from chargeover_emulator.storage.errors import ValueOutOfRange

__all__ = ["Key", "Projection", "Table", "tuples"]

_log = logging.getLogger("chargeover_emulator.storage")
_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT"}


class Projection:
    """A fixed list of output fields read from plain SELECT tuples, converted to JSON values.

    Everything that depends only on the field list (the SELECT list, which fields need
    converting) is worked out once, so turning a row into a dict is one `zip` plus a loop over
    the few boolean, number and JSON fields. A field that is not a column reads as null.
    """

    def __init__(
        self, table: Table, fields: Iterable[str], *, empty_arrays: Iterable[str] = ()
    ) -> None:
        self.fields = tuple(fields)
        self.select_list = ", ".join(
            f'"{name}"' if name in table.columns else "NULL" for name in self.fields
        )
        kinds = {name: table.columns.get(name) for name in self.fields}
        self._json = [name for name, kind in kinds.items() if kind in {"array", "object"}]
        self._bool = [name for name, kind in kinds.items() if kind == "boolean"]
        self._number = [name for name, kind in kinds.items() if kind == "number"]
        self._empty_arrays = [name for name in empty_arrays if name in kinds]

    def to_dict(self, values: Sequence[Any]) -> dict[str, Any]:
        """One SELECT tuple (in `fields` order) -> JSON-ready dict."""
        out = dict(zip(self.fields, values, strict=True))
        for name in self._json:
            value = out[name]
            if value is not None:
                out[name] = json.loads(value)
        for name in self._bool:
            value = out[name]
            if value is not None:
                out[name] = bool(value)
        for name in self._number:
            value = out[name]
            # Whole amounts arrive as JSON integers in real responses (`"total": 99`).
            if isinstance(value, float) and value.is_integer():
                out[name] = int(value)
        for name in self._empty_arrays:
            if out[name] is None:
                out[name] = []
        return out


def tuples(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
    """Execute on a cursor that yields plain tuples (no sqlite3.Row objects to build)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


#: a primary key value: an integer the table assigns, or a text key (a UUID) the caller chose
Key = int | str


class Table:
    """A SQLite table: name, primary key and typed columns (arrays and objects as JSON text).

    The primary key is an integer the table assigns (AUTOINCREMENT) unless its column is
    declared `string`: then it is a text key (a UUID, say) that every insert supplies, and the
    implicit `rowid` keeps the insertion order.
    """

    def __init__(self, name: str, primary_key: str, columns: Mapping[str, str]) -> None:
        self.name = name
        self.primary_key = primary_key
        self.columns = dict(columns)
        self.columns.setdefault(primary_key, "integer")
        #: whether the key is text the caller supplies (else an integer the table assigns)
        self.text_key = self.columns[primary_key] == "string"
        #: every column, for the table's own reads (`get` without a projection)
        self.everything = Projection(self, self.columns)

    def projection(self, fields: Iterable[str], *, empty_arrays: Iterable[str] = ()) -> Projection:
        """A precomputed read of `fields` (null for a field that is not a column)."""
        return Projection(self, fields, empty_arrays=empty_arrays)

    def ddl(self, extra: Iterable[str] = ()) -> str:
        """CREATE TABLE statement; integer ids are AUTOINCREMENT so a deleted id is never reused."""
        key_type = (
            "TEXT NOT NULL PRIMARY KEY" if self.text_key else "INTEGER PRIMARY KEY AUTOINCREMENT"
        )
        parts = [f'"{self.primary_key}" {key_type}']
        for column in self.columns:
            if column != self.primary_key:
                parts.append(self._column_sql(column))
        parts.extend(extra)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({", ".join(parts)})'

    def _column_sql(self, column: str) -> str:
        """One column's definition: its name and SQLite type (no constraint, so null default)."""
        return f'"{column}" {_SQL_TYPES.get(self.columns[column], "TEXT")}'

    def add_missing_columns(self, conn: sqlite3.Connection) -> list[str]:
        """Add the columns this table declares and the live table lacks; return their names.

        A database file created by an earlier version has the tables of the read schemas of
        that time, and `CREATE TABLE IF NOT EXISTS` leaves them as they are. A field added to a
        read schema since then becomes one `ALTER TABLE ADD COLUMN` here, at start-up, and its
        existing rows read null, as an unset field does. Nothing is ever dropped or retyped: a
        column the schema no longer declares is kept (and not read). No table yet: nothing to do.
        """
        live = {str(row[1]) for row in conn.execute(f'PRAGMA table_info("{self.name}")')}
        if not live:
            return []
        missing = [column for column in self.columns if column not in live]
        for column in missing:
            conn.execute(f'ALTER TABLE "{self.name}" ADD COLUMN {self._column_sql(column)}')
        if missing:
            _log.info("table %s: added columns %s", self.name, ", ".join(missing))
        return missing

    def _encode(self, column: str, value: Any) -> Any:
        """Python value -> SQLite value; ValueOutOfRange for a number no response could carry back.

        Every computed amount is stored through here (line totals, invoice and customer totals),
        so an overflow to inf is refused before it is written and poisons every later read.
        """
        kind = self.columns[column]
        if value is None or kind == "string":  # most columns: stored as they are
            return value
        if kind in {"array", "object"}:
            return json.dumps(value)
        if kind == "boolean":
            return 1 if value else 0
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueOutOfRange(
                column, f"Amount out of range: {column} would not be a finite number."
            )
        if isinstance(value, int) and not fits_int64(value):
            raise ValueOutOfRange(
                column, f"Number out of range: {column} must fit in a 64-bit integer."
            )
        return value

    def insert(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
        """Insert the known columns of `values` and return the new primary key (for a text key,
        which `values` must hold: the row's `rowid`, its place in insertion order)."""
        if self.text_key and not isinstance(values.get(self.primary_key), str):
            raise ValueError(f"{self.name}: an insert must supply its text {self.primary_key}")
        known = [c for c in values if c in self.columns]
        placeholders = ", ".join("?" for _ in known)
        names = ", ".join(f'"{c}"' for c in known)
        sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({placeholders})'
        if not known:
            sql = f'INSERT INTO "{self.name}" DEFAULT VALUES'
        cursor = conn.execute(sql, [self._encode(c, values[c]) for c in known])
        return int(cursor.lastrowid or 0)

    def update(self, conn: sqlite3.Connection, key: Key, values: Mapping[str, Any]) -> None:
        """Update the known columns of `values` on one row."""
        known = [c for c in values if c in self.columns and c != self.primary_key]
        if not known:
            return
        assignments = ", ".join(f'"{c}" = ?' for c in known)
        conn.execute(
            f'UPDATE "{self.name}" SET {assignments} WHERE "{self.primary_key}" = ?',
            [*(self._encode(c, values[c]) for c in known), key],
        )

    def get(
        self, conn: sqlite3.Connection, key: Key, view: Projection | None = None
    ) -> dict[str, Any] | None:
        """One row by primary key as a dict of `view`'s fields (default: every column)."""
        view = view or self.everything
        row = tuples(
            conn,
            f'SELECT {view.select_list} FROM "{self.name}" WHERE "{self.primary_key}" = ?',
            [key],
        ).fetchone()
        return None if row is None else view.to_dict(row)

    def find_key(self, conn: sqlite3.Connection, column: str, value: Any) -> int | None:
        """Primary key of the first row whose `column` equals `value` (a whitelisted column)."""
        if column not in self.columns:
            return None
        row = conn.execute(
            f'SELECT "{self.primary_key}" FROM "{self.name}" WHERE "{column}" = ? LIMIT 1', [value]
        ).fetchone()
        return None if row is None else int(row[0])

    def select(
        self,
        conn: sqlite3.Connection,
        view: Projection,
        where: str,
        params: list[Any],
        order: str,
        limit: int,
        offset: int,
    ) -> list[dict[str, Any]]:
        """`view`'s fields of the rows matching a compiled where clause, ordered and paged."""
        sql = (
            f'SELECT {view.select_list} FROM "{self.name}" WHERE {where}'
            f" ORDER BY {order} LIMIT ? OFFSET ?"
        )
        to_dict = view.to_dict
        return [to_dict(row) for row in tuples(conn, sql, [*params, limit, offset])]

    def count(self, conn: sqlite3.Connection, where: str, params: list[Any]) -> int:
        """Number of rows matching a compiled where clause."""
        return int(
            conn.execute(f'SELECT COUNT(*) FROM "{self.name}" WHERE {where}', params).fetchone()[0]
        )

    def delete(self, conn: sqlite3.Connection, key: Key) -> None:
        """Delete one row."""
        conn.execute(f'DELETE FROM "{self.name}" WHERE "{self.primary_key}" = ?', [key])
