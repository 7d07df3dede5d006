# copied from codegen/vendors/invoiced/client_lib by nox -s generate - edit there
"""Read a generated `*_detailed` result: the payload of a 2xx, the typed exception otherwise.

    customer = unwrap(retrieve_customer.sync_detailed(id=15444, client=client))

Invoiced sends bare objects and arrays (no envelope); errors are `{type, message, param}`, with
`param` possibly absent or null and the body possibly not JSON on a 5xx.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast, overload

from ..models.error import Error
from .errors import APIStatusError, UnexpectedStatusError, error_class_for
from .responses import DetailedResponse, as_response, decode_body, status_phrase

T = TypeVar("T")


# Generated functions return `Response[Customer | Error]`: the overload drops the Error model from
# the payload type, because an error status raises instead of returning it.
@overload
def unwrap(response: DetailedResponse[Error]) -> None: ...
@overload
def unwrap(response: DetailedResponse[T | Error]) -> T: ...
def unwrap(response: DetailedResponse[Any]) -> Any:
    """The parsed 2xx payload (None for a 204); raise an APIStatusError subclass otherwise."""
    status = int(response.status_code)
    if 200 <= status < 300:
        return cast(Any, response.parsed)
    raise error_from(response)


def error_from(response: DetailedResponse[Any]) -> APIStatusError:
    """Build the exception for an error response from its body (when it has one)."""
    status = int(response.status_code)
    body = decode_body(response.content) or {}
    kind = body.get("type")
    message = body.get("message")
    param = body.get("param")
    cls = error_class_for(status) if status >= 300 else UnexpectedStatusError
    return cls(
        status_code=status,
        type=kind if isinstance(kind, str) else "",
        message=message if isinstance(message, str) else status_phrase(status),
        param=param if isinstance(param, str) else None,
        response=as_response(response),
    )
