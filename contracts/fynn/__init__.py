"""Fynn's contract rules: pure checks over responses, the customer reference model, the suites."""

from __future__ import annotations

from contracts.settings import REPO_ROOT

__all__ = ["SPEC_PATH"]

#: Fynn's oracle
SPEC_PATH = REPO_ROOT / "spec" / "fynn" / "openapi.yaml"
