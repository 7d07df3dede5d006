"""One Invoiced resource in one SQLite table: integer ids, UNIX timestamps, partial updates, and
lists paged by `page`/`per_page` with `Link` and `X-Total-Count` (the engine's `link_paging`).

Everything resource-specific comes from the spec: the columns are the read schema's properties,
`x-kit-resource` names the sortable, filterable and unique fields and the parent, the create
schema's `required` list the fields a create must carry. Column names in SQL come from the spec
only; every value a client sends is a bound parameter.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest, NotFound
from chargeover_emulator.exchange import Paged
from chargeover_emulator.link_paging import link_headers, page_window
from chargeover_emulator.protocol.numbers import decimal_integer, fits_int64
from chargeover_emulator.specdoc import ResourceSpec
from chargeover_emulator.storage.errors import ValueOutOfRange
from chargeover_emulator.storage.tables import Table

__all__ = ["ObjectService", "Paging", "invalid"]

#: objects as the API sends them (`list` is a method name inside the class)
Rows = list[dict[str, Any]]
#: query keys of the deepObject families; left in a query they were not declared there
_FAMILIES = ("filter[", "metadata[")


def invalid(message: str, param: str | None = None) -> BadRequest:
    """Invoiced's 400 (`type: invalid_request`), naming the parameter responsible."""
    return BadRequest(message, details={"param": param} if param else None)


@dataclasses.dataclass(frozen=True)
class Paging:
    """The page size served when none is asked for, and the largest one served."""

    default: int
    maximum: int


@dataclasses.dataclass(frozen=True)
class Shape:
    """What the spec says about one resource beyond `ResourceSpec`."""

    list_path: str
    #: the query parameters the list operation declares (no other is read)
    list_parameters: frozenset[str]
    sortable: frozenset[str]
    unique: tuple[str, ...]
    required: tuple[str, ...]
    defaults: Mapping[str, Any]


class ObjectService:
    """The engine's `Service` for one Invoiced resource (a nested one lives under its parent)."""

    def __init__(self, spec: ResourceSpec, shape: Shape, paging: Paging) -> None:
        self._spec = spec
        self._shape = shape
        self._paging = paging
        self._parent_column = f"{spec.parent}_id" if spec.parent else None
        columns = {name: prop.kind for name, prop in spec.properties.items() if name != "object"}
        if self._parent_column is not None:
            columns[self._parent_column] = "integer"
        self.table = Table(f"invoiced_{spec.name}", spec.primary_key, columns)
        self._view = self.table.projection(name for name in spec.properties if name != "object")
        self._writable = frozenset(
            name for name, prop in spec.properties.items() if not prop.read_only
        )

    # -- the engine's Service protocol ---------------------------------------------------------
    @property
    def spec(self) -> ResourceSpec:
        return self._spec

    @property
    def actions(self) -> Mapping[str, Any]:
        return {}

    def ddl(self) -> list[str]:
        return [self.table.ddl()]

    def install(self, conn: Any) -> None:
        """Nothing beyond the table."""

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        table = self.table.name
        statements = [
            f'CREATE UNIQUE INDEX IF NOT EXISTS "ux_{table}_{field}" ON "{table}" ("{field}")'
            for field in self._shape.unique
        ]
        if self._parent_column is not None:
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "ix_{table}_parent"'
                f' ON "{table}" ("{self._parent_column}")'
            )
        return statements

    def resolve(self, ctx: RequestContext, ident: str) -> int:
        """The key of the object `ident` names (under the request's parent), else the 404."""
        key = decimal_integer(str(ident).strip())
        if isinstance(key, int):
            sql = f'SELECT 1 FROM "{self.table.name}" WHERE "{self.table.primary_key}" = ?'
            params: builtins.list[Any] = [key]
            if self._parent_column is not None:
                sql += f' AND "{self._parent_column}" = ?'
                params.append(ctx.parents.get(self._spec.parent or ""))
            if ctx.conn.execute(sql, params).fetchone() is not None:
                return key
        raise NotFound(self._spec.not_found_message.replace("{id}", str(ident)))

    def get(self, ctx: RequestContext, key: Any) -> dict[str, Any]:
        row = self.table.get(ctx.conn, key, self._view)
        if row is None:
            raise NotFound(self._spec.not_found_message.replace("{id}", str(key)))
        return self.render(row)

    def list(self, ctx: RequestContext, query: Mapping[str, Any]) -> Paged:
        window = page_window(
            query, default_per_page=self._paging.default, max_per_page=self._paging.maximum
        )
        query = {
            name: value
            for name, value in query.items()
            if name in self._shape.list_parameters or name.startswith(_FAMILIES)
        }
        where, params = self._where(ctx, query)
        order = self._order(query.get("sort"))
        total = self.table.count(ctx.conn, where, params)
        rows = self.table.select(
            ctx.conn, self._view, where, params, order, window.per_page, window.offset
        )
        path = self._shape.list_path
        if self._spec.parent_param is not None:
            parent_key = ctx.parents.get(self._spec.parent or "")
            path = path.replace(f"{{{self._spec.parent_param}}}", str(parent_key))
        # the links repeat the declared parameters as sent (not as coerced for the query)
        shown = {
            name: value
            for name, value in ctx.sent_query.items()
            if (name in self._shape.list_parameters or name.startswith(_FAMILIES)) and value != []
        }
        headers = link_headers(f"{ctx.base_url}{path}", shown, window, total, previous="previous")
        return Paged([self.render(row) for row in rows], headers)

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        for field in self._shape.required:
            if body.get(field) is None:
                raise invalid(f"{field.capitalize()} missing", field)
        now = int(ctx.now.timestamp())
        values = {**self._shape.defaults, **self.initial(ctx), **self._written(body)}
        values.update(created_at=now, updated_at=now)
        if self._parent_column is not None:
            values[self._parent_column] = ctx.parents.get(self._spec.parent or "")
        self._check_unique(ctx, values, None)
        key = int(self._store(lambda: self.table.insert(ctx.conn, values)))
        self.created(ctx, key, values)
        return key

    def update(self, ctx: RequestContext, key: Any, body: Mapping[str, Any]) -> None:
        """Only the fields sent change (PATCH), and `updated_at`; nothing to write, no change."""
        values = self._written(body)
        if not values:
            return
        self._check_unique(ctx, values, key)
        values["updated_at"] = int(ctx.now.timestamp())
        self._store(lambda: self.table.update(ctx.conn, key, values))

    def delete(self, ctx: RequestContext, key: Any) -> None:
        self.table.delete(ctx.conn, key)

    def delete_under(self, ctx: RequestContext, parent_key: Any) -> None:
        """Every object of a deleted parent (a nested resource only)."""
        if self._parent_column is not None:
            ctx.conn.execute(
                f'DELETE FROM "{self.table.name}" WHERE "{self._parent_column}" = ?', [parent_key]
            )

    def under(self, ctx: RequestContext, parent_key: Any) -> Rows:
        """Every object of one parent, in id order (statement recipients)."""
        if self._parent_column is None:
            return []
        where = f'"{self._parent_column}" = ?'
        key = f'"{self.table.primary_key}" ASC'
        return self.table.select(ctx.conn, self._view, where, [parent_key], key, -1, 0)

    def count(self, ctx: RequestContext, query: Mapping[str, Any]) -> int:
        raise NotImplementedError("Invoiced documents no count operation")

    def revisions(self, ctx: RequestContext, key: Any, query: Mapping[str, Any]) -> Any:
        raise NotImplementedError("Invoiced documents no revisions")

    def action(self, ctx: RequestContext, key: Any, name: str, body: Mapping[str, Any]) -> Any:
        raise NotImplementedError("Invoiced's operations on an object are custom ones")

    # -- what a resource may refine -------------------------------------------------------------
    def initial(self, ctx: RequestContext) -> dict[str, Any]:
        """Server-set values of a new object (beyond the spec's defaults and timestamps)."""
        return {}

    def created(self, ctx: RequestContext, key: int, values: Mapping[str, Any]) -> None:
        """Work after the insert (a generated `number` needs the new id)."""

    def normalised(self, field: str, value: Any) -> Any:
        """A written value as the API stores it."""
        return value

    def extra_filters(self, query: Mapping[str, Any]) -> tuple[Sequence[str], Sequence[Any]]:
        """Clauses for the resource's own list flags."""
        return [], []

    def render(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The object as the API sends it: every documented key, `null` where unset."""
        out: dict[str, Any] = {}
        for name in self._spec.properties:
            out[name] = self._spec.name if name == "object" else row.get(name)
        if "metadata" in out and not out["metadata"]:
            out["metadata"] = []  # fact sheet §1.4: an empty map is PHP's empty array
        return out

    # -- internals ------------------------------------------------------------------------------
    def _written(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The writable fields of a (validated) body; `null` on a field that cannot be null
        reads as its default (the Go SDK always sends `primary`, maybe `null`)."""
        values: dict[str, Any] = {}
        for field, value in body.items():
            if field not in self._writable or field not in self.table.columns:
                continue
            prop = self._spec.properties[field]
            if value is None and not prop.nullable:
                if field not in self._shape.defaults:
                    continue
                value = self._shape.defaults[field]
            values[field] = self.normalised(field, value)
        return values

    def _check_unique(self, ctx: RequestContext, values: Mapping[str, Any], key: Any) -> None:
        for field in self._shape.unique:
            value = values.get(field)
            if value is None:
                continue
            owner = self.table.find_key(ctx.conn, field, value)
            if owner is not None and owner != key:
                raise invalid(f"The {field} {value!r} is already in use", field)

    @staticmethod
    def _store(write: Any) -> Any:
        try:
            return write()
        except ValueOutOfRange as exc:
            raise invalid(exc.message, exc.column) from None

    def _where(
        self, ctx: RequestContext, query: Mapping[str, Any]
    ) -> tuple[str, builtins.list[Any]]:
        clauses: builtins.list[str] = []
        params: builtins.list[Any] = []
        if self._parent_column is not None:
            clauses.append(f'"{self._parent_column}" = ?')
            params.append(ctx.parents.get(self._spec.parent or ""))
        for name in query:
            if name.startswith(_FAMILIES):  # a family this list does not declare
                raise invalid(f"Invalid parameter: {name}", name)
        for field, value in _members(query.get("filter")):
            if field not in self._spec.filterable or field not in self.table.columns:
                raise invalid(f"Cannot filter on {field}", f"filter[{field}]")
            if isinstance(value, int) and not fits_int64(value):
                clauses.append("0 = 1")  # no stored integer is beyond int64
                continue
            clauses.append(f'"{field}" = ?')
            params.append(int(value) if isinstance(value, bool) else value)
        for key, value in _members(query.get("metadata")):
            clauses.append(
                f'EXISTS (SELECT 1 FROM json_each("{self.table.name}"."metadata")'
                " WHERE json_each.key = ? AND json_each.value = ?)"
            )
            params += [key, value]
        if query.get("updated_after") is not None:
            clauses.append('"updated_at" > ?')
            params.append(int(query["updated_after"]))
        extra, extra_params = self.extra_filters(query)
        clauses += extra
        return " AND ".join(clauses) or "1 = 1", [*params, *extra_params]

    def _order(self, sort: Any) -> str:
        key = f'"{self.table.primary_key}"'
        if not isinstance(sort, str) or not sort:
            return f"{key} ASC"
        column, _, direction = sort.partition(" ")
        if column not in self._shape.sortable or column not in self.table.columns:
            raise invalid(f"Cannot sort on {column}", "sort")
        if direction not in {"asc", "desc"}:
            raise invalid("Sort direction must be asc or desc", "sort")
        return f'"{column}" {direction.upper()}, {key} ASC'


def _members(value: Any) -> Iterable[tuple[str, Any]]:
    """The members of a deepObject parameter (an empty family when absent)."""
    return value.items() if isinstance(value, dict) else ()


def flag(value: Any) -> bool | None:
    """A validated boolean query flag (`true`/`false`, any case), None when absent."""
    if value is None:
        return None
    return str(value).strip().lower() == "true"
