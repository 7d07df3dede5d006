"""Shared test basics: repository paths and Hypothesis profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO_ROOT / "spec" / "chargeover.openapi.yaml"
# Read-only inputs kept beside the repository, not in it: CI has them, a bare clone does not.
SHARED_ROOT = REPO_ROOT.parent / "shared"

# Hypothesis settings are configuration: `fast` for the test command (the default),
# `deep` on demand with `pytest --hypothesis-profile=deep`.
settings.register_profile(
    "fast", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile("fast")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def spec_path() -> Path:
    """The hand-curated OpenAPI document, the source of truth."""
    return SPEC_PATH


def shared_folder(name: str, *, checked: str) -> Path:
    """`../shared/<name>`, or skip the test that needs it (a clone with nothing beside it)."""
    folder = SHARED_ROOT / name
    if not folder.is_dir():
        pytest.skip(f"../shared/{name} not found: {checked} is checked in CI, which has it")
    return folder


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    """The vendor docs the spec's examples come from (`../shared/seeds/`), or a skip."""
    return shared_folder("seeds", checked="seed provenance")
