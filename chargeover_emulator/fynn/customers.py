"""Fynn customers: create, read, list (filters, paging), PUT, delete (with its preconditions),
archive, the default payment method and the hierarchy operations (children, tree, parent)."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.fynn import hierarchy
from chargeover_emulator.fynn.contacts import AddressBook, EmailBook
from chargeover_emulator.fynn.errors import (
    NOT_UNIQUE,
    FeatureDisabled,
    Unprocessable,
    constraint,
)
from chargeover_emulator.fynn.options import FynnOptions
from chargeover_emulator.fynn.paging import PageRequest, collection
from chargeover_emulator.fynn.payment_methods import PaymentMethods
from chargeover_emulator.fynn.records import FynnRecords, iso_timestamp, new_id
from chargeover_emulator.specdoc import ResourceSpec
from chargeover_emulator.storage.tables import tuples

__all__ = ["CustomerService"]

_TENANT_CURRENCY = "EUR"
_EU_VAT_ID = re.compile(r"[A-Z]{2}[0-9A-Z]{2,12}")
#: columns that are no read field: the hierarchy, references, and the counts that decide
#: whether a customer may be deleted (seeded: no Fynn operation in this spec creates invoices,
#: subscriptions or payments)
_HIDDEN = {
    "parentId": "string",
    "contactPerson": "string",
    "customerGroupId": "string",
    "defaultPaymentMethodId": "string",
    "invoiceCount": "integer",
    "activeSubscriptionCount": "integer",
    "bookedPaymentCount": "integer",
}
_UPDATABLE_DEFAULTS: dict[str, Any] = {
    "currencyCode": _TENANT_CURRENCY,
    "taxExempt": "auto",
    "customFields": {},
}
_DELETE_BLOCKERS = (
    ("invoiceCount", "customer_has_invoices", "The customer has invoices and cannot be deleted."),
    (
        "activeSubscriptionCount",
        "customer_has_active_subscriptions",
        "The customer has active subscriptions and cannot be deleted.",
    ),
    (
        "bookedPaymentCount",
        "customer_has_booked_payments",
        "The customer has booked payments and cannot be deleted.",
    ),
)
_UNKNOWN_REFERENCE = "Dieses Objekt existiert nicht."


class CustomerService(FynnRecords):
    """The customer table's owner; addresses, email addresses and payment methods are asked."""

    def __init__(
        self,
        spec: ResourceSpec,
        addresses: AddressBook,
        emails: EmailBook,
        options: FynnOptions,
    ) -> None:
        super().__init__(spec, "customer", _HIDDEN)
        self.addresses = addresses
        self.emails = emails
        self.payment_methods = PaymentMethods()
        self.options = options
        stored = [name for name in spec.properties if name in self.table.columns]
        self._stored = self.table.projection([*stored, *_HIDDEN])
        self._fields = list(spec.properties)
        block = spec.block
        match = block.get("filter-match", {})
        self._exact = frozenset(match.get("exact", ()))
        self._partial = frozenset(match.get("ipartial", ()))
        self._search = tuple(block.get("search", ()))
        self._filterable = frozenset(spec.filterable)

    @property
    def actions(self) -> Mapping[str, Any]:
        handlers = {
            "archive": self._archive,
            "set-parent": self._set_parent,
            "remove-parent": self._remove_parent,
            "set-default-payment-method": self._set_default_payment_method,
        }
        return {
            name: self._gated(self.spec.actions[name].block, handler)
            for name, handler in handlers.items()
        }

    @property
    def customs(self) -> Mapping[str, Callable[..., Any]]:
        """The `custom` reads, by `x-kit-operation.name`."""
        handlers = {"children": self._children, "hierarchy": self._hierarchy}
        return {
            name: self._gated(self.spec.operations[f"custom:{name}"].block, handler)
            for name, handler in handlers.items()
        }

    def _gated(self, block: Mapping[str, Any], handler: Callable[..., Any]) -> Callable[..., Any]:
        """The handler behind the feature flag its `x-kit-operation.feature` names: when the
        tenant lacks the flag, `empty-array` answers `[]` and `not-implemented` a 501."""
        feature = block.get("feature")
        if not feature or feature["flag"] in self.options.features:
            return handler
        flag, answer = feature["flag"], feature["when-disabled"]

        def disabled(*args: Any) -> Any:
            if answer == "empty-array":
                return []
            raise FeatureDisabled(f"The feature {flag} is not enabled.")

        return disabled

    def ddl(self) -> list[str]:
        return [*super().ddl(), *self.payment_methods.ddl()]

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        return [
            'CREATE INDEX IF NOT EXISTS customer_parent ON customer ("parentId")',
            'CREATE INDEX IF NOT EXISTS customer_order ON customer ("createdAt")',
        ]

    # -- reads ------------------------------------------------------------------------------
    def get(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        found = self.table.get(ctx.conn, key, self._stored)
        if found is None:
            self.row(ctx, key)  # the 404
        assert found is not None
        return self._render(ctx, found, listed=False)

    def list(self, ctx: RequestContext, query: Mapping[str, Any]) -> dict[str, Any]:
        request = PageRequest.read(query, empty_values=self.options.empty_paging_values)
        where, params = self._where(query)
        total = self.table.count(ctx.conn, where, params)
        rows: builtins.list[dict[str, Any]] = []
        if request.limit and request.offset < total:
            rows = self.table.select(
                ctx.conn,
                self._stored,
                where,
                params,
                '"createdAt", rowid',
                request.limit,
                request.offset,
            )
        items = [self._render(ctx, row, listed=True) for row in rows]
        return collection(items, request, total)

    def _where(self, query: Mapping[str, Any]) -> tuple[str, builtins.list[Any]]:
        """The filters the spec declares (`x-kit-resource.filterable`, `filter-match`, `search`);
        names from the spec only, values as parameters; an empty value filters nothing."""
        clauses: builtins.list[str] = []
        params: builtins.list[Any] = []
        for name, raw in query.items():
            if name not in self._filterable and name != "search":
                continue
            value = str(raw)  # the query parser keeps a repeated key's last value
            if value == "":
                continue
            if name == "search":
                terms = [self._field_sql(field)[0] for field in self._search]
                clauses.append("(" + " OR ".join(terms) + ")")
                params += [value.lower()] * len(terms)
                continue
            sql, exact = self._field_sql(name)
            if name in self._exact and self.spec.scalar_kind(name) == "boolean":
                flag = {"true": 1, "1": 1, "false": 0, "0": 0}.get(value.lower())
                if flag is None:  # API Platform's BooleanFilter ignores other values
                    continue
                clauses.append(exact)
                params.append(flag)
            elif name in self._exact:
                clauses.append(exact)
                params.append(value)
            else:
                clauses.append(sql)
                params.append(value.lower())
        return " AND ".join(clauses) or "1", params

    def _field_sql(self, name: str) -> tuple[str, str]:
        """(partial, exact) SQL templates for one field; `?` is the value."""
        if name == "emailAddresses.email":
            through = (
                'EXISTS (SELECT 1 FROM customer_email e WHERE e."customerId" = customer.id AND '
            )
            return (through + "instr(lower(e.email), ?) > 0)", through + "e.email = ?)")
        if name == "customerGroup.name":  # no customer groups exist in the emulator
            return ("(0 AND ? IS NULL)", "(0 AND ? IS NULL)")
        column = f'"{name}"'
        return (f"instr(lower({column}), ?) > 0", f"{column} = ?")

    # -- rendering --------------------------------------------------------------------------
    def _render(self, ctx: RequestContext, row: dict[str, Any], *, listed: bool) -> dict[str, Any]:
        """A stored row as Fynn reads it (list items leave out `list-omits`)."""
        key = str(row["id"])
        addresses = self.addresses.of(ctx, key)
        emails = self.emails.of(ctx, key)
        default_address = _first(addresses, type="TYPE_DEFAULT", default=True)
        default_email = _first(emails, default=True)
        computed: dict[str, Any] = {
            "emailAddresses": emails,
            "addresses": addresses,
            "customerGroup": None,
            "defaultAddress": default_address,
            "defaultInvoiceAddress": _first(addresses, type="TYPE_INVOICE", default=True)
            or default_address,
            "defaultEmailAddress": default_email,
            "defaultInvoiceEmailAddress": _first(emails, isInvoiceEmail=True) or default_email,
            "defaultPaymentMethod": self.payment_methods.get(ctx, row["defaultPaymentMethodId"]),
        }
        omitted = self.spec.list_omits if listed else frozenset()
        return {
            name: computed[name] if name in computed else row.get(name)
            for name in self._fields
            if name not in omitted
        }

    # -- writes -----------------------------------------------------------------------------
    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> str:
        """A customer with its login email, invoice email and default address."""
        email = str(body["email"])
        self._check_unique(ctx, email=email, number=body.get("customerNumber"), key=None)
        _check_references(body)
        key = new_id(ctx)
        company = body.get("companyName")
        vat_id = body.get("vatId")
        values: dict[str, Any] = {
            "id": key,
            "customerNumber": body.get("customerNumber") or self._next_number(ctx),
            "timeZone": body.get("timeZone", "Europe/Berlin"),
            "firstName": body.get("firstName"),
            "lastName": body.get("lastName"),
            "currencyCode": body.get("currencyCode") or _TENANT_CURRENCY,
            "countryCode": body.get("countryCode", "DE"),
            "companyName": company,
            "vatId": vat_id,
            "isVatIdValid": bool(vat_id and _EU_VAT_ID.fullmatch(str(vat_id))),
            "taxExempt": "auto",
            "datevId": body.get("datevId"),
            "commercialRegisterName": body.get("commercialRegisterName"),
            "commercialRegisterNumber": body.get("commercialRegisterNumber"),
            "status": "STATUS_ACTIVE",
            "gender": body.get("gender"),
            "phone": body.get("phone"),
            "language": body.get("language", "de"),
            "totalTurnOverRank": None,
            "createdAt": iso_timestamp(ctx.now),
            "customFields": {},
            "businessCustomer": bool(company),
            "isPartner": False,
            "invoiceCount": 0,
            "activeSubscriptionCount": 0,
            "bookedPaymentCount": 0,
        }
        self.table.insert(ctx.conn, values)
        receiver = " ".join(str(body[n]) for n in ("firstName", "lastName") if body.get(n))
        invoice_email = body.get("invoiceEmail", email)
        self.emails.add(
            ctx,
            key,
            email=email,
            receiver=receiver or None,
            invoice=invoice_email == email,
            dunning=False,
            default=True,
        )
        if invoice_email != email:
            self.emails.add(
                ctx,
                key,
                email=str(invoice_email),
                receiver=receiver or None,
                invoice=True,
                dunning=False,
                default=False,
            )
        address = {
            name: body[name]
            for name in ("street", "houseNumber", "zip", "city", "addition", "companyName")
            if name in body
        }
        for name in ("firstName", "lastName"):
            if name in body:
                address[name] = body[name]
        self.addresses.create_child(ctx, key, {**address, "type": "TYPE_DEFAULT"})
        return key

    def update(self, ctx: RequestContext, key: str, body: Mapping[str, Any]) -> None:
        """PUT: the required trio and every field sent; omitted optional fields keep their
        values (`put_semantics = merge`) or are cleared (`replace`)."""
        self._check_unique(ctx, email=None, number=body.get("customerNumber"), key=key)
        _check_references(body)
        values = {name: value for name, value in body.items() if name in self.table.columns}
        if "customerGroup" in body:
            values["customerGroupId"] = body["customerGroup"]
        if self.options.put_semantics == "replace":
            for name, prop in self.spec.properties.items():
                if name in body or prop.read_only or name not in self.table.columns:
                    continue
                if prop.nullable:
                    values[name] = None
                elif name in _UPDATABLE_DEFAULTS:
                    values[name] = _UPDATABLE_DEFAULTS[name]
            for name in ("contactPerson", "customerGroupId"):
                values.setdefault(name, None)
        if values.get("currencyCode") == "":
            values["currencyCode"] = _TENANT_CURRENCY
        if "vatId" in values:
            vat_id = values["vatId"]
            values["isVatIdValid"] = bool(vat_id and _EU_VAT_ID.fullmatch(str(vat_id)))
        if "companyName" in values:
            values["businessCustomer"] = bool(values["companyName"])
        self.table.update(ctx.conn, key, values)

    def delete(self, ctx: RequestContext, key: str) -> None:
        """Refused (422, every reason listed) while the customer has children, invoices, active
        subscriptions or booked payments; its addresses, emails and payment methods go with it."""
        row = self.row(ctx, key)
        refusals = [
            constraint("", (code, message))
            for column, code, message in _DELETE_BLOCKERS
            if row[column]
        ]
        if ctx.conn.execute('SELECT 1 FROM customer WHERE "parentId" = ?', [key]).fetchone():
            message = "The customer has child customers and cannot be deleted."
            refusals.append(constraint("", ("customer_has_children", message)))
        if refusals:
            raise Unprocessable(refusals)
        self.addresses.remove_all(ctx, key)
        self.emails.remove_all(ctx, key)
        self.payment_methods.remove_all(ctx, key)
        self.table.delete(ctx.conn, key)

    def _check_unique(
        self, ctx: RequestContext, *, email: str | None, number: Any, key: str | None
    ) -> None:
        refusals = []
        if email is not None and self.emails.login_taken(ctx, email, other_than=key):
            refusals.append(constraint("email", NOT_UNIQUE))
        if number is not None:
            other = ctx.conn.execute(
                'SELECT 1 FROM customer WHERE "customerNumber" = ? AND id IS NOT ?', [number, key]
            ).fetchone()
            if other:
                refusals.append(constraint("customerNumber", NOT_UNIQUE))
        if refusals:
            raise Unprocessable(refusals)

    def _next_number(self, ctx: RequestContext) -> str:
        """`CUSTOMER-001`, ...: the first free number after the customers so far."""
        count = int(ctx.conn.execute("SELECT COUNT(*) FROM customer").fetchone()[0])
        while True:
            number = f"CUSTOMER-{count:03d}"
            taken = ctx.conn.execute(
                'SELECT 1 FROM customer WHERE "customerNumber" = ?', [number]
            ).fetchone()
            if not taken:
                return number
            count += 1

    # -- actions ----------------------------------------------------------------------------
    def _archive(self, ctx: RequestContext, key: str, body: Mapping[str, Any]) -> Any:
        """Soft delete: `STATUS_ARCHIVED`; the customer stays readable and listed."""
        self.table.update(ctx.conn, key, {"status": "STATUS_ARCHIVED"})
        return self.get(ctx, key)

    def _set_parent(self, ctx: RequestContext, key: str, body: Mapping[str, Any]) -> Any:
        parent = str(body["parentCustomerId"])
        hierarchy.check_parent(ctx.conn, key, parent)
        self.table.update(ctx.conn, key, {"parentId": parent})
        return {"id": key}

    def _remove_parent(self, ctx: RequestContext, key: str, body: Mapping[str, Any]) -> Any:
        self.table.update(ctx.conn, key, {"parentId": None})
        return {"id": key}

    def _set_default_payment_method(
        self, ctx: RequestContext, key: str, body: Mapping[str, Any]
    ) -> Any:
        method = self.payment_methods.owned(ctx, key, str(body["paymentMethodId"]))
        if method is None:
            message = "Die Zahlungsmethode gehört nicht zu diesem Kunden."
            raise Unprocessable(
                [constraint("paymentMethodId", ("payment_method_not_found", message))]
            )
        self.table.update(ctx.conn, key, {"defaultPaymentMethodId": method["id"]})
        return method

    # -- custom reads -----------------------------------------------------------------------
    def _children(self, ctx: RequestContext, key: str) -> builtins.list[dict[str, Any]]:
        """The direct children."""
        sql = (
            'SELECT id, "customerNumber", "firstName", "lastName", "companyName", status,'
            ' "activeSubscriptionCount" FROM customer WHERE "parentId" = ?'
            ' ORDER BY "createdAt", rowid'
        )
        children = []
        for row in tuples(ctx.conn, sql, [key]):
            default = _first(self.emails.of(ctx, str(row[0])), default=True)
            children.append(
                {
                    "id": row[0],
                    "customerNumber": row[1],
                    "name": _display_name(row[2], row[3], row[4]),
                    "companyName": row[4],
                    "email": default["email"] if default else None,
                    "status": row[5],
                    "activeSubscriptionCount": row[6] or 0,
                }
            )
        return children

    def _hierarchy(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        """The whole tree from its root."""

        def describe(node: str) -> dict[str, Any]:
            row = self.row(ctx, node)
            name = _display_name(row["firstName"], row["lastName"], row["companyName"])
            return {"id": node, "name": name, "customerNumber": row["customerNumber"]}

        root = hierarchy.root_of(ctx.conn, key)
        return {"root": hierarchy.tree(ctx.conn, root, key, describe)}


def _first(items: list[dict[str, Any]], **wanted: Any) -> dict[str, Any] | None:
    """The first item whose fields have the wanted values."""
    return next((item for item in items if all(item.get(k) == v for k, v in wanted.items())), None)


def _display_name(first: str | None, last: str | None, company: str | None) -> str | None:
    """The company, else the person's name."""
    person = " ".join(part for part in (first, last) if part)
    return company or person or None


def _check_references(body: Mapping[str, Any]) -> None:
    """`contactPerson` and `customerGroup` name objects no emulator operation creates: any id
    sent is unknown (422 on the property); `null` (on PUT) clears the reference."""
    unknown = [
        constraint(name, (None, _UNKNOWN_REFERENCE))
        for name in ("contactPerson", "customerGroup")
        if body.get(name) is not None
    ]
    if unknown:
        raise Unprocessable(unknown)
