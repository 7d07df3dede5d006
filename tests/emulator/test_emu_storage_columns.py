"""Start-up adds the columns a database file created by an earlier version lacks."""

from __future__ import annotations

import sqlite3

from chargeover_emulator.storage.tables import Table


def test_add_missing_columns_adds_only_what_the_live_table_lacks() -> None:
    conn = sqlite3.connect(":memory:")
    old = Table("thing", "thing_id", {"name": "string"})
    conn.execute(old.ddl())
    conn.execute('INSERT INTO thing (name) VALUES ("kept")')
    conn.execute('ALTER TABLE thing ADD COLUMN "retired" TEXT')  # no longer declared: kept
    new = Table("thing", "thing_id", {"name": "string", "count": "integer", "flag": "boolean"})

    assert new.add_missing_columns(conn) == ["count", "flag"]
    assert new.add_missing_columns(conn) == [], "idempotent"
    columns = {row[1]: row[2] for row in conn.execute('PRAGMA table_info("thing")')}
    assert columns == {
        "thing_id": "INTEGER",
        "name": "TEXT",
        "retired": "TEXT",
        "count": "INTEGER",
        "flag": "INTEGER",
    }
    assert new.get(conn, 1) == {"name": "kept", "count": None, "flag": None, "thing_id": 1}
    assert Table("absent", "absent_id", {"x": "string"}).add_missing_columns(conn) == []
