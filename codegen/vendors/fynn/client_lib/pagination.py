"""Iterate over every item of a collection operation, one `page`/`limit` page at a time.

Works with any generated collection function's `sync_detailed` / `asyncio_detailed` (those whose
payload is `{data, meta: {pagination}}`):

    customers = paginate(list_customers.sync_detailed, client=client, search="Acme")
    for customer in customers:
        ...
    customers.total          # meta.pagination.totalItems (None before the first page)

It stops after the page numbered `meta.pagination.lastPage`, without asking for the empty page
past it, and stops early on an empty page (a collection that shrank while being read).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar, cast

from ..models.error import Error
from .response import unwrap
from .responses import DetailedResponse

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# The page size maximum: spec/fynn/openapi.yaml, parameter Limit (above it Fynn sends 100 anyway).
MAX_LIMIT = 100


class _Pagination(Protocol):
    @property
    def total_items(self) -> int: ...

    @property
    def current_page(self) -> int: ...

    @property
    def last_page(self) -> int: ...


class _Meta(Protocol):
    @property
    def pagination(self) -> _Pagination: ...


class Collection(Protocol[T_co]):
    """Any generated collection model: `data` is the page, `meta.pagination` the paging state."""

    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def meta(self) -> _Meta: ...


CollectionResponse = DetailedResponse[Collection[T] | Error]


def _check(limit: int, page: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if page < 1:
        raise ValueError(f"page must be >= 1, got {page}")


def _collection(payload: object) -> Collection[Any]:
    if not (hasattr(payload, "data") and hasattr(payload, "meta")):
        raise TypeError(
            f"a collection operation returned {type(payload).__name__}, not a collection; "
            "is this a collection function?"
        )
    return cast(Collection[Any], payload)


def _is_last(collection: Collection[Any]) -> bool:
    pagination = collection.meta.pagination
    return not collection.data or pagination.current_page >= pagination.last_page


class Pages(Generic[T]):
    """Every item of a collection, page after page; `total` is totalItems once a page arrived."""

    def __init__(
        self,
        list_function: Callable[..., CollectionResponse[T]],
        client: Any,
        page: int,
        params: dict[str, Any],
    ) -> None:
        self._list = list_function
        self._client = client
        self._page = page
        self._params = params
        self.total: int | None = None

    def __iter__(self) -> Iterator[T]:
        page = self._page
        while True:
            collection = _collection(
                unwrap(self._list(client=self._client, page=page, **self._params))
            )
            self.total = collection.meta.pagination.total_items
            yield from collection.data
            if _is_last(collection):
                return
            page = collection.meta.pagination.current_page + 1


class AsyncPages(Generic[T]):
    """The asyncio twin of Pages."""

    def __init__(
        self,
        list_function: Callable[..., Awaitable[CollectionResponse[T]]],
        client: Any,
        page: int,
        params: dict[str, Any],
    ) -> None:
        self._list = list_function
        self._client = client
        self._page = page
        self._params = params
        self.total: int | None = None

    async def _walk(self) -> AsyncIterator[T]:
        page = self._page
        while True:
            response = await self._list(client=self._client, page=page, **self._params)
            collection = _collection(unwrap(response))
            self.total = collection.meta.pagination.total_items
            for item in collection.data:
                yield item
            if _is_last(collection):
                return
            page = collection.meta.pagination.current_page + 1

    def __aiter__(self) -> AsyncIterator[T]:
        return self._walk()


def paginate(
    list_function: Callable[..., CollectionResponse[T]],
    *,
    client: Any,
    limit: int = MAX_LIMIT,
    page: int = 1,
    **params: Any,
) -> Pages[T]:
    """Every item from page `page` to the last; errors raise FynnError subclasses."""
    _check(limit, page)
    return Pages(list_function, client, page, {**params, "limit": limit})


def apaginate(
    list_function: Callable[..., Awaitable[CollectionResponse[T]]],
    *,
    client: Any,
    limit: int = MAX_LIMIT,
    page: int = 1,
    **params: Any,
) -> AsyncPages[T]:
    """The async twin of paginate, for `asyncio_detailed` functions (`async for`)."""
    _check(limit, page)
    return AsyncPages(list_function, client, page, {**params, "limit": limit})
