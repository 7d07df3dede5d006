"""Invoices: customer references, line items, totals, status and the void/pay/... actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.addresses import address_block
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import (
    CURRENCIES,
    DEFAULT_TERMS_ID,
    INVOICE_STATUSES,
    TERMS,
)
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.resources.payments import charge
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
from chargeover_emulator.storage.tables import Table

__all__ = ["InvoiceService"]

_ADDRESS = ("addr1", "addr2", "addr3", "city", "state", "postcode", "country")
_LINE_DEFAULTS = {
    "is_base": False,
    "is_free": False,
    "is_setup": False,
    "is_usage": False,
    "is_recurring": False,
}


class InvoiceService(ResourceService):
    """The `invoice` resource."""

    internal_columns: ClassVar[dict[str, str]] = {"customer_id": "integer"}
    relation_tables: ClassVar[dict[str, tuple[str, str]]] = {
        "line_items": ("line_item", "invoice_id")
    }

    def __init__(self, spec: ResourceSpec, document: SpecDocument) -> None:
        super().__init__(spec, document)
        line_prop = spec.properties.get("line_items")
        line_props = (
            document.flat_properties(line_prop.item_schema)
            if line_prop and line_prop.item_schema
            else {}
        )
        columns = {n: p.kind for n, p in line_props.items() if p.scalar}
        columns.update(
            {
                "invoice_id": "integer",
                "item_id": "integer",
                "line_rate": "number",
                "line_quantity": "number",
            }
        )
        self.line_props = line_props
        self.lines = Table("line_item", "line_item_id", columns)
        self.relation_kinds = {"line_items": dict(columns)}
        self.actions = {
            "void": self._void,
            "email": self._noop,
            "print": self._noop,
            "pay": self._pay,
            "schedule": self._schedule,
        }

    def ddl(self) -> list[str]:
        """Invoice, line item, payment and schedule tables."""
        return [
            *super().ddl(),
            "CREATE INDEX IF NOT EXISTS ix_invoice_customer ON invoice (customer_id)",
            self.lines.ddl(),
            "CREATE INDEX IF NOT EXISTS ix_line_item_invoice ON line_item (invoice_id)",
            "CREATE TABLE IF NOT EXISTS payment (payment_id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " invoice_id INTEGER NOT NULL, amount REAL NOT NULL, paymethod TEXT,"
            " payment_datetime TEXT)",
            "CREATE TABLE IF NOT EXISTS scheduled_payment"
            " (schedule_id INTEGER PRIMARY KEY AUTOINCREMENT, invoice_id INTEGER NOT NULL,"
            " date TEXT, amount REAL, paymethod TEXT)",
        ]

    # -- references ---------------------------------------------------------------------
    def _customer(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """customer_id, customer_token or customer_external_key (bulk rewrites *_jsonpath)."""
        customers = self.services["customer"]
        refs = [
            ("customer_id", "customer_id"),
            ("customer_token", "token"),
            ("customer_external_key", "external_key"),
        ]
        for field, column in refs:
            if body.get(field) is not None:
                key = customers.table.find_key(ctx.conn, column, body[field])
                if key is None:
                    raise BadRequest(f'Invalid {field}: no customer matches "{body[field]}".')
                return key
        raise BadRequest(
            "A required parameter was missing:"
            " customer_id, customer_token or customer_external_key."
        )

    def _item(self, ctx: RequestContext, item_id: Any) -> dict[str, Any]:
        """A catalogue item; unknown ids are refused unless the setting accepts them."""
        row = ctx.conn.execute("SELECT * FROM item WHERE item_id = ?", [item_id]).fetchone()
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
        return dict(row)

    def _write_lines(self, ctx: RequestContext, key: int, lines: list[Mapping[str, Any]]) -> None:
        """Replace the invoice's lines; a line with only line_item_id keeps that line unchanged."""
        if not lines:
            raise BadRequest("An invoice needs at least one line item.")
        keep: dict[int, dict[str, Any]] = {}
        for line in lines:
            existing = line.get("line_item_id")
            if existing is not None:
                row = self.lines.get(ctx.conn, int(existing))
                if row is None or row.get("invoice_id") != key:
                    raise BadRequest(
                        f"Invalid line_item_id: {existing} is not a line of invoice {key}."
                    )
                keep[int(existing)] = row
        ctx.conn.execute("DELETE FROM line_item WHERE invoice_id = ?", [key])
        for line in lines:
            existing = line.get("line_item_id")
            base: dict[str, Any] = dict(keep[int(existing)]) if existing is not None else {}
            if existing is None and line.get("item_id") is None:
                raise BadRequest("A required parameter was missing: line_items item_id.")
            base.update({k: v for k, v in line.items() if k in self.lines.columns})
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
            values["line_total"] = round(
                float(values["line_rate"]) * float(values["line_quantity"]), 2
            )
            values["line_subtotal"] = values["line_total"]
            self.lines.insert(ctx.conn, values)

    # -- writes -------------------------------------------------------------------------
    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """Insert an invoice for an existing customer with at least one line item."""
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        customer_id = self._customer(ctx, body)
        self.check_external_key(ctx, body.get("external_key"))
        customer = self.services["customer"].table.get(ctx.conn, customer_id) or {}
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
        self._write_lines(ctx, key, list(body.get("line_items") or []))
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
            self._write_lines(ctx, key, list(body["line_items"] or []))
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.refresh(ctx, key)
        self.revise(ctx, key, "Invoice updated")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Only an invoice without payments can be deleted (UNCONFIRMED rule)."""
        paid = ctx.conn.execute(
            "SELECT COUNT(*) FROM payment WHERE invoice_id = ?", [key]
        ).fetchone()[0]
        if paid:
            raise BadRequest("This invoice cannot be deleted: payments have been applied to it.")
        customer_id = (self.table.get(ctx.conn, key) or {}).get("customer_id")
        for table in ("line_item", "payment", "scheduled_payment"):
            ctx.conn.execute(f"DELETE FROM {table} WHERE invoice_id = ?", [key])
        self.table.delete(ctx.conn, key)
        if customer_id is not None:
            self.services["customer"].refresh(ctx, int(customer_id))

    # -- computed fields ----------------------------------------------------------------
    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Totals, balance, status, due date and URLs from lines, payments and the clock."""
        row = self.table.get(ctx.conn, key)
        if row is None:
            return
        subtotal = float(
            ctx.conn.execute(
                "SELECT COALESCE(SUM(ROUND(line_rate * line_quantity, 2)), 0)"
                " FROM line_item WHERE invoice_id = ?",
                [key],
            ).fetchone()[0]
        )
        payments = float(
            ctx.conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE invoice_id = ?", [key]
            ).fetchone()[0]
        )
        terms_name, terms_days = TERMS.get(
            row.get("terms_id") or DEFAULT_TERMS_ID, TERMS[DEFAULT_TERMS_ID]
        )
        invoice_date = dt.date.fromisoformat(str(row.get("date") or ctx.today.isoformat())[:10])
        due = invoice_date + dt.timedelta(days=terms_days)
        total = round(subtotal, 2)
        balance = round(max(total - payments, 0.0), 2)
        days_overdue = max((ctx.today - due).days, 0) if balance > 0 else 0
        if row.get("is_void"):
            status, balance, days_overdue = "closed-void", 0.0, 0
        elif balance <= 0:
            status = "closed-paid"
        elif days_overdue > 0:
            status = "open-overdue"
        else:
            status = "open-unpaid"
        name, state = INVOICE_STATUSES[status]
        iso, symbol = CURRENCIES.get(row.get("currency_id") or 1, ("USD", "$"))
        token = row.get("token")
        paid_date = row.get("paid_date")
        if status == "closed-paid" and paid_date is None:
            paid_date = ctx.today.isoformat()
        values = {
            "subtotal": total,
            "total": total,
            "taxes": 0,
            "credits": 0,
            "writeoffs": 0,
            "payments": round(payments, 2),
            "applied": round(payments, 2),
            "balance": balance,
            "sum_base": 0,
            "sum_usage": 0,
            "sum_onetime": total,
            "declines": row.get("declines") or 0,
            "due_date": due.isoformat(),
            "paid_date": paid_date if status in {"closed-paid", "closed-void"} else None,
            "days_overdue": days_overdue,
            "is_overdue": status == "open-overdue",
            "is_paid": state == "c",
            "invoice_status_name": name,
            "invoice_status_str": status,
            "invoice_status_state": state,
            "terms_name": terms_name,
            "terms_days": terms_days,
            "currency_iso4217": iso,
            "currency_symbol": symbol,
            "url_permalink": f"{ctx.base_url}/r/trans/view/{token}",
            "url_pdflink": f"{ctx.base_url}/r/trans/pdf/{token}",
            "url_paylink": f"{ctx.base_url}/r/trans/pay/{token}",
            "url_self": f"{ctx.base_url}/admin/r/invoice/view/{key}",
            "bill_block": address_block(row, "bill"),
            "ship_block": address_block(row, "ship"),
        }
        self.table.update(ctx.conn, key, values)
        if row.get("customer_id") is not None:
            self.services["customer"].refresh(ctx, int(row["customer_id"]))

    def sweep_overdue(self, ctx: RequestContext) -> None:
        """Re-evaluate open invoices whose due date has passed (run when the date changes)."""
        for (key,) in ctx.conn.execute(
            "SELECT invoice_id FROM invoice"
            " WHERE invoice_status_str = 'open-unpaid' AND due_date < ?",
            [ctx.today.isoformat()],
        ).fetchall():
            self.refresh(ctx, int(key))

    def render_children(
        self, ctx: RequestContext, row: Mapping[str, Any], *, full: bool
    ) -> dict[str, Any]:
        """line_items on GET one only (list-omits)."""
        if "line_items" not in self.spec.properties or (
            not full and "line_items" in self.spec.list_omits
        ):
            return {}
        rows = ctx.conn.execute(
            "SELECT * FROM line_item WHERE invoice_id = ? ORDER BY line_item_id",
            [row[self.spec.primary_key]],
        ).fetchall()
        lines = [self.lines.decode(r) for r in rows]
        return {
            "line_items": [{name: line.get(name) for name in self.line_props} for line in lines]
        }

    # -- actions ------------------------------------------------------------------------
    def _void(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Void: balance 0, closed-void, is_paid true (as the recordings show)."""
        row = self.table.get(ctx.conn, key) or {}
        if row.get("is_void"):
            raise BadRequest(f"Invoice {key} is already void.")
        if (row.get("payments") or 0) > 0:
            raise BadRequest(f"Invoice {key} has payments applied and cannot be voided.")
        self.table.update(
            ctx.conn,
            key,
            {"is_void": True, "void_datetime": ctx.timestamp, **self.stamp(ctx, created=False)},
        )
        self.refresh(ctx, key)
        return True

    def _noop(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """email / print: nothing leaves the emulator; the revision records the call."""
        return True

    def _pay(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Apply the customer balance (none exists: false) or charge a card / bank account."""
        row = self.table.get(ctx.conn, key) or {}
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
        self.table.update(ctx.conn, key, self.stamp(ctx, created=False))
        self.refresh(ctx, key)
        return True

    def _schedule(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
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
