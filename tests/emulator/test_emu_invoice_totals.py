"""The invoice totals/status computation on its own: a pure function of row, sums and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest

from chargeover_emulator.resources.invoice_totals import computed_fields

TODAY = dt.date(2025, 3, 14)


def fields(row: Mapping[str, object], subtotal: float, payments: float = 0.0) -> dict[str, object]:
    return computed_fields(
        row,
        key=7,
        subtotal=Decimal(repr(subtotal)),
        payments=Decimal(repr(payments)),
        today=TODAY,
        base_url="http://h",
    )


@pytest.mark.parametrize(
    ("row", "payments", "status", "balance", "days_overdue"),
    [
        ({"date": "2025-03-01"}, 0.0, "open-unpaid", 59.9, 0),  # Net 30: due 2025-03-31
        ({"date": "2025-01-01"}, 0.0, "open-overdue", 59.9, 42),  # due 2025-01-31
        ({"date": "2025-01-01", "terms_id": 3}, 59.9, "closed-paid", 0.0, 0),
        ({"date": "2025-01-01", "is_void": 1}, 0.0, "closed-void", 0.0, 0),
        ({"date": "2025-03-01"}, 100.0, "closed-paid", 0.0, 0),  # overpaid: never negative
    ],
)
def test_status_and_balance(
    row: dict[str, object], payments: float, status: str, balance: float, days_overdue: int
) -> None:
    out = fields(row, 59.9, payments)
    assert (out["invoice_status_str"], out["balance"], out["days_overdue"]) == (
        status,
        balance,
        days_overdue,
    )
    assert out["is_overdue"] == (status == "open-overdue")
    assert out["is_paid"] == status.startswith("closed")


def test_paid_date_kept_once_set_and_cleared_when_reopened() -> None:
    assert fields({"date": "2025-03-01"}, 10.0, 10.0)["paid_date"] == "2025-03-14"
    kept = {"date": "2025-03-01", "paid_date": "2025-03-02"}
    assert fields(kept, 10.0, 10.0)["paid_date"] == "2025-03-02"
    assert fields(kept, 10.0, 0.0)["paid_date"] is None


def test_terms_currency_and_urls() -> None:
    out = fields({"date": "2025-03-01", "terms_id": 2, "currency_id": 2, "token": "abc"}, 1.0)
    assert (out["terms_name"], out["terms_days"], out["due_date"]) == ("Net 15", 15, "2025-03-16")
    assert (out["currency_iso4217"], out["currency_symbol"]) == ("CAD", "CAD$")
    assert out["url_paylink"] == "http://h/r/trans/pay/abc"
    assert out["url_self"] == "http://h/admin/r/invoice/view/7"


@pytest.mark.parametrize(
    ("subtotal", "payments", "balance"),
    [
        # binary floats: 0.3 - 0.1 = 0.19999999999999998, rounded to cents 0.2 by luck only
        (Decimal("0.30"), Decimal("0.10"), 0.2),
        # 1.005 is 1.00499999999999989... as a double: round(1.005, 2) gives 1.0; half up 1.01
        (Decimal("1.005"), Decimal(0), 1.01),
        (Decimal("9999999999999.99"), Decimal("0.01"), 9999999999999.98),
        (Decimal("100.00"), Decimal(0), 100),  # a whole amount is written as an integer
    ],
)
def test_totals_are_exact_decimal_arithmetic(
    subtotal: Decimal, payments: Decimal, balance: float
) -> None:
    """Issue 19: money is computed on its decimal digits (protocol/amounts.py), cents half up."""
    out = computed_fields(
        {"date": "2025-03-01"},
        key=7,
        subtotal=subtotal,
        payments=payments,
        today=TODAY,
        base_url="http://h",
    )
    assert out["balance"] == balance and repr(out["balance"]) == repr(balance)
