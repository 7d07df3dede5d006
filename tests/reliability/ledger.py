"""The measured results of a reliability run, written as JSON for `report.py` to render.

Each scenario records what it measured after its assertions passed, so a row in the report is
evidence of a passing run; a scenario that failed or did not run leaves its row empty.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any

__all__ = ["Ledger", "Row"]


@dataclasses.dataclass(frozen=True)
class Row:
    """One scenario's measurements; the report's columns."""

    family: str
    scenario: str
    load_held: str = "-"
    faults_survived: int = 0
    bad_inputs_tried: int = 0
    data_lost: int = 0
    seconds: float = 0.0
    notes: str = ""


class Ledger:
    """Collects rows during a pytest session; `write` stores them with the run's profile."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.rows: list[Row] = []
        self._lock = threading.Lock()

    def record(self, row: Row) -> None:
        """Add one scenario's measurements."""
        with self._lock:
            self.rows.append(row)

    def as_json(self) -> dict[str, Any]:
        """The JSON document `report.py` reads."""
        return {"profile": self.profile, "rows": [dataclasses.asdict(row) for row in self.rows]}

    def write(self, path: Path) -> None:
        """Write (replace) the results file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(self.as_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
