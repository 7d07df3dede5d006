"""A customer's addresses and email addresses: created under the customer, read on their own
and embedded in the customer (its `addresses`, `emailAddresses` and the `default*` fields).

Each service alone runs SQL on its table; the customer service asks them for what it embeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.fynn.records import FynnRecords, new_id
from chargeover_emulator.specdoc import ResourceSpec
from chargeover_emulator.storage.tables import tuples

__all__ = ["AddressBook", "EmailBook"]

_ADDRESS_TEXT = (
    "firstName",
    "lastName",
    "companyName",
    "street",
    "houseNumber",
    "zip",
    "city",
    "costCentre",
)


class AddressBook(FynnRecords):
    """`customer-address`: the new address is the default of its `type`; `set-default` moves it."""

    def __init__(self, spec: ResourceSpec) -> None:
        super().__init__(spec, "customer_address", {"customerId": "string"})
        self._fields = [name for name in spec.properties if name in self.table.columns]
        self._view = self.table.projection(self._fields)

    @property
    def actions(self) -> Mapping[str, Any]:
        return {"set-default": self._set_default}

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        return [
            'CREATE INDEX IF NOT EXISTS customer_address_owner ON customer_address ("customerId")'
        ]

    def get(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        found = self.table.get(ctx.conn, key, self._view)
        if found is None:
            self.row(ctx, key)  # the 404
        assert found is not None
        return found

    def create_child(self, ctx: RequestContext, parent: str, body: Mapping[str, Any]) -> str:
        """Add an address; omitted strings are empty, country and VAT id the customer's."""
        owner = ctx.conn.execute(
            'SELECT "countryCode", "vatId" FROM customer WHERE id = ?', [parent]
        ).fetchone()
        values: dict[str, Any] = {name: body.get(name, "") for name in _ADDRESS_TEXT}
        values.update(
            id=new_id(ctx),
            customerId=parent,
            type=body.get("type", "TYPE_DEFAULT"),
            salutation=body.get("salutation"),
            addition=body.get("addition", ""),
            countryCode=body.get("countryCode", owner[0] if owner else None),
            vatId=body.get("vatId", owner[1] if owner else None),
            status="active",
            default=False,
        )
        self.table.insert(ctx.conn, values)
        self._make_default(ctx, values["id"])
        return str(values["id"])

    def _make_default(self, ctx: RequestContext, key: str) -> None:
        """The address becomes the default of its type; its siblings of that type lose it."""
        ctx.conn.execute(
            'UPDATE customer_address SET "default" = (id = ?) WHERE "customerId" ='
            ' (SELECT "customerId" FROM customer_address WHERE id = ?) AND type ='
            " (SELECT type FROM customer_address WHERE id = ?)",
            [key, key, key],
        )

    def _set_default(self, ctx: RequestContext, key: str, body: Mapping[str, Any]) -> Any:
        self._make_default(ctx, key)
        return self.get(ctx, key)

    def of(self, ctx: RequestContext, customer: str) -> list[dict[str, Any]]:
        """Every address of a customer, in creation order."""
        sql = (
            f'SELECT {self._view.select_list} FROM customer_address WHERE "customerId" = ?'
            " ORDER BY rowid"
        )
        return [self._view.to_dict(row) for row in tuples(ctx.conn, sql, [customer])]

    def remove_all(self, ctx: RequestContext, customer: str) -> None:
        """Delete a customer's addresses (with the customer)."""
        ctx.conn.execute('DELETE FROM customer_address WHERE "customerId" = ?', [customer])


class EmailBook(FynnRecords):
    """`customer-email-address`: the newer shape (flags) on its own reads; `isDefault` moves the
    customer's default; the older `type: TYPE_INVOICE` on write means `isInvoiceEmail`."""

    def __init__(self, spec: ResourceSpec) -> None:
        super().__init__(spec, "customer_email", {"customerId": "string"})
        fields = ["id", "email", "receiverName", "isInvoiceEmail", "isDunningEmail", "default"]
        self._view = self.table.projection(fields)

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        return [
            'CREATE INDEX IF NOT EXISTS customer_email_owner ON customer_email ("customerId")',
            'CREATE INDEX IF NOT EXISTS customer_email_email ON customer_email ("email")',
        ]

    def get(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        found = self.table.get(ctx.conn, key, self._view)
        if found is None:
            self.row(ctx, key)  # the 404
        assert found is not None
        return found

    def create_child(self, ctx: RequestContext, parent: str, body: Mapping[str, Any]) -> str:
        """Add an email address to a customer. An address the customer already has is accepted
        (the spec's own example adds the login address again, as the invoice address)."""
        return self.add(
            ctx,
            parent,
            email=str(body["email"]),
            receiver=body.get("receiverName"),
            invoice=bool(body.get("isInvoiceEmail")) or body.get("type") == "TYPE_INVOICE",
            dunning=bool(body.get("isDunningEmail")),
            default=bool(body.get("isDefault")),
        )

    def add(
        self,
        ctx: RequestContext,
        customer: str,
        *,
        email: str,
        receiver: str | None,
        invoice: bool,
        dunning: bool,
        default: bool,
    ) -> str:
        """Store one email address; a default one takes the flag from the customer's others."""
        key = new_id(ctx)
        if default:
            ctx.conn.execute(
                'UPDATE customer_email SET "default" = 0 WHERE "customerId" = ?', [customer]
            )
        self.table.insert(
            ctx.conn,
            {
                "id": key,
                "customerId": customer,
                "email": email,
                "receiverName": receiver,
                "isInvoiceEmail": invoice,
                "isDunningEmail": dunning,
                "default": default,
            },
        )
        return key

    def of(self, ctx: RequestContext, customer: str) -> list[dict[str, Any]]:
        """Every email address of a customer, in creation order, in the shape customers embed
        (the newer flags plus the older `type`, as every customer example shows)."""
        sql = (
            f'SELECT {self._view.select_list} FROM customer_email WHERE "customerId" = ?'
            " ORDER BY rowid"
        )
        found = [self._view.to_dict(row) for row in tuples(ctx.conn, sql, [customer])]
        for item in found:
            item["type"] = "TYPE_INVOICE" if item["isInvoiceEmail"] else "TYPE_COMPANY"
        return found

    def login_taken(self, ctx: RequestContext, email: str, *, other_than: str | None) -> bool:
        """Whether `email` is another customer's default (login) address."""
        row = ctx.conn.execute(
            'SELECT 1 FROM customer_email WHERE email = ? AND "default" = 1'
            ' AND "customerId" IS NOT ?',
            [email, other_than],
        ).fetchone()
        return row is not None

    def remove_all(self, ctx: RequestContext, customer: str) -> None:
        """Delete a customer's email addresses (with the customer)."""
        ctx.conn.execute('DELETE FROM customer_email WHERE "customerId" = ?', [customer])
