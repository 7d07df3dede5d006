"""Invoice totals and status: the computed fields, derived from lines, payments and the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.amounts import ZERO, cents, stored
from chargeover_emulator.resources.addresses import address_block
from chargeover_emulator.resources.catalogue import (
    CURRENCIES,
    DEFAULT_TERMS_ID,
    INVOICE_STATUSES,
    TERMS,
)

__all__ = ["computed_fields"]


def computed_fields(
    row: Mapping[str, Any],
    *,
    key: int,
    subtotal: Decimal,
    payments: Decimal,
    today: dt.date,
    base_url: str,
) -> dict[str, Any]:
    """Totals, balance, status, due date, terms, currency, URLs and address blocks of one invoice.

    `row` is the stored invoice, `subtotal` the sum of its lines and `payments` the sum applied
    to it. A void invoice is closed with balance 0; otherwise the balance and the due date
    (invoice date + terms days) decide between paid, overdue and unpaid.
    """
    terms_name, terms_days = TERMS.get(
        row.get("terms_id") or DEFAULT_TERMS_ID, TERMS[DEFAULT_TERMS_ID]
    )
    text = str(row.get("date") or today.isoformat())
    try:
        # `format: date` admits years 0000 and 9999, which Python's dates cannot hold with terms
        due = dt.date.fromisoformat(text[:10]) + dt.timedelta(days=terms_days)
    except (ValueError, OverflowError):
        raise BadRequest(
            f'Invalid date "{text[:40]}": the invoice date and its due date ({terms_days} days'
            " later) must fall between 0001-01-01 and 9999-12-31."
        ) from None
    # exact decimal arithmetic (protocol/amounts.py): no binary rounding in a total or balance
    total = cents(subtotal)
    paid = cents(payments)
    balance = max(total - paid, ZERO)
    days_overdue = max((today - due).days, 0) if balance > 0 else 0
    if row.get("is_void"):
        status, balance, days_overdue = "closed-void", ZERO, 0
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
        paid_date = today.isoformat()
    return {
        "subtotal": stored(total),
        "total": stored(total),
        "taxes": 0,
        "credits": 0,
        "writeoffs": 0,
        "payments": stored(paid),
        "applied": stored(paid),
        "balance": stored(balance),
        "sum_base": 0,
        "sum_usage": 0,
        "sum_onetime": stored(total),
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
        "url_permalink": f"{base_url}/r/trans/view/{token}",
        "url_pdflink": f"{base_url}/r/trans/pdf/{token}",
        "url_paylink": f"{base_url}/r/trans/pay/{token}",
        "url_self": f"{base_url}/admin/r/invoice/view/{key}",
        "bill_block": address_block(row, "bill"),
        "ship_block": address_block(row, "ship"),
    }
