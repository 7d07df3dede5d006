"""Maps an API request (method, path under the API prefix, query, body) to a spec operation and
runs it: routing, validation under the policy, one handler per operation kind."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import ChildService
from chargeover_emulator.errors import ApiError, BadRequest, ConfigError
from chargeover_emulator.exchange import NO_BODY, ApiRequest, ApiResult, Paged
from chargeover_emulator.protocol.form import is_form_media_type
from chargeover_emulator.protocol.query import decode_segment
from chargeover_emulator.routing import RouteTable, split_path
from chargeover_emulator.specdoc import Operation, SpecDocument
from chargeover_emulator.validation import RequestValidator, Violation, declared_parameters

if TYPE_CHECKING:
    from chargeover_emulator.dialect import Authorizer, Dialect, Service
    from chargeover_emulator.storage.database import Database

__all__ = ["Call", "Dispatcher", "operation_routes"]


def operation_routes(document: SpecDocument) -> RouteTable[Operation]:
    """Every documented operation's route, action aliases included (the dispatcher's, and the
    traffic checks' in `contracts.traffic`, which must route a recording exactly as served)."""
    routes: RouteTable[Operation] = RouteTable()
    for operation in document.operations.values():
        routes.add(operation.method, operation.path, operation)
        if operation.kind == "action":
            # an alias (`reset_password` for `password`) routes like the action's own name
            base, _, _ = operation.path.rpartition("/")
            for alias in operation.aliases:
                routes.add(operation.method, f"{base}/{alias}", operation)
    return routes


class Dispatcher:
    """Routes requests to resource services through the spec's paths (`routing.RouteTable`).

    An operation's `x-kit-operation.kind` says which service method serves it; its status and
    `Location` header come from its documented success response.
    """

    def __init__(
        self,
        document: SpecDocument,
        services: Mapping[str, Service],
        validator: RequestValidator,
        dialect: Dialect,
        database: Database,
        *,
        authorizer: Authorizer | None = None,
    ) -> None:
        self.document = document
        self.authorizer = authorizer
        self.services = services
        self.validator = validator
        self.dialect = dialect
        self.routes = operation_routes(document)
        self._parameters = {
            (operation.operation_id, location): declared_parameters(
                operation.parameters, document.value_kind, document.validator, location=location
            )
            for operation in document.operations.values()
            for location in ("query", "path", "header")
        }
        self._handlers: dict[str, Callable[[RequestContext, Operation, Call], ApiResult]] = {
            **dialect.handlers(self, database),
            "list": self._list,
            "count": self._count,
            "create": self._create,
            "get": self._get,
            "update": self._update,
            "delete": self._delete,
            "revisions": self._revisions,
            "action": self._action,
            "constant": self._constant,
        }
        unknown = {op.kind for op in document.operations.values()} - set(self._handlers)
        if unknown:
            raise ConfigError(f"x-kit-operation kinds without a handler: {sorted(unknown)}")

    def operation_id(self, request: ApiRequest) -> str | None:
        """The operationId a request would run, or None (for per-operation fault rules)."""
        method = request.method.upper()
        try:
            segments = [decode_segment(s) for s in split_path(request.path)]
        except ApiError:
            return None
        segments = self.dialect.rewrite(method, segments, request.query) or segments
        found = self.routes.match(method, segments)
        return None if found is None else found.target.operation_id

    def dispatch(self, ctx: RequestContext, request: ApiRequest) -> ApiResult:
        """Run one request inside the caller's transaction."""
        method = request.method.upper()
        sent = [decode_segment(s) for s in split_path(request.path)]
        segments = self.dialect.rewrite(method, sent, request.query) or sent
        found = self.routes.match(method, segments)
        if found is None:
            raise self.dialect.no_route(method, request.path, segments, set(self.services))
        operation = found.target
        op = operation.operation_id
        if self.authorizer is not None and any(operation.security):
            self.authorizer.authorize(request.credential, operation.security)
        accepted = self.validator.path(
            op,
            self._parameters[op, "path"],
            found.params,
            alternatives=lambda name, value: self._lookup_form(operation, name, value),
        )
        accepted += self.validator.headers(op, self._parameters[op, "header"], request.headers)
        query, in_query = self.validator.query(op, self._parameters[op, "query"], request.query)
        accepted += in_query
        if segments is not sent:
            query, in_sent = self._query_as_sent(method, sent, query)
            accepted += in_sent
        call = Call(request, found.params, query, accepted)
        ctx.sent_query = request.query
        try:
            self._enter_parent(ctx, operation, found.params)
            result = self._handlers[operation.kind](ctx, operation, call)
        except ApiError as error:
            error.violations = tuple(call.accepted)  # still reported on the error response
            raise
        result.violations = tuple(call.accepted)
        return result

    def _query_as_sent(
        self, method: str, sent: list[str], query: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[Violation]]:
        """A rewritten request (ChargeOver's `?action=NAME`) is also held to the parameters of
        the operation its own URL names: a client reads that operation, and schemathesis judges
        the request by it, so a parameter only it declares (`_flag_emails` on
        `userLegacyAction`, for every action) is validated under the policy like any other."""
        found = self.routes.match(method, sent)
        if found is None:
            return dict(query), []
        op = found.target.operation_id
        return self.validator.query(op, self._parameters[op, "query"], query)

    def _enter_parent(self, ctx: RequestContext, operation: Operation, params: Any) -> None:
        """A nested resource's parent (`x-kit-resource.parent`), resolved before anything else
        (an unknown parent is its own 404) and handed to the service in `ctx.parents`."""
        if operation.resource is None or operation.resource not in self.services:
            return
        spec = self.services[operation.resource].spec
        if spec.parent is None or spec.parent_param not in params:
            return
        parent = self.services[spec.parent]
        ctx.parents[spec.parent] = parent.resolve(ctx, params[spec.parent_param])

    def _written_body(self, operation: Operation, call: Call) -> Any:
        """A create/update body; the dialect's "no data" answer when nothing is left to write,
        also once the policy dropped what the API ignores (unknown keys, nulls). A dialect
        without such an answer (`no_data()` is None) has an empty body validated like any other,
        and an absent one, where the spec requires a body, refused as a body of the wrong type."""
        body = self.json_body(operation, call, dict)
        refusal = None if body else self.dialect.no_data()
        if refusal is not None:
            raise refusal
        if (
            call.request.body is NO_BODY
            and operation.body_required
            and not any(v.component == "body" and v.rule == "required" for v in call.accepted)
        ):
            # a dialect that validates an empty body still needs one where the spec requires
            # it, unless its leniency reads a missing body as an empty one (Invoiced's PATCH)
            raise self.dialect.body_type_error("an object")
        body = self.validate_body(operation, call, body)
        if not body and (refusal := self.dialect.no_data()) is not None:
            raise refusal
        return body

    def json_body(self, operation: Operation, call: Call, expected: type) -> Any:
        """The parsed body, an empty container when absent, the dialect's 400 for a wrong type;
        a JSON `null` is no body only where the validation policy accepts it."""
        body = call.request.body
        kind = "an object" if expected is dict else "an array"
        if body is None:
            call.accepted.append(self.validator.null_body(operation.operation_id, kind))
            return expected()
        if body is NO_BODY:
            if operation.body_required:
                accepted = self.validator.missing_body(operation.operation_id)
                if accepted is not None:
                    call.accepted.append(accepted)
            return expected()
        content_type = call.request.headers.get("content-type")
        if is_form_media_type(content_type):
            assert content_type is not None
            call.accepted.append(self.validator.form_body(operation.operation_id, content_type))
        if not isinstance(body, expected):
            raise self.dialect.body_type_error(kind)
        return body

    def _lookup_form(self, operation: Operation, name: str, value: str) -> bool:
        """`external_key:abc` where the primary key is declared: a form `x-kit-resource`
        documents (`lookup-keys`), not a violation of the id's schema."""
        if operation.resource is None or operation.resource not in self.services:
            return False
        spec = self.services[operation.resource].spec
        key, colon, rest = value.partition(":")
        return name == spec.primary_key and bool(colon and rest) and key in spec.lookup_keys

    def validate_body(self, operation: Operation, call: Call, body: Any) -> Any:
        """The body as the policy passes it on (repaired where a leniency applied)."""
        if operation.validator is None:
            return body
        body, accepted = self.validator.body(operation.operation_id, operation.validator, body)
        call.accepted.extend(accepted)
        return body

    # -- one handler per operation kind ------------------------------------------------------
    def _service(self, operation: Operation) -> Service:
        if operation.resource is None or operation.resource not in self.services:
            raise ConfigError(f"{operation.operation_id}: no service for its resource")
        return self.services[operation.resource]

    def _key(self, ctx: RequestContext, operation: Operation, call: Call) -> Any:
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
            location = ctx.base_url + self._object_path(operation.resource, key)
        return ApiResult(operation.status, response, location)

    def _object_path(self, resource: str, key: Any) -> str:
        """The documented `get` path of one object, under the dialect's prefix (`Location`)."""
        get = self.services[resource].spec.operations.get("get")
        if get is None:
            raise ConfigError(f"a Location for {resource} needs its documented get operation")
        path = re.sub(r"\{[^{}]+\}", lambda _: quote(str(key), safe=""), get.path, count=1)
        return self.dialect.api_prefix + path

    def _list(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        page = self._service(operation).list(ctx, call.query)
        if isinstance(page, Paged):
            return ApiResult(operation.status, page.items, headers=page.headers)
        return self._result(ctx, operation, page)

    def _count(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        return self._result(ctx, operation, self._service(operation).count(ctx, call.query))

    def _create(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        service = self._service(operation)
        body = self._written_body(operation, call)
        # the parent was resolved by _enter_parent; a ChildService takes it as an argument, any
        # other service reads ctx.parents itself
        parent = ctx.parents.get(service.spec.parent) if service.spec.parent else None
        if parent is not None and isinstance(service, ChildService):
            key = service.create_child(ctx, parent, body)
        else:
            key = service.create(ctx, body)
        answer = self.dialect.written("create", key, lambda: service.get(ctx, key))
        return self._result(ctx, operation, answer, key)

    def _get(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        return self._result(ctx, operation, self._service(operation).get(ctx, key))

    def _update(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        body = self._written_body(operation, call)
        service = self._service(operation)
        service.update(ctx, key, body)
        answer = self.dialect.written("update", key, lambda: service.get(ctx, key))
        return self._result(ctx, operation, answer, key)

    def _delete(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        self._service(operation).delete(ctx, key)
        return self._result(ctx, operation, True)

    def _revisions(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        key = self._key(ctx, operation, call)
        return self._result(
            ctx, operation, self._service(operation).revisions(ctx, key, call.query)
        )

    def _action(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        """An action in either URL style; the name may be an alias the spec lists."""
        service = self._service(operation)
        if operation.action is None or operation.action not in service.actions:
            raise BadRequest(f'Unknown action "{operation.action}" for {service.spec.name}.')
        key = self._key(ctx, operation, call)
        body = self.validate_body(operation, call, self.json_body(operation, call, dict))
        return self._result(ctx, operation, service.action(ctx, key, operation.action, body))

    def _constant(self, ctx: RequestContext, operation: Operation, call: Call) -> ApiResult:
        return self._result(ctx, operation, operation.value)


@dataclasses.dataclass(frozen=True)
class Call:
    """A routed request: the request and its path parameters."""

    request: ApiRequest
    params: dict[str, str]
    #: the query as the validation policy passed it on (repaired where a leniency applied)
    query: Mapping[str, Any]
    #: violations the policy accepted so far (query, then body)
    accepted: list[Violation]


def _id_parameter(operation: Operation, service: Service, params: dict[str, str]) -> str:
    """The path parameter naming the object: the lookup key, the primary key, or the only one."""
    if operation.lookup is not None:
        return operation.lookup
    if service.spec.path_param is not None and service.spec.path_param in params:
        return service.spec.path_param
    if service.spec.primary_key in params or len(params) != 1:
        return service.spec.primary_key
    return next(iter(params))
