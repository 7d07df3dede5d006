"""Numbers on the wire: the int64 range SQLite stores, and strict decimal text for query values.

Every integer the emulator binds must fit a signed 64-bit SQLite INTEGER; anything larger would
raise OverflowError at the bind. Text from the URL (path ids, `offset`, `where` values) is parsed
here with ASCII-only grammars, because Python's `int()`/`float()` also accept `1_000`, `nan`,
`inf` and non-ASCII digits, and `int()` refuses more than 4300 digits with a ValueError.
"""

from __future__ import annotations

import re

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "decimal_integer",
    "decimal_number",
    "fits_int64",
    "non_negative_integer",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_INT64_DIGITS = len(str(INT64_MAX))  # 19
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def fits_int64(value: int) -> bool:
    """Whether SQLite can store `value` as an INTEGER."""
    return INT64_MIN <= value <= INT64_MAX


def decimal_integer(text: str) -> int | float | None:
    """A decimal integer: an int within int64, else the same value as a float (maybe infinite).

    A float compares numerically in SQLite, so `customer_id:GT:<huge>` matches nothing and
    `customer_id:LT:<huge>` matches every row, instead of overflowing the bind. None when
    `text` is not a decimal integer.
    """
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        return None
    if len(text.lstrip("+-").lstrip("0")) <= _INT64_DIGITS:
        value = int(text)
        if fits_int64(value):
            return value
    return float(text)  # never raises: a too-large magnitude becomes +/-inf


def decimal_number(text: str) -> float | None:
    """A decimal number (`12`, `-1.5`, `2e3`); None for anything else, `nan` and `inf` included."""
    text = text.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def non_negative_integer(text: str) -> int | None:
    """ASCII digits only, capped at INT64_MAX (an offset past every row is still past the end)."""
    if not (text.isascii() and text.isdigit()):
        return None
    if len(text.lstrip("0")) > _INT64_DIGITS:
        return INT64_MAX
    return min(int(text), INT64_MAX)
