"""How big a run is: `fast` (the README's test command) or `full` (`nox -s reliability`)."""

from __future__ import annotations

import os

__all__ = ["FULL", "PROFILE", "size"]

PROFILE = os.environ.get("RELIABILITY_PROFILE", "fast")
FULL = PROFILE == "full"


def size(fast: int, full: int) -> int:
    """The fast or the full figure, by profile."""
    return full if FULL else fast
