"""What the harness may write on a Fynn account it does not own, and how it cleans up.

Fynn has no external key, so a run tags its customers with its prefix in the two fields a
user can search for: `customerNumber` and the login `email` (both start with the run's
prefix; `search` finds them by customer number). Every other write must address a customer
(or an address) this run created, and a new parent must be one of the run's customers too.
Cleanup deletes the run's customers newest first, each after detaching its children (Fynn
refuses to delete a parent) and itself from its parent; addresses and email addresses go with
their customer (the API has no delete for them).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from contracts.safety import Cleanup, ObjectId

__all__ = ["FynnWrites"]

_CUSTOMERS = "customers"
_ADDRESSES = "customer-addresses"


@dataclasses.dataclass(frozen=True)
class FynnWrites:
    """Fynn's `WritePolicy`: tagged customers, writes only on the run's own objects."""

    api_prefix: str = ""
    # 204: deleted now; 404: gone already
    deleted_statuses: frozenset[int] = frozenset({204, 404})

    def refusal(
        self, method: str, segments: list[str], payload: Any, key_prefix: str, cleanup: Cleanup
    ) -> str | None:
        if segments == [_CUSTOMERS]:
            if method != "POST":
                return "only creates are allowed on the collection"
            body = payload if isinstance(payload, dict) else {}
            for field in ("customerNumber", "email"):
                value = body.get(field)
                if not (isinstance(value, str) and value.startswith(key_prefix)):
                    return f"create without a {field} starting {key_prefix!r}"
            return None
        if len(segments) < 2 or segments[0] not in (_CUSTOMERS, _ADDRESSES):
            return "not an object of this run"
        if not cleanup.owns(segments[0], segments[1]):
            return "not an object this run created"
        parent = payload.get("parentCustomerId") if isinstance(payload, dict) else None
        if segments[2:] == ["set-parent"] and not cleanup.owns(_CUSTOMERS, str(parent)):
            return f"a parent ({parent!r}) this run did not create"
        return None

    def created(
        self, method: str, segments: list[str], status: int, body: Any
    ) -> tuple[str, ObjectId] | None:
        object_id = body.get("id") if isinstance(body, dict) else None
        if method != "POST" or status != 201 or not isinstance(object_id, str):
            return None
        if segments == [_CUSTOMERS]:
            return (_CUSTOMERS, object_id)
        if len(segments) == 3 and segments[0] == _CUSTOMERS and segments[2] == "addresses":
            return (_ADDRESSES, object_id)
        return None

    def delete_rank(self, collection: str) -> int | None:
        return 0 if collection == _CUSTOMERS else None

    def delete(self, client: httpx.Client, collection: str, object_id: ObjectId) -> httpx.Response:
        # a customer with children cannot be deleted: detach them (all the run's own: a parent
        # must be one of the run's customers), whatever order the run created them in
        children = client.get(f"{collection}/{object_id}/children")
        if children.status_code == 200 and isinstance(children.json(), list):
            for child in children.json():
                client.put(f"{collection}/{child.get('id')}/remove-parent")
        client.put(f"{collection}/{object_id}/remove-parent")
        return client.delete(f"{collection}/{object_id}")
