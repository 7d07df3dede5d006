"""Statement sends (email, text message, letter): recorded as objects with 32-hex string ids,
never delivered. The emulator behaves as an account with Twilio and Lob connected."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.invoiced.objects import ObjectService, invalid

__all__ = ["LETTER_DELIVERY_DAYS", "StatementSends"]

#: a letter's expected delivery, after the send (the docs' example: 11 days)
LETTER_DELIVERY_DAYS = 11
_DDL = (
    "CREATE TABLE IF NOT EXISTS invoiced_statement_send (id TEXT PRIMARY KEY,"
    " customer_id INTEGER NOT NULL, channel TEXT NOT NULL, object TEXT NOT NULL,"
    " created_at INTEGER NOT NULL)"
)


class StatementSends:
    """Owner of the send log; reads the customer and its contacts through their services."""

    def __init__(self, customers: ObjectService, contacts: ObjectService) -> None:
        self._customers = customers
        self._contacts = contacts

    def ddl(self) -> list[str]:
        return [_DDL]

    def email(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> list[Any]:
        """One email per recipient: `to`, else the customer's address and its contacts'."""
        customer = self._customers.get(ctx, key)
        recipients = [entry["email"] for entry in body.get("to") or []]
        if not recipients:
            contacts = self._contacts.under(ctx, key)
            found = [customer.get("email"), *(contact.get("email") for contact in contacts)]
            recipients = list(dict.fromkeys(address for address in found if address))
        if not recipients:
            raise invalid("The customer has no email address to send the statement to", "to")
        subject = body.get("subject") or f"Statement from {customer['name']}"
        return [
            self._record(
                ctx,
                key,
                "email",
                {
                    "object": "email",
                    "state": "sent",
                    "reject_reason": None,
                    "email": address,
                    "template": "statement_email",
                    "subject": subject,
                    "message": body.get("message"),
                    "opens": 0,
                    "opens_detail": [],
                },
            )
            for address in recipients
        ]

    def text(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> list[Any]:
        """One text message per `to` entry (required by the spec)."""
        customer = self._customers.get(ctx, key)
        message = body.get("message") or (
            f"{customer['name']}: You have a new statement {customer['statement_pdf_url']}"
        )
        return [
            self._record(
                ctx,
                key,
                "text_message",
                {"message": message, "state": "sent", "to": to["phone"]},
            )
            for to in body.get("to") or []
        ]

    def letter(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> Any:
        """One letter to the billing address; a customer without one cannot be mailed."""
        customer = self._customers.get(ctx, key)
        if not customer.get("address1"):
            raise invalid(
                "The customer has no billing address to mail the statement to", "address1"
            )
        place = " ".join(
            part for part in (customer.get("state"), customer.get("postal_code")) if part
        )
        city = ", ".join(part for part in (customer.get("city"), place) if part)
        lines = [customer["name"], customer["address1"], customer.get("address2"), city]
        delivery = ctx.now + dt.timedelta(days=LETTER_DELIVERY_DAYS)
        return self._record(
            ctx,
            key,
            "letter",
            {
                "state": "queued",
                "to": "\n".join(line for line in lines if line),
                "num_pages": 1,
                "expected_delivery_date": int(delivery.timestamp()),
            },
        )

    def sent(self, ctx: RequestContext, key: int) -> list[dict[str, Any]]:
        """Every send recorded for one customer, oldest first (for tests and inspection)."""
        rows = ctx.conn.execute(
            "SELECT object FROM invoiced_statement_send WHERE customer_id = ? ORDER BY rowid",
            [key],
        ).fetchall()
        return [json.loads(row[0]) for row in rows]

    @staticmethod
    def _record(
        ctx: RequestContext, key: int, channel: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        now = int(ctx.now.timestamp())
        sent = {"id": f"{ctx.rng.getrandbits(128):032x}", **fields}
        sent.update(created_at=now, updated_at=now)
        ctx.conn.execute(
            "INSERT INTO invoiced_statement_send (id, customer_id, channel, object, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [sent["id"], key, channel, json.dumps(sent), now],
        )
        return sent
