"""A resource's table: storage's Table, whose value errors reach clients as the vendor's 400."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.storage.errors import ValueOutOfRange
from chargeover_emulator.storage.tables import Key, Table

__all__ = ["Records"]


class Records(Table):
    """Every write a resource makes goes through here, so storage never needs to know HTTP."""

    def insert(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
        """Table.insert; a value the column cannot hold is a 400 with storage's message."""
        try:
            return super().insert(conn, values)
        except ValueOutOfRange as error:
            raise BadRequest(error.message) from None

    def update(self, conn: sqlite3.Connection, key: Key, values: Mapping[str, Any]) -> None:
        """Table.update; a value the column cannot hold is a 400 with storage's message."""
        try:
            super().update(conn, key, values)
        except ValueOutOfRange as error:
            raise BadRequest(error.message) from None
