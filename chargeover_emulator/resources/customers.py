"""Customers: defaults, computed fields (blocks, status, totals, primary contact) and actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.addresses import address_block
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import (
    CURRENCIES,
    CUSTOMER_STATUSES,
    DEFAULT_TERMS_ID,
    TERMS,
)
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument

__all__ = ["CustomerService"]

SUPERUSER_FIELDS = {
    "superuser_username": "username",
    "superuser_email": "email",
    "superuser_name": "name",
    "superuser_first_name": "first_name",
    "superuser_last_name": "last_name",
    "superuser_phone": "phone",
    "superuser_title": "title",
}


class CustomerService(ResourceService):
    """The `customer` resource."""

    internal_columns: ClassVar[dict[str, str]] = {"inactive_manual": "boolean"}

    def __init__(self, spec: ResourceSpec, document: SpecDocument) -> None:
        super().__init__(spec, document)
        self.actions = {
            "setActive": self._set_active,
            "setInactive": self._set_inactive,
            "setPayMethod": self._set_pay_method,
            "disconnectParent": self._disconnect_parent,
        }

    # -- writes -------------------------------------------------------------------------
    def _check_parent(self, ctx: RequestContext, parent: Any, own: int | None) -> None:
        """A parent must exist and must not be the customer itself."""
        if parent is None:
            return
        if parent == own or self.table.get(ctx.conn, int(parent)) is None:
            raise BadRequest(f"Invalid parent_customer_id: customer {parent} does not exist.")

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """Insert a customer; superuser_* fields create its primary contact."""
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        self.check_external_key(ctx, body.get("external_key"))
        self._check_parent(ctx, body.get("parent_customer_id"), None)
        values: dict[str, Any] = {
            "currency_id": 1,
            "language_id": 1,
            "brand_id": 1,
            "terms_id": DEFAULT_TERMS_ID,
            "invoice_delivery": "email",
            "dunning_delivery": "email",
            "no_taxes": False,
            "no_dunning": False,
            "no_latefees": False,
            "no_procfees": False,
            "default_paymethod": "inv",
            "class_name": "",
            "tags": [],
            "inactive_manual": False,
        }
        values.update({k: v for k, v in self.writable(body).items() if k not in SUPERUSER_FIELDS})
        values.update(self.stamp(ctx, created=True))
        values["token"] = ctx.token()
        self._check_refs(values)
        values.update(self._derived(ctx, values, None))
        key = self.table.insert(ctx.conn, values)
        contact = {
            field: body[name]
            for name, field in SUPERUSER_FIELDS.items()
            if body.get(name) is not None
        }
        self.remember_external_key(ctx, values.get("external_key"), key)
        if contact:
            users = self.services["user"]
            user_id = users.create_contact(ctx, contact, customer_id=key)  # type: ignore[attr-defined]
            self.table.update(ctx.conn, key, {"superuser_id": user_id})
            self.refresh(ctx, key)  # the superuser_* mirror of the new contact
        else:
            # Everything else was derived before the INSERT; only the URL needs the new id.
            self.table.update(ctx.conn, key, {"url_self": self._self_url(ctx, key)})
        self.revise(ctx, key, "Customer created")
        return key

    def _check_refs(self, values: Mapping[str, Any]) -> None:
        """Reference data the emulator knows must exist."""
        if values.get("terms_id") is not None and values["terms_id"] not in TERMS:
            raise BadRequest(f"Invalid terms_id: {values['terms_id']} does not exist.")
        if values.get("currency_id") is not None and values["currency_id"] not in CURRENCIES:
            raise BadRequest(f"Invalid currency_id: {values['currency_id']} does not exist.")

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None:
        """Partial update; superuser_* change the primary contact, superuser_id switches it."""
        if "external_key" in body:
            self.check_external_key(ctx, body["external_key"], own_key=key)
        if "parent_customer_id" in body:
            self._check_parent(ctx, body["parent_customer_id"], key)
        values = {k: v for k, v in self.writable(body).items() if k not in SUPERUSER_FIELDS}
        values.pop("superuser_id", None)
        self._check_refs(values)
        users = self.services["user"]
        if body.get("superuser_id") is not None:
            user_id = int(body["superuser_id"])
            if users.table.get(ctx.conn, user_id) is None:
                raise BadRequest(f"Invalid superuser_id: user {user_id} does not exist.")
            users.link(ctx, user_id, key)  # type: ignore[attr-defined]
            values["superuser_id"] = user_id
        values.update(self.stamp(ctx, created=False))
        self.table.update(ctx.conn, key, values)
        contact = {field: body[name] for name, field in SUPERUSER_FIELDS.items() if name in body}
        if contact:
            row = self.table.get(ctx.conn, key) or {}
            if row.get("superuser_id") is None:
                user_id = users.create_contact(ctx, contact, customer_id=key)  # type: ignore[attr-defined]
                self.table.update(ctx.conn, key, {"superuser_id": user_id})
            else:
                users.update(ctx, int(row["superuser_id"]), contact)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.refresh(ctx, key)
        self.revise(ctx, key, "Customer updated")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Refuse while invoices are open; else remove the customer, its invoices and contacts."""
        if "invoice" in self.services:
            open_count = ctx.conn.execute(
                "SELECT COUNT(*) FROM invoice WHERE customer_id = ? AND invoice_status_state = 'o'",
                [key],
            ).fetchone()[0]
            if open_count:
                raise BadRequest(
                    f"This customer cannot be deleted: it has {open_count} open/unpaid invoice(s)."
                )
            ctx.conn.execute("DELETE FROM invoice WHERE customer_id = ?", [key])
        self.services["user"].forget_customer(ctx, key)  # type: ignore[attr-defined]
        ctx.conn.execute(
            "UPDATE customer SET parent_customer_id = NULL WHERE parent_customer_id = ?", [key]
        )
        self.table.delete(ctx.conn, key)

    # -- computed fields ----------------------------------------------------------------
    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Recompute every derived column; write only those whose value changed."""
        row = self.table.get(ctx.conn, key)
        if row is None:
            return
        derived = self._derived(ctx, row, key)
        changed = {name: value for name, value in derived.items() if row.get(name) != value}
        if changed:
            self.table.update(ctx.conn, key, changed)

    def _derived(
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
            values["url_self"] = self._self_url(ctx, key)
        values.update(self._contact_fields(ctx, row.get("superuser_id")))
        total = balance = paid = 0.0
        overdue = False
        if key is not None and "invoice" in self.services:
            sums = ctx.conn.execute(
                "SELECT COALESCE(SUM(total), 0), COALESCE(SUM(balance), 0),"
                " COALESCE(SUM(payments), 0), COALESCE(MAX(invoice_status_str = 'open-overdue'), 0)"
                " FROM invoice WHERE customer_id = ? AND COALESCE(is_void, 0) = 0",
                [key],
            ).fetchone()
            total, balance, paid, overdue = (
                float(sums[0]),
                float(sums[1]),
                float(sums[2]),
                bool(sums[3]),
            )
        values.update(
            {"total": round(total, 2), "balance": round(balance, 2), "paid": round(paid, 2)}
        )
        if row.get("inactive_manual"):
            status = "inactive-manual"
        else:
            status = "active-overdue" if overdue else "active-current"
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
    def _self_url(ctx: RequestContext, key: int) -> str:
        """The customer's page in the admin UI."""
        return f"{ctx.base_url}/admin/r/customer/view/{key}"

    def _contact_fields(self, ctx: RequestContext, user_id: Any) -> dict[str, Any]:
        """superuser_* mirrored from the primary contact."""
        user = (
            self.services["user"].table.get(ctx.conn, int(user_id)) if user_id is not None else None
        )
        user = user or {}
        out = {name: user.get(field) for name, field in SUPERUSER_FIELDS.items()}
        out["superuser_token"] = user.get("token")
        return out

    # -- actions ------------------------------------------------------------------------
    def _set_active(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Clear the manual inactive flag."""
        self.table.update(
            ctx.conn, key, {"inactive_manual": False, **self.stamp(ctx, created=False)}
        )
        self.refresh(ctx, key)
        return True

    def _set_inactive(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Mark the customer inactive-manual."""
        self.table.update(
            ctx.conn, key, {"inactive_manual": True, **self.stamp(ctx, created=False)}
        )
        self.refresh(ctx, key)
        return True

    def _set_pay_method(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Set default_paymethod (+ default_creditcard_id / default_ach_id)."""
        # `paymethod` is required and validated against the spec's PayMethodCode enum already.
        paymethod = body["paymethod"]
        values: dict[str, Any] = {"default_paymethod": paymethod}
        if paymethod == "crd":
            if body.get("creditcard_id") is None:
                raise BadRequest("A required parameter was missing: creditcard_id.")
            values.update({"default_creditcard_id": body["creditcard_id"], "default_ach_id": None})
        elif paymethod == "ach":
            if body.get("ach_id") is None:
                raise BadRequest("A required parameter was missing: ach_id.")
            values.update({"default_ach_id": body["ach_id"], "default_creditcard_id": None})
        else:
            values.update({"default_creditcard_id": None, "default_ach_id": None})
        self.table.update(ctx.conn, key, {**values, **self.stamp(ctx, created=False)})
        return True

    def _disconnect_parent(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """Remove the parent link."""
        self.table.update(
            ctx.conn, key, {"parent_customer_id": None, **self.stamp(ctx, created=False)}
        )
        return True
