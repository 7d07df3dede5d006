"""The `order` grammar: one or more comma-separated `field:ASC|DESC` keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from chargeover_emulator.errors import BadRequest

__all__ = ["OrderKey", "compile_order", "parse_order"]


@dataclasses.dataclass(frozen=True)
class OrderKey:
    """One sort key."""

    field: str
    descending: bool
    # the key as sent (`nope:ASC`), so that an error echoes the request, not a reading of it
    source: str = ""


def parse_order(text: str) -> list[OrderKey]:
    """Parse `a:ASC,b:DESC`; a key without a direction sorts ascending."""
    keys: list[OrderKey] = []
    if text.strip() == "":
        return keys
    for raw in text.split(","):
        field, _, direction = raw.strip().partition(":")
        direction = direction.upper() or "ASC"
        if field == "" or direction not in {"ASC", "DESC"}:
            raise BadRequest(f'Invalid order "{raw}": expected field:ASC or field:DESC.')
        keys.append(OrderKey(field, direction == "DESC", raw.strip()))
    return keys


def compile_order(
    keys: list[OrderKey],
    column_kind: Callable[[str], str | None],
    primary_key: str,
    *,
    case_sensitive: bool = False,
) -> str:
    """SQL ORDER BY body; the primary key is the final tie-breaker so pages are stable."""
    parts: list[str] = []
    for key in keys:
        kind = column_kind(key.field)
        if kind is None:
            shown = key.source or key.field
            raise BadRequest(f'Invalid order "{shown}": "{key.field}" is not a sortable field.')
        collate = " COLLATE NOCASE" if kind == "string" and not case_sensitive else ""
        parts.append(f'"{key.field}"{collate} {"DESC" if key.descending else "ASC"}')
    if primary_key not in {key.field for key in keys}:
        parts.append(f'"{primary_key}" ASC')
    return ", ".join(parts)
