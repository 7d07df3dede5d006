"""Iterate over every item of a list operation by following its `Link: <...>; rel="next"` headers.

Works with any generated list function's `sync_detailed` / `asyncio_detailed`:

    customers = paginate(list_customers.sync_detailed, client=client, sort="name asc")
    for customer in customers:
        ...
    customers.total          # X-Total-Count: items over all pages (None before the first page)
    async for invoice in apaginate(list_customers.asyncio_detailed, client=client):
        ...

The first page comes from the list function with your parameters (`filter_`, `metadata`, `sort`,
...); every next page is exactly the URL the API put in `rel="next"`, fetched with the same client
(auth, retries, timeouts) and parsed by the same generated parser. Pages are fetched strictly one
after the other, the next only once the current one is consumed, because the Invoiced docs require
the pages of one listing to be fetched sequentially. A next link to another origin (scheme, host,
port) than the client's is refused: the client's credentials would go with it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx

from ..models.error import Error
from .response import unwrap
from .responses import DetailedResponse
from .root import InvoicedError

T = TypeVar("T")

# The page size maximum (and default): spec/invoiced/openapi.yaml, parameter PerPage.
MAX_PER_PAGE = 100

ListResponse = DetailedResponse[Sequence[T] | Error]

_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""")


def next_link(link_header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header (RFC 8288), or None on the last page."""
    for url, params in _LINK.findall(link_header or ""):
        for quoted, bare in _REL.findall(params):
            if "next" in (quoted or bare).lower().split():
                return str(url)
    return None


def total_count(value: str | None) -> int | None:
    """An X-Total-Count header as an int, None when absent or not a number."""
    return int(value) if value is not None and value.strip().isdigit() else None


def _header(response: DetailedResponse[Any], name: str) -> str | None:
    # Case-insensitive; httpx joins repeated headers (several Link lines) with ", ".
    headers: Mapping[str, str] = getattr(response, "headers", {})
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _items(page: object) -> Sequence[Any]:
    if page is None:
        return ()
    if not isinstance(page, Sequence) or isinstance(page, (str, bytes)):
        raise TypeError(
            f"a list operation returned {type(page).__name__}, not a list; is this a list function?"
        )
    return page


def _parser(list_function: Callable[..., Any]) -> Callable[..., DetailedResponse[Any]]:
    # The generated module's own parser, so that a followed page decodes like the first one.
    module = sys.modules[list_function.__module__]
    parse: Callable[..., DetailedResponse[Any]] = module._build_response
    return parse


def _checked(url: str, base: httpx.URL) -> httpx.URL:
    target = base.join(url)
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        raise InvoicedError(
            f"refusing to follow a Link to {target.scheme}://{target.host}: it is not the "
            f"client's origin {base.scheme}://{base.host}"
        )
    return target


def _check_page_size(per_page: int) -> None:
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")


class Pages(Generic[T]):
    """Every item of a listing, page after page; `total` is X-Total-Count once a page arrived."""

    def __init__(
        self, list_function: Callable[..., ListResponse[T]], client: Any, params: dict[str, Any]
    ) -> None:
        self._list = list_function
        self._client = client
        self._params = params
        self.total: int | None = None

    def __iter__(self) -> Iterator[T]:
        response: DetailedResponse[Any] = self._list(client=self._client, **self._params)
        http = self._client.get_httpx_client()
        while True:
            page = _items(unwrap(response))
            self.total = total_count(_header(response, "x-total-count"))
            yield from page
            url = next_link(_header(response, "link"))
            if url is None:
                return
            followed = http.get(_checked(url, http.base_url))
            response = _parser(self._list)(client=self._client, response=followed)


class AsyncPages(Generic[T]):
    """The asyncio twin of Pages."""

    def __init__(
        self,
        list_function: Callable[..., Awaitable[ListResponse[T]]],
        client: Any,
        params: dict[str, Any],
    ) -> None:
        self._list = list_function
        self._client = client
        self._params = params
        self.total: int | None = None

    async def _walk(self) -> AsyncIterator[T]:
        response: DetailedResponse[Any] = await self._list(client=self._client, **self._params)
        http = self._client.get_async_httpx_client()
        while True:
            page = _items(unwrap(response))
            self.total = total_count(_header(response, "x-total-count"))
            for item in page:
                yield item
            url = next_link(_header(response, "link"))
            if url is None:
                return
            followed = await http.get(_checked(url, http.base_url))
            response = _parser(self._list)(client=self._client, response=followed)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._walk()


def paginate(
    list_function: Callable[..., ListResponse[T]],
    *,
    client: Any,
    per_page: int = MAX_PER_PAGE,
    **params: Any,
) -> Pages[T]:
    """Every item of the listing; errors raise InvoicedError subclasses as pages arrive."""
    _check_page_size(per_page)
    return Pages(list_function, client, {**params, "per_page": per_page})


def apaginate(
    list_function: Callable[..., Awaitable[ListResponse[T]]],
    *,
    client: Any,
    per_page: int = MAX_PER_PAGE,
    **params: Any,
) -> AsyncPages[T]:
    """The async twin of paginate, for `asyncio_detailed` functions (`async for`)."""
    _check_page_size(per_page)
    return AsyncPages(list_function, client, {**params, "per_page": per_page})
