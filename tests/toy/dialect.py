"""The toy vendor as a dialect: everything vendor-specific it needs, and nothing in the engine.

Bare bodies (no envelope), page/per_page paging with `Link` and `X-Total-Count` (the engine's
`link_paging` family), UUID ids (the engine's `Table` with a text key), Bearer auth, errors as
`{"error": {"type", "message"}}`, and a 404 for any route it does not document.
"""

from __future__ import annotations

import hmac
import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from chargeover_emulator.config import Settings
from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import Authenticator, KindHandler, KindHost, Service
from chargeover_emulator.errors import ApiError, BadRequest, ConfigError, NotFound, Unauthorized
from chargeover_emulator.exchange import ApiResult, Paged
from chargeover_emulator.link_paging import link_headers, page_window
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
from chargeover_emulator.storage.database import Database
from chargeover_emulator.storage.tables import Table

SPEC = Path(__file__).with_name("openapi.yaml")
TOKEN = "toy-token"
_COLUMNS = ("id", "name", "color", "created_at")


class BearerAuth:
    """`Authorization: Bearer <token>` with one configured token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def authenticate(self, header: str | None, url: str, body: bytes) -> str:
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), self._token.encode()
        ):
            raise Unauthorized("a valid bearer token is required")
        return token


class WidgetService:
    """Widgets in the engine's `Table`, keyed by UUID (a text key; `rowid` keeps creation order)."""

    def __init__(self, spec: ResourceSpec, list_url: str) -> None:
        self._spec = spec
        self._list_url = list_url
        self._table = Table("widget", "id", dict.fromkeys(_COLUMNS, "string"))

    @property
    def spec(self) -> ResourceSpec:
        return self._spec

    @property
    def actions(self) -> Mapping[str, Any]:
        return {}

    def ddl(self) -> list[str]:
        return [self._table.ddl()]

    def install(self, conn: sqlite3.Connection) -> None:
        """Nothing beyond the table."""

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        return []

    def resolve(self, ctx: RequestContext, ident: str) -> str:
        return str(self.get(ctx, ident)["id"])

    def list(self, ctx: RequestContext, query: Mapping[str, Any]) -> Paged:
        window = page_window(query, default_per_page=10, max_per_page=50)
        total = self._table.count(ctx.conn, "1", [])
        items = self._table.select(
            ctx.conn, self._table.everything, "1", [], "rowid", window.per_page, window.offset
        )
        url = f"{ctx.base_url}{self._list_url}"
        return Paged(items, link_headers(url, query, window, total))

    def get(self, ctx: RequestContext, key: str) -> dict[str, Any]:
        row = self._table.get(ctx.conn, key)
        if row is None:
            raise NotFound(self._spec.not_found_message)
        return row

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> str:
        key = str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
        created = ctx.now.isoformat() + "Z"
        values = {"id": key, "name": body["name"], "color": body.get("color", "red")}
        self._table.insert(ctx.conn, {**values, "created_at": created})
        return key

    def count(self, ctx: RequestContext, query: Mapping[str, Any]) -> int:
        raise NotImplementedError("the toy documents no count operation")

    def update(self, ctx: RequestContext, key: Any, body: Mapping[str, Any]) -> None:
        raise NotImplementedError("the toy documents no update operation")

    def delete(self, ctx: RequestContext, key: Any) -> None:
        raise NotImplementedError("the toy documents no delete operation")

    def revisions(self, ctx: RequestContext, key: Any, query: Mapping[str, Any]) -> Any:
        raise NotImplementedError("the toy documents no revisions")

    def action(self, ctx: RequestContext, key: Any, name: str, body: Mapping[str, Any]) -> Any:
        raise NotImplementedError("the toy documents no actions")


class ToyDialect:
    """The toy vendor's choices."""

    name = "toy"
    api_prefix = "/v1"
    leniencies: tuple[Any, ...] = ()
    grammar_parameters: frozenset[str] = frozenset()

    def __init__(self, token: str = TOKEN) -> None:
        self._token = token

    def spec_path(self, explicit: Path | None) -> Path:
        return explicit or SPEC

    def services(self, spec: SpecDocument, settings: Settings) -> Mapping[str, Service]:
        return {"widget": WidgetService(spec.resources["widget"], f"{self.api_prefix}/widgets")}

    def install(self, conn: sqlite3.Connection) -> None:
        """The toy keeps nothing beside its resources."""

    def authenticator(self, settings: Settings) -> Authenticator:
        return BearerAuth(self._token)

    def before_request(self, ctx: RequestContext, services: Mapping[str, Service]) -> None:
        """Nothing is due."""

    def reset(self) -> None:
        """No per-run state."""

    def rewrite(
        self, method: str, segments: Sequence[str], query: Mapping[str, Any]
    ) -> list[str] | None:
        return None

    def no_route(
        self, method: str, path: str, segments: Sequence[str], resources: set[str]
    ) -> ApiError:
        return NotFound(f"no route for {method} {path or '/'}")

    def handlers(self, host: KindHost, database: Database) -> Mapping[str, KindHandler]:
        return {}

    def no_data(self) -> ApiError:
        return BadRequest("the request body is empty")

    def body_type_error(self, expected: str) -> ApiError:
        return BadRequest(f"the request body must be {expected}")

    def seed(self, emulator: Any, number: int, count: int, *, progress: bool) -> None:
        raise ConfigError("the toy has no demo data")

    def written(self, kind: str, key: Any, read: Callable[[], Any]) -> Any:
        return read()

    def success(self, result: ApiResult) -> Any:
        return result.response

    def failure(self, error: ApiError) -> Any:
        return {"error": {"type": type(error).__name__, "message": error.message}}
