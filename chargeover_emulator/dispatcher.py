"""Maps an API request (method, path under /api/v3, query, body) to a spec operation and runs it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from chargeover_emulator.errors import BadRequest, ConfigError
from chargeover_emulator.protocol.query import decode_segment
from chargeover_emulator.quirks import legacy_action_segments, no_route
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.context import RequestContext
from chargeover_emulator.routing import RouteTable, split_path
from chargeover_emulator.specdoc import Operation, SpecDocument
from chargeover_emulator.validation import RequestValidator, Violation, query_parameters

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
    """Status code, envelope `response`, an optional Location header and accepted violations."""

    status: int
    response: Any
    location: str | None = None
    violations: tuple[Violation, ...] = ()


class Dispatcher:
    """Routes requests to resource services through the spec's paths (`routing.RouteTable`).

    An operation's `x-kit-operation.kind` says which service method serves it; its status and
    `Location` header come from its documented success response.
    """

    def __init__(
        self,
        document: SpecDocument,
        services: Mapping[str, ResourceService],
        validator: RequestValidator,
    ) -> None:
        self.document = document
        self.services = services
        self.validator = validator
        self.bulk_runner: Any = None
        self.routes: RouteTable[Operation] = RouteTable()
        self._query_parameters = {
            operation.operation_id: query_parameters(
                operation.parameters, document.value_kind, document.validator
            )
            for operation in document.operations.values()
        }
        for operation in document.operations.values():
            self.routes.add(operation.method, operation.path, operation)
            if operation.kind == "action":
                # an alias (`reset_password` for `password`) routes like the action's own name
                base, _, _ = operation.path.rpartition("/")
                for alias in operation.aliases:
                    self.routes.add(operation.method, f"{base}/{alias}", operation)
        self._handlers: dict[str, Callable[[RequestContext, Operation, _Call], ApiResult]] = {
            "list": self._list,
            "count": self._count,
            "create": self._create,
            "get": self._get,
            "update": self._update,
            "delete": self._delete,
            "revisions": self._revisions,
            "action": self._action,
            "bulk": self._bulk,
            "constant": self._constant,
        }
        unknown = {op.kind for op in document.operations.values()} - set(self._handlers)
        if unknown:
            raise ConfigError(f"x-kit-operation kinds without a handler: {sorted(unknown)}")

    def dispatch(self, ctx: RequestContext, request: ApiRequest) -> ApiResult:
        """Run one request inside the caller's transaction."""
        method = request.method.upper()
        segments = [decode_segment(s) for s in split_path(request.path)]
        segments = legacy_action_segments(method, segments, request.query) or segments
        found = self.routes.match(method, segments)
        if found is None:
            raise no_route(method, request.path, segments, set(self.services))
        operation = found.target
        query, accepted = self.validator.query(
            operation.operation_id, self._query_parameters[operation.operation_id], request.query
        )
        call = _Call(request, found.params, query, accepted)
        result = self._handlers[operation.kind](ctx, operation, call)
        result.violations = tuple(call.accepted)
        return result

    def _written_body(self, operation: Operation, call: _Call) -> Any:
        """A create/update body: ChargeOver's "No data" 400 when nothing is left to write,
        also once the policy dropped what the API ignores (unknown keys, nulls)."""
        body = _json_or_empty(call.request.body, dict)
        if body:
            body = self._validate_body(operation, call, body)
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        return body

    def _validate_body(self, operation: Operation, call: _Call, body: Any) -> Any:
        """The body as the policy passes it on (repaired where a leniency applied)."""
        if operation.validator is None:
            return body
        body, accepted = self.validator.body(operation.operation_id, operation.validator, body)
        call.accepted.extend(accepted)
        return body

    # -- one handler per operation kind ------------------------------------------------------
    def _service(self, operation: Operation) -> ResourceService:
        if operation.resource is None or operation.resource not in self.services:
            raise ConfigError(f"{operation.operation_id}: no service for its resource")
        return self.services[operation.resource]

    def _key(self, ctx: RequestContext, operation: Operation, call: _Call) -> int:
        """The addressed object's primary key (by id, or by the operation's lookup key)."""
        service = self._service(operation)
        value = call.params[_id_parameter(operation, service, call.params)]
        ident = value if operation.lookup is None else f"{operation.lookup}:{value}"
        return service.resolve(ctx, ident)

    def _result(
        self, ctx: RequestContext, operation: Operation, response: Any, key: int | None = None
    ) -> ApiResult:
        location = None
        if operation.location and key is not None and operation.resource is not None:
            location = ctx.api_url(operation.resource, key)
        return ApiResult(operation.status, response, location)

    def _list(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        return self._result(ctx, operation, self._service(operation).list(ctx, call.query))

    def _count(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        return self._result(ctx, operation, self._service(operation).count(ctx, call.query))

    def _create(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        body = self._written_body(operation, call)
        key = self._service(operation).create(ctx, body)
        return self._result(ctx, operation, {"id": key}, key)

    def _get(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        return self._result(ctx, operation, self._service(operation).get(ctx, key))

    def _update(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        body = self._written_body(operation, call)
        self._service(operation).update(ctx, key, body)
        return self._result(ctx, operation, {"id": key}, key)

    def _delete(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        self._service(operation).delete(ctx, key)
        return self._result(ctx, operation, True)

    def _revisions(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        return self._result(
            ctx, operation, self._service(operation).revisions(ctx, key, call.query)
        )

    def _action(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        """An action in either URL style; the name may be an alias the spec lists."""
        service = self._service(operation)
        if operation.action not in service.actions:
            raise BadRequest(f'Unknown action "{operation.action}" for {service.spec.name}.')
        key = self._key(ctx, operation, call)
        body = _json_or_empty(call.request.body, dict)
        body = self._validate_body(operation, call, body)
        return self._result(ctx, operation, service.action(ctx, key, operation.action, body))

    def _bulk(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        items = _json_or_empty(call.request.body, list)
        self.bulk_runner.check(items)
        items = self._validate_body(operation, call, items)
        return self._result(ctx, operation, {"_bulk": self.bulk_runner(ctx, items)})

    def _constant(self, ctx: RequestContext, operation: Operation, call: _Call) -> ApiResult:
        return self._result(ctx, operation, operation.value)


@dataclasses.dataclass(frozen=True)
class _Call:
    """A routed request: the request and its path parameters."""

    request: ApiRequest
    params: dict[str, str]
    #: the query as the validation policy passed it on (repaired where a leniency applied)
    query: Mapping[str, Any]
    #: violations the policy accepted so far (query, then body)
    accepted: list[Violation]


def _id_parameter(operation: Operation, service: ResourceService, params: dict[str, str]) -> str:
    """The path parameter naming the object: the lookup key, the primary key, or the only one."""
    if operation.lookup is not None:
        return operation.lookup
    if service.spec.primary_key in params or len(params) != 1:
        return service.spec.primary_key
    return next(iter(params))


def _json_or_empty(body: Any, expected: type) -> Any:
    """The parsed body, an empty container when absent, 400 when it has the wrong JSON type."""
    if body is NO_BODY or body is None:
        return expected()
    if not isinstance(body, expected):
        kind = "an object" if expected is dict else "an array"
        raise BadRequest(f"Missing or invalid parameter: the request body must be a JSON {kind}.")
    return body
