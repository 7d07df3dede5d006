"""`limit`/`offset` paging: default 10 records, never more than 500 in one response."""

from __future__ import annotations

import dataclasses
from typing import Literal

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import non_negative_integer

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Page", "parse_page"]

DEFAULT_LIMIT = 10
MAX_LIMIT = 500


@dataclasses.dataclass(frozen=True)
class Page:
    """A validated window into a result set."""

    limit: int
    offset: int


def _non_negative(name: str, raw: str | None) -> int | None:
    """Parse an optional non-negative integer query parameter (capped at int64's maximum)."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    value = non_negative_integer(text)
    if value is None:
        if text.startswith("-") and non_negative_integer(text[1:]) is not None:
            raise BadRequest(f'Invalid {name} "{raw[:40]}": must not be negative.')
        raise BadRequest(f'Invalid {name} "{raw[:40]}": must be a whole number.')
    return value


def parse_page(
    limit: str | None,
    offset: str | None,
    *,
    overflow: Literal["clamp", "reject"] = "clamp",
    default_limit: int = DEFAULT_LIMIT,
    max_limit: int = MAX_LIMIT,
) -> Page:
    """Validate paging parameters; `limit=0` means the default because the PHP SDK sends it."""
    parsed_limit = _non_negative("limit", limit)
    parsed_offset = _non_negative("offset", offset) or 0
    if parsed_limit is None or parsed_limit == 0:
        parsed_limit = default_limit
    if parsed_limit > max_limit:
        if overflow == "reject":
            shown = str(limit).strip()[:40]
            raise BadRequest(f"Invalid limit {shown}: at most {max_limit} records per request.")
        parsed_limit = max_limit
    return Page(parsed_limit, parsed_offset)
