"""Invoiced's customers: a generated unique `number`, the statement PDF URL, lower-case
currencies, the list flags `payment_source` and `open_balance`, the balance, and the contacts
that go with a deleted customer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.invoiced.objects import ObjectService, flag

__all__ = ["NUMBER_FORMAT", "CustomerService"]

#: generated customer numbers (the docs' example is `CUST-0001`), from the new id upwards
NUMBER_FORMAT = "CUST-{:04d}"


class CustomerService(ObjectService):
    """Customers; the contact service is given so that a delete takes the contacts along."""

    children: ObjectService | None = None

    def initial(self, ctx: RequestContext) -> dict[str, Any]:
        return {"statement_pdf_url": f"{ctx.base_url}/statements/{ctx.token(24)}/pdf"}

    def created(self, ctx: RequestContext, key: int, values: Mapping[str, Any]) -> None:
        """A customer created without a `number` gets the first free `CUST-nnnn` from its id."""
        if values.get("number") is not None:
            return
        candidate = key
        while self.table.find_key(ctx.conn, "number", NUMBER_FORMAT.format(candidate)):
            candidate += 1
        self.table.update(ctx.conn, key, {"number": NUMBER_FORMAT.format(candidate)})

    def normalised(self, field: str, value: Any) -> Any:
        """Currencies are stored (and sent) in lower case, as every docs example shows them."""
        return value.lower() if field == "currency" and isinstance(value, str) else value

    def extra_filters(self, query: Mapping[str, Any]) -> tuple[Sequence[str], Sequence[Any]]:
        clauses = []
        with_source = flag(query.get("payment_source"))
        if with_source is not None:
            clauses.append(f'"payment_source" IS {"NOT " if with_source else ""}NULL')
        if flag(query.get("open_balance")):
            clauses.append("0 = 1")  # no invoices are emulated: no customer owes anything
        return clauses, []

    def delete(self, ctx: RequestContext, key: Any) -> None:
        if self.children is not None:
            self.children.delete_under(ctx, key)
        super().delete(ctx, key)

    def balance(self, ctx: RequestContext, key: int, currency: str | None) -> dict[str, Any]:
        """The balance from the emulator's own data: no invoices or credits, so all zero."""
        row = self.table.get(ctx.conn, key) or {}
        shown = (currency or row.get("currency") or "usd").lower()
        return {
            "available_credits": 0,
            "currency": shown,
            "due_now": 0,
            "history": [],
            "past_due": False,
            "total_outstanding": 0,
        }
