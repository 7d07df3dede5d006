"""The `page`/`per_page` paging family with `Link` and `X-Total-Count` response headers.

Used by vendors that page by page number and say where the other pages are in headers
(Invoiced; the toy dialect in tests): `Link: <...?page=1&per_page=10>; rel="first", ...`
(RFC 8288), with `next`/`prev` (or the vendor's `previous`) present exactly when such a page
exists, and `X-Total-Count` the number of records over all pages.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from chargeover_emulator.protocol.numbers import INT64_MAX

__all__ = ["PageWindow", "link_headers", "page_window"]


@dataclasses.dataclass(frozen=True)
class PageWindow:
    """Page `page` (from 1) of `per_page` records."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Records before this page, at most what SQLite's int64 holds: a page past every row
        is an empty page, and its links still name the page that was asked for."""
        return min((self.page - 1) * self.per_page, INT64_MAX)


def page_window(
    query: Mapping[str, Any], *, default_per_page: int, max_per_page: int
) -> PageWindow:
    """The page a (validated) query asks for; `per_page` above the maximum is the maximum."""
    per_page = min(max(int(query.get("per_page") or default_per_page), 1), max_per_page)
    return PageWindow(max(int(query.get("page") or 1), 1), per_page)


def link_headers(
    url: str,
    query: Mapping[str, Any],
    window: PageWindow,
    total: int,
    *,
    previous: str = "prev",
) -> dict[str, str]:
    """`Link` (first, prev, next, last, self) and `X-Total-Count` for one page of `total`;
    `previous` names the previous page's relation (RFC 8288's `prev`, or a vendor's `previous`)."""
    last = max(1, math.ceil(total / window.per_page))
    others = {name: value for name, value in query.items() if name not in {"page", "per_page"}}

    def link(page: int, rel: str) -> str:
        paging = {"page": page, "per_page": window.per_page}
        params = urlencode([*_pairs(others), *paging.items()])
        return f'<{url}?{params}>; rel="{rel}"'

    links = [link(1, "first")]
    if window.page > 1:
        links.append(link(min(window.page - 1, last), previous))
    if window.page < last:
        links.append(link(window.page + 1, "next"))
    links += [link(last, "last"), link(window.page, "self")]
    return {"Link": ", ".join(links), "X-Total-Count": str(total)}


def _pairs(query: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The query as sent: repeated parameters repeated, a `deepObject` parameter (`filter`,
    read into an object) as `filter[key]=value` again, booleans as `true`/`false`."""
    pairs: list[tuple[str, Any]] = []
    for name, value in query.items():
        if isinstance(value, dict):
            pairs += [(f"{name}[{key}]", _text(member)) for key, member in value.items()]
        elif isinstance(value, list):
            pairs += [(name, _text(member)) for member in value]
        else:
            pairs.append((name, _text(value)))
    return pairs


def _text(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value
