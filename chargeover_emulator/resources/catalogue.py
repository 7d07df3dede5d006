"""Fixed reference data: the seeded items, payment terms, currencies, statuses and user types."""

from __future__ import annotations

__all__ = [
    "CUSTOMER_STATUSES",
    "DEFAULT_TERMS_ID",
    "INVOICE_STATUSES",
    "ITEMS",
    "TERMS",
    "USER_TYPES",
]

# The item table's first rows (`ItemService.install`): the ids the docs' examples use (1, 3,
# 293, 307) plus one more for seeding; created items follow them.
ITEMS: tuple[tuple[int, str, str, float], ...] = (
    (1, "Consulting (hourly)", "item-consulting", 2.95),
    (2, "Support plan", "item-support", 49.0),
    (3, "Test Product", "Example:ID", 25.95),
    (293, "Setup fee", "item-setup", 12.95),
    (307, "Monthly subscription", "item-monthly", 29.95),
)

# terms_id -> (name, days); 3 = "Due on Receipt" as in the docs' customer example.
TERMS: dict[int, tuple[str, int]] = {1: ("Net 30", 30), 2: ("Net 15", 15), 3: ("Due on Receipt", 0)}
DEFAULT_TERMS_ID = 1

CURRENCIES: dict[int, tuple[str, str]] = {1: ("USD", "$"), 2: ("CAD", "CAD$"), 6: ("AUD", "A$")}

# str -> (id, name, state); only "Over Due" (id 2) is attested, the rest follow its pattern.
CUSTOMER_STATUSES: dict[str, tuple[int, str, str]] = {
    "active-current": (1, "Current", "a"),
    "active-overdue": (2, "Over Due", "a"),
    "inactive-manual": (3, "Inactive (Manual)", "i"),
    "inactive-activity": (4, "Inactive (No Activity)", "i"),
}

# str -> (name, state), from recordings and the docs' enum.
INVOICE_STATUSES: dict[str, tuple[str, str]] = {
    "open-unpaid": ("Unpaid", "o"),
    "open-overdue": ("Overdue", "o"),
    "open-collections": ("Collections", "o"),
    "closed-paid": ("Paid", "c"),
    "closed-void": ("Void", "c"),
}

USER_TYPES: dict[int, str] = {1: "Billing", 2: "Technical", 3: "Sales"}
