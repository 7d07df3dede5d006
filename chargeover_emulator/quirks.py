"""ChargeOver's URL quirks: the legacy `?action=` style and its answer to an undocumented route.

These are the vendor's choices the router leaves open; they move into ChargeOver's dialect
when the engine is split from it (issue 11).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chargeover_emulator.errors import BadRequest, unsupported
from chargeover_emulator.validation import Leniency, drop_parameter, keep_value

__all__ = ["GRAMMAR_PARAMETERS", "LENIENCIES", "legacy_action_segments", "no_route"]

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
    ),
    Leniency(
        name="revision-limit-zero-is-the-default",
        component="query",
        rules=frozenset({"minimum"}),
        parameters=frozenset({"limit"}),
        repair=drop_parameter,
        accepts=lambda raw: isinstance(raw, str) and raw.strip() == "0",
        evidence="PHP SDK find() sends limit=0 (fact sheet §7.1); read as the default like lists",
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


def no_route(method: str, path: str, segments: Sequence[str], resources: set[str]) -> BadRequest:
    """ChargeOver answers 400 for what it does not support; an unknown action is named."""
    action_path = len(segments) == 4 and segments[2] == _ACTION and segments[0] in resources
    if method == "POST" and action_path:
        return BadRequest(f'Unknown action "{segments[3]}" for {segments[0]}.')
    return unsupported(method, path)
