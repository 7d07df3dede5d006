"""Fynn's customer hierarchy rules (fact sheet §5.3): a parent must exist in the tenant, not be
the customer itself, not be archived, not create a cycle, and the tree may have at most 3 levels.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from chargeover_emulator.fynn.errors import Conflict

__all__ = ["MAX_LEVELS", "check_parent", "descendants_height", "root_of", "tree"]

MAX_LEVELS = 3


def _parent(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute('SELECT "parentId" FROM customer WHERE id = ?', [key]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _children(conn: sqlite3.Connection, key: str) -> list[str]:
    rows = conn.execute(
        'SELECT id FROM customer WHERE "parentId" = ? ORDER BY "createdAt", rowid', [key]
    )
    return [str(row[0]) for row in rows]


def ancestors(conn: sqlite3.Connection, key: str) -> list[str]:
    """The customer's parent, its parent, ... (bounded: stored trees have no cycle)."""
    found: list[str] = []
    current = _parent(conn, key)
    while current is not None and current not in found and len(found) <= MAX_LEVELS * 4:
        found.append(current)
        current = _parent(conn, current)
    return found


def descendants_height(conn: sqlite3.Connection, key: str) -> int:
    """Levels from the customer down to its deepest descendant (1: no children)."""
    children = _children(conn, key)
    return 1 + max((descendants_height(conn, child) for child in children), default=0)


def root_of(conn: sqlite3.Connection, key: str) -> str:
    """The top of the customer's tree."""
    chain = ancestors(conn, key)
    return chain[-1] if chain else key


def check_parent(conn: sqlite3.Connection, child: str, parent: str) -> None:
    """Raise Fynn's 400 when `parent` may not become `child`'s parent."""
    row = conn.execute("SELECT status FROM customer WHERE id = ?", [parent]).fetchone()
    if row is None:
        raise Conflict("The parent customer does not exist in this tenant.")
    if parent == child:
        raise Conflict("A customer cannot be its own parent.")
    if row[0] == "STATUS_ARCHIVED":
        raise Conflict("An archived customer cannot be a parent.")
    chain = ancestors(conn, parent)
    if child in chain:
        raise Conflict("The parent customer is a descendant of this customer (a cycle).")
    if len(chain) + 1 + descendants_height(conn, child) > MAX_LEVELS:
        raise Conflict(f"A customer hierarchy has at most {MAX_LEVELS} levels.")


def tree(conn: sqlite3.Connection, key: str, current: str, describe: Any) -> dict[str, Any]:
    """`{id, name, customerNumber, isCurrentCustomer, children}` from `key` down."""
    node: dict[str, Any] = {**describe(key), "isCurrentCustomer": key == current}
    node["children"] = [tree(conn, child, current, describe) for child in _children(conn, key)]
    return node
