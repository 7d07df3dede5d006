"""Proof that request input reaches SQLite only as bound values, never as SQL text.

Three independent witnesses on the emulator's own connection:

- a trace callback (`sqlite3.Connection.set_trace_callback`) records every statement. CPython
  hands the callback the *expanded* SQL, with bound values rendered as quoted literals; so
  string literals are removed first, and a marker found in what remains was SQL text;
- a canary table with a known row that injection payloads try to drop or change;
- a full dump (`iterdump`) before and after, so any change to stored data is visible.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "CANARY_TABLE",
    "MARKER",
    "SqlWatch",
    "canary_intact",
    "dump",
    "install_canary",
    "sql_without_literals",
]

# Payloads spell these as SQL identifiers; neither is a name the emulator ever uses.
CANARY_TABLE = "reliability_canary"
MARKER = "zz_injected_marker"
_CANARY_ROW = ("sentinel", "must survive every request")
# A quoted literal ('...' with '' escapes) or a blob literal x'..'; an unterminated quote runs to
# the end because the trace text stops at an embedded NUL.
_LITERAL = re.compile(r"[xX]?'(?:[^']|'')*(?:'|$)")


def sql_without_literals(sql: str) -> str:
    """The statement with every string and blob literal blanked out."""
    return _LITERAL.sub("''", sql)


def install_canary(conn: sqlite3.Connection) -> None:
    """Create the canary table with its one row (outside any request's transaction)."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {CANARY_TABLE} (name TEXT, note TEXT)")
    conn.execute(f"DELETE FROM {CANARY_TABLE}")
    conn.execute(f"INSERT INTO {CANARY_TABLE} VALUES (?, ?)", _CANARY_ROW)


def canary_intact(conn: sqlite3.Connection) -> bool:
    """Whether the canary table still exists and holds exactly its row."""
    try:
        rows = conn.execute(f"SELECT name, note FROM {CANARY_TABLE}").fetchall()
    except sqlite3.OperationalError:
        return False
    return [tuple(row) for row in rows] == [_CANARY_ROW]


def dump(conn: sqlite3.Connection) -> list[str]:
    """Every schema statement and row, in a stable order."""
    return sorted(conn.iterdump())


class SqlWatch:
    """Records the SQL the emulator runs while `watching`; finds input that reached SQL text."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.statements: list[str] = []

    @contextmanager
    def watching(self) -> Iterator[SqlWatch]:
        """Trace every statement on the connection for the duration of the block."""
        self.conn.set_trace_callback(self.statements.append)
        try:
            yield self
        finally:
            self.conn.set_trace_callback(None)

    def text_leaks(self, needles: tuple[str, ...] = (MARKER, CANARY_TABLE)) -> list[str]:
        """Statements in which a needle appears outside string literals, i.e. as SQL text."""
        return [
            sql
            for sql in self.statements
            if any(needle in sql_without_literals(sql).lower() for needle in needles)
        ]

    def clear(self) -> None:
        """Forget recorded statements."""
        self.statements.clear()
