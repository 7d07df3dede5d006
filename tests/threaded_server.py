"""The tests' name for `contract_kit.threaded_server` (the pytest plugin serves with it too)."""

from __future__ import annotations

from contract_kit.threaded_server import serve_in_thread

__all__ = ["serve_in_thread"]
