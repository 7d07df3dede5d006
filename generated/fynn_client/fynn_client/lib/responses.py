# copied from codegen/client_lib by nox -s generate - edit there
"""What every vendor's response reader needs: the shape of a `*_detailed` result, the JSON body.

Tolerant by design: an empty, non-JSON or non-object body reads as None and never hides the
status-based exception the vendor's reader raises.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Protocol, TypeVar

from ..types import Response

T_co = TypeVar("T_co", covariant=True)


class DetailedResponse(Protocol[T_co]):
    """What a generated `*_detailed` function returns (the package's types.Response)."""

    @property
    def status_code(self) -> HTTPStatus: ...

    @property
    def content(self) -> bytes: ...

    @property
    def parsed(self) -> T_co | None: ...


def decode_body(content: bytes) -> dict[str, Any] | None:
    """The JSON object in a response body, or None for an empty, non-JSON or non-object body."""
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def status_phrase(status: int) -> str:
    """The standard reason phrase (`Not Found`), or "" for a status HTTP does not name."""
    return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""


def as_response(response: DetailedResponse[Any]) -> Response[Any]:
    """The package's Response for any DetailedResponse (headers are lost when it is not one)."""
    if isinstance(response, Response):
        return response
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers={},
        parsed=response.parsed,
    )
