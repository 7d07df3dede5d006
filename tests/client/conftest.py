"""Fixtures for the generated client: the parsed spec, generated modules by operationId."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "chargeover.openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# Credentials used across tests: any of them showing up in output is a leak.
PUBLIC_KEY = "PjID8u5VOCfJk3iYKzTMo7emstRLnEp9"
PRIVATE_KEY = "xgEWspuItV7A2D6miwZFk94dTrBLSKQO"


def snake_case(name: str) -> str:
    """openapi-python-client's module name for an operationId (listCustomers -> list_customers)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_bytes())
    return loaded


def iter_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation in the spec."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@pytest.fixture(scope="session")
def generated_operations() -> dict[str, ModuleType]:
    """Every generated endpoint module, keyed by module name."""
    api = importlib.import_module("chargeover_client.api")
    modules: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, prefix="chargeover_client.api."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sync_detailed"):
            modules[info.name.rsplit(".", 1)[1]] = module
    return modules


@pytest.fixture(scope="session")
def operation(generated_operations: dict[str, ModuleType]) -> Callable[[str], ModuleType]:
    """The generated module for an operationId."""

    def find(operation_id: str) -> ModuleType:
        return generated_operations[snake_case(operation_id)]

    return find
