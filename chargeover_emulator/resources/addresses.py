"""Printable address blocks and name splitting shared by customers, users and invoices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["address_block", "join_name", "split_name"]


def address_block(values: Mapping[str, Any], prefix: str) -> str:
    """`addr1\\naddr2\\ncity state postcode\\ncountry`, skipping empty parts (customer example)."""

    def part(name: str) -> str:
        value = values.get(f"{prefix}_{name}")
        return str(value).strip() if value is not None else ""

    locality = " ".join(p for p in (part("city"), part("state"), part("postcode")) if p)
    lines = [part("addr1"), part("addr2"), part("addr3"), locality, part("country")]
    return "\n".join(line for line in lines if line)


def split_name(name: str) -> tuple[str, str]:
    """`Karli Marie` -> (`Karli`, `Marie`): first word, then the rest."""
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def join_name(first: Any, last: Any) -> str:
    """First and last name joined by one space, ignoring blanks."""
    return " ".join(str(p).strip() for p in (first, last) if p is not None and str(p).strip())
