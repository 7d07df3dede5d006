"""Maps an API request (method, path under /api/v3, query, body) to a spec operation and runs it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.errors import BadRequest, unsupported
from chargeover_emulator.protocol.query import decode_segment
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.specdoc import Operation, ResourceSpec, SpecDocument, validate_body

__all__ = ["NO_BODY", "ApiRequest", "ApiResult", "Dispatcher"]

NO_BODY: Any = object()


@dataclasses.dataclass
class ApiRequest:
    """One API call: the path is relative to /api/v3 and still percent-encoded."""

    method: str
    path: str
    query: Mapping[str, Any]
    body: Any = NO_BODY


@dataclasses.dataclass
class ApiResult:
    """Status code, envelope `response` and an optional Location header."""

    status: int
    response: Any
    location: str | None = None


class Dispatcher:
    """Routes requests to resource services, allowing only operations the spec documents."""

    def __init__(self, document: SpecDocument, services: Mapping[str, ResourceService]) -> None:
        self.document = document
        self.services = services
        self.bulk_runner: Any = None

    def _unsupported(self, method: str, path: str) -> BadRequest:
        """ChargeOver's wording for an endpoint or method that does not exist."""
        return unsupported(method, path)

    def _operation(self, res: ResourceSpec, kind: str, request: ApiRequest) -> Operation:
        """The documented operation of this kind, or 400."""
        operation = res.operations.get(kind)
        if operation is None:
            raise self._unsupported(request.method, request.path)
        return operation

    def dispatch(self, ctx: RequestContext, request: ApiRequest) -> ApiResult:
        """Run one request inside the caller's transaction."""
        segments = (
            [decode_segment(s) for s in request.path.strip("/").split("/")]
            if request.path.strip("/")
            else []
        )
        method = request.method.upper()
        if segments == ["teapot"] and method == "GET" and "teapot" in self.document.operations:
            return ApiResult(200, True)
        if segments == ["_bulk"] and method == "POST" and "bulk" in self.document.operations:
            items = _json_or_empty(request.body, list)
            self.bulk_runner.check(items)
            validate_body(self.document.operations["bulk"], items)
            return ApiResult(200, {"_bulk": self.bulk_runner(ctx, items)})
        if not segments or segments[0] not in self.services:
            raise self._unsupported(method, request.path)
        service = self.services[segments[0]]
        res = service.spec
        rest = segments[1:]
        if not rest:
            if method == "GET":
                self._operation(res, "list", request)
                return ApiResult(200, service.list(ctx, request.query))
            if method == "POST" and "action" not in request.query:
                operation = self._operation(res, "create", request)
                body = _json_or_empty(request.body, dict)
                if not body:
                    raise BadRequest("A required parameter was missing: No data.")
                validate_body(operation, body)
                key = service.create(ctx, body)
                return ApiResult(201, {"id": key}, ctx.api_url(res.name, key))
            raise self._unsupported(method, request.path)
        if rest == ["_count"] and method == "GET":
            self._operation(res, "count", request)
            return ApiResult(200, service.count(ctx, request.query))
        ident = rest[0]
        if len(rest) == 1:
            return self._object(ctx, service, ident, request)
        if rest[1:] == ["_revision"] and method == "GET":
            self._operation(res, "revisions", request)
            return ApiResult(
                200, service.revisions(ctx, service.resolve(ctx, ident), request.query)
            )
        if len(rest) == 3 and rest[1] == "_action" and method == "POST":
            return self._action(ctx, service, ident, rest[2], request)
        raise self._unsupported(method, request.path)

    def _object(
        self, ctx: RequestContext, service: ResourceService, ident: str, request: ApiRequest
    ) -> ApiResult:
        """GET / PUT / DELETE / POST?action= on one object."""
        res = service.spec
        method = request.method.upper()
        if method == "GET":
            kind = "get"
            if ident.startswith("external_key:"):
                kind = "get_by_external_key"
            elif ident.startswith("token:"):
                kind = "get_by_token"
            self._operation(res, kind, request)
            return ApiResult(200, service.get(ctx, service.resolve(ctx, ident)))
        if method == "PUT":
            operation = self._operation(res, "update", request)
            body = _json_or_empty(request.body, dict)
            key = service.resolve(ctx, ident)
            if not body:
                raise BadRequest("A required parameter was missing: No data.")
            validate_body(operation, body)
            service.update(ctx, key, body)
            return ApiResult(202, {"id": key}, ctx.api_url(res.name, key))
        if method == "DELETE":
            self._operation(res, "delete", request)
            service.delete(ctx, service.resolve(ctx, ident))
            return ApiResult(200, True)
        if method == "POST" and request.query.get("action"):
            return self._action(ctx, service, ident, str(request.query["action"]), request)
        raise self._unsupported(method, request.path)

    def _action(
        self,
        ctx: RequestContext,
        service: ResourceService,
        ident: str,
        name: str,
        request: ApiRequest,
    ) -> ApiResult:
        """An action in either URL style; the name may be an alias the spec lists."""
        operation = service.spec.actions.get(name)
        if operation is None or operation.action not in service.actions:
            raise BadRequest(f'Unknown action "{name}" for {service.spec.name}.')
        key = service.resolve(ctx, ident)
        body = _json_or_empty(request.body, dict)
        validate_body(operation, body)
        return ApiResult(200, service.action(ctx, key, operation.action, body))


def _json_or_empty(body: Any, expected: type) -> Any:
    """The parsed body, an empty container when absent, 400 when it has the wrong JSON type."""
    if body is NO_BODY or body is None:
        return expected()
    if not isinstance(body, expected):
        kind = "an object" if expected is dict else "an array"
        raise BadRequest(f"Missing or invalid parameter: the request body must be a JSON {kind}.")
    return body
