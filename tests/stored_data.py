"""What the emulator's database holds, minus its stored list renderings: the witness of writes.

A read may store the JSON of the rows it lists (storage/rendered.py); that is a cache kept
beside the data, not data, so witnesses of "nothing was written" compare everything else: every
schema statement and every row of every table but the rendering side tables.
"""

from __future__ import annotations

import sqlite3

from chargeover_emulator.storage.rendered import RENDERED_PREFIX

__all__ = ["stored_data"]


def stored_data(conn: sqlite3.Connection) -> list[str]:
    """Schema statements and `INSERT INTO "table" VALUES(...)` lines, in a stable order."""
    lines = [
        str(row[0])
        for row in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    ]
    tables = [
        str(row[0])
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if not str(row[0]).startswith(RENDERED_PREFIX)
    ]
    for name in tables:
        lines.extend(
            f'INSERT INTO "{name}" VALUES{tuple(row)!r}'
            for row in conn.execute(f'SELECT * FROM "{name}"').fetchall()
        )
    return sorted(lines)
