"""Vendor dialects by name: each vendor's choices among the wire families and its business rules.

A dialect is found by its vendor name: first among the ones this package ships, then among the
`contract_kit.dialects` entry points of installed distributions (a third party's vendor plugs
in without an edit here). Modules are imported by name, on demand, so the engine never imports a
dialect.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from chargeover_emulator.errors import ConfigError

if TYPE_CHECKING:
    from chargeover_emulator.dialect import Dialect

__all__ = ["ENTRY_POINT_GROUP", "load_dialect", "vendors"]

ENTRY_POINT_GROUP = "contract_kit.dialects"
_SHIPPED = {
    "chargeover": "chargeover_emulator.dialects.chargeover:ChargeOverDialect",
    "invoiced": "chargeover_emulator.dialects.invoiced:InvoicedDialect",
    "fynn": "chargeover_emulator.dialects.fynn:FynnDialect",
}


def _installed() -> dict[str, str]:
    return {point.name: point.value for point in entry_points(group=ENTRY_POINT_GROUP)}


def vendors() -> list[str]:
    """Every vendor name a dialect can be loaded for."""
    return sorted({**_installed(), **_SHIPPED})


def load_dialect(vendor: str) -> Dialect:
    """A new dialect instance for `vendor` (one per emulator: a dialect may keep state)."""
    target = _SHIPPED.get(vendor) or _installed().get(vendor)
    if target is None:
        known = ", ".join(vendors())
        raise ConfigError(f"no dialect for vendor {vendor!r} (known: {known})")
    module_name, _, attribute = target.partition(":")
    factory: Any = getattr(importlib.import_module(module_name), attribute)
    dialect: Dialect = factory()
    return dialect
