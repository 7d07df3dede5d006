"""A customer's payment methods: no Fynn operation creates one (checkout and the gateways do),
so they come from seeding; the customer's default-payment-method action picks among them."""

from __future__ import annotations

from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.fynn.records import new_id
from chargeover_emulator.storage.tables import Table

__all__ = ["PaymentMethods"]

#: only the fields whose JSON names the sources confirm (spec/fynn/NOTES.md, `PaymentMethod`)
_FIELDS = ("id", "type", "status")


class PaymentMethods:
    """The payment_method table's owner."""

    def __init__(self) -> None:
        columns = {"id": "string", "customerId": "string", "type": "string", "status": "string"}
        self.table = Table("payment_method", "id", columns)
        self._view = self.table.projection(_FIELDS)

    def ddl(self) -> list[str]:
        return [
            self.table.ddl(),
            'CREATE INDEX IF NOT EXISTS payment_method_owner ON payment_method ("customerId")',
        ]

    def add(self, ctx: RequestContext, customer: str, kind: str, status: str = "active") -> str:
        """Store one payment method of a customer (seeding)."""
        key = new_id(ctx)
        values = {"id": key, "customerId": customer, "type": kind, "status": status}
        self.table.insert(ctx.conn, values)
        return key

    def owned(self, ctx: RequestContext, customer: str, key: str) -> dict[str, Any] | None:
        """The payment method `key` if it is the customer's, else None."""
        found = self.table.get(ctx.conn, key)
        if found is None or found["customerId"] != customer:
            return None
        return {name: found[name] for name in _FIELDS}

    def get(self, ctx: RequestContext, key: str | None) -> dict[str, Any] | None:
        """One payment method as read, or None."""
        return None if key is None else self.table.get(ctx.conn, key, self._view)

    def remove_all(self, ctx: RequestContext, customer: str) -> None:
        """Delete a customer's payment methods (with the customer)."""
        ctx.conn.execute('DELETE FROM payment_method WHERE "customerId" = ?', [customer])
