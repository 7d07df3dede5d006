"""Tables whose columns come from a read schema's properties; rows convert to/from JSON values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["Table"]

_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT"}


class Table:
    """A SQLite table: name, primary key and typed columns (arrays and objects as JSON text)."""

    def __init__(self, name: str, primary_key: str, columns: Mapping[str, str]) -> None:
        self.name = name
        self.primary_key = primary_key
        self.columns = dict(columns)
        self.columns.setdefault(primary_key, "integer")
        self._json_columns = [c for c, k in self.columns.items() if k in {"array", "object"}]
        self._bool_columns = [c for c, k in self.columns.items() if k == "boolean"]
        self._number_columns = [c for c, k in self.columns.items() if k == "number"]

    def ddl(self, extra: Iterable[str] = ()) -> str:
        """CREATE TABLE statement; ids are AUTOINCREMENT so a deleted id is never reused."""
        parts = [f'"{self.primary_key}" INTEGER PRIMARY KEY AUTOINCREMENT']
        for column, kind in self.columns.items():
            if column != self.primary_key:
                parts.append(f'"{column}" {_SQL_TYPES.get(kind, "TEXT")}')
        parts.extend(extra)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({", ".join(parts)})'

    def _encode(self, column: str, value: Any) -> Any:
        """Python value -> SQLite value."""
        kind = self.columns[column]
        if value is None:
            return None
        if kind in {"array", "object"}:
            return json.dumps(value)
        if kind == "boolean":
            return 1 if value else 0
        return value

    def decode(self, row: sqlite3.Row | Mapping[str, Any]) -> dict[str, Any]:
        """SQLite row -> JSON-ready dict (only booleans, numbers and JSON columns need work)."""
        out = (
            dict(zip(row.keys(), tuple(row), strict=True))
            if isinstance(row, sqlite3.Row)
            else dict(row)
        )
        for column in self._json_columns:
            value = out.get(column)
            if value is not None:
                out[column] = json.loads(value)
        for column in self._bool_columns:
            value = out.get(column)
            if value is not None:
                out[column] = bool(value)
        for column in self._number_columns:
            value = out.get(column)
            # Whole amounts arrive as JSON integers in real responses (`"total": 99`).
            if isinstance(value, float) and value.is_integer():
                out[column] = int(value)
        return out

    def insert(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
        """Insert the known columns of `values` and return the new primary key."""
        known = [c for c in values if c in self.columns]
        placeholders = ", ".join("?" for _ in known)
        names = ", ".join(f'"{c}"' for c in known)
        sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({placeholders})'
        if not known:
            sql = f'INSERT INTO "{self.name}" DEFAULT VALUES'
        cursor = conn.execute(sql, [self._encode(c, values[c]) for c in known])
        return int(cursor.lastrowid or 0)

    def update(self, conn: sqlite3.Connection, key: int, values: Mapping[str, Any]) -> None:
        """Update the known columns of `values` on one row."""
        known = [c for c in values if c in self.columns and c != self.primary_key]
        if not known:
            return
        assignments = ", ".join(f'"{c}" = ?' for c in known)
        conn.execute(
            f'UPDATE "{self.name}" SET {assignments} WHERE "{self.primary_key}" = ?',
            [*(self._encode(c, values[c]) for c in known), key],
        )

    def get(self, conn: sqlite3.Connection, key: int) -> dict[str, Any] | None:
        """One row by primary key, decoded."""
        row = conn.execute(
            f'SELECT * FROM "{self.name}" WHERE "{self.primary_key}" = ?', [key]
        ).fetchone()
        return None if row is None else self.decode(row)

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
        where: str,
        params: list[Any],
        order: str,
        limit: int,
        offset: int,
    ) -> list[dict[str, Any]]:
        """Rows matching a compiled where clause, ordered and paged."""
        sql = f'SELECT * FROM "{self.name}" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?'
        return [self.decode(row) for row in conn.execute(sql, [*params, limit, offset])]

    def count(self, conn: sqlite3.Connection, where: str, params: list[Any]) -> int:
        """Number of rows matching a compiled where clause."""
        return int(
            conn.execute(f'SELECT COUNT(*) FROM "{self.name}" WHERE {where}', params).fetchone()[0]
        )

    def delete(self, conn: sqlite3.Connection, key: int) -> None:
        """Delete one row."""
        conn.execute(f'DELETE FROM "{self.name}" WHERE "{self.primary_key}" = ?', [key])
