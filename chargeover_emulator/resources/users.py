"""Users (contacts): name split/join, username default, customer links and actions."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Protocol

from chargeover_emulator.context import RequestContext
from chargeover_emulator.errors import BadRequest
from chargeover_emulator.records import Records
from chargeover_emulator.resources.addresses import join_name, split_name
from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.catalogue import USER_TYPES
from chargeover_emulator.specdoc import ResourceSpec, SpecDocument

__all__ = ["UserCustomers", "UserService"]

_USERNAME_ALPHABET = string.ascii_letters + string.digits


class UserCustomers(Protocol):
    """What a contact needs of customers: lookups, and their refresh when it changes."""

    def exists(self, ctx: RequestContext, key: int) -> bool: ...

    def primary_for(self, ctx: RequestContext, user_id: int) -> list[int]: ...

    def companies(self, ctx: RequestContext, keys: Iterable[int]) -> list[dict[str, Any]]: ...

    def refresh(self, ctx: RequestContext, key: int) -> None: ...


class UserService(ResourceService):
    """The `user` resource (customer contacts)."""

    internal_columns: ClassVar[dict[str, str]] = {
        "customer_id": "integer",
        "password_hash": "string",
    }
    relation_tables: ClassVar[dict[str, tuple[str, str]]] = {
        "customers": ("user_customer", "user_id")
    }
    relation_kinds = {"customers": {"customer_id": "integer"}}  # noqa: RUF012
    child_fields: ClassVar[tuple[str, ...]] = ("customers",)

    def __init__(
        self,
        spec: ResourceSpec,
        document: SpecDocument,
        *,
        table: Records,
        customers: UserCustomers,
    ) -> None:
        super().__init__(spec, document, table=table)
        self.customers = customers
        self.actions = {
            "password": self._password,
            "reset_password": self._password,
            "getLoginURL": self._login_url,
            "login": self._login_url,
        }

    def ddl(self) -> list[str]:
        """The user table plus the user<->customer link table."""
        return [
            *super().ddl(),
            "CREATE TABLE IF NOT EXISTS user_customer (user_id INTEGER NOT NULL,"
            " customer_id INTEGER NOT NULL, PRIMARY KEY (user_id, customer_id))",
            # the same name index_ddl gives the `customers.customer_id` filter index: created once
            "CREATE INDEX IF NOT EXISTS ix_user_customer_customer_id"
            " ON user_customer (customer_id)",
            # Every contact created checks username uniqueness (a BINARY `username = ?`), which
            # the NOCASE filter index cannot serve.
            "CREATE INDEX IF NOT EXISTS ix_user_username ON user (username)",
        ]

    # -- writes -------------------------------------------------------------------------
    def _names(self, values: dict[str, Any], body: Mapping[str, Any]) -> None:
        """`name` alone is split into first/last; name is always first + last."""
        if body.get("name") is not None and "first_name" not in body and "last_name" not in body:
            values["first_name"], values["last_name"] = split_name(str(body["name"]))

    def _derive(self, ctx: RequestContext, key: int) -> None:
        """Recompute name, display_as, user_type_name, url_self."""
        row = self.table.get(ctx.conn, key) or {}
        name = join_name(row.get("first_name"), row.get("last_name"))
        self.table.update(
            ctx.conn,
            key,
            {
                "name": name,
                "display_as": name,
                "user_type_name": USER_TYPES.get(row.get("user_type_id") or 0),
                "url_self": f"{ctx.base_url}/admin/r/contact/view/{key}",
            },
        )

    def create_contact(
        self, ctx: RequestContext, body: Mapping[str, Any], *, customer_id: int | None
    ) -> int:
        """Insert a contact (used by POST /user and by customer superuser_* fields)."""
        self.check_external_key(ctx, body.get("external_key"))
        values: dict[str, Any] = {"user_type_id": 1, "title": ""}
        values.update(self.writable(body))
        values.pop("customer_id", None)
        self._names(values, body)
        if values.get("user_type_id") not in USER_TYPES:
            raise BadRequest(f"Invalid user_type_id: {values.get('user_type_id')} does not exist.")
        if not values.get("username"):
            values["username"] = body.get("email") or "".join(
                ctx.rng.choice(_USERNAME_ALPHABET) for _ in range(12)
            )
        self._check_username(ctx, values["username"], None)
        if body.get("password"):
            values["password_hash"] = _hash(str(body["password"]))
        values.update(self.stamp(ctx, created=True))
        values["token"] = ctx.token()
        values["customer_id"] = customer_id
        key = self.table.insert(ctx.conn, values)
        if customer_id is not None:
            self.link(ctx, key, customer_id)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self._derive(ctx, key)
        self.revise(ctx, key, "User created")
        return key

    def _check_username(self, ctx: RequestContext, username: Any, own: int | None) -> None:
        """Portal usernames are unique."""
        other = self.table.find_key(ctx.conn, "username", username)
        if other is not None and other != own:
            raise BadRequest(f'A user already exists with the username value "{username}"')

    def create(self, ctx: RequestContext, body: Mapping[str, Any]) -> int:
        """POST /user; `customer_id` links the contact to an existing customer."""
        if not body:
            raise BadRequest("A required parameter was missing: No data.")
        customer_id = body.get("customer_id")
        if customer_id is not None and not self.customers.exists(ctx, int(customer_id)):
            raise BadRequest(f"Invalid customer_id: customer {customer_id} does not exist.")
        return self.create_contact(ctx, body, customer_id=customer_id)

    def update(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> None:
        """Partial update; the customers this contact is primary for are refreshed."""
        if "external_key" in body:
            self.check_external_key(ctx, body["external_key"], own_key=key)
        values = self.writable(body)
        values.pop("customer_id", None)
        self._names(values, body)
        if "user_type_id" in values and values["user_type_id"] not in USER_TYPES:
            raise BadRequest(f"Invalid user_type_id: {values['user_type_id']} does not exist.")
        if values.get("username"):
            self._check_username(ctx, values["username"], key)
        if body.get("password"):
            values["password_hash"] = _hash(str(body["password"]))
        values.update(self.stamp(ctx, created=False))
        self.table.update(ctx.conn, key, values)
        self.remember_external_key(ctx, values.get("external_key"), key)
        self._derive(ctx, key)
        self._refresh_customers(ctx, key)
        self.revise(ctx, key, "User updated")

    def delete(self, ctx: RequestContext, key: int) -> None:
        """A customer's primary contact cannot be deleted (the UI rule)."""
        primary = self.customers.primary_for(ctx, key)
        if primary:
            raise BadRequest(
                f"This user is the primary contact for customer {primary[0]} and cannot be deleted."
            )
        ctx.conn.execute("DELETE FROM user_customer WHERE user_id = ?", [key])
        self.table.delete(ctx.conn, key)

    # -- relations ----------------------------------------------------------------------
    def link(self, ctx: RequestContext, user_id: int, customer_id: int) -> None:
        """Attach a contact to a customer."""
        ctx.conn.execute(
            "INSERT OR IGNORE INTO user_customer (user_id, customer_id) VALUES (?, ?)",
            [user_id, customer_id],
        )
        ctx.conn.execute(
            "UPDATE user SET customer_id = ? WHERE user_id = ? AND customer_id IS NULL",
            [customer_id, user_id],
        )

    def forget_customer(self, ctx: RequestContext, customer_id: int) -> None:
        """Before a customer is deleted: drop its links and the contacts only it had."""
        orphans = [
            row[0]
            for row in ctx.conn.execute(
                "SELECT user_id FROM user_customer WHERE customer_id = ? AND user_id NOT IN"
                " (SELECT user_id FROM user_customer WHERE customer_id <> ?)",
                [customer_id, customer_id],
            )
        ]
        ctx.conn.execute("DELETE FROM user_customer WHERE customer_id = ?", [customer_id])
        for user_id in orphans:
            self.table.delete(ctx.conn, user_id)
        ctx.conn.execute("UPDATE user SET customer_id = NULL WHERE customer_id = ?", [customer_id])

    def _refresh_customers(self, ctx: RequestContext, key: int) -> None:
        """Customers mirror their primary contact in superuser_*."""
        for customer_id in self.customers.primary_for(ctx, key):
            self.customers.refresh(ctx, customer_id)

    def render_children(self, ctx: RequestContext, key: int, *, full: bool) -> dict[str, Any]:
        """`customers: [{customer_id, company}]` (REC one_contact; list items omit it)."""
        linked = [
            int(row[0])
            for row in ctx.conn.execute(
                "SELECT customer_id FROM user_customer WHERE user_id = ?", [key]
            )
        ]
        return {"customers": self.customers.companies(ctx, linked)}

    # -- actions ------------------------------------------------------------------------
    def _password(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> bool:
        """With `password`: set it; without: a reset e-mail would be sent (nothing to store)."""
        if body.get("password"):
            self.table.update(ctx.conn, key, {"password_hash": _hash(str(body["password"]))})
        return True

    def _login_url(self, ctx: RequestContext, key: int, body: Mapping[str, Any]) -> str:
        """A one-time portal login URL, the string the SDKs redirect to."""
        # `destination` was validated against the spec's LoginDestination enum already.
        destination = body.get("destination")
        url = f"{ctx.base_url}/r/login/{ctx.token(32)}"
        return f"{url}?destination={destination}" if destination else url


def _hash(password: str) -> str:
    """Passwords are never returned; keep only a digest."""
    return hashlib.sha256(password.encode()).hexdigest()
