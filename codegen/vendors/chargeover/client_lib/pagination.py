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

One page ahead by default: as soon as a page has arrived, the next page's request goes out on a
background thread (a daemon; a task for apaginate) while this page is decoded, made into models
and yielded, so that the server's time and the client's decoding overlap (a full walk takes
about the longer of the two instead of their sum). The next query is guessed from the raw body
of the page, before decoding it: its item count and the last `"<key>":` in it (in JSON an
unescaped `"<key>":` can only be an object key). The guess decides only what is asked for early:
once the page is decoded, the walk compares it with the query it would send, and if they differ
(a short page, a body spelled otherwise) the early answer is dropped and the right page fetched.
At most two pages are held at once; errors raise in page order; a walk stopped early has sent at
most one request more than it used. `prefetch=False` sends each request only when its page is
needed, the strictly lazy walk. A callable that is not a generated list operation is always
walked lazily.

`structs=True` (needs `pip install msgspec`; the client does not depend on it otherwise) yields
msgspec Structs from `chargeover_client.structs` instead of the attrs models: generated from the
same spec's schemas, decoded straight from the page's bytes, several times faster than
`json.loads` plus the models' `from_dict`. Error responses raise the same ChargeOverError.
"""

from __future__ import annotations

import asyncio
import functools
import queue
import re
import sys
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from typing import Any, Literal, TypeVar, overload

import httpx

from ..list_keys import LIST_ENVELOPES, LIST_KEYS
from ..types import decode_json
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
        raise TypeError(
            f"a list operation returned {type(page).__name__}, not a list; is this a list function?"
        )
    return page


def _list_key(list_function: Callable[..., object]) -> str | None:
    """The primary key of a generated list function's items (None for any other callable)."""
    # A generated function lives in api/<tag>/<operation>.py; LIST_KEYS is keyed by <operation>.
    return LIST_KEYS.get((getattr(list_function, "__module__", "") or "").rpartition(".")[2])


def keyset_key(list_function: Callable[..., object], order: Order | str | None) -> str | None:
    """The primary key a keyset walk of this list function goes by, or None for offset paging."""
    key = _list_key(list_function)
    if key is None or (order and str(order) != f"{key}:ASC"):
        return None
    return key


@functools.cache
def _decoder(envelope: str) -> Any:
    # Imported here: msgspec is needed by structs=True only, not by the client.
    import msgspec

    from .. import structs

    return msgspec.json.Decoder(getattr(structs, envelope))


class _Calls:
    """Pages through the list function itself: for a callable that is not a generated list
    operation (a wrapper, a partial), which paginate can only call as it is."""

    def __init__(self, list_function: Callable[..., Any], client: Any) -> None:
        self.list_function = list_function
        self.client = client

    def fetch(self, query: dict[str, Any]) -> Any:
        return self.list_function(client=self.client, **query)

    async def afetch(self, query: dict[str, Any]) -> Any:
        return await self.list_function(client=self.client, **query)

    def items(self, fetched: Any) -> tuple[Sequence[Any], Any]:
        return _items(unwrap(fetched)), None

    def build(self, decoded: Any, items: Sequence[Any]) -> Sequence[Any]:
        return items


class _Decoded:
    """Pages of a generated list operation, sent with its module's own `_get_kwargs`.

    `fetch` only sends and receives (what may run ahead, on another thread); `items` decodes
    the body once and gives the items the next page's key is read from; `build` makes what the
    caller gets. Anything but a 200 `OK` goes the generated `_build_response` way, so errors
    raise the same ChargeOverError as ever."""

    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client

    def fetch(self, query: dict[str, Any]) -> httpx.Response:
        request = self.module._get_kwargs(**query)
        response: httpx.Response = self.client.get_httpx_client().request(**request)
        return response

    async def afetch(self, query: dict[str, Any]) -> httpx.Response:
        request = self.module._get_kwargs(**query)
        response: httpx.Response = await self.client.get_async_httpx_client().request(**request)
        return response

    def decode(self, content: bytes) -> Any:
        raise NotImplementedError

    def payload(self, decoded: Any) -> Any:
        """The page's items, or None when the body is not an `OK` envelope."""
        raise NotImplementedError

    def items(self, response: httpx.Response) -> tuple[Sequence[Any], Any]:
        if response.status_code == 200:
            decoded = self.decode(response.content)
            payload = self.payload(decoded)
            if payload is not None:
                _unbind(response)
                return _items(payload), decoded
        return _items(
            unwrap(self.module._build_response(client=self.client, response=response))
        ), None

    def build(self, decoded: Any, items: Sequence[Any]) -> Sequence[Any]:
        return items


def _unbind(response: httpx.Response) -> None:
    """Let a decoded page's body go as soon as the walk drops it.

    httpx binds each response and its stream to each other (a reference cycle), so a read
    response, about 1 MB for a page of 500, waits for Python's cyclic collector, whose full
    runs are rare: a walk's RSS grew by about 35 MB per 100,000 records until one ran. The body
    has been read and the stream closed; an empty ByteStream in its place is what httpx gives a
    response built from bytes, and breaks the cycle.
    """
    response.stream = httpx.ByteStream(b"")


class _Models(_Decoded):
    """The generated attrs models: the page is decoded as JSON first (its items give the next
    key) and made into models after, while the next page is on its way."""

    def __init__(self, module: Any, envelope: str, client: Any) -> None:
        super().__init__(module, client)
        # The generated module imports its envelope model under the schema's name.
        self.envelope = getattr(module, envelope)

    def decode(self, content: bytes) -> Any:
        return decode_json(content)

    def payload(self, decoded: Any) -> Any:
        ok = isinstance(decoded, dict) and decoded.get("status", "OK") in ("OK", None)
        return decoded.get("response") if ok else None

    def build(self, decoded: Any, items: Sequence[Any]) -> Sequence[Any]:
        # None: the page came through _build_response (a 2xx the spec does not document).
        return items if decoded is None else _items(self.envelope.from_dict(decoded).response)


class _Structs(_Decoded):
    """msgspec Structs from chargeover_client.structs, decoded straight from the bytes."""

    def __init__(self, module: Any, envelope: str, client: Any) -> None:
        super().__init__(module, client)
        self.decoder = _decoder(envelope)

    def decode(self, content: bytes) -> Any:
        return self.decoder.decode(content)

    def payload(self, decoded: Any) -> Any:
        return decoded.response if decoded.status == "OK" else None


def _reader(list_function: Callable[..., Any], client: Any, *, structs: bool) -> _Calls | _Decoded:
    """How this walk fetches and decodes a page."""
    module_name = getattr(list_function, "__module__", "") or ""
    envelope = LIST_ENVELOPES.get(module_name.rpartition(".")[2])
    if envelope is None or module_name not in sys.modules:
        if structs:
            raise ValueError(
                f"structs=True: {module_name or list_function!r} is not a list operation"
            )
        return _Calls(list_function, client)
    module = sys.modules[module_name]
    return _Structs(module, envelope, client) if structs else _Models(module, envelope, client)


# A page's last key as it reads in the raw body: `"<key>"`, optional spaces, `:`, then a JSON
# integer or a string without escapes. Inside a JSON string every quote is escaped, so an
# unescaped `"<key>":` is an object key, never text a customer typed.
_KEY_VALUE = re.compile(rb'\s*:\s*(?:(-?[0-9]+)|"([^"\\]*)")')


def _last_key_in(content: bytes, marker: bytes) -> int | str | None:
    """The value of the last `marker` key in a JSON body, read without decoding the body."""
    at = content.rfind(marker)
    match = _KEY_VALUE.match(content, at + len(marker)) if at >= 0 else None
    if match is None:
        return None
    number, text = match.groups()
    return int(number) if number is not None else text.decode("utf-8")


class _Ahead:
    """Fetches one page at a time on a daemon thread: the page the walk guesses comes next,
    requested while the caller's thread decodes, builds and yields the current one.

    `want()` hands the thread a query and waits until it is sending it: otherwise the request
    would go out only when the caller's thread next gives up the GIL (up to
    sys.getswitchinterval(), 5 ms). A daemon thread: a caller who stops early leaves at most the
    one request in flight to finish on its own, and neither it nor the interpreter at exit waits
    for it.
    """

    def __init__(self, fetch: Callable[[dict[str, Any]], Any]) -> None:
        self._fetch = fetch
        self._query: dict[str, Any] = {}
        self._wanted = threading.Semaphore(0)
        self._sending = threading.Event()
        self._ready: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self._closed = False
        threading.Thread(target=self._run, name="paginate-ahead", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wanted.acquire()
            if self._closed:
                return
            query = self._query
            self._sending.set()
            try:
                self._ready.put((True, self._fetch(query)))
            except BaseException as error:  # raised by take(), where the walk reaches the page
                self._ready.put((False, error))

    def want(self, query: dict[str, Any]) -> None:
        self._query = query
        self._sending.clear()
        self._wanted.release()
        self._sending.wait()

    def take(self) -> Any:
        fetched, value = self._ready.get()
        if not fetched:
            raise value
        return value

    def drop(self) -> None:
        """Wait for the page asked for and keep nothing of it (an error included): the guess
        was wrong."""
        self._ready.get()

    def close(self) -> None:
        self._closed = True
        self._wanted.release()


def _discard(task: asyncio.Future[Any]) -> None:
    """Cancel a page asked for ahead; if it has finished, retrieve its error so that asyncio
    does not report it as never retrieved."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


class _Pages:
    """The query of each page, the guess of the next one, and when to stop; shared by paginate
    and apaginate."""

    def __init__(
        self,
        key: str | None,
        id_key: str | None,
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
        self.failure: TypeError | None = None
        # The list's primary key as it is spelled in a body, to count items and read the last
        # key before decoding (None: no guessing).
        self.marker = f'"{id_key}"'.encode() if id_key else None

    def query(self) -> dict[str, Any]:
        return self._query(self.offset, self.last)

    def _query(self, offset: int, last: str | None) -> dict[str, Any]:
        query = dict(self.extra, offset=offset, limit=self.page_size)
        where = self.where
        if last is not None:
            after = f"{self.key}:GT:{last}"
            where = f"{where},{after}" if where else after
        if where:
            query["where"] = where
        if self.order:
            query["order"] = self.order
        return query

    def guess_next(self, response: httpx.Response) -> dict[str, Any] | None:
        """The next page's query as `advance` will make it, read from the raw body of this one
        (None: no guess, e.g. a short page). A guess only decides what is asked for ahead: the
        walk uses the answer only if the guess equals the query `advance` made."""
        if self.marker is None or response.status_code != 200:
            return None
        content = response.content
        if content.count(self.marker) < self.page_size:
            return None  # a short page: no page follows it
        if self.key is None:
            return self._query(self.offset + self.page_size, None)
        last = _last_key_in(content, self.marker)
        return None if last is None else self._query(0, escape(str(last)))

    def advance(self, page: Sequence[Any]) -> bool:
        """Move past `page`; False when no page follows it: a short page, or an item without
        its key (`failure`, which the walk raises once it has yielded this page)."""
        if len(page) < self.page_size:
            return False
        if self.key is None:
            self.offset += len(page)
            return True
        try:
            last = self._key_of(page[-1])
        except TypeError as error:
            self.failure = error
            return False
        # The caller's offset applies to the first page only: later pages start after its end.
        self.offset = 0
        self.last = escape(str(last))
        return True

    def _key_of(self, item: Any) -> int | str:
        key = str(self.key)
        value = item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
        # An id is an integer, or a numeric string in legacy responses; anything else (missing:
        # the models' Unset, msgspec's UNSET, None) cannot continue the walk.
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            raise TypeError(
                f"a listed item has no {self.key}, so the walk cannot go on by key; "
                "pass keyset=False to page by offset"
            )
        return value


def _start(
    list_function: Callable[..., Any],
    client: Any,
    where: Where | str | None,
    order: Order | str | None,
    page_size: int,
    offset: int,
    keyset: bool,
    structs: bool,
    params: dict[str, Any],
) -> tuple[_Pages, _Calls | _Decoded]:
    """The walk's pages and reader, from paginate's arguments (checked)."""
    _check(page_size, offset)
    key = keyset_key(list_function, order) if keyset else None
    reader = _reader(list_function, client, structs=structs)
    id_key = _list_key(list_function) if isinstance(reader, _Decoded) else None
    return _Pages(key, id_key, where, order, page_size, offset, params), reader


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
    prefetch: bool = True,
    **params: Any,
) -> Generator[T, None, None]: ...
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
    prefetch: bool = True,
    **params: Any,
) -> Generator[Any, None, None]: ...
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
    prefetch: bool = True,
    **params: Any,
) -> Generator[T, None, None]:
    """Yield every item, page by page until a short page; errors raise ChargeOverError."""
    pages, reader = _start(
        list_function, client, where, order, page_size, offset, keyset, structs, params
    )
    guessing = prefetch and isinstance(reader, _Decoded)
    ahead: _Ahead | None = None  # started at the first guess: a one-page walk needs no thread
    try:
        fetched = reader.fetch(pages.query())
        while True:
            guess = pages.guess_next(fetched) if guessing else None
            if guess is not None:
                ahead = ahead or _Ahead(reader.fetch)
                ahead.want(guess)
            items, decoded = reader.items(fetched)
            more = pages.advance(items)
            yield from reader.build(decoded, items)
            # This page's body, decoded form and items go now, before the next page arrives.
            del fetched, items, decoded
            if not more:
                if pages.failure is not None:
                    raise pages.failure
                return
            query = pages.query()
            if ahead is None or guess is None:
                fetched = reader.fetch(query)
            elif guess == query:
                fetched = ahead.take()
            else:
                ahead.drop()
                fetched = reader.fetch(query)
    finally:
        if ahead is not None:
            ahead.close()


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
    prefetch: bool = True,
    **params: Any,
) -> AsyncGenerator[T, None]: ...
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
    prefetch: bool = True,
    **params: Any,
) -> AsyncGenerator[Any, None]: ...
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
    prefetch: bool = True,
    **params: Any,
) -> AsyncGenerator[T, None]:
    """The async twin of paginate, for `asyncio_detailed` functions."""
    pages, reader = _start(
        list_function, client, where, order, page_size, offset, keyset, structs, params
    )
    guessing = prefetch and isinstance(reader, _Decoded)
    ahead: asyncio.Future[Any] | None = None
    try:
        fetched = await reader.afetch(pages.query())
        while True:
            guess = pages.guess_next(fetched) if guessing else None
            if guess is not None:
                ahead = asyncio.ensure_future(reader.afetch(guess))
                await asyncio.sleep(0)  # lets the request go out before this page is decoded
            items, decoded = reader.items(fetched)
            more = pages.advance(items)
            for item in reader.build(decoded, items):
                yield item
            del fetched, items, decoded
            if not more:
                if pages.failure is not None:
                    raise pages.failure
                return
            query = pages.query()
            if ahead is not None and guess == query:
                fetched = await ahead
            else:
                if ahead is not None:
                    _discard(ahead)
                fetched = await reader.afetch(query)
            ahead = None
    finally:
        if ahead is not None:  # the caller stopped early, or a page failed
            _discard(ahead)
