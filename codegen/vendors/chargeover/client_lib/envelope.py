"""The ChargeOver envelope `{code, status, message, details?, response}`: payload out, errors up.

Tolerant by design: `details` may be missing or null, `message` may be null, and a 5xx body may
not be JSON at all; none of that hides the status-based exception.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, overload

from ..types import Unset
from .errors import APIStatusError, UnexpectedStatusError, error_class_for
from .responses import DetailedResponse, as_response, decode_body, status_phrase

__all__ = ["DetailedResponse", "Envelope", "decode_body", "error_from", "unwrap"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Envelope(Protocol[T_co]):
    """Any generated envelope model: its payload is the `response` attribute."""

    @property
    def response(self) -> T_co | Unset: ...


# Error envelopes carry `response: false` (400/401/429) or `response: null` (404); these two
# overloads let mypy drop them from the payload type, so that unwrap(list_customers...) is a list.
@overload
def unwrap(response: DetailedResponse[Envelope[bool | None]]) -> bool: ...
@overload
def unwrap(response: DetailedResponse[Envelope[T | bool | None]]) -> T: ...
def unwrap(response: DetailedResponse[Envelope[Any]]) -> Any:
    """Return the envelope's `response` payload; raise the APIStatusError subclass for an error."""
    status = int(response.status_code)
    parsed = response.parsed
    if 200 <= status < 300 and parsed is not None:
        # The generated model has decoded the body already; decoding it again would double the
        # cost of every list page (a 500-customer page is about 1 MB of JSON).
        envelope_status = getattr(parsed, "status", None)
        if envelope_status is None or isinstance(envelope_status, Unset) or envelope_status == "OK":
            payload = parsed.response
            return None if isinstance(payload, Unset) else payload
    body = decode_body(response.content)
    envelope_status = body.get("status") if body is not None else None
    if 200 <= status < 300 and parsed is None and envelope_status in (None, "OK"):
        # A 2xx the spec does not document: still hand back the payload, as a plain JSON value.
        return body.get("response") if body is not None else None
    raise error_from(response, body)


def error_from(response: DetailedResponse[Any], body: dict[str, Any] | None) -> APIStatusError:
    """Build the exception for an error response from its envelope (when there is one)."""
    status = int(response.status_code)
    body = body or {}
    code = body.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else status
    message = body.get("message")
    if not isinstance(message, str):
        message = status_phrase(status)
    details = body.get("details")
    cls = error_class_for(status) if status >= 300 else UnexpectedStatusError
    return cls(
        status_code=status,
        code=code,
        message=message,
        details=details if isinstance(details, dict) else None,
        response=as_response(response),
    )
