"""The curated public surface of chargeover_client.lib, and the safe zone's import rules."""

from __future__ import annotations

import chargeover_client.lib as lib
from tests.client.surface import (
    assert_all_is_sorted_and_complete,
    assert_every_export_is_documented_and_owned_by_lib,
    assert_safe_zone_imports_only_stable_modules,
    runtime_sources,
)


def test_all_is_sorted_and_complete() -> None:
    assert_all_is_sorted_and_complete(lib)


def test_public_surface_is_exactly_this() -> None:
    # Removing or renaming a name here breaks vendored users: make it a deliberate change.
    assert set(lib.__all__) == {
        "MAX_PAGE_SIZE",
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncChargeOverTransport",
        "AuthenticationError",
        "BadRequestError",
        "BasicAuth",
        "ChargeOverError",
        "ChargeOverTransport",
        "NotFoundError",
        "Operator",
        "Order",
        "RateLimitError",
        "RetryPolicy",
        "ServerError",
        "SignatureAuth",
        "UnexpectedStatusError",
        "Where",
        "acount",
        "apaginate",
        "connect",
        "count",
        "escape",
        "paginate",
        "signature_v1",
        "unwrap",
    }


def test_every_export_is_documented_and_owned_by_lib() -> None:
    assert_every_export_is_documented_and_owned_by_lib(lib)


def test_safe_zone_imports_only_stable_modules() -> None:
    # The vendor-neutral modules (codegen/client_lib) and ChargeOver's own.
    sources = runtime_sources("chargeover")
    assert {"transport.py", "envelope.py"} <= {path.name for path in sources}
    # list_keys and structs are written by codegen/generate.py itself (fixed names and shapes);
    # structs imports msgspec, so pagination imports both only for structs=True.
    assert_safe_zone_imports_only_stable_modules(
        sources, {"client", "types", "list_keys", "structs"}, on_demand=frozenset({"msgspec"})
    )
