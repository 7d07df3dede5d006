"""Items: the product and service catalogue, its seeded rows, and what invoice lines read of it."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any, ClassVar

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import ITEMS

__all__ = ["ItemService"]

# What a created item is when the body leaves it out (the docs' example item is a service).
_DEFAULTS: dict[str, Any] = {"item_type": "service", "enabled": True}
# The seeded rows' timestamp: fixed, so that a fresh database reads the same every time.
_SEEDED_AT = "2017-02-28 21:02:33"


class ItemService(ResourceService):
    """The `item` resource; the only owner of the item table (invoice lines ask `line_item`)."""

    #: the default unit price an invoice line takes when it sends no `line_rate`
    internal_columns: ClassVar[dict[str, str]] = {"price": "number"}

    def install(self, conn: sqlite3.Connection) -> None:
        """The catalogue's seeded items are the table's first rows (idempotent)."""
        super().install(conn)
        for item_id, name, external_key, price in ITEMS:
            if self.table.find_key(conn, self.spec.primary_key, item_id) is not None:
                continue
            self.table.insert(
                conn,
                {
                    **_DEFAULTS,
                    "item_id": item_id,
                    "name": name,
                    "external_key": external_key,
                    "token": f"itm{item_id:09d}",
                    "price": price,
                    "write_datetime": _SEEDED_AT,
                    "mod_datetime": _SEEDED_AT,
                },
            )
            conn.execute(
                "INSERT OR IGNORE INTO used_external_key (resource, value, owner_id)"
                " VALUES (?, ?, ?)",
                [self.spec.name, external_key, item_id],
            )

    # -- what invoice lines read --------------------------------------------------------
    def line_defaults(self, ctx: RequestContext, item_id: Any) -> dict[str, Any] | None:
        """name, external_key, token, accounting_sku and price of one item; None if unknown."""
        if not isinstance(item_id, int):
            return None
        row = self.table.get(ctx.conn, item_id)
        if row is None:
            return None
        return {
            "item_id": item_id,
            "name": row.get("name"),
            "external_key": row.get("external_key"),
            "token": row.get("token"),
            "accounting_sku": row.get("accounting_sku"),
            "price": row.get("price") or 0,
        }

    # -- writes -------------------------------------------------------------------------
    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """POST /item: a named item; no pricing is written (its write shape is unconfirmed)."""
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        if not body.get("name"):
            raise BadRequest("A required parameter was missing: name.")
        self.check_external_key(ctx, body.get("external_key"))
        values: dict[str, Any] = {**_DEFAULTS, **self.writable(body)}
        values.update(self.stamp(ctx, created=True))
        values["token"] = ctx.token()
        key = self.table.insert(ctx.conn, values)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.revise(ctx, key, "Item created")
        return key

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None:
        """PUT /item/{id}: only the fields sent change; an item keeps a name."""
        if "name" in body and not body["name"]:
            raise BadRequest("Missing or invalid parameter: name may not be empty.")
        if "external_key" in body:
            self.check_external_key(ctx, body["external_key"], own_key=key)
        values = self.writable(body)
        values.update(self.stamp(ctx, created=False))
        self.table.update(ctx.conn, key, values)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.revise(ctx, key, "Item updated")
