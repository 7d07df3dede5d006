"""Invoice actions: void, email, print, pay and schedule.

The actions receive what they touch when they are built (the invoice table, the payments,
the invoice's refresh), so this module does not import the invoice service that holds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.amounts import exact
from chargeover_emulator.records import Records
from chargeover_emulator.resources.base import Action, stamp
from chargeover_emulator.resources.invoice_payments import InvoicePayments
from chargeover_emulator.resources.payments import charge, require_method

__all__ = ["InvoiceActions"]


class InvoiceActions:
    """The handlers behind `POST /invoice/{id}/_action/{name}`."""

    def __init__(
        self,
        invoices: Records,
        payments: InvoicePayments,
        refresh: Callable[[RequestContext, int], None],
    ) -> None:
        self.invoices = invoices
        self.payments = payments
        self.refresh = refresh

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
        row = self.invoices.get(ctx.conn, key) or {}
        if row.get("is_void"):
            raise BadRequest(f"Invoice {key} is already void.")
        if (row.get("payments") or 0) > 0:
            raise BadRequest(f"Invoice {key} has payments applied and cannot be voided.")
        self.invoices.update(
            ctx.conn,
            key,
            {"is_void": True, "void_datetime": ctx.timestamp, **stamp(ctx, created=False)},
        )
        self.refresh(ctx, key)
        return True

    def noop(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """email / print: nothing leaves the emulator; the revision records the call."""
        return True

    def pay(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Apply the customer balance (none exists: false) or charge a card / bank account.

        The body is checked before the invoice's state: a call naming nothing to pay with is a
        400 on a closed invoice too, as on an open one.
        """
        require_method(body)
        row = self.invoices.get(ctx.conn, key) or {}
        if row.get("invoice_status_state") != "o":
            return False
        amount = exact(row.get("balance"))
        paymethod = charge(body, ctx.today)
        if paymethod is None:
            return False
        self.payments.record(ctx, key, amount, paymethod)
        self.invoices.update(ctx.conn, key, stamp(ctx, created=False))
        self.refresh(ctx, key)
        return True

    def schedule(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Record scheduled payments `[{date, amount, paymethod}]`."""
        schedule = body.get("schedule")
        if not isinstance(schedule, list) or not schedule:
            raise BadRequest("A required parameter was missing: schedule.")
        for entry in schedule:
            if not isinstance(entry, Mapping) or entry.get("date") is None:
                raise BadRequest("Each schedule entry needs a date.")
            self.payments.schedule(
                ctx,
                key,
                str(entry["date"]),
                entry.get("amount"),
                str(entry.get("paymethod") or "any"),
            )
        return True
