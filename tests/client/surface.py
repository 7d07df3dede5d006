"""Checks every vendor's `<vendor>_client.lib` surface shares (test_*_exports.py call them)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SHARED_LIB = REPO / "codegen" / "client_lib"


def runtime_sources(vendor: str) -> list[Path]:
    """The hand-written modules copied into the vendor's lib: the shared ones and its own."""
    own = REPO / "codegen" / "vendors" / vendor / "client_lib"
    return sorted(SHARED_LIB.glob("*.py")) + sorted(own.glob("*.py"))


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def assert_all_is_sorted_and_complete(lib: ModuleType) -> None:
    assert lib.__all__ == sorted(lib.__all__, key=_isort_key)
    public = {
        name
        for name, value in vars(lib).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(lib.__all__) == public


def assert_every_export_is_documented_and_owned_by_lib(lib: ModuleType) -> None:
    for name in lib.__all__:
        member = getattr(lib, name)
        if callable(member):
            assert member.__doc__, name
            assert member.__module__.startswith(f"{lib.__name__}."), name


def assert_safe_zone_imports_only_stable_modules(
    sources: list[Path], allowed_relative: set[str], *, on_demand: frozenset[str] = frozenset()
) -> None:
    """`from ..X` only for X in allowed_relative; absolute imports: stdlib, httpx, attrs only,
    and the optional dependencies in `on_demand` only inside a function (so that importing the
    client never needs them)."""
    assert sources
    for path in sources:
        tree = ast.parse(path.read_text())
        module_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                # `from .. import X` names its modules in `names`
                modules = [node.module] if node.module else [a.name for a in node.names]
                for module in modules:
                    assert module in allowed_relative, f"{path.name}: from ..{module}"
            elif isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                names = (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                for name in names:
                    top = (name or "").split(".")[0]
                    ok = top in sys.stdlib_module_names or top in {"httpx", "attrs", "__future__"}
                    ok = ok or (top in on_demand and id(node) not in module_level)
                    assert ok, f"{path.name}: import {name}"
