"""What the HTTP bench sends to one vendor's API: its request types, credentials and API root.

`benchmarks/http_load.py` drives any server with a Profile (the emulator, Prism, Steady, the
ceiling); ChargeOver's profile is built there, Invoiced's and Fynn's in `benchmarks/vendors.py`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["NUMBERED", "Profile", "Scenario"]

#: where a request body carries a value that must differ per request: the load generator puts
#: a number unique across loads there (`benchmarks.loadgen.Load.numbered`)
NUMBERED = "<n>"


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One request type; paths are relative to the API root (`/api/v3` on the emulator)."""

    key: str
    label: str
    method: str
    paths: tuple[str, ...]
    body: dict[str, Any] | None = None

    @property
    def numbered(self) -> bool:
        """Whether the body holds NUMBERED (a create whose fields must be unique)."""
        return self.body is not None and NUMBERED in json.dumps(self.body)

    def payload(self, number: str = "1") -> bytes | None:
        """The body as sent once, with `number` where NUMBERED stands."""
        if self.body is None:
            return None
        return json.dumps(self.body).replace(NUMBERED, number).encode()


@dataclasses.dataclass(frozen=True)
class Profile:
    """One vendor's API as the bench addresses it.

    The emulator serves it under `api_root`; Prism, Steady and the ceiling serve the spec's
    paths at their root. `ready_path` (relative to the API root) is answered 2xx by the
    emulator and by both mocks once they are up. `records` finds the record list in one
    decoded response (None when it is not a list response).
    """

    vendor: str
    api_root: str
    auth: Mapping[str, str]
    scenarios: tuple[Scenario, ...]
    ready_path: str
    records: Callable[[Any], list[Any] | None]

    def items(self, body: bytes) -> int:
        """How many records one response carries: the length of a list payload, else 1."""
        found = self.records(json.loads(body))
        return len(found) if found is not None else 1
