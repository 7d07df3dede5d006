"""Invoice actions: void, email, print, pay and schedule, and the payment tables they write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.base import Action
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.resources.payments import charge

if TYPE_CHECKING:
    from chargeover_emulator.resources.invoices import InvoiceService

__all__ = ["PAYMENT_DDL", "PAYMENT_TABLES", "InvoiceActions"]

PAYMENT_DDL = (
    "CREATE TABLE IF NOT EXISTS payment (payment_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " invoice_id INTEGER NOT NULL, amount REAL NOT NULL, paymethod TEXT,"
    " payment_datetime TEXT)",
    "CREATE TABLE IF NOT EXISTS scheduled_payment"
    " (schedule_id INTEGER PRIMARY KEY AUTOINCREMENT, invoice_id INTEGER NOT NULL,"
    " date TEXT, amount REAL, paymethod TEXT)",
)
#: tables whose rows belong to one invoice (`invoice_id`), deleted with it
PAYMENT_TABLES = ("payment", "scheduled_payment")


class InvoiceActions:
    """The handlers behind `POST /invoice/{id}/_action/{name}`, bound to the invoice service."""

    def __init__(self, invoices: InvoiceService) -> None:
        self.invoices = invoices

    def table(self) -> dict[str, Action]:
        """Action name -> handler (the spec's aliases are resolved by the dispatcher)."""
        return {
            "void": self.void,
            "email": self.noop,
            "print": self.noop,
            "pay": self.pay,
            "schedule": self.schedule,
        }

    def void(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Void: balance 0, closed-void, is_paid true (as the recordings show)."""
        invoices = self.invoices
        row = invoices.table.get(ctx.conn, key) or {}
        if row.get("is_void"):
            raise BadRequest(f"Invoice {key} is already void.")
        if (row.get("payments") or 0) > 0:
            raise BadRequest(f"Invoice {key} has payments applied and cannot be voided.")
        invoices.table.update(
            ctx.conn,
            key,
            {"is_void": True, "void_datetime": ctx.timestamp, **invoices.stamp(ctx, created=False)},
        )
        invoices.refresh(ctx, key)
        return True

    def noop(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """email / print: nothing leaves the emulator; the revision records the call."""
        return True

    def pay(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Apply the customer balance (none exists: false) or charge a card / bank account."""
        invoices = self.invoices
        row = invoices.table.get(ctx.conn, key) or {}
        if row.get("invoice_status_state") != "o":
            return False
        amount = float(row.get("balance") or 0)
        paymethod = charge(body, ctx.today)
        if paymethod is None:
            return False
        ctx.conn.execute(
            "INSERT INTO payment (invoice_id, amount, paymethod, payment_datetime)"
            " VALUES (?, ?, ?, ?)",
            [key, amount, paymethod, ctx.timestamp],
        )
        invoices.table.update(ctx.conn, key, invoices.stamp(ctx, created=False))
        invoices.refresh(ctx, key)
        return True

    def schedule(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Record scheduled payments `[{date, amount, paymethod}]`."""
        schedule = body.get("schedule")
        if not isinstance(schedule, list) or not schedule:
            raise BadRequest("A required parameter was missing: schedule.")
        for entry in schedule:
            if not isinstance(entry, Mapping) or entry.get("date") is None:
                raise BadRequest("Each schedule entry needs a date.")
            ctx.conn.execute(
                "INSERT INTO scheduled_payment (invoice_id, date, amount, paymethod)"
                " VALUES (?, ?, ?, ?)",
                [
                    key,
                    str(entry["date"]),
                    entry.get("amount"),
                    str(entry.get("paymethod") or "any"),
                ],
            )
        return True

    def paid_amount(self, ctx: RequestContext, key: int) -> float:
        """Sum of the payments applied to one invoice."""
        return float(
            ctx.conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE invoice_id = ?", [key]
            ).fetchone()[0]
        )
