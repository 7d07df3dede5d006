# copied from codegen/vendors/chargeover/client_lib by nox -s generate - edit there
"""count/acount: the number of items a count operation reports, as an int.

Works with any generated count function's `sync_detailed` / `asyncio_detailed`:

    open_invoices = count(count_invoices.sync_detailed, client=client, where=Where().equals(...))

Legacy responses send the count as a numeric string (spec/NOTES.md, "Ids as strings"); the
generated decoder turns it into an int (`x-kit-decode: integer`), and these helpers check that the
function they were given did answer a count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .envelope import DetailedResponse, Envelope, unwrap
from .query import Where

# The error envelopes' `response` is false or null; listing it keeps error responses assignable.
CountResponse = DetailedResponse[Envelope[int | bool | None]]


def _params(where: Where | str | None) -> dict[str, str]:
    # An empty builder means "count everything", which the API spells as an absent parameter.
    return {"where": str(where)} if where else {}


def _as_int(payload: object) -> int:
    if isinstance(payload, int) and not isinstance(payload, bool):
        return payload
    if isinstance(payload, str) and payload.isascii() and payload.isdigit():
        return int(payload)
    raise TypeError(f"a count operation returned {payload!r}, not a count; is this a count function?")


def count(
    count_function: Callable[..., CountResponse],
    *,
    client: Any,
    where: Where | str | None = None,
) -> int:
    """The number of items matching `where` (all when omitted); errors raise ChargeOverError."""
    return _as_int(unwrap(count_function(client=client, **_params(where))))


async def acount(
    count_function: Callable[..., Awaitable[CountResponse]],
    *,
    client: Any,
    where: Where | str | None = None,
) -> int:
    """The async twin of count, for `asyncio_detailed` functions."""
    return _as_int(unwrap(await count_function(client=client, **_params(where))))
