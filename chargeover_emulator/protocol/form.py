"""Form-encoded request bodies with bracket nesting (`to[0][phone]=...&metadata[rep]=Jan`), as
PHP and Rails read them and as API docs print them in their curl examples (`curl -d`).

The body becomes the JSON value it stands for, every leaf a string: `a[b]=1` is `{"a": {"b":
"1"}}`, `a[0][b]=1` and `a[][b]=1` are `{"a": [{"b": "1"}]}` (an object whose keys are all
indexes is a list, in index order). Whether such a body is accepted at all, and how its text
leaves are read, is the validation policy's business (a dialect's leniencies), not this parser's.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.body import MAX_DEPTH

__all__ = ["FORM_MEDIA_TYPE", "decode_form_body", "is_form_media_type"]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_PART = re.compile(r"\[([^\[\]]*)\]")


def is_form_media_type(content_type: str | None) -> bool:
    """`application/x-www-form-urlencoded`, parameters (charset, ...) ignored."""
    return (content_type or "").split(";", 1)[0].strip().lower() == FORM_MEDIA_TYPE


def decode_form_body(raw: bytes) -> dict[str, Any]:
    """The nested object a form body stands for, or 400 naming what cannot be read."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("Invalid form body: percent-encoded bytes must be UTF-8.") from None
    root: dict[str, Any] = {}
    for key, value in pairs:
        found = _KEY.fullmatch(key)
        if found is None:
            raise BadRequest(f"Invalid form body: cannot read the field name {key[:80]!r}.")
        path = [found.group(1), *_PART.findall(found.group(2))]
        if len(path) > MAX_DEPTH:
            raise BadRequest(f"Invalid form body: nested more than {MAX_DEPTH} levels deep.")
        _put(root, path, value, key)
    return _lists(root)  # type: ignore[no-any-return]


def _put(node: dict[str, Any], path: list[str], value: str, key: str) -> None:
    for depth, part in enumerate(path):
        if part == "":  # `a[]`: the next index
            part = str(len(node))
        if depth == len(path) - 1:
            if part in node:
                raise BadRequest(f"Invalid form body: {key[:80]!r} is given twice.")
            node[part] = value
            return
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise BadRequest(f"Invalid form body: {key[:80]!r} nests into a plain value.")
        node = child


def _lists(node: Any) -> Any:
    """Objects whose keys are exactly 0..n-1 as lists, everywhere."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(child) for key, child in node.items()}
    if converted and sorted(converted) == sorted(str(i) for i in range(len(converted))):
        return [converted[str(index)] for index in range(len(converted))]
    return converted
