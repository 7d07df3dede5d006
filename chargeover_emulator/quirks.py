"""ChargeOver's URL quirks: the legacy `?action=` style and its answer to an undocumented route.

These are the vendor's choices the router leaves open; they move into ChargeOver's dialect
when the engine is split from it (issue 11).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import decimal_integer, decimal_number
from chargeover_emulator.validation import (
    DROP,
    NULL_BODY,
    Leniency,
    LeniencyProbe,
    drop_parameter,
    keep_value,
)

__all__ = [
    "BODY_LENIENCIES",
    "GRAMMAR_PARAMETERS",
    "LENIENCIES",
    "legacy_action_segments",
    "no_route",
    "unsupported",
]

#: query parameters whose value is a grammar with its own parser (protocol/where.py, order.py)
GRAMMAR_PARAMETERS = frozenset({"where", "order"})

#: what the real API is known (or chosen, where UNCONFIRMED) to accept beyond the spec: the
#: `faithful` policy accepts and reports exactly these. Each is recorded in spec/NOTES.md.
LENIENCIES = (
    Leniency(
        name="limit-above-maximum-is-clamped",
        component="query",
        rules=frozenset({"maximum"}),
        parameters=frozenset({"limit"}),
        repair=keep_value,
        evidence=(
            "fact sheet §6.3: clamp or 400 is UNCONFIRMED; the emulator clamps by default "
            "(--limit-overflow reject gives the 400)"
        ),
        probe=LeniencyProbe("GET", "/customer", 200, query="limit=501"),
    ),
    Leniency(
        name="unreadable-paging-value-is-the-default",
        component="query",
        rules=frozenset({"type"}),
        parameters=frozenset({"limit", "offset"}),
        repair=drop_parameter,
        evidence=(
            "fact sheet §6.1: a malformed where/limit (REC-P customer_with_contacts) was read "
            "as PHP's intval would; the C# SDK sends empty values (§7.2)"
        ),
        probe=LeniencyProbe("GET", "/customer", 200, query="limit=abc"),
    ),
    Leniency(
        name="revision-limit-zero-is-the-default",
        component="query",
        rules=frozenset({"minimum"}),
        parameters=frozenset({"limit"}),
        repair=drop_parameter,
        accepts=lambda raw, _detail: isinstance(raw, str) and raw.strip() == "0",
        evidence="PHP SDK find() sends limit=0 (fact sheet §7.1); read as the default like lists",
        probe=LeniencyProbe("GET", "/customer/{customer_id}/_revision", 200, query="limit=0"),
    ),
    Leniency(
        name="unreadable-id-is-not-found",
        component="path",
        rules=frozenset({"type", "minimum", "maximum"}),
        repair=keep_value,
        evidence=(
            "REC `missing_customer`: an id the API cannot find is a 404; what it answers for an "
            "id that is no whole number (or is beyond int64) is UNCONFIRMED, and the emulator "
            "looks it up and answers 404 as it always did"
        ),
        probe=LeniencyProbe("GET", "/customer/abc", 404),
    ),
    Leniency(
        name="email-flag-outside-0-1-is-ignored",
        component="query",
        rules=frozenset({"enum", "type"}),
        parameters=frozenset({"_flag_emails"}),
        repair=drop_parameter,
        evidence=(
            "fact sheet §2: `_flag_*` flags only ever suppress side effects when 0; the PHP "
            "SDK casts them to int, and the emulator sends no e-mail either way"
        ),
        probe=LeniencyProbe(
            "POST",
            "/user/{user_id}/_action/password",
            200,
            query="_flag_emails=2",
            body="{}",
            writes=True,  # the reset link goes out by e-mail
        ),
    ),
)

_ACTION = "_action"


def legacy_action_segments(
    method: str, segments: Sequence[str], query: Mapping[str, Any]
) -> list[str] | None:
    """`POST /{res}/{id}?action=NAME` as the current style `/{res}/{id}/_action/NAME`.

    Every SDK and the 2015 recordings use the legacy style (fact sheet §1.1-1.2).
    """
    name = query.get("action")
    if method != "POST" or len(segments) != 2 or not isinstance(name, str) or not name:
        return None
    return [*segments, _ACTION, name]


def unsupported(method: str, path: str) -> BadRequest:
    """ChargeOver's 400 for an endpoint or method that does not exist (one wording everywhere)."""
    return BadRequest(f"The command requested is not supported: {method} {path or '/'}")


def no_route(method: str, path: str, segments: Sequence[str], resources: set[str]) -> BadRequest:
    """ChargeOver answers 400 for what it does not support; an unknown action is named."""
    action_path = len(segments) == 4 and segments[2] == _ACTION and segments[0] in resources
    if method == "POST" and action_path:
        return BadRequest(f'Unknown action "{segments[3]}" for {segments[0]}.')
    return unsupported(method, path)


# Body leniencies (issue 12): what the official SDKs and the vendor's own scripts send, and the
# real API accepted, in write bodies. Each is applied by the `faithful` policy and reported.
_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}")


def _numeric_text(raw: Any, detail: Any) -> bool:
    """A number spelled as text where the schema wants an integer or a number."""
    types = set(getattr(detail, "types", ()) or ())
    if not isinstance(raw, str) or not types & {"integer", "number"}:
        return False
    if "integer" in types and isinstance(decimal_integer(raw), int):
        return True
    return "number" in types and decimal_number(raw) is not None


def _as_number(raw: Any, detail: Any) -> Any:
    """`"58"` as 58 (an integer where one is allowed), `"12.50"` as 12.5."""
    whole = decimal_integer(raw)
    if isinstance(whole, int) and "integer" in set(getattr(detail, "types", ()) or ()):
        return whole
    return decimal_number(raw)


def _datetime_for_date(raw: Any, detail: Any) -> bool:
    """An ISO datetime whose date part is a real date, where the schema wants `format: date`."""
    if getattr(detail, "format", None) != "date" or not isinstance(raw, str):
        return False
    found = _DATETIME.match(raw)
    if found is None:
        return False
    try:
        dt.date.fromisoformat(found.group(1))
    except ValueError:
        return False
    return True


BODY_LENIENCIES = (
    Leniency(
        name="unknown-and-read-only-fields-are-ignored",
        component="body",
        rules=frozenset({"additionalProperties"}),
        fix=lambda obj, detail: {
            key: value for key, value in obj.items() if key not in set(detail.unexpected)
        },
        evidence=(
            "the vendor's demo script PUTs back the whole object a GET returned (read-only "
            "fields and nulls included); the Python SDK's example sends `invoice_date` on an "
            "invoice create (fact sheet §6.2); both work against the real API"
        ),
        probe=LeniencyProbe(
            "POST",
            "/customer",
            201,
            writes=True,
            body='{"company": "Leniency probe", "external_key": "{external_key}", '
            '"write_datetime": "2015-06-08 10:00:00"}',
        ),
    ),
    Leniency(
        name="numeric-strings-are-numbers",
        component="body",
        rules=frozenset({"type"}),
        accepts=_numeric_text,
        fix=_as_number,
        evidence=(
            'the Java SDK can only send strings ({"customer_id":"58","item_id":"1"}); '
            "a 2015 recording of the real API accepted string ids in a request body"
        ),
        probe=LeniencyProbe(
            "POST",
            "/user",
            201,
            writes=True,
            body='{"customer_id": "{customer_id}", "first_name": "Probe", '
            '"external_key": "{external_key}"}',
        ),
    ),
    Leniency(
        name="datetimes-are-read-as-their-date",
        component="body",
        rules=frozenset({"format"}),
        accepts=_datetime_for_date,
        fix=lambda raw, _detail: raw[:10],
        evidence=(
            "the C# SDK sends every date as `2015-06-08T00:00:00`; fact sheet §12: date input "
            "accepts datetimes"
        ),
        probe=LeniencyProbe(
            "POST",
            "/invoice",
            201,
            writes=True,
            body='{"customer_id": {customer_id}, "external_key": "{external_key}", '
            '"date": "2030-06-08T00:00:00", '
            '"line_items": [{"item_id": {item_id}, "line_rate": 1, "line_quantity": 1}]}',
        ),
    ),
    Leniency(
        name="null-body-is-no-body",
        component="body",
        rules=frozenset({"type"}),
        accepts=lambda raw, detail: raw is None and detail is NULL_BODY,
        fix=lambda _raw, _detail: DROP,
        evidence=(
            "fact sheet §9: a bulk item's `payload` is an object or null, null meaning no data; "
            "a top-level JSON null on an action whose body is optional is read the same way"
        ),
        probe=LeniencyProbe(
            "POST", "/customer/{customer_id}/_action/setActive", 200, body="null", writes=True
        ),
    ),
    Leniency(
        name="null-optional-fields-are-absent",
        component="body",
        rules=frozenset({"type"}),
        accepts=lambda raw, _detail: raw is None,
        fix=lambda _raw, _detail: DROP,
        evidence=(
            "clients PUT back objects read by a GET, whose unset fields are null (fact sheet "
            "§10: every response field may be null); a null for a required field is still a 400"
        ),
        probe=LeniencyProbe(
            "PUT",
            "/customer/{customer_id}",
            202,
            writes=True,
            body='{"company": "Leniency probe", "bill_city": null}',
        ),
    ),
)
