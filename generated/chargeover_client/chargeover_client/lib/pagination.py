# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""Iterate over every item of a list operation, one page (at most 500 items) at a time.

Works with any generated list function's `sync_detailed` / `asyncio_detailed`:

    wisconsin = Where().equals("bill_state", "WI")
    for customer in paginate(list_customers.sync_detailed, client=client, where=wisconsin):
        ...
    async for invoice in apaginate(list_invoices.asyncio_detailed, client=client):
        ...

Keyset pagination by default: each page after the first asks for the items whose primary key is
greater than the last one seen (`where=<key>:GT:<last>`, ANDed with your own `where`, and
`order=<key>:ASC`). A walk therefore neither skips nor repeats an item when others are created or
deleted meanwhile, and every page costs the server the same however deep the walk is. The primary
key of each list operation comes from the spec (`list_keys.py`, generated).

Offset paging (`offset += limit`) is used instead when keyset cannot serve: an explicit `order`
other than `<key>:ASC`, a list function whose key the spec does not give, or `keyset=False`.
Offset paging over a changing list can skip or repeat items.

`structs=True` (needs `pip install msgspec`; the client does not depend on it otherwise) yields
msgspec Structs from `chargeover_client.structs` instead of the attrs models: generated from the
same spec's schemas, decoded straight from the page's bytes, several times faster than
`json.loads` plus the models' `from_dict`. Error responses raise the same ChargeOverError.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar, overload

import httpx

from ..list_keys import LIST_ENVELOPES, LIST_KEYS
from .envelope import DetailedResponse, Envelope, unwrap
from .query import Order, Where, escape

T = TypeVar("T")

# "You will not be able to retrieve more than 500 records at one time" (fact sheet §6.3).
MAX_PAGE_SIZE = 500

# The error envelopes' `response` is false or null; listing it lets mypy infer T as the item type.
ListResponse = DetailedResponse[Envelope[Sequence[T] | bool | None]]


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


def keyset_key(list_function: Callable[..., object], order: Order | str | None) -> str | None:
    """The primary key a keyset walk of this list function goes by, or None for offset paging."""
    # A generated function lives in api/<tag>/<operation>.py; LIST_KEYS is keyed by <operation>.
    key = LIST_KEYS.get(getattr(list_function, "__module__", "").rpartition(".")[2])
    if key is None or (order and str(order) != f"{key}:ASC"):
        return None
    return key


@functools.cache
def _decoder(envelope: str) -> Any:
    # Imported here: msgspec is needed by structs=True only, not by the client.
    import msgspec

    from .. import structs

    return msgspec.json.Decoder(getattr(structs, envelope))


def _struct_endpoint(list_function: Callable[..., object]) -> tuple[Any, Any]:
    """The generated module of a list function and the msgspec decoder of its envelope."""
    module_name = getattr(list_function, "__module__", "")
    envelope = LIST_ENVELOPES.get(module_name.rpartition(".")[2])
    if envelope is None:
        raise ValueError(f"structs=True: {module_name or list_function!r} is not a list operation")
    return sys.modules[module_name], _decoder(envelope)


def _struct_page(module: Any, decoder: Any, client: Any, response: httpx.Response) -> Any:
    """The page's items as Structs; anything but a 200 `OK` goes the generated models' way."""
    if response.status_code == 200:
        envelope = decoder.decode(response.content)
        if envelope.status == "OK":
            return envelope.response
    # The generated parser and unwrap build (and raise) the same error as structs=False.
    return unwrap(module._build_response(client=client, response=response))


class _Pages:
    """The query of each page and when to stop; shared by paginate and apaginate."""

    def __init__(
        self,
        key: str | None,
        where: Where | str | None,
        order: Order | str | None,
        page_size: int,
        offset: int,
        extra: dict[str, Any],
    ) -> None:
        self.key = key
        # An empty builder means "no filter", which the API spells as an absent parameter.
        self.where = str(where) if where else ""
        self.order = f"{key}:ASC" if key else (str(order) if order else "")
        self.page_size = page_size
        self.offset = offset
        self.extra = extra
        self.last: str | None = None

    def query(self) -> dict[str, Any]:
        query = dict(self.extra, offset=self.offset, limit=self.page_size)
        where = self.where
        if self.last is not None:
            after = f"{self.key}:GT:{self.last}"
            where = f"{where},{after}" if where else after
        if where:
            query["where"] = where
        if self.order:
            query["order"] = self.order
        return query

    def advance(self, page: Sequence[Any]) -> bool:
        """Move past `page`; False when it was the last one (a short page)."""
        if len(page) < self.page_size:
            return False
        if self.key is None:
            self.offset += len(page)
            return True
        # The caller's offset applies to the first page only: later pages start after its end.
        self.offset = 0
        self.last = escape(str(self._key_of(page[-1])))
        return True

    def _key_of(self, item: Any) -> int | str:
        key = str(self.key)
        value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
        # An id is an integer, or a numeric string in legacy responses; anything else (missing:
        # the models' Unset, msgspec's UNSET, None) cannot continue the walk.
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            raise TypeError(
                f"a listed item has no {self.key}, so the walk cannot go on by key; pass keyset=False to page by offset"
            )
        return value


# structs=True yields chargeover_client.structs classes, not the models T: typed as Any.
@overload
def paginate(
    list_function: Callable[..., ListResponse[T]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: Literal[False] = False,
    **params: Any,
) -> Iterator[T]: ...
@overload
def paginate(
    list_function: Callable[..., ListResponse[Any]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: Literal[True],
    **params: Any,
) -> Iterator[Any]: ...
def paginate(
    list_function: Callable[..., ListResponse[T]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: bool = False,
    **params: Any,
) -> Iterator[T]:
    """Yield every item, page by page until a short page; errors raise ChargeOverError."""
    _check(page_size, offset)
    key = keyset_key(list_function, order) if keyset else None
    pages = _Pages(key, where, order, page_size, offset, params)
    typed = _struct_endpoint(list_function) if structs else None
    while True:
        if typed is None:
            payload = unwrap(list_function(client=client, **pages.query()))
        else:
            module, decoder = typed
            request = module._get_kwargs(**pages.query())
            response = client.get_httpx_client().request(**request)
            payload = _struct_page(module, decoder, client, response)
        page = _items(payload)
        yield from page
        if not pages.advance(page):
            return


@overload
def apaginate(
    list_function: Callable[..., Awaitable[ListResponse[T]]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: Literal[False] = False,
    **params: Any,
) -> AsyncIterator[T]: ...
@overload
def apaginate(
    list_function: Callable[..., Awaitable[ListResponse[Any]]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: Literal[True],
    **params: Any,
) -> AsyncIterator[Any]: ...
async def apaginate(
    list_function: Callable[..., Awaitable[ListResponse[T]]],
    *,
    client: Any,
    where: Where | str | None = None,
    order: Order | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    offset: int = 0,
    keyset: bool = True,
    structs: bool = False,
    **params: Any,
) -> AsyncIterator[T]:
    """The async twin of paginate, for `asyncio_detailed` functions."""
    _check(page_size, offset)
    key = keyset_key(list_function, order) if keyset else None
    pages = _Pages(key, where, order, page_size, offset, params)
    typed = _struct_endpoint(list_function) if structs else None
    while True:
        if typed is None:
            payload = unwrap(await list_function(client=client, **pages.query()))
        else:
            module, decoder = typed
            request = module._get_kwargs(**pages.query())
            response = await client.get_async_httpx_client().request(**request)
            payload = _struct_page(module, decoder, client, response)
        page = _items(payload)
        for item in page:
            yield item
        if not pages.advance(page):
            return
