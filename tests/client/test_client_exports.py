"""The curated public surface of chargeover_client.lib, and the safe zone's import rules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType

import chargeover_client.lib as lib

CLIENT_LIB = Path(__file__).resolve().parents[2] / "codegen" / "client_lib"


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert lib.__all__ == sorted(lib.__all__, key=_isort_key)
    public = {
        name
        for name, value in vars(lib).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(lib.__all__) == public


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
    for name in lib.__all__:
        member = getattr(lib, name)
        if callable(member):
            assert member.__doc__, name
            assert member.__module__.startswith("chargeover_client.lib."), name


def test_safe_zone_imports_only_stable_modules() -> None:
    allowed_relative = {"client", "types"}  # `from ..client`, `from ..types`
    for path in sorted(CLIENT_LIB.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert node.module in allowed_relative, f"{path.name}: from ..{node.module}"
            elif isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                names = (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                for name in names:
                    top = (name or "").split(".")[0]
                    ok = top in sys.stdlib_module_names or top in {"httpx", "attrs", "__future__"}
                    assert ok, f"{path.name}: import {name}"
