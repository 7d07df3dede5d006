# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""Iterate over every item of a list operation, one offset/limit page (at most 500) at a time.

Works with any generated list function's `sync_detailed` / `asyncio_detailed`:

    wisconsin = Where().equals("bill_state", "WI")
    for customer in paginate(list_customers.sync_detailed, client=client, where=wisconsin):
        ...
    by_id = Order().asc("invoice_id")
    async for invoice in apaginate(list_invoices.asyncio_detailed, client=client, order=by_id):
        ...

Pass an `order` on a unique field when the data may change while you page: offset paging over
an unordered, changing list can skip or repeat items.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from .envelope import DetailedResponse, Envelope, unwrap
from .query import Order, Where

T = TypeVar("T")

# "You will not be able to retrieve more than 500 records at one time" (fact sheet §6.3).
MAX_PAGE_SIZE = 500

# The error envelopes' `response` is false or null; listing it lets mypy infer T as the item type.
ListResponse = DetailedResponse[Envelope[Sequence[T] | bool | None]]


def _params(where: Where | str | None, order: Order | str | None, extra: dict[str, Any]) -> dict[str, Any]:
    params = dict(extra)
    # An empty builder means "no filter", which the API spells as an absent parameter.
    if where:
        params["where"] = str(where)
    if order:
        params["order"] = str(order)
    return params


def _check(page_size: int, offset: int) -> None:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")


def _items(page: object) -> Sequence[Any]:
    # A tolerant reader would not mistake a null `response` for "no more pages" silently.
    if page is None:
        return ()
    if not isinstance(page, Sequence) or isinstance(page, (str, bytes)):
        raise TypeError(f"a list operation returned {type(page).__name__}, not a list; is this a list function?")
    return page


def paginate(
    list_function: Callable[..., ListResponse[T]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    **params: Any,
) -> Iterator[T]:
    """Yield every item, page by page until a short page; errors raise ChargeOverError."""
    _check(page_size, offset)
    query = _params(where, order, params)
    while True:
        page = _items(unwrap(list_function(client=client, offset=offset, limit=page_size, **query)))
        yield from page
        if len(page) < page_size:
            return
        offset += len(page)


async def apaginate(
    list_function: Callable[..., Awaitable[ListResponse[T]]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    **params: Any,
) -> AsyncIterator[T]:
    """The async twin of paginate, for `asyncio_detailed` functions."""
    _check(page_size, offset)
    query = _params(where, order, params)
    while True:
        page = _items(unwrap(await list_function(client=client, offset=offset, limit=page_size, **query)))
        for item in page:
            yield item
        if len(page) < page_size:
            return
        offset += len(page)
