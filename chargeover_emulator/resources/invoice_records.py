"""The invoice table, with the one query another resource makes of it: a customer's totals."""

from __future__ import annotations

import dataclasses
import sqlite3

from chargeover_emulator.records import Records

__all__ = ["CustomerTotals", "InvoiceRecords"]


@dataclasses.dataclass(frozen=True)
class CustomerTotals:
    """What a customer's computed fields take from its invoices (void ones left out)."""

    total: float = 0.0
    balance: float = 0.0
    paid: float = 0.0
    overdue: bool = False


class InvoiceRecords(Records):
    """The `invoice` table; the customer's refresh reads it through `customer_totals` only."""

    def customer_totals(self, conn: sqlite3.Connection, customer_id: int) -> CustomerTotals:
        """Sums over the customer's invoices that are not void, and whether one is overdue."""
        sums = conn.execute(
            "SELECT COALESCE(SUM(total), 0), COALESCE(SUM(balance), 0),"
            " COALESCE(SUM(payments), 0), COALESCE(MAX(invoice_status_str = 'open-overdue'), 0)"
            f' FROM "{self.name}" WHERE customer_id = ? AND COALESCE(is_void, 0) = 0',
            [customer_id],
        ).fetchone()
        return CustomerTotals(float(sums[0]), float(sums[1]), float(sums[2]), bool(sums[3]))
