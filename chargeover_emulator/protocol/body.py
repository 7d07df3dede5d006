"""Request bodies: JSON only, decoded into values SQLite can store, nested to a sane depth.

Everything a body can carry is checked here, once, before schema validation sees it:

- a Content-Type that is present must be JSON (`application/json` or `application/*+json`,
  parameters ignored); a missing one is accepted, because the body must parse as JSON anyway;
- the bytes are UTF-8 and the text is JSON without `NaN`/`Infinity`, and every number is finite
  (`1e400` would decode to inf);
- an integer beyond int64 becomes the same number as a float, so that the spec's int64 bounds
  reject it in integer fields and a `number` field stores it like any other double;
- nesting is at most `MAX_DEPTH` levels (deeper input would exhaust the parser's or the
  validator's recursion);
- every string is valid Unicode: a JSON escape of a lone surrogate (`"\\ud800"`) parses in
  Python but cannot be encoded as UTF-8, so SQLite could not store it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.numbers import fits_int64

__all__ = ["MAX_DEPTH", "content_type_error", "decode_json_body", "is_json_media_type"]

MAX_DEPTH = 64
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_INT64_DIGITS = 19
_DEPTH_MESSAGE = f"Invalid JSON in request body: nested more than {MAX_DEPTH} levels deep."


def is_json_media_type(content_type: str) -> bool:
    """`application/json` or `application/<anything>+json`, parameters (charset, ...) ignored."""
    media = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _number(text: str) -> float:
    """A JSON number with a fraction or exponent; refused when it overflows to inf."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _integer(text: str) -> int | float:
    """A JSON integer: an int within int64, else the same number as a (finite) float."""
    if len(text.lstrip("-")) <= _INT64_DIGITS:
        value = int(text)
        if fits_int64(value):
            return value
    return _number(text)


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not valid JSON")


def _too_deep(value: Any) -> bool:
    """Whether containers nest more than MAX_DEPTH levels (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def content_type_error(content_type: str) -> BadRequest:
    """The 400 for a body that is not JSON."""
    return BadRequest(f'Content-Type must be application/json (got "{content_type.strip()[:80]}").')


def decode_json_body(raw: bytes, content_type: str | None) -> Any:
    """The decoded body, or 400 with the reason; `raw` is not empty."""
    if content_type is not None and content_type.strip() and not is_json_media_type(content_type):
        raise content_type_error(content_type)
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_constant=_reject_constant,
            parse_float=_number,
            parse_int=_integer,
        )
    except RecursionError:
        raise BadRequest(_DEPTH_MESSAGE) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"Invalid JSON in request body: {exc}") from None
    # Cheap guards first: a body with few brackets cannot nest deeply, and a lone surrogate
    # can only come from a \uD800-\uDFFF escape (the UTF-8 decode refuses encoded ones).
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _too_deep(value):
        raise BadRequest(_DEPTH_MESSAGE)
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(
                "Invalid JSON in request body: a string contains a lone surrogate"
                " (\\uD800-\\uDFFF without its pair), which is not valid Unicode."
            ) from None
    return value
