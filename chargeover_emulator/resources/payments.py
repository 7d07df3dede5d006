"""A fake payment gateway for the invoice `pay` action: card and ACH checks, no money moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import non_negative_integer

__all__ = ["DECLINED_CARD", "charge", "require_method"]

# A card number the gateway always declines, for tests of the failure path.
DECLINED_CARD = "4000000000000002"


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() also accepts '²' and '٤', which int() refuses or misreads."""
    return non_negative_integer(text) is not None


def _luhn_ok(number: str) -> bool:
    """Card number checksum."""
    digits = [int(d) for d in number][::-1]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return total % 10 == 0


def require_method(body: Mapping[str, Any]) -> None:
    """400 unless the body names something to pay with (the customer balance, or a number)."""
    if not body.get("use_customer_balance") and not _number(body):
        raise BadRequest(
            "A required parameter was missing: use_customer_balance, or card/ACH number."
        )


def _number(body: Mapping[str, Any]) -> str:
    """The card or account number sent, spaces removed ('' when none)."""
    return str(body.get("number") or "").replace(" ", "")


def charge(body: Mapping[str, Any], today: dt.date) -> str | None:
    """Return the pay method code used, None when nothing could be applied, or raise 400."""
    require_method(body)
    if body.get("use_customer_balance"):
        # The emulator keeps no credits or overpayments, so no open customer balance exists.
        return None
    number = _number(body)
    if not _ascii_digits(number):
        raise BadRequest("This transaction could not be processed: Invalid account number.")
    if body.get("routing") is not None:
        routing = str(body["routing"])
        if not (_ascii_digits(routing) and len(routing) == 9):
            raise BadRequest("This transaction could not be processed: Invalid routing number.")
        # `type` was validated against the spec's AchType enum already.
        return "ach"
    if not _luhn_ok(number):
        raise BadRequest("This transaction could not be processed: Invalid card number.")
    try:
        year, month = int(body.get("expdate_year") or 0), int(body.get("expdate_month") or 0)
    except (TypeError, ValueError):
        raise BadRequest(
            "This transaction could not be processed: Invalid expiration date."
        ) from None
    if year < 100:
        year += 2000
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
        raise BadRequest("This transaction could not be processed: Your card has expired.")
    if number == DECLINED_CARD:
        raise BadRequest("This transaction could not be processed: Your card was declined.")
    return "crd"
