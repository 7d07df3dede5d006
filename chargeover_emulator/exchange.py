"""What passes between the app, the dispatcher, the dialects and the services: one API request,
one result, and a list page with its paging headers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.validation import Violation

__all__ = ["NO_BODY", "ApiRequest", "ApiResult", "Paged"]

NO_BODY: Any = object()


@dataclasses.dataclass
class ApiRequest:
    """One API call: the path is relative to /api/v3 and still percent-encoded."""

    method: str
    path: str
    query: Mapping[str, Any]
    body: Any = NO_BODY
    #: request headers, names lower-cased (bulk items carry none)
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: who the authenticator says sent it (None: a request made inside another, like a bulk item)
    credential: str | None = None


@dataclasses.dataclass(frozen=True)
class Paged:
    """A list page with the headers its paging family sends (`Link`, `X-Total-Count`)."""

    items: Any
    headers: dict[str, str]


@dataclasses.dataclass
class ApiResult:
    """Status code, envelope `response`, an optional Location header and accepted violations."""

    status: int
    response: Any
    location: str | None = None
    violations: tuple[Violation, ...] = ()
    #: response headers a service adds (a paging family's `Link`, `X-Total-Count`)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
