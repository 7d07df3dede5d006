"""The Fynn dialect's own settings, read from `Settings.options` (`FYNN_EMULATOR_<NAME>`).

Each one settles a point the vendor's sources leave UNCONFIRMED (spec/fynn/NOTES.md):

| option | values (default first) | meaning |
|---|---|---|
| `api_keys` | `KEY=perm perm,KEY=perm` | the accepted API keys and their permissions |
| `put_semantics` | `merge`, `replace` | PUT: an omitted optional field is kept / cleared |
| `empty_paging_values` | `api-platform`, `default` | `page=`: 400, `limit=`: 0 / the default |
| `hierarchy` | `on`, `off` | the tenant's `customer.hierarchy` feature flag |
| `null_keys` | `send`, `omit` | null-valued keys in responses |
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from chargeover_emulator.errors import ConfigError

__all__ = ["DEFAULT_KEYS", "FULL_KEY", "READ_ONLY_KEY", "FynnOptions"]

#: a key with every permission the spec names, and one that may only read customers
FULL_KEY = "fynn-emulator-key"
READ_ONLY_KEY = "fynn-emulator-read-only-key"
_ALL = frozenset(
    {"customer:read", "customer:write", "payment-method:write", "customer:payment-method:change"}
)
DEFAULT_KEYS: Mapping[str, frozenset[str]] = {
    FULL_KEY: _ALL,
    READ_ONLY_KEY: frozenset({"customer:read"}),
}
_CHOICES = {
    "put_semantics": ("merge", "replace"),
    "empty_paging_values": ("api-platform", "default"),
    "hierarchy": ("on", "off"),
    "null_keys": ("send", "omit"),
}


@dataclasses.dataclass(frozen=True)
class FynnOptions:
    """The dialect's settings, checked."""

    api_keys: Mapping[str, frozenset[str]] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_KEYS)
    )
    put_semantics: str = "merge"
    empty_paging_values: str = "api-platform"
    hierarchy: str = "on"
    null_keys: str = "send"

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> FynnOptions:
        """From `Settings.options`; an unknown name or value is a start-up error."""
        unknown = set(options) - set(_CHOICES) - {"api_keys"}
        if unknown:
            known = ", ".join(sorted([*_CHOICES, "api_keys"]))
            raise ConfigError(f"unknown Fynn option(s) {sorted(unknown)} (known: {known})")
        values: dict[str, object] = {}
        for name, choices in _CHOICES.items():
            raw = options.get(name)
            if raw is None:
                continue
            if raw.strip().lower() not in choices:
                raise ConfigError(f"Fynn option {name} must be one of {choices}, got {raw!r}")
            values[name] = raw.strip().lower()
        if "api_keys" in options:
            values["api_keys"] = _keys(options["api_keys"])
        return cls(**values)  # type: ignore[arg-type]

    @property
    def features(self) -> frozenset[str]:
        """The tenant's feature flags that are on (`x-kit-operation.feature.flag` names)."""
        return frozenset({"customer.hierarchy"} if self.hierarchy == "on" else ())


def _keys(text: str) -> dict[str, frozenset[str]]:
    """`KEY=perm perm,KEY2=perm` -> {key: permissions}."""
    keys: dict[str, frozenset[str]] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        key, equals, permissions = entry.partition("=")
        if not equals or not key.strip():
            raise ConfigError(f"api_keys entries look like KEY=perm perm, got {entry!r}")
        keys[key.strip()] = frozenset(permissions.split())
    if not keys:
        raise ConfigError("api_keys names no key")
    return keys
