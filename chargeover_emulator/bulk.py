"""`POST /api/v3/_bulk`: up to 25 requests, each in its own savepoint, with JSONPath references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.parser import parse as parse_jsonpath

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import ApiError, BadRequest
from chargeover_emulator.exchange import ApiRequest
from chargeover_emulator.protocol.envelope import error_body, ok_body
from chargeover_emulator.protocol.query import parse_query
from chargeover_emulator.storage.database import Database

__all__ = ["MAX_BULK_REQUESTS", "BulkRunner"]

MAX_BULK_REQUESTS = 25
_METHODS = {"GET", "POST", "PUT", "DELETE"}
_API_PREFIX = "/api/v3"


class BulkRunner:
    """Runs a batch through the normal dispatch; authentication was done once for the batch."""

    def __init__(self, database: Database, dispatch: Callable[[RequestContext, Any], Any]) -> None:
        self._database = database
        self._dispatch = dispatch

    def check(self, items: list[Any]) -> None:
        """The batch-level rules, checked before the spec's schema so the message is specific."""
        if len(items) > MAX_BULK_REQUESTS:
            raise BadRequest(
                f"Too many requests in one bulk call: {len(items)}"
                f" (the maximum is {MAX_BULK_REQUESTS})."
            )
        if not items:
            raise BadRequest("A required parameter was missing: No data.")

    def __call__(self, ctx: RequestContext, items: list[Any]) -> list[dict[str, Any]]:
        """One `{code, status, message, response}` per request, in request order."""

        results: list[dict[str, Any]] = []
        labelled: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(items):
            try:
                with self._database.savepoint():
                    method, path, query, payload = self._unpack(item, index)
                    payload = _substitute(payload, labelled)
                    result = self._dispatch(ctx, ApiRequest(method, path, query, payload))
                envelope = ok_body(result.status, result.response, details=False)
            except ApiError as error:
                envelope = error_body(error, details=False)
            results.append(envelope)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                labelled[item["id"]] = envelope
        return results

    def _unpack(self, item: Any, index: int) -> tuple[str, str, dict[str, Any], Any]:
        """Validate one bulk entry and split its URI."""
        if not isinstance(item, dict):
            raise BadRequest(f"Bulk request #{index + 1} must be an object.")
        method = item.get("request_method")
        uri = item.get("uri")
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise BadRequest(
                f"Bulk request #{index + 1}: request_method must be one of GET, POST, PUT, DELETE."
            )
        if not isinstance(uri, str) or not uri.startswith(_API_PREFIX + "/"):
            raise BadRequest(f"Bulk request #{index + 1}: uri must start with {_API_PREFIX}/.")
        parts = urlsplit(uri)
        path = parts.path[len(_API_PREFIX) :]
        if path.strip("/") == "_bulk":
            raise BadRequest(f"Bulk request #{index + 1}: bulk requests cannot be nested.")
        return method.upper(), path, parse_query(parts.query), item.get("payload")


def _substitute(payload: Any, labelled: dict[str, dict[str, Any]]) -> Any:
    """Replace `<field>_jsonpath: "label:$.path"` by `<field>_id: value` of an earlier response."""
    if isinstance(payload, list):
        return [_substitute(value, labelled) for value in payload]
    if not isinstance(payload, dict):
        return payload
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key.endswith("_jsonpath") and isinstance(value, str):
            out[f"{key[: -len('_jsonpath')]}_id"] = _resolve(key, value, labelled)
        else:
            out[key] = _substitute(value, labelled)
    return out


def _resolve(key: str, reference: str, labelled: dict[str, dict[str, Any]]) -> Any:
    """Evaluate one `label:$.path` reference."""
    label, colon, expression = reference.partition(":")
    if not colon or label not in labelled:
        raise BadRequest(f'Invalid {key} "{reference}": no earlier request is labelled "{label}".')
    try:
        matches = parse_jsonpath(expression).find(labelled[label])
    except (
        JsonPathLexerError,
        JsonPathParserError,
        Exception,
    ) as exc:  # jsonpath-ng raises bare Exception
        raise BadRequest(f'Invalid {key} "{reference}": {exc}') from None
    if not matches or matches[0].value in (None, False):
        raise BadRequest(f'Invalid {key} "{reference}": the path matched nothing.')
    return matches[0].value
