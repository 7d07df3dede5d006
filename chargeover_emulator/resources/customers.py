"""Customers: defaults, primary contact, delete rules, actions (computed: customer_directory)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import CURRENCIES, DEFAULT_TERMS_ID, TERMS
from chargeover_emulator.resources.customer_directory import SUPERUSER_FIELDS, CustomerDirectory
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument

__all__ = ["Contacts", "CustomerInvoices", "CustomerService"]


class Contacts(Protocol):
    """What a customer does to users: its primary contact and the contacts linked to it."""

    def exists(self, ctx: RequestContext, key: int) -> bool: ...

    def create_contact(
        self, ctx: RequestContext, body: Mapping[str, Any], *, customer_id: int | None
    ) -> int: ...

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None: ...

    def link(self, ctx: RequestContext, user_id: int, customer_id: int) -> None: ...

    def forget_customer(self, ctx: RequestContext, customer_id: int) -> None: ...


class CustomerInvoices(Protocol):
    """What a customer's delete asks of its invoices."""

    def open_count(self, ctx: RequestContext, customer_id: int) -> int: ...

    def delete_for_customer(self, ctx: RequestContext, customer_id: int) -> None: ...


class CustomerService(ResourceService):
    """The `customer` resource."""

    internal_columns: ClassVar[dict[str, str]] = {"inactive_manual": "boolean"}

    def __init__(
        self,
        spec: ResourceSpec,
        document: SpecDocument,
        *,
        directory: CustomerDirectory,
        contacts: Contacts,
        invoices: CustomerInvoices | None,
    ) -> None:
        super().__init__(spec, document, table=directory.table)
        self.directory = directory
        self.contacts = contacts
        #: None when the spec has no invoice resource
        self.invoices = invoices
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
        values.update(self.directory.derived(ctx, values, None))
        key = self.table.insert(ctx.conn, values)
        contact = {
            field: body[name]
            for name, field in SUPERUSER_FIELDS.items()
            if body.get(name) is not None
        }
        self.remember_external_key(ctx, values.get("external_key"), key)
        if contact:
            user_id = self.contacts.create_contact(ctx, contact, customer_id=key)
            self.table.update(ctx.conn, key, {"superuser_id": user_id})
            self.refresh(ctx, key)  # the superuser_* mirror of the new contact
        else:
            # Everything else was derived before the INSERT; only the URL needs the new id.
            self.table.update(ctx.conn, key, {"url_self": self.directory.self_url(ctx, key)})
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
        if body.get("superuser_id") is not None:
            user_id = int(body["superuser_id"])
            if not self.contacts.exists(ctx, user_id):
                raise BadRequest(f"Invalid superuser_id: user {user_id} does not exist.")
            self.contacts.link(ctx, user_id, key)
            values["superuser_id"] = user_id
        values.update(self.stamp(ctx, created=False))
        self.table.update(ctx.conn, key, values)
        contact = {field: body[name] for name, field in SUPERUSER_FIELDS.items() if name in body}
        if contact:
            row = self.table.get(ctx.conn, key) or {}
            if row.get("superuser_id") is None:
                user_id = self.contacts.create_contact(ctx, contact, customer_id=key)
                self.table.update(ctx.conn, key, {"superuser_id": user_id})
            else:
                self.contacts.update(ctx, int(row["superuser_id"]), contact)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self.refresh(ctx, key)
        self.revise(ctx, key, "Customer updated")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """Refuse while invoices are open; else remove the customer, its invoices and contacts."""
        if self.invoices is not None:
            open_count = self.invoices.open_count(ctx, key)
            if open_count:
                raise BadRequest(
                    f"This customer cannot be deleted: it has {open_count} open/unpaid invoice(s)."
                )
            self.invoices.delete_for_customer(ctx, key)
        self.contacts.forget_customer(ctx, key)
        self.directory.forget_parent(ctx, key)
        self.table.delete(ctx.conn, key)

    # -- computed fields ----------------------------------------------------------------
    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Recompute every derived column (the directory holds the rule users and invoices use)."""
        self.directory.refresh(ctx, key)

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
