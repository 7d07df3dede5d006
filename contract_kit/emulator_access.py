"""How a user's code reaches each shipped vendor's emulator: its credentials and the generated
client that takes them (how they are sent, Basic or Bearer, is the vendor's harness dialect's
`auth`, stated once there).

The pytest plugin (contract_kit/pytest_plugin.py) starts every emulator with the dialect's
default credentials, so these are the credentials it accepts. Each vendor names its credentials:
`default` always (every permission), plus what else the vendor has (Fynn's `read-only` key,
which may only read customers: its writes answer 403). A pair is `(username or key id, password
or secret)`, as `contracts.auth` reads it: Basic sends both, Bearer sends the second as token.
A vendor not listed here (a third party's dialect) still gets a live emulator, and no client.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from chargeover_emulator.config import Settings
from chargeover_emulator.dialects.invoiced import DEFAULT_API_KEY as INVOICED_KEY
from chargeover_emulator.fynn.options import FULL_KEY as FYNN_KEY
from chargeover_emulator.fynn.options import READ_ONLY_KEY as FYNN_READ_ONLY_KEY
from contracts.auth import Credentials

__all__ = ["DEFAULT", "VendorAccess", "access_for"]

#: the name of the credentials every vendor has
DEFAULT = "default"


@dataclasses.dataclass(frozen=True)
class VendorAccess:
    """One vendor's way in: named credentials and its generated client."""

    #: the credentials an emulator started with `settings` accepts, by name
    credentials: Callable[[Settings], Mapping[str, Credentials]]
    #: the generated client's module with `connect(base_url, **keywords)`
    client_module: str
    #: `connect`'s keywords for a pair of credentials
    client_keywords: Callable[[Credentials], dict[str, str]]


_VENDORS: dict[str, VendorAccess] = {
    "chargeover": VendorAccess(
        credentials=lambda settings: {DEFAULT: (settings.username, settings.password)},
        client_module="chargeover_client.lib",
        client_keywords=lambda pair: {"username": pair[0], "password": pair[1]},
    ),
    # the API key as the username, an empty password (its harness dialect sends them as Basic)
    "invoiced": VendorAccess(
        credentials=lambda settings: {DEFAULT: (settings.api_key or INVOICED_KEY, "")},
        client_module="invoiced_client.lib",
        client_keywords=lambda pair: {"api_key": pair[0]},
    ),
    # API keys (sent as Bearer); the plugin never sets FYNN_EMULATOR_API_KEYS: the defaults hold
    "fynn": VendorAccess(
        credentials=lambda settings: {
            DEFAULT: (FYNN_KEY, FYNN_KEY),
            "read-only": (FYNN_READ_ONLY_KEY, FYNN_READ_ONLY_KEY),
        },
        client_module="fynn_client.lib",
        client_keywords=lambda pair: {"api_key": pair[1]},
    ),
}


def access_for(vendor: str) -> VendorAccess | None:
    """The shipped vendor's access, or None for a vendor the kit does not ship."""
    return _VENDORS.get(vendor.lower())


def vendors() -> tuple[str, ...]:
    """The vendors with a known way in (and a generated client)."""
    return tuple(sorted(_VENDORS))
