"""Shared test basics: repository paths and Hypothesis profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO_ROOT / "spec" / "chargeover.openapi.yaml"

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
