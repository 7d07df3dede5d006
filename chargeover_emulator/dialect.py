"""What the engine asks a vendor: the `Dialect` protocol, and the `Service` each resource offers.

The engine (app, dispatcher, routing, validation, storage, emulator) never branches on the
vendor: it asks the dialect. A dialect chooses among the wire families (envelope, paging,
filter grammar, error body, auth) and brings the vendor's business rules as resource services.
ChargeOver's dialect is `chargeover_emulator.dialects.chargeover`; a toy dialect in
`tests/toy/` proves that a vendor plugs in without an edit here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import random
    import sqlite3

    from chargeover_emulator.config import Settings
    from chargeover_emulator.context import RequestContext
    from chargeover_emulator.errors import ApiError
    from chargeover_emulator.exchange import ApiRequest, ApiResult
    from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
    from chargeover_emulator.storage.database import Database
    from chargeover_emulator.validation import Leniency, Violation

__all__ = [
    "Authenticator",
    "Authorizer",
    "ChildService",
    "Dialect",
    "KindHandler",
    "KindHost",
    "RejectsViolations",
    "Service",
    "Workbench",
]

#: an extra operation kind a dialect serves (ChargeOver's `bulk`)
KindHandler = Callable[..., "ApiResult"]


class Authenticator(Protocol):
    """Checks one request's credentials; returns who it is (the rate limit's key)."""

    def authenticate(self, header: str | None, url: str, body: bytes) -> str: ...


@runtime_checkable
class Authorizer(Protocol):
    """Optional, on an authenticator: judges a credential against an operation's `security`.

    The engine calls it after routing, before anything else of the operation runs, for every
    operation whose requirements name scopes (permissions); it raises the vendor's 403.
    """

    def authorize(self, credential: str | None, requirements: tuple[frozenset[str], ...]) -> None:
        """Return if the credential holds every scope of at least one requirement."""
        ...


@runtime_checkable
class RejectsViolations(Protocol):
    """Optional, on a dialect: its own answer to a request the validation policy rejects
    (Fynn's 422 listing every violation; without it, the first violation's 400)."""

    def rejected(self, violations: Sequence[Violation]) -> ApiError: ...


class KindHost(Protocol):
    """What a dialect's own operation kinds may use of the dispatcher (ChargeOver's bulk)."""

    def dispatch(self, ctx: RequestContext, request: ApiRequest) -> ApiResult:
        """Run one more request inside the caller's transaction."""
        ...

    def json_body(self, operation: Any, call: Any, expected: type) -> Any:
        """The call's parsed body, checked to be `expected` (dict or list)."""
        ...

    def validate_body(self, operation: Any, call: Any, body: Any) -> Any:
        """The body as the validation policy passes it on."""
        ...


class Workbench(Protocol):
    """What demo-data seeding may use of a running emulator."""

    @property
    def services(self) -> Mapping[str, Service]: ...

    @property
    def database(self) -> Database: ...

    #: where the emulator is served (`http://127.0.0.1:8080`): links in demo data point there
    origin: str

    def context(
        self, conn: Any, *, ipaddr: str, base_url: str, rng: random.Random | None = None
    ) -> RequestContext:
        """A request context for work outside any HTTP request."""
        ...


class Service(Protocol):
    """One resource's behaviour, as the engine's operation kinds call it."""

    @property
    def spec(self) -> ResourceSpec:
        """The resource as its read schema's `x-kit-resource` declares it."""
        ...

    @property
    def actions(self) -> Mapping[str, Any]:
        """The action handlers this resource implements, by action name."""
        ...

    def ddl(self) -> list[str]: ...
    def install(self, conn: sqlite3.Connection) -> None: ...
    def index_ddl(self, *, case_sensitive: bool) -> list[str]: ...
    def resolve(self, ctx: RequestContext, ident: str) -> Any: ...
    def list(self, ctx: RequestContext, query: Mapping[str, Any]) -> Any: ...
    def count(self, ctx: RequestContext, query: Mapping[str, Any]) -> Any: ...
    def get(self, ctx: RequestContext, key: Any) -> Any: ...
    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> Any: ...
    def update(self, ctx: RequestContext, key: Any, body: Mapping[str, Any]) -> None: ...
    def delete(self, ctx: RequestContext, key: Any) -> None: ...
    def revisions(self, ctx: RequestContext, key: Any, query: Mapping[str, Any]) -> Any: ...
    def action(self, ctx: RequestContext, key: Any, name: str, body: Mapping[str, Any]) -> Any: ...


@runtime_checkable
class ChildService(Protocol):
    """Optional, on the service of a resource created under a parent (`x-kit-resource.parent`):
    the engine resolves the parent's id from the path (its 404 first) and passes its key."""

    def create_child(self, ctx: RequestContext, parent: Any, body: Mapping[str, Any]) -> Any: ...


class Dialect(Protocol):
    """A vendor's choices and rules; one instance per running emulator (it may keep state)."""

    @property
    def name(self) -> str:
        """Short lower-case vendor name (`chargeover`): settings prefixes, `--vendor`."""
        ...

    @property
    def api_prefix(self) -> str:
        """The path every API route lives under (`/api/v3`)."""
        ...

    @property
    def leniencies(self) -> Sequence[Leniency]:
        """Spec violations the `faithful` policy accepts, with their evidence."""
        ...

    @property
    def grammar_parameters(self) -> frozenset[str]:
        """Query parameters whose grammar has its own parser (deferred under `faithful`)."""
        ...

    def spec_path(self, explicit: Path | None) -> Path:
        """The vendor's OpenAPI document (an explicit path wins)."""
        ...

    def services(self, spec: SpecDocument, settings: Settings) -> Mapping[str, Service]:
        """One service per resource the spec declares."""
        ...

    def install(self, conn: sqlite3.Connection) -> None:
        """Tables the vendor needs beyond its resources' own (logs, catalogues); idempotent."""
        ...

    def authenticator(self, settings: Settings) -> Authenticator:
        """The vendor's auth schemes, with the configured credentials."""
        ...

    def before_request(self, ctx: RequestContext, services: Mapping[str, Service]) -> None:
        """Work due before any request (ChargeOver's daily overdue sweep)."""
        ...

    def reset(self) -> None:
        """Forget per-run state (after the database was emptied)."""
        ...

    def rewrite(
        self, method: str, segments: Sequence[str], query: Mapping[str, Any]
    ) -> list[str] | None:
        """A URL quirk: the documented path segments a legacy form stands for, or None."""
        ...

    def no_route(
        self, method: str, path: str, segments: Sequence[str], resources: set[str]
    ) -> ApiError:
        """The vendor's answer to a method and path no operation documents."""
        ...

    def handlers(self, host: KindHost, database: Database) -> Mapping[str, KindHandler]:
        """Handlers for operation kinds the engine does not know (ChargeOver's `bulk`)."""
        ...

    def no_data(self) -> ApiError | None:
        """The answer to a create or update with nothing to write (None: an empty body is
        validated and written like any other)."""
        ...

    def body_type_error(self, expected: str) -> ApiError:
        """The answer to a JSON body of the wrong type (`an object`, `an array`)."""
        ...

    def seed(self, emulator: Workbench, number: int, count: int, *, progress: bool) -> None:
        """Deterministic demo data: `count` top-level objects from seed `number`."""
        ...

    def written(self, kind: str, key: Any, read: Callable[[], Any]) -> Any:
        """What a create or update answers: an id reference, or the object (`read()`)."""
        ...

    def success(self, result: ApiResult) -> Any:
        """The JSON body of a successful result (an envelope, or the payload bare)."""
        ...

    def failure(self, error: ApiError) -> Any:
        """The JSON body of an error, in the vendor's own error shape."""
        ...
