"""Invoices: customer references, create/update/delete, and refreshing the computed fields.

Line items live in `invoice_lines`, payments in `invoice_payments`, the totals and status
computation in `invoice_totals`, and the void/email/print/pay/schedule actions in
`invoice_actions` (built here with what they touch; they do not import this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.records import Records
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import DEFAULT_TERMS_ID, TERMS
from chargeover_emulator.resources.invoice_actions import InvoiceActions
from chargeover_emulator.resources.invoice_lines import LineItemCatalogue, LineItems
from chargeover_emulator.resources.invoice_payments import InvoicePayments
from chargeover_emulator.resources.invoice_records import InvoiceRecords
from chargeover_emulator.resources.invoice_totals import computed_fields
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument

__all__ = ["InvoiceCustomers", "InvoiceService"]

_ADDRESS = ("addr1", "addr2", "addr3", "city", "state", "postcode", "country")


class InvoiceCustomers(Protocol):
    """What an invoice needs of customers: a lookup, its defaults, and their totals' refresh."""

    def find_key(self, ctx: RequestContext, column: str, value: Any) -> int | None: ...

    def row(self, ctx: RequestContext, key: int) -> dict[str, Any] | None: ...

    def refresh(self, ctx: RequestContext, key: int) -> None: ...


class InvoiceService(ResourceService):
    """The `invoice` resource."""

    table: InvoiceRecords

    internal_columns: ClassVar[dict[str, str]] = {"customer_id": "integer"}
    relation_tables: ClassVar[dict[str, tuple[str, str]]] = {
        "line_items": ("line_item", "invoice_id")
    }
    child_fields: ClassVar[tuple[str, ...]] = ("line_items",)

    def __init__(
        self,
        spec: ResourceSpec,
        document: SpecDocument,
        *,
        table: InvoiceRecords,
        customers: InvoiceCustomers,
        items: LineItemCatalogue,
    ) -> None:
        super().__init__(spec, document, table=table)
        self.customers = customers
        line_prop = spec.properties.get("line_items")
        self.lines = LineItems(
            document.flat_properties(line_prop.item_schema)
            if line_prop and line_prop.item_schema
            else {},
            items,
        )
        self.relation_kinds = {"line_items": dict(self.lines.table.columns)}
        self.payments = InvoicePayments()
        self.actions = InvoiceActions(self.table, self.payments, self.refresh).table()

    def ddl(self) -> list[str]:
        """Invoice, line item, payment and schedule tables."""
        return [
            *super().ddl(),
            # The customer's totals read its invoices; index_ddl makes the same index when the
            # spec lists customer_id as filterable (same name: created once).
            "CREATE INDEX IF NOT EXISTS ix_invoice_customer_id ON invoice (customer_id)",
            *self.lines.ddl(),
            *self.payments.ddl(),
        ]

    def tables(self) -> tuple[Records, ...]:
        """The invoice table and the line items' (derived from `LineItem`)."""
        return (*super().tables(), self.lines.table)

    # -- references ---------------------------------------------------------------------
    def _customer(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """customer_id, customer_token or customer_external_key (bulk rewrites *_jsonpath)."""
        refs = [
            ("customer_id", "customer_id"),
            ("customer_token", "token"),
            ("customer_external_key", "external_key"),
        ]
        for field, column in refs:
            if body.get(field) is not None:
                key = self.customers.find_key(ctx, column, body[field])
                if key is None:
                    raise BadRequest(f'Invalid {field}: no customer matches "{body[field]}".')
                return key
        raise BadRequest(
            "A required parameter was missing:"
            " customer_id, customer_token or customer_external_key."
        )

    # -- writes -------------------------------------------------------------------------
    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """Insert an invoice for an existing customer with at least one line item."""
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        customer_id = self._customer(ctx, body)
        self.check_external_key(ctx, body.get("external_key"))
        customer = self.customers.row(ctx, customer_id) or {}
        values: dict[str, Any] = {
            "currency_id": customer.get("currency_id") or 1,
            "terms_id": customer.get("terms_id") or DEFAULT_TERMS_ID,
            "brand_id": customer.get("brand_id") or 1,
            "date": ctx.today.isoformat(),
            "tags": [],
        }
        if not any(body.get(f"{p}_{a}") is not None for p in ("bill", "ship") for a in _ADDRESS):
            # The invoice copies the customer's addresses unless the request gives its own.
            values.update(
                {f"{p}_{a}": customer.get(f"{p}_{a}") for p in ("bill", "ship") for a in _ADDRESS}
            )
        values.update(self.writable(body))
        values.pop("line_items", None)
        if values.get("terms_id") not in TERMS:
            raise BadRequest(f"Invalid terms_id: {values.get('terms_id')} does not exist.")
        values.update(self.stamp(ctx, created=True))
        values.update({"customer_id": customer_id, "token": ctx.token(), "is_void": False})
        key = self.table.insert(ctx.conn, values)
        self.lines.replace(ctx, key, list(body.get("line_items") or []))
        if not values.get("refnumber"):
            self.table.update(ctx.conn, key, {"refnumber": str(key)})
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.refresh(ctx, key)
        self.revise(ctx, key, "Invoice created")
        return key

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None:
        """Partial update; line_items replaces the set; a void invoice cannot change."""
        row = self.table.get(ctx.conn, key) or {}
        if row.get("is_void"):
            raise BadRequest(
                f"The command requested is not supported: modify(invoice, {key}) on a void invoice."
            )
        if "external_key" in body:
            self.check_external_key(ctx, body["external_key"], own_key=key)
        values = self.writable(body)
        values.pop("line_items", None)
        values.pop("customer_id", None)
        if "terms_id" in values and values["terms_id"] not in TERMS:
            raise BadRequest(f"Invalid terms_id: {values['terms_id']} does not exist.")
        values.update(self.stamp(ctx, created=False))
        self.table.update(ctx.conn, key, values)
        if "line_items" in body:
            self.lines.replace(ctx, key, list(body["line_items"] or []))
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.refresh(ctx, key)
        self.revise(ctx, key, "Invoice updated")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Only an invoice without payments can be deleted (UNCONFIRMED rule)."""
        if self.payments.any_applied(ctx, key):
            raise BadRequest("This invoice cannot be deleted: payments have been applied to it.")
        customer_id = (self.table.get(ctx.conn, key) or {}).get("customer_id")
        self.lines.delete(ctx, key)
        self.payments.delete(ctx, key)
        self.table.delete(ctx.conn, key)
        if customer_id is not None:
            self.customers.refresh(ctx, int(customer_id))

    def open_count(self, ctx: RequestContext, customer_id: int) -> int:
        """How many of the customer's invoices are open (a customer with one cannot go)."""
        return int(
            ctx.conn.execute(
                "SELECT COUNT(*) FROM invoice WHERE customer_id = ? AND invoice_status_state = 'o'",
                [customer_id],
            ).fetchone()[0]
        )

    def delete_for_customer(self, ctx: RequestContext, customer_id: int) -> None:
        """Remove every invoice of a customer being deleted, with its lines and payments."""
        keys = [
            int(row[0])
            for row in ctx.conn.execute(
                "SELECT invoice_id FROM invoice WHERE customer_id = ?", [customer_id]
            )
        ]
        for key in keys:
            self.lines.delete(ctx, key)
            self.payments.delete(ctx, key)
            self.table.delete(ctx.conn, key)

    # -- computed fields ----------------------------------------------------------------
    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Store the computed fields, then refresh the customer whose totals include them."""
        row = self.table.get(ctx.conn, key)
        if row is None:
            return
        values = computed_fields(
            row,
            key=key,
            subtotal=self.lines.subtotal(ctx, key),
            payments=self.payments.paid_amount(ctx, key),
            today=ctx.today,
            base_url=ctx.base_url,
        )
        self.table.update(ctx.conn, key, values)
        if row.get("customer_id") is not None:
            self.customers.refresh(ctx, int(row["customer_id"]))

    def sweep_overdue(self, ctx: RequestContext) -> None:
        """Re-evaluate open invoices whose due date has passed (run when the date changes)."""
        for (key,) in ctx.conn.execute(
            "SELECT invoice_id FROM invoice"
            " WHERE invoice_status_str = 'open-unpaid' AND due_date < ?",
            [ctx.today.isoformat()],
        ).fetchall():
            self.refresh(ctx, int(key))

    def render_children(self, ctx: RequestContext, key: int, *, full: bool) -> dict[str, Any]:
        """line_items (on GET one only, as the spec's list-omits say)."""
        return {"line_items": self.lines.render(ctx, key)}
