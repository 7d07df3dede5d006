"""The reference model of Fynn customers: what the objects a run wrote must look like.

It knows only what the harness sent (plus the ids the server assigned): the fields of each
customer as merged by PUT (an omitted field keeps its value, `null` clears it), its status
(`archiveCustomer` sets `STATUS_ARCHIVED` and keeps it readable and listed), and the hierarchy
(`setCustomerParent`, `removeCustomerParent`) with the rules the spec states for a new parent:
not the customer itself, not archived, no cycle, at most `MAX_LEVELS` levels from root to leaf.
Everything here is pure; `contracts.fynn.machine` drives it against a target.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from contracts.fynn.rules import ARCHIVED, MAX_LEVELS

__all__ = ["ACTIVE", "ARCHIVED", "MAX_LEVELS", "CustomerModel", "ModelCustomer", "Refusal"]

ACTIVE = "STATUS_ACTIVE"


@dataclasses.dataclass
class ModelCustomer:
    """One customer as the harness wrote it."""

    id: str
    fields: dict[str, Any]
    status: str = ACTIVE
    parent: str | None = None


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a new parent is refused (the spec's 400 `HierarchyRuleBroken`)."""

    reason: str


@dataclasses.dataclass
class CustomerModel:
    """The customers a run created, in creation order, with their hierarchy."""

    customers: dict[str, ModelCustomer] = dataclasses.field(default_factory=dict)
    deleted: set[str] = dataclasses.field(default_factory=set)

    # -- writes -------------------------------------------------------------------------------
    def create(self, customer_id: str, fields: Mapping[str, Any]) -> None:
        """Remember a created customer (active, without a parent)."""
        self.customers[customer_id] = ModelCustomer(customer_id, dict(fields))

    def update(self, customer_id: str, fields: Mapping[str, Any]) -> None:
        """PUT merges: the fields sent replace theirs, the others keep their values."""
        self.customers[customer_id].fields.update(fields)

    def archive(self, customer_id: str) -> None:
        """Archived, still there (archiving twice changes nothing)."""
        self.customers[customer_id].status = ARCHIVED

    def delete(self, customer_id: str) -> None:
        """Gone; its children (the machine deletes only leaves) would lose their parent."""
        self.customers.pop(customer_id)
        self.deleted.add(customer_id)

    def set_parent(self, child: str, parent: str) -> Refusal | None:
        """Apply a new parent, or say why the API must refuse it (and change nothing)."""
        refusal = self.parent_refusal(child, parent)
        if refusal is None:
            self.customers[child].parent = parent
        return refusal

    def remove_parent(self, child: str) -> None:
        """Detach from the parent (a customer without one stays as it is)."""
        self.customers[child].parent = None

    # -- hierarchy rules ----------------------------------------------------------------------
    def parent_refusal(self, child: str, parent: str) -> Refusal | None:
        """The spec's rules for a new parent, in the order it lists them."""
        if child == parent:
            return Refusal("a customer cannot be its own parent")
        if self.customers[parent].status == ARCHIVED:
            return Refusal("the parent is archived")
        if child in self.ancestors(parent):
            return Refusal("the new parent is a descendant: a cycle")
        levels = len(self.ancestors(parent)) + 1 + self.height(child)
        if levels > MAX_LEVELS:
            return Refusal(f"the hierarchy would have {levels} levels (at most {MAX_LEVELS})")
        return None

    def ancestors(self, customer_id: str) -> list[str]:
        """Parent, grandparent, ... up to the root (the model never holds a cycle)."""
        chain: list[str] = []
        parent = self.customers[customer_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self.customers[parent].parent
        return chain

    def children(self, customer_id: str) -> list[str]:
        """Direct children, in creation order."""
        return [c.id for c in self.customers.values() if c.parent == customer_id]

    def height(self, customer_id: str) -> int:
        """Levels of the subtree rooted here (1 for a leaf)."""
        return 1 + max((self.height(child) for child in self.children(customer_id)), default=0)

    def root(self, customer_id: str) -> str:
        """The top of the customer's hierarchy (itself without a parent)."""
        chain = self.ancestors(customer_id)
        return chain[-1] if chain else customer_id

    def edges(self, root: str) -> set[tuple[str, str]]:
        """(parent, child) pairs of the tree under `root`."""
        pairs: set[tuple[str, str]] = set()
        pending = [root]
        while pending:
            node = pending.pop()
            for child in self.children(node):
                pairs.add((node, child))
                pending.append(child)
        return pairs

    # -- reads --------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """Live customers in creation order (the list's default order)."""
        return list(self.customers)

    def get(self, customer_id: str) -> ModelCustomer:
        """One customer as written."""
        return self.customers[customer_id]

    def __iter__(self) -> Iterator[ModelCustomer]:
        return iter(self.customers.values())
