"""The harness dialects the kit ships, by vendor name (`Settings.vendor`, `--vendor`)."""

from __future__ import annotations

from collections.abc import Callable

from contracts.dialect import HarnessDialect
from contracts.dialects.chargeover import chargeover
from contracts.dialects.fynn import fynn
from contracts.dialects.invoiced import invoiced
from contracts.settings import SettingsError

__all__ = ["UnknownVendor", "by_name", "vendors"]

# factories, not instances: each run builds its own dialect
_FACTORIES: dict[str, Callable[[], HarnessDialect]] = {
    "chargeover": chargeover,
    "fynn": fynn,
    "invoiced": invoiced,
}


class UnknownVendor(SettingsError):
    """No harness dialect ships for this vendor (yet)."""


def vendors() -> tuple[str, ...]:
    """Every vendor the harness can check."""
    return tuple(sorted(_FACTORIES))


def by_name(vendor: str) -> HarnessDialect:
    """A fresh harness dialect for `vendor` (case-insensitive)."""
    factory = _FACTORIES.get(vendor.lower())
    if factory is None:
        known = ", ".join(sorted(_FACTORIES))
        raise UnknownVendor(f"no harness dialect for vendor {vendor!r} (known: {known})")
    return factory()
