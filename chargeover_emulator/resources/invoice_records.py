"""The invoice table, with the one query another resource makes of it: a customer's totals."""

from __future__ import annotations

import dataclasses
import sqlite3
from decimal import Decimal

from chargeover_emulator.protocol.amounts import ZERO, total
from chargeover_emulator.records import Records

__all__ = ["CustomerTotals", "InvoiceRecords"]


@dataclasses.dataclass(frozen=True)
class CustomerTotals:
    """What a customer's computed fields take from its invoices (void ones left out)."""

    total: Decimal = ZERO
    balance: Decimal = ZERO
    paid: Decimal = ZERO
    overdue: bool = False


class InvoiceRecords(Records):
    """The `invoice` table; the customer's refresh reads it through `customer_totals` only."""

    def customer_totals(self, conn: sqlite3.Connection, customer_id: int) -> CustomerTotals:
        """Sums over the customer's invoices that are not void, and whether one is overdue.

        Summed here from each invoice's decimal amounts, exactly; SQLite's SUM would add them
        as binary doubles."""
        rows = conn.execute(
            "SELECT total, balance, payments, invoice_status_str = 'open-overdue'"
            f' FROM "{self.name}" WHERE customer_id = ? AND COALESCE(is_void, 0) = 0',
            [customer_id],
        ).fetchall()
        return CustomerTotals(
            total(row[0] for row in rows),
            total(row[1] for row in rows),
            total(row[2] for row in rows),
            any(bool(row[3]) for row in rows),
        )
