"""Invoice line items: their table, item lookups, replacement on write and rendering."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.amounts import ZERO, cents, exact, stored
from chargeover_emulator.records import Records
from chargeover_emulator.specdoc import Property

__all__ = ["LineItemCatalogue", "LineItems"]

_LINE_DEFAULTS = {
    "is_base": False,
    "is_free": False,
    "is_setup": False,
    "is_usage": False,
    "is_recurring": False,
}


class LineItemCatalogue(Protocol):
    """What a line needs of the item it names: its name, keys and default price (the item
    service owns the item table)."""

    def line_defaults(self, ctx: RequestContext, item_id: Any) -> dict[str, Any] | None: ...


class LineItems:
    """The `line_item` table, its columns taken from the spec's line item schema."""

    def __init__(self, properties: Mapping[str, Property], items: LineItemCatalogue) -> None:
        self.items = items
        columns = {name: prop.kind for name, prop in properties.items() if prop.scalar}
        columns.update(
            {
                "invoice_id": "integer",
                "item_id": "integer",
                "line_rate": "number",
                "line_quantity": "number",
            }
        )
        self.table = Records("line_item", "line_item_id", columns)
        #: the read fields of one line, in the spec's order
        self.view = self.table.projection(properties)

    def ddl(self) -> list[str]:
        """The line item table and its index on the owning invoice."""
        return [
            self.table.ddl(),
            "CREATE INDEX IF NOT EXISTS ix_line_item_invoice ON line_item (invoice_id)",
        ]

    def _item(self, ctx: RequestContext, item_id: Any) -> dict[str, Any]:
        """An existing item; unknown ids are refused unless the setting accepts them."""
        row = self.items.line_defaults(ctx, item_id)
        if row is None:
            if ctx.settings.unknown_item_ids == "accept":
                return {
                    "item_id": item_id,
                    "name": None,
                    "external_key": None,
                    "token": None,
                    "price": 0,
                }
            raise BadRequest(f"Invalid item_id: item {item_id} does not exist.")
        return row

    def replace(self, ctx: RequestContext, key: int, lines: list[Mapping[str, Any]]) -> None:
        """Replace the invoice's lines; a line with only line_item_id keeps that line unchanged."""
        if not lines:
            raise BadRequest("An invoice needs at least one line item.")
        keep: dict[int, dict[str, Any]] = {}
        for line in lines:
            existing = line.get("line_item_id")
            if existing is not None:
                row = self.table.get(ctx.conn, int(existing))
                if row is None or row.get("invoice_id") != key:
                    raise BadRequest(
                        f"Invalid line_item_id: {existing} is not a line of invoice {key}."
                    )
                keep[int(existing)] = row
        self.delete(ctx, key)
        for line in lines:
            existing = line.get("line_item_id")
            base: dict[str, Any] = dict(keep[int(existing)]) if existing is not None else {}
            if existing is None and line.get("item_id") is None:
                raise BadRequest("A required parameter was missing: line_items item_id.")
            base.update({k: v for k, v in line.items() if k in self.table.columns})
            item = self._item(ctx, base["item_id"])
            values: dict[str, Any] = {
                **_LINE_DEFAULTS,
                "line_quantity": 1,
                "line_rate": item["price"],
            }
            values.update(base)
            values.update(
                {
                    "invoice_id": key,
                    "item_name": item["name"],
                    "item_external_key": item["external_key"],
                    "item_token": item["token"],
                    "item_accounting_sku": item.get("accounting_sku"),
                    "line_usage": values.get("line_usage") or 0,
                    "is_taxed": bool(values.get("is_taxed")),
                }
            )
            if values.get("descrip") is None:
                values["descrip"] = item["name"]
            values["line_total"] = stored(
                cents(exact(values["line_rate"]) * exact(values["line_quantity"]))
            )
            values["line_subtotal"] = values["line_total"]
            self.table.insert(ctx.conn, values)

    def subtotal(self, ctx: RequestContext, key: int) -> Decimal:
        """Sum of the invoice's line totals (each rounded to cents, as on the invoice), exact:
        summed here from each line's decimal text, not by SQLite in binary floating point."""
        lines = ctx.conn.execute(
            "SELECT line_rate, line_quantity FROM line_item WHERE invoice_id = ?", [key]
        ).fetchall()
        return sum((cents(exact(rate) * exact(quantity)) for rate, quantity in lines), ZERO)

    def render(self, ctx: RequestContext, key: int) -> list[dict[str, Any]]:
        """The invoice's lines as the read schema describes them, in insertion order."""
        every = -1  # SQLite: LIMIT -1 is no limit
        return self.table.select(
            ctx.conn, self.view, "invoice_id = ?", [key], "line_item_id", every, 0
        )

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Remove every line of one invoice."""
        ctx.conn.execute("DELETE FROM line_item WHERE invoice_id = ?", [key])
