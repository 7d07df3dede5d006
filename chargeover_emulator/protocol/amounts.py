"""Exact amounts: money (and the quantities it is multiplied by) computed as Decimal.

The specs mark these fields `format: decimal`. Arithmetic on them (line totals, invoice and
customer totals, balances) runs on the decimal text of each value, never on binary floats, so
`0.1 + 0.2` is `0.3` (not 0.30000000000000004) and a line of 1.005 rounds to 1.01 (the double
nearest 1.005 lies below it, so binary rounding gives 1.0). Cents round half up (commercial
rounding; ChargeOver's own rule is UNCONFIRMED, spec/NOTES.md).

Storage keeps SQLite's REAL columns: a double holds every decimal of up to 15 significant
digits exactly in the sense that matters here (its shortest repr is that decimal, which is what
the JSON encoder writes), so an amount of up to 13 digits before the cents is read back with
the digits it was sent with. `stored` turns a computed Decimal into that double.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chargeover_emulator.protocol.numbers import fits_int64

__all__ = ["CENT", "ZERO", "cents", "exact", "stored", "total"]

ZERO = Decimal(0)
CENT = Decimal("0.01")


def exact(value: object) -> Decimal:
    """A stored or sent number as the decimal it was written as (None: zero)."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # the shortest repr is the decimal the double was parsed from (up to 15 digits)
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"not an amount: {value!r}")


def cents(value: Decimal) -> Decimal:
    """Rounded to cents, half up. An amount too large for cents in the decimal context (28
    digits; far beyond what a stored double carries) is returned as it is: `stored` and the
    table then refuse one that overflows a double."""
    try:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value


def total(values: Iterable[object]) -> Decimal:
    """The exact sum of stored or sent numbers."""
    return sum((exact(value) for value in values), ZERO)


def stored(value: Decimal) -> int | float:
    """A computed amount as the column stores it and the response writes it: a whole amount as
    an integer (`"total": 99`, as real responses send it), else the double whose repr is it
    (infinite when it overflows, which the table refuses with the amount's 400)."""
    if value == value.to_integral_value() and fits_int64(int(value)):
        return int(value)
    return float(value)
