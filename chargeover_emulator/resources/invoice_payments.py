"""The payments applied to invoices and the payments scheduled on them: their two tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.protocol.amounts import stored, total

__all__ = ["InvoicePayments"]

_DDL = (
    "CREATE TABLE IF NOT EXISTS payment (payment_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " invoice_id INTEGER NOT NULL, amount REAL NOT NULL, paymethod TEXT,"
    " payment_datetime TEXT)",
    "CREATE TABLE IF NOT EXISTS scheduled_payment"
    " (schedule_id INTEGER PRIMARY KEY AUTOINCREMENT, invoice_id INTEGER NOT NULL,"
    " date TEXT, amount REAL, paymethod TEXT)",
)
#: tables whose rows belong to one invoice (`invoice_id`), deleted with it
_TABLES = ("payment", "scheduled_payment")


class InvoicePayments:
    """The only reader and writer of the `payment` and `scheduled_payment` tables."""

    def ddl(self) -> list[str]:
        """Both tables."""
        return list(_DDL)

    def record(self, ctx: RequestContext, key: int, amount: Decimal, paymethod: str) -> None:
        """One payment applied to invoice `key`, now."""
        ctx.conn.execute(
            "INSERT INTO payment (invoice_id, amount, paymethod, payment_datetime)"
            " VALUES (?, ?, ?, ?)",
            [key, stored(amount), paymethod, ctx.timestamp],
        )

    def schedule(
        self, ctx: RequestContext, key: int, date: str, amount: Any, paymethod: str
    ) -> None:
        """One payment scheduled on invoice `key`."""
        ctx.conn.execute(
            "INSERT INTO scheduled_payment (invoice_id, date, amount, paymethod)"
            " VALUES (?, ?, ?, ?)",
            [key, date, amount, paymethod],
        )

    def paid_amount(self, ctx: RequestContext, key: int) -> Decimal:
        """Sum of the payments applied to one invoice (exact, from each amount's decimal)."""
        rows = ctx.conn.execute("SELECT amount FROM payment WHERE invoice_id = ?", [key])
        return total(amount for (amount,) in rows)

    def any_applied(self, ctx: RequestContext, key: int) -> bool:
        """Whether a payment has been applied to the invoice."""
        return (
            ctx.conn.execute("SELECT 1 FROM payment WHERE invoice_id = ? LIMIT 1", [key]).fetchone()
            is not None
        )

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Remove every payment and scheduled payment of one invoice."""
        for table in _TABLES:
            ctx.conn.execute(f"DELETE FROM {table} WHERE invoice_id = ?", [key])
