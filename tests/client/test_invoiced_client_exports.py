"""The curated public surface of invoiced_client.lib, and its runtime's import rules."""

from __future__ import annotations

import invoiced_client.lib as lib
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
        "MAX_PER_PAGE",
        "PRODUCTION_URL",
        "SANDBOX_URL",
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncInvoicedTransport",
        "AsyncPages",
        "AuthenticationError",
        "BadRequestError",
        "BasicAuth",
        "BearerAuth",
        "InvalidRequestError",
        "InvoicedError",
        "InvoicedTransport",
        "NotFoundError",
        "Pages",
        "PermissionDeniedError",
        "RateLimitError",
        "RetryPolicy",
        "ServerError",
        "UnexpectedStatusError",
        "apaginate",
        "api_key_auth",
        "connect",
        "next_link",
        "paginate",
        "unwrap",
    }


def test_every_export_is_documented_and_owned_by_lib() -> None:
    assert_every_export_is_documented_and_owned_by_lib(lib)


def test_every_error_is_an_invoiced_error() -> None:
    errors = [
        getattr(lib, name)
        for name in lib.__all__
        if isinstance(getattr(lib, name), type) and name.endswith("Error")
    ]
    assert len(errors) == 12
    assert all(issubclass(error, lib.InvoicedError) for error in errors)
    assert issubclass(lib.NotFoundError, lib.InvalidRequestError)
    assert issubclass(lib.BadRequestError, lib.InvalidRequestError)


def test_safe_zone_imports_only_stable_modules() -> None:
    # The generated Error model is the one generated module the runtime reads (response typing).
    assert_safe_zone_imports_only_stable_modules(
        runtime_sources("invoiced"), {"client", "types", "models.error"}
    )
