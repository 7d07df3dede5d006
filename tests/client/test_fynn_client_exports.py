"""The curated public surface of fynn_client.lib, and its runtime's import rules."""

from __future__ import annotations

import fynn_client.lib as lib
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
        "MAX_LIMIT",
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncFynnTransport",
        "AsyncPages",
        "AuthenticationError",
        "BadRequestError",
        "BearerAuth",
        "FynnError",
        "FynnTransport",
        "NotFoundError",
        "Pages",
        "PermissionDeniedError",
        "RateLimitError",
        "RetryPolicy",
        "ServerError",
        "UnexpectedStatusError",
        "ValidationError",
        "Violation",
        "apaginate",
        "connect",
        "paginate",
        "tenant_url",
        "unwrap",
    }


def test_every_export_is_documented_and_owned_by_lib() -> None:
    assert_every_export_is_documented_and_owned_by_lib(lib)


def test_every_error_is_a_fynn_error() -> None:
    errors = [
        getattr(lib, name)
        for name in lib.__all__
        if isinstance(getattr(lib, name), type) and name.endswith("Error")
    ]
    assert len(errors) == 12
    assert all(issubclass(error, lib.FynnError) for error in errors)


def test_safe_zone_imports_only_stable_modules() -> None:
    # The generated error models are the generated modules the runtime reads (response typing).
    assert_safe_zone_imports_only_stable_modules(
        runtime_sources("fynn"), {"client", "types", "models.error", "models.validation_error"}
    )
