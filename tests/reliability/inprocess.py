"""The emulator in-process (app factory, fresh SQLite file), seeded, watched, exchanges kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import yaml

with warnings.catch_warnings():
    # Starlette 1.10 deprecates httpx in TestClient in favour of httpx2 (not a dependency here);
    # the warning is about packaging only (same note as tests/emulator/conftest.py).
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit, Settings
from chargeover_emulator.emulator import Emulator
from tests.reliability.sqlwatch import SqlWatch, canary_intact, dump, install_canary

__all__ = ["API", "Exchange", "InProcessEmulator", "spec_document"]

API = "/api/v3"
SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "chargeover.openapi.yaml"
FIXED_NOW = dt.datetime(2025, 3, 14, 9, 26, 53)


def spec_document() -> dict[str, Any]:
    """The parsed spec (the oracle for operations, examples and schemas)."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_bytes())
    return loaded


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request's outcome; `error` is an exception that escaped the app (a server error)."""

    method: str
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    error: BaseException | None = None

    def json(self) -> Any:
        """The decoded body."""
        return json.loads(self.content)


class InProcessEmulator:
    """One emulator over a tmp_path SQLite file, with a canary table and a SQL watch installed."""

    def __init__(self, tmp_path: Path, *, settings: Settings | None = None) -> None:
        self.settings = settings or Settings(
            db=str(tmp_path / "emulator.sqlite3"), rate_limit=RateLimit(0, 60.0)
        )
        self.emulator = Emulator(self.settings, clock=lambda: FIXED_NOW)
        self.app = create_app(emulator=self.emulator)
        # raise_server_exceptions: an escaped exception is caught per request in `request`, so
        # the scenario sees exactly which input broke the app and how.
        self.client = TestClient(self.app, raise_server_exceptions=True)
        self.auth: tuple[str, str] | None = (DEFAULT_USERNAME, DEFAULT_PASSWORD)
        self.connection = self.emulator.database.connection
        install_canary(self.connection)
        self.watch = SqlWatch(self.connection)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        auth: tuple[str, str] | bool | None = True,
    ) -> Exchange:
        """Send one request; an exception escaping the app becomes a 500 Exchange with `error`."""
        chosen = self.auth if auth is True else (None if auth is False else auth)
        kwargs: dict[str, Any] = {"headers": headers, "params": params}
        if content is not None:
            kwargs["content"] = content
        elif json_body is not None:
            kwargs["json"] = json_body
        if chosen is not None:
            kwargs["auth"] = chosen
        try:
            response = self.client.request(method, url, **kwargs)
        except Exception as error:
            return Exchange(method, url, 500, {}, b"", error)
        return Exchange(method, url, response.status_code, dict(response.headers), response.content)

    def seed(self) -> dict[str, Any]:
        """One customer, user and invoice from the spec's own examples; their ids and keys."""
        paths = spec_document()["paths"]

        def example(path: str) -> dict[str, Any]:
            media = paths[path]["post"]["requestBody"]["content"]["application/json"]
            value: dict[str, Any] = next(iter(media["examples"].values()))["value"]
            return dict(value)

        customer = self.request(
            "POST", f"{API}/customer", json_body={**example("/customer"), "external_key": "seed-c"}
        )
        customer_id = customer.json()["response"]["id"]
        user = self.request(
            "POST",
            f"{API}/user",
            json_body={**example("/user"), "customer_id": customer_id, "external_key": "seed-u"},
        )
        invoice = self.request(
            "POST",
            f"{API}/invoice",
            json_body={**example("/invoice"), "customer_id": customer_id, "external_key": "seed-i"},
        )
        ids = {
            "customer": customer_id,
            "user": user.json()["response"]["id"],
            "invoice": invoice.json()["response"]["id"],
        }
        tokens = {
            name: self.request("GET", f"{API}/{name}/{key}").json()["response"]["token"]
            for name, key in ids.items()
        }
        return {"ids": ids, "tokens": tokens}

    def dump(self) -> list[str]:
        """Every stored row and schema statement."""
        return dump(self.connection)

    def canary_intact(self) -> bool:
        """Whether the canary table survived."""
        return canary_intact(self.connection)

    def close(self) -> None:
        """Release the database."""
        self.emulator.close()
