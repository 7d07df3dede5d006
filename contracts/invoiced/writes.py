"""What a write on a real Invoiced account may touch (`contracts.safety.WritePolicy`).

With `--allow-writes` the harness writes only on what it made: a customer it creates carries
the run's prefix in `number` (Invoiced's unique, user-chosen customer number; the API has no
external key), a contact may be created only under such a customer, and every PATCH or DELETE
addresses a customer or contact this run created. Statement sends (email, SMS, letter) are
never sent to a real account: they reach real people and a letter costs postage. Cleanup
deletes contacts, then customers (204, or 404 when already gone).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from contracts.safety import Cleanup, ObjectId

__all__ = ["InvoicedWrites"]

_CUSTOMERS = "customers"
_SENDS = frozenset({"emails", "text_messages", "letters"})


def _collection_id(segments: list[str]) -> tuple[str, int] | None:
    """(collection, id) of an object URL: `customers/7`, `customers/7/contacts/9`."""
    if len(segments) == 2 and segments[0] == _CUSTOMERS and segments[1].isdigit():
        return _CUSTOMERS, int(segments[1])
    if (
        len(segments) == 4
        and segments[0] == _CUSTOMERS
        and segments[2] == "contacts"
        and segments[1].isdigit()
        and segments[3].isdigit()
    ):
        return "/".join(segments[:3]), int(segments[3])
    return None


@dataclasses.dataclass(frozen=True)
class InvoicedWrites:
    """Invoiced's write rules for targets the harness does not own."""

    api_prefix: str = ""
    deleted_statuses: frozenset[int] = frozenset({204, 404})

    def refusal(
        self, method: str, segments: list[str], payload: Any, key_prefix: str, cleanup: Cleanup
    ) -> str | None:
        if len(segments) >= 3 and segments[2] in _SENDS:
            return "statement sends reach real recipients: never sent to a real account"
        if method == "POST" and segments == [_CUSTOMERS]:
            number = payload.get("number") if isinstance(payload, dict) else None
            if not (isinstance(number, str) and number.startswith(key_prefix)):
                return f"create without a number starting {key_prefix!r}"
            return None
        if method == "POST" and len(segments) == 3 and segments[2] == "contacts":
            parent = segments[1]
            if not (parent.isdigit() and cleanup.owns(_CUSTOMERS, int(parent))):
                return f"contact of customer {parent}, which this run did not create"
            return None
        if method in {"PATCH", "DELETE"}:
            target = _collection_id(segments)
            if target is not None and cleanup.owns(*target):
                return None
            return "not an object this run created"
        return "only creates, updates and deletes of this run's objects are allowed"

    def created(
        self, method: str, segments: list[str], status: int, body: Any
    ) -> tuple[str, ObjectId] | None:
        if method != "POST" or status not in (200, 201) or not isinstance(body, dict):
            return None
        object_id = body.get("id")
        if not isinstance(object_id, int) or isinstance(object_id, bool):
            return None
        if segments == [_CUSTOMERS]:
            return _CUSTOMERS, object_id
        if len(segments) == 3 and segments[0] == _CUSTOMERS and segments[2] == "contacts":
            return "/".join(segments), object_id
        return None

    def delete_rank(self, collection: str) -> int | None:
        # contacts before their customer (deleting a customer takes its contacts, which
        # then answer 404: gone either way)
        return 1 if collection == _CUSTOMERS else 0

    def delete(self, client: httpx.Client, collection: str, object_id: ObjectId) -> httpx.Response:
        return client.delete(f"{collection}/{object_id}")
