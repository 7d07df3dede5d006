"""Generic resource behaviour driven by the spec: lookup, list/count, CRUD, revisions, actions."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from chargeover_emulator.context import RequestContext
from chargeover_emulator.encoding import RenderedJson, encode
from chargeover_emulator.errors import BadRequest, NotFound
from chargeover_emulator.protocol.numbers import decimal_integer
from chargeover_emulator.protocol.order import compile_order, parse_order
from chargeover_emulator.protocol.paging import parse_page
from chargeover_emulator.protocol.where import FieldTarget, Relation, compile_where, parse_where
from chargeover_emulator.records import Records
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument
from chargeover_emulator.storage.rendered import RenderedRows

__all__ = ["Action", "ResourceService", "stamp"]

Action = Callable[[RequestContext, int, Mapping[str, Any]], Any]
_ID = re.compile(r"[0-9]+", re.ASCII)


def stamp(ctx: RequestContext, *, created: bool) -> dict[str, Any]:
    """write_*/mod_* datetime and client address."""
    values = {"mod_datetime": ctx.timestamp, "mod_ipaddr": ctx.ipaddr}
    if created:
        values.update({"write_datetime": ctx.timestamp, "write_ipaddr": ctx.ipaddr})
    return values


class ResourceService:
    """Behaviour shared by customers, users and invoices; subclasses add their domain rules."""

    #: extra columns the domain needs beyond the read schema (name -> kind)
    internal_columns: ClassVar[dict[str, str]] = {}
    #: dotted-filter prefix -> (child table, child column pointing back at this resource)
    relation_tables: ClassVar[dict[str, tuple[str, str]]] = {}
    #: child tables' column kinds, for typing dotted filter values
    relation_kinds: dict[str, dict[str, str]] = {}  # noqa: RUF012 (set per instance by invoices)
    #: array properties kept in child tables and filled in by `render_children`
    child_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, spec: ResourceSpec, document: SpecDocument, *, table: Records | None = None
    ) -> None:
        self.spec = spec
        self.document = document
        #: the resource's table; built by the caller when another resource reads it too
        self.table = table if table is not None else self.new_table(spec)
        self.title = spec.name.capitalize()
        self.actions: dict[str, Action] = {}
        # What a response shows is fixed by the spec, so the SELECT list and the conversions of
        # both views are worked out here once rather than looked up for every row.
        list_fields = [name for name in spec.properties if name not in spec.list_omits]
        non_null_arrays = [
            n for n, p in spec.properties.items() if p.kind == "array" and not p.nullable
        ]
        self._full_view = self.table.projection(spec.properties, empty_arrays=non_null_arrays)
        self._list_view = self.table.projection(list_fields, empty_arrays=non_null_arrays)
        self._full_children = tuple(f for f in self.child_fields if f in spec.properties)
        self._list_children = tuple(f for f in self._full_children if f in list_fields)
        # List items are served from stored renderings when they depend on the row alone.
        self._rendered = (
            None if self._list_children else RenderedRows(self.table, self._list_view, encode)
        )

    @classmethod
    def columns(cls, spec: ResourceSpec) -> dict[str, str]:
        """The table's columns: the read schema's non-object properties plus internal ones."""
        columns = {
            name: prop.kind for name, prop in spec.properties.items() if prop.kind != "object"
        }
        columns.update(cls.internal_columns)
        return columns

    @classmethod
    def new_table(cls, spec: ResourceSpec) -> Records:
        """A fresh table for this resource (what `__init__` builds when given none)."""
        return Records(spec.name, spec.primary_key, cls.columns(spec))

    # -- schema -------------------------------------------------------------------------
    def ddl(self) -> list[str]:
        """Statements that create this resource's tables and lookup indexes (partial, as below)."""
        name = self.spec.name
        statements = [self.table.ddl()]
        for column in ("external_key", "token"):
            if column in self.table.columns:
                # Every row has a token, so its index is complete: a whole-table `_count`
                # counts its small entries instead of reading every row, which no partial
                # index can serve.
                partial = "" if column == "token" else f' WHERE "{column}" IS NOT NULL'
                statements.append(
                    f'CREATE INDEX IF NOT EXISTS "ix_{name}_{column}" ON "{name}" ("{column}")'
                    + partial
                )
        return statements

    def tables(self) -> tuple[Records, ...]:
        """The tables derived from read schemas that `ddl` creates (subclasses add children)."""
        return (self.table,)

    def install(self, conn: Any) -> None:
        """Schema steps that need the live tables (after `ddl`): the columns a file created by
        an earlier version lacks, then the stored list renderings."""
        for table in self.tables():
            table.add_missing_columns(conn)
        if self._rendered is not None:
            self._rendered.install(conn)

    def index_ddl(self, *, case_sensitive: bool) -> list[str]:
        """One index per filterable column, so `where` + `limit` reads a page, not the table.

        The default order is the primary key, which every SQLite index ends with, so an
        equality filter on an indexed column returns rows already in page order, and `_count`
        with such a filter scans the index alone. String filters compare with NOCASE unless the
        emulator is case-sensitive, and SQLite uses an index only for comparisons in the index's
        own collation, so string indexes follow that setting.

        Indexes are partial (`WHERE column IS NOT NULL`): most optional fields are empty on most
        rows, and an empty field then costs a write no index page, which halved the pages a
        customer create writes (30 to 13). Every comparison implies the column is set, so
        EQUALS, GT, LT, GTE and LTE still use them; only `IS:NULL` scans, as NOTEQUALS and
        CONTAINS always did.
        """
        statements: list[str] = []
        for field in self.spec.filterable:
            target = self.filter_target(field)
            if target is None or (target.relation is None and field == self.spec.primary_key):
                continue
            table = target.relation.table if target.relation is not None else self.spec.name
            if table is None:
                continue
            nocase = target.kind == "string" and not case_sensitive
            name = f"ix_{table}_{target.column}" + ("_nocase" if nocase else "")
            collate = " COLLATE NOCASE" if nocase else ""
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{target.column}"{collate})'
                f' WHERE "{target.column}" IS NOT NULL'
            )
        return statements

    # -- identifiers --------------------------------------------------------------------
    def resolve(self, ctx: RequestContext, ident: str) -> int:
        """Primary key for `123`, `external_key:v` or `token:v`; NotFound otherwise.

        An id beyond int64 names no object (SQLite keys are int64), so it is a 404 too.
        """
        key: int | None = None
        if _ID.fullmatch(ident):
            number = decimal_integer(ident)
            if isinstance(number, int):
                key = self.table.find_key(ctx.conn, self.spec.primary_key, number)
        else:
            prefix, colon, value = ident.partition(":")
            if colon and prefix in self.spec.lookup_keys and value != "":
                key = self.table.find_key(ctx.conn, prefix, value)
        if key is None:
            raise NotFound(self.spec.not_found_message)
        return key

    # -- queries ------------------------------------------------------------------------
    def exists(self, ctx: RequestContext, key: int) -> bool:
        """Whether an object with this primary key exists."""
        return self.table.find_key(ctx.conn, self.spec.primary_key, key) is not None

    def filter_target(self, field: str) -> FieldTarget | None:
        """Whitelist lookup for a `where` field: only the spec's filterable fields."""
        if field not in self.spec.filterable:
            return None
        prefix, dot, column = field.partition(".")
        if dot:
            table, foreign_key = self.relation_tables.get(prefix, (None, self.spec.primary_key))
            kinds = self.relation_kinds.get(prefix, {})
            leaf = column.rsplit(".", 1)[-1]
            relation = Relation(
                table if "." not in column else None, foreign_key, self.spec.primary_key
            )
            return FieldTarget(leaf, kinds.get(leaf, "string"), relation)  # type: ignore[arg-type]
        kind = self.table.columns.get(field)
        if kind is None or kind in {"array", "object"}:
            return None
        return FieldTarget(field, kind)  # type: ignore[arg-type]

    def _where(self, ctx: RequestContext, wheres: list[str]) -> tuple[str, list[Any]]:
        """Compile every `where` parameter (several are ANDed)."""
        conditions = [c for text in wheres for c in parse_where(text)]
        return compile_where(
            conditions,
            self.filter_target,
            case_sensitive=ctx.settings.where_case_sensitive,
            filterable=self.spec.filterable,
        )

    def list(
        self, ctx: RequestContext, query: Mapping[str, Any]
    ) -> builtins.list[dict[str, Any]] | RenderedJson:
        """GET /{resource}: where, order, limit, offset.

        The page is a list of dicts, or, where stored renderings serve it, one RenderedJson
        array spliced into the envelope as is.
        """
        where, params = self._where(ctx, query.get("where", []))
        order = compile_order(
            parse_order(",".join(query.get("order", []))),
            self.spec.scalar_kind,
            self.spec.primary_key,
            case_sensitive=ctx.settings.where_case_sensitive,
        )
        page = parse_page(
            query.get("limit"), query.get("offset"), overflow=ctx.settings.limit_overflow
        )
        if self._rendered is not None:
            rows = self._rendered.select(ctx.conn, where, params, order, page.limit, page.offset)
            return RenderedJson.array(rows)
        items = self.table.select(
            ctx.conn, self._list_view, where, params, order, page.limit, page.offset
        )
        if self._list_children:
            for item in items:
                item.update(self.render_children(ctx, item[self.spec.primary_key], full=False))
        return items

    def count(self, ctx: RequestContext, query: Mapping[str, Any]) -> int:
        """GET /{resource}/_count honouring where."""
        where, params = self._where(ctx, query.get("where", []))
        return self.table.count(ctx.conn, where, params)

    def get(self, ctx: RequestContext, key: int) -> dict[str, Any]:
        """One object with every documented field."""
        item = self.table.get(ctx.conn, key, self._full_view)
        if item is None:
            raise NotFound(self.spec.not_found_message)
        if self._full_children:
            item.update(self.render_children(ctx, key, full=True))
        return item

    def refresh(self, ctx: RequestContext, key: int) -> None:
        """Recompute derived columns; subclasses override."""

    def render_children(self, ctx: RequestContext, key: int, *, full: bool) -> dict[str, Any]:
        """The `child_fields` the view shows (list items leave out list-omits); subclasses."""
        return {}

    # -- writes -------------------------------------------------------------------------
    def check_external_key(
        self, ctx: RequestContext, value: Any, own_key: int | None = None
    ) -> None:
        """external_key is unique per resource and never reusable, even after a delete."""
        if value is None or value == "":
            return
        used = ctx.conn.execute(
            "SELECT owner_id FROM used_external_key WHERE resource = ? AND value = ?",
            [self.spec.name, value],
        ).fetchone()
        if used is not None and used[0] != own_key:
            raise BadRequest(self.spec.duplicate_message.replace("{value}", str(value)))

    def remember_external_key(self, ctx: RequestContext, value: Any, key: int) -> None:
        """Reserve an external_key for this object forever."""
        if value is None or value == "":
            return
        ctx.conn.execute(
            "INSERT OR IGNORE INTO used_external_key (resource, value, owner_id) VALUES (?, ?, ?)",
            [self.spec.name, value, key],
        )

    def stamp(self, ctx: RequestContext, *, created: bool) -> dict[str, Any]:
        """write_*/mod_* datetime and client address."""
        return stamp(ctx, created=created)

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """POST /{resource}: returns the new primary key."""
        raise BadRequest(f"The command requested is not supported: create({self.spec.name})")

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None:
        """PUT /{resource}/{id}: partial update."""
        raise BadRequest(f"The command requested is not supported: modify({self.spec.name}, {key})")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """DELETE /{resource}/{id}."""
        raise BadRequest(f"The command requested is not supported: delete({self.spec.name}, {key})")

    def action(self, ctx: RequestContext, key: int, name: str, body: Mapping[str, Any]) -> Any:
        """POST /{resource}/{id}/_action/{name}: run a domain action and record a revision."""
        handler = self.actions.get(name)
        if handler is None:
            raise BadRequest(
                f"The command requested is not supported: {name}({self.spec.name}, {key})"
            )
        result = handler(ctx, key, body)
        self.revise(ctx, key, f"{self.title} action: {name}")
        return result

    # -- revisions ----------------------------------------------------------------------
    def revise(self, ctx: RequestContext, key: int, note: str) -> None:
        """Append one revision entry for this object."""
        ctx.conn.execute(
            "INSERT INTO revision (context_str, context_id, revision_datetime, revision_ipaddr,"
            " revision_note) VALUES (?, ?, ?, ?, ?)",
            [self.spec.name, key, ctx.timestamp, ctx.ipaddr, note],
        )

    def revisions(
        self, ctx: RequestContext, key: int, query: Mapping[str, Any]
    ) -> builtins.list[dict[str, Any]]:
        """The most recent revisions, newest first; ?limit=1..10."""
        page = parse_page(query.get("limit"), None, default_limit=10, max_limit=10)
        rows = ctx.conn.execute(
            "SELECT context_str, context_id, admin_id, admin_name, user_id, user_name,"
            " integration_id, revision_datetime, revision_ipaddr, revision_note FROM revision"
            " WHERE context_str = ? AND context_id = ? ORDER BY revision_id DESC LIMIT ?",
            [self.spec.name, key, page.limit],
        ).fetchall()
        return [dict(row) for row in rows]

    def writable(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Body fields that are stored as they are (not read-only, present as a column)."""
        return {
            name: value
            for name, value in body.items()
            if name in self.table.columns
            and name != self.spec.primary_key
            and not (name in self.spec.properties and self.spec.properties[name].read_only)
        }
