"""Read a generated `*_detailed` result: the payload of a 2xx, the typed exception otherwise.

    customer = unwrap(get_customer.sync_detailed(id, client=client))

Fynn sends bare objects (collections as `{data, meta}`); errors are API Platform bodies
`{type?, title?, status?, detail, violations?}`, read tolerantly: a 5xx body may not be JSON,
a violation may lack its `code`.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast, overload

from ..models.error import Error
from ..models.validation_error import ValidationError as ValidationErrorBody
from .errors import APIStatusError, UnexpectedStatusError, Violation, error_class_for
from .responses import DetailedResponse, as_response, decode_body, status_phrase

T = TypeVar("T")


# Generated functions return `Response[Customer | Error | ValidationError]`: the overloads drop the
# error models from the payload type, because an error status raises instead of returning them.
# (A response type without ValidationError matches too: the union member is simply not there.)
@overload
def unwrap(response: DetailedResponse[T | Error | ValidationErrorBody]) -> T: ...
@overload
def unwrap(response: DetailedResponse[Any]) -> Any: ...
def unwrap(response: DetailedResponse[Any]) -> Any:
    """The parsed 2xx payload (None for a 204); raise an APIStatusError subclass otherwise."""
    status = int(response.status_code)
    if 200 <= status < 300:
        return cast(Any, response.parsed)
    raise error_from(response)


def _violations(raw: object) -> tuple[Violation, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        path, message, code = item.get("propertyPath"), item.get("message"), item.get("code")
        found.append(
            Violation(
                property_path=path if isinstance(path, str) else "",
                message=message if isinstance(message, str) else "",
                code=code if isinstance(code, str) else None,
            )
        )
    return tuple(found)


def error_from(response: DetailedResponse[Any]) -> APIStatusError:
    """Build the exception for an error response from its body (when it has one)."""
    status = int(response.status_code)
    body = decode_body(response.content) or {}
    title, detail = body.get("title"), body.get("detail")
    violations = _violations(body.get("violations"))
    if not isinstance(detail, str) or not detail:
        detail = "; ".join(f"{v.property_path}: {v.message}" for v in violations) or status_phrase(
            status
        )
    cls = (
        error_class_for(status, has_violations=bool(violations))
        if status >= 300
        else UnexpectedStatusError
    )
    return cls(
        status_code=status,
        title=title if isinstance(title, str) else None,
        detail=detail,
        violations=violations,
        response=as_response(response),
    )
