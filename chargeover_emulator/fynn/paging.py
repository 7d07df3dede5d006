"""Fynn's list paging: `page` (from 1) and `limit` (0 to 100, default 30), answered as
`{data, meta: {pagination: {totalItems, itemsPerPage, currentPage, lastPage, pageTotalItems}}}`.

API Platform's rules where Fynn's sources are silent (spec/fynn/NOTES.md): `limit=0` is a page of
no items with the totals (only page 1), past the last page is an empty page, above 100 is 100
(the engine's `limit_overflow` setting: clamp, or 400 under `reject`), and an empty `page=` /
`limit=` follows the `empty_paging_values` option.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import INT64_MAX

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "PageRequest", "collection"]

DEFAULT_LIMIT = 30
MAX_LIMIT = 100


def _last(value: Any) -> Any:
    """A repeated query key counts with its last value (as PHP reads `a=1&a=2`)."""
    return value[-1] if isinstance(value, list) else value


@dataclasses.dataclass(frozen=True)
class PageRequest:
    """Page `page` of `limit` items."""

    page: int
    limit: int

    @classmethod
    def read(cls, query: Mapping[str, Any], *, empty_values: str) -> PageRequest:
        """The page a (validated) query asks for."""
        raw_page = str(_last(query.get("page", "1"))).strip()
        raw_limit = str(_last(query.get("limit", str(DEFAULT_LIMIT)))).strip()
        if raw_page == "":
            if empty_values == "api-platform":  # an empty value casts to 0
                raise BadRequest("Page should not be less than 1")
            raw_page = "1"
        if raw_limit == "":
            raw_limit = "0" if empty_values == "api-platform" else str(DEFAULT_LIMIT)
        page, limit = int(raw_page), min(int(raw_limit), MAX_LIMIT)
        if limit == 0 and page > 1:
            raise BadRequest("Page should not be greater than 1 if limit is equal to 0")
        return cls(min(page, INT64_MAX), limit)

    @property
    def offset(self) -> int:
        """Items before this page."""
        return (self.page - 1) * self.limit


def collection(items: list[Any], request: PageRequest, total: int) -> dict[str, Any]:
    """The list envelope for one page of `total` items."""
    last = max(1, math.ceil(total / request.limit)) if request.limit else 1
    pagination = {
        "totalItems": total,
        "itemsPerPage": request.limit,
        "currentPage": request.page,
        "lastPage": last,
        "pageTotalItems": len(items),
    }
    return {"data": items, "meta": {"pagination": pagination}}
