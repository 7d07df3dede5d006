"""The customer rows as users and invoices see them, and the customer's computed fields.

Users and invoices change what a customer shows (its primary contact, its totals), and the
customer service creates contacts and deletes invoices. So that no service needs another at
run time, the part of the customer both sides need lives here, below all three services: the
customer table, the lookups users and invoices make, and `refresh`, which reads the contact
through the user table and the totals through `InvoiceRecords.customer_totals`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.protocol.amounts import cents, stored
from chargeover_emulator.records import Records
from chargeover_emulator.resources.addresses import address_block
from chargeover_emulator.resources.catalogue import (
    CURRENCIES,
    CUSTOMER_STATUSES,
    DEFAULT_TERMS_ID,
    TERMS,
)
from chargeover_emulator.resources.invoice_records import CustomerTotals, InvoiceRecords
from chargeover_emulator.storage.tables import Table

__all__ = ["SUPERUSER_FIELDS", "CustomerDirectory"]

#: customer field -> field of its primary contact (the user) that it mirrors
SUPERUSER_FIELDS = {
    "superuser_username": "username",
    "superuser_email": "email",
    "superuser_name": "name",
    "superuser_first_name": "first_name",
    "superuser_last_name": "last_name",
    "superuser_phone": "phone",
    "superuser_title": "title",
}


class CustomerDirectory:
    """The `customer` table's owner: the only SQL on it, lookups, and the computed fields."""

    def __init__(self, table: Records, *, contacts: Table, invoices: InvoiceRecords | None) -> None:
        self.table = table
        #: the user table, read (never written) for the superuser_* mirror
        self.contacts = contacts
        #: the invoice table, read for the totals; None when the spec has no invoices
        self.invoices = invoices

    # -- lookups ------------------------------------------------------------------------
    def exists(self, ctx: RequestContext, key: int) -> bool:
        """Whether customer `key` exists."""
        return self.table.find_key(ctx.conn, self.table.primary_key, key) is not None

    def row(self, ctx: RequestContext, key: int) -> dict[str, Any] | None:
        """Every column of customer `key`."""
        return self.table.get(ctx.conn, key)

    def find_key(self, ctx: RequestContext, column: str, value: Any) -> int | None:
        """The customer whose `column` (customer_id, token, external_key) equals `value`."""
        return self.table.find_key(ctx.conn, column, value)

    def primary_for(self, ctx: RequestContext, user_id: int) -> list[int]:
        """The customers whose primary contact is `user_id`, lowest id first."""
        return [
            int(row[0])
            for row in ctx.conn.execute(
                f'SELECT customer_id FROM "{self.table.name}" WHERE superuser_id = ?'
                " ORDER BY customer_id",
                [user_id],
            )
        ]

    def companies(self, ctx: RequestContext, keys: Iterable[int]) -> list[dict[str, Any]]:
        """`{customer_id, company}` of the existing customers among `keys`, by id."""
        keys = list(keys)
        if not keys:
            return []
        marks = ", ".join("?" for _ in keys)
        rows = ctx.conn.execute(
            f'SELECT customer_id, company FROM "{self.table.name}"'
            f" WHERE customer_id IN ({marks}) ORDER BY customer_id",
            keys,
        ).fetchall()
        return [{"customer_id": row[0], "company": row[1]} for row in rows]

    def forget_parent(self, ctx: RequestContext, key: int) -> None:
        """Before customer `key` is deleted: its children no longer have a parent."""
        ctx.conn.execute(
            f'UPDATE "{self.table.name}" SET parent_customer_id = NULL'
            " WHERE parent_customer_id = ?",
            [key],
        )

    # -- computed fields ----------------------------------------------------------------
    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Recompute every derived column; write only those whose value changed."""
        row = self.table.get(ctx.conn, key)
        if row is None:
            return
        derived = self.derived(ctx, row, key)
        changed = {name: value for name, value in derived.items() if row.get(name) != value}
        if changed:
            self.table.update(ctx.conn, key, changed)

    def derived(
        self, ctx: RequestContext, row: Mapping[str, Any], key: int | None
    ) -> dict[str, Any]:
        """The derived columns of a customer row from its own fields and related rows.

        With `key=None` (a row about to be inserted) the fields that need the id are left out
        and the totals are those of a customer without invoices; `create` fills these in
        before the INSERT so that the row is written once, in its final form, with every
        index entry right the first time.
        """
        iso, symbol = CURRENCIES.get(row.get("currency_id") or 1, ("USD", "$"))
        terms_name, terms_days = TERMS.get(
            row.get("terms_id") or DEFAULT_TERMS_ID, TERMS[DEFAULT_TERMS_ID]
        )
        token = row.get("token")
        values: dict[str, Any] = {
            "display_as": row.get("company"),
            "bill_block": address_block(row, "bill"),
            "ship_block": address_block(row, "ship"),
            "currency_iso4217": iso,
            "currency_symbol": symbol,
            "terms_name": terms_name,
            "terms_days": terms_days,
            "url_statementlink": f"{ctx.base_url}/r/statement/view/{token}",
            "url_paymethodlink": f"{ctx.base_url}/r/paymethod/i/{token}",
            "mrr": 0,
            "arr": 0,
        }
        if key is not None:
            values["url_self"] = self.self_url(ctx, key)
        values.update(self._contact_fields(ctx, row.get("superuser_id")))
        totals = CustomerTotals()
        if key is not None and self.invoices is not None:
            totals = self.invoices.customer_totals(ctx.conn, key)
        values.update(
            {
                "total": stored(cents(totals.total)),
                "balance": stored(cents(totals.balance)),
                "paid": stored(cents(totals.paid)),
            }
        )
        if row.get("inactive_manual"):
            status = "inactive-manual"
        else:
            status = "active-overdue" if totals.overdue else "active-current"
        status_id, status_name, state = CUSTOMER_STATUSES[status]
        values.update(
            {
                "customer_status_id": status_id,
                "customer_status_name": status_name,
                "customer_status_str": status,
                "customer_status_state": state,
            }
        )
        return values

    @staticmethod
    def self_url(ctx: RequestContext, key: int) -> str:
        """The customer's page in the admin UI."""
        return f"{ctx.base_url}/admin/r/customer/view/{key}"

    def _contact_fields(self, ctx: RequestContext, user_id: Any) -> dict[str, Any]:
        """superuser_* mirrored from the primary contact."""
        user = self.contacts.get(ctx.conn, int(user_id)) if user_id is not None else None
        user = user or {}
        out = {name: user.get(field) for name, field in SUPERUSER_FIELDS.items()}
        out["superuser_token"] = user.get("token")
        return out
