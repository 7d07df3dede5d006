"""Query strings and path segments decoded strictly: percent-encoded bytes must be UTF-8.

A lenient decode (the standard library's default, errors="replace") turns `%FF` or a Latin-1
`%E9` into U+FFFD, and a filter on such a value then silently matches nothing; a 400 tells the
client its URL is wrong. The same rules serve HTTP requests and bulk items.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

from chargeover_emulator.errors import BadRequest

__all__ = ["decode_segment", "parse_query", "query_dict"]


def query_dict(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """where/order may repeat (ANDed / concatenated); other parameters keep their last value."""
    query: dict[str, Any] = {"where": [], "order": []}
    for name, value in pairs:
        if name in {"where", "order"}:
            query[name].append(value)
        else:
            query[name] = value
    return query


def parse_query(text: str) -> dict[str, Any]:
    """A raw query string (`a=1&where=x`), blank values kept, as `query_dict` shapes it."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(
            "Invalid query string: percent-encoded bytes must be UTF-8 (RFC 3986)."
        ) from None
    return query_dict(pairs)


def decode_segment(segment: str) -> str:
    """One percent-encoded path segment (`external_key:a%2Fb` -> `external_key:a/b`)."""
    try:
        return unquote(segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(
            "Invalid URL path: percent-encoded bytes must be UTF-8 (RFC 3986)."
        ) from None
