"""Client decode: one 500-customer page into the generated models vs json.loads and msgspec.

Two pages, each decoded by every decoder from the same bytes: real emulator output (seeded,
`GET /customer?limit=500`, list items as the API sends them, many fields null) and the synthetic
page of benchmarks/client_decode.py (every Customer property set, so date fields are parsed).
Timing is client_decode's `interleaved` rounds (one sample per decoder per round, rotating order,
gc off inside a sample); ratios are medians of per-round ratios, so machine load cancels out.

What the generated client does per page is `CustomerListEnvelope.from_dict(json.loads(body))`
(httpx's `response.json()` then the attrs model); the pydantic models decode with
`model_validate_json`. msgspec is measured twice: untyped (`msgspec.json.decode`, the floor for
"just parse it") and typed into a Struct derived from the spec's Customer schema (strings stay
strings: no date parsing), which is what a user who hand-rolls fast typed models would pick.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import yaml

from benchmarks.client_decode import build_page, interleaved
from benchmarks.http_load import AUTH
from benchmarks.stats import percentile
from chargeover_client.models.customer_list_envelope import CustomerListEnvelope
from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from chargeover_emulator.seeding import seed

__all__ = ["customer_page", "run"]

PAGE_SIZE = 500
Decoder = Callable[[], object]


def customer_page(spec: Path, workdir: Path) -> bytes:
    """The body of `GET /api/v3/customer?limit=500` from a freshly seeded in-process emulator."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        emulator = Emulator(
            Settings.from_env(
                db=str(Path(tmp) / "decode.sqlite3"), rate_limit="off", spec_path=str(spec)
            )
        )
        seed(emulator, 1, PAGE_SIZE)
        transport = httpx.ASGITransport(app=create_app(emulator=emulator))

        async def fetch() -> httpx.Response:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1"
            ) as client:
                return await client.get(
                    "/api/v3/customer", params={"limit": PAGE_SIZE}, headers=AUTH
                )

        response = asyncio.run(fetch())
        emulator.close()
        response.raise_for_status()
        body = response.content
    if len(json.loads(body)["response"]) != PAGE_SIZE:
        raise RuntimeError("the emulator did not return a full page")
    return body


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _python_type(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """The msgspec field type for a property, as tolerant as the spec (legacy string ids)."""
    schema = _resolve(spec, schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        kinds = [_python_type(spec, option) for option in options]
        merged: Any = kinds[0]
        for kind in kinds[1:]:
            merged = merged | kind
        return merged
    names = schema.get("type", "string")
    names = names if isinstance(names, list) else [names]
    mapping: dict[str, Any] = {
        "string": str,
        "integer": int,
        "number": float,
        "boolean": bool,
        "null": None,
        "array": list[Any],
        "object": dict[str, Any],
    }
    result: Any = mapping[names[0]]
    for name in names[1:]:
        result = result | mapping[name] if result is not None else mapping[name] | None
    return result


def _msgspec_envelope(spec_path: Path) -> Any:
    """A msgspec Struct for the list envelope, with one field per Customer property."""
    spec = yaml.safe_load(spec_path.read_text())
    properties = spec["components"]["schemas"]["Customer"]["properties"]
    fields = [
        (name, _python_type(spec, schema) | None, None) for name, schema in properties.items()
    ]
    customer: Any = msgspec.defstruct("Customer", fields)
    return msgspec.defstruct(
        "CustomerListEnvelope",
        [
            ("code", int),
            ("status", str),
            ("message", str | None),
            ("response", list[customer]),
            ("details", dict[str, Any] | None, None),
        ],
    )


def _measure(decoders: dict[str, tuple[str, Decoder]], rounds: int) -> dict[str, Any]:
    """Interleaved rounds (client_decode's method): medians, and ratios as medians per round."""
    samples = interleaved({key: fn for key, (_, fn) in decoders.items()}, rounds)
    timings: dict[str, Any] = {}
    for key, (label, _) in decoders.items():
        timings[key] = {
            "label": label,
            "median_ms": round(statistics.median(samples[key]) * 1000, 3),
            "p99_ms": round(percentile(samples[key], 0.99) * 1000, 3),
        }
        # Each ratio pairs samples taken moments apart, so load on the machine cancels out.
        for base, name in (
            ("json_loads", "x_json_loads"),
            ("msgspec", "x_msgspec"),
            ("msgspec_typed", "x_msgspec_typed"),
        ):
            ratios = [a / b for a, b in zip(samples[key], samples[base], strict=True)]
            timings[key][name] = round(statistics.median(ratios), 2)
    return timings


def _decoders(body: bytes, typed_struct: Any) -> dict[str, tuple[str, Decoder]]:
    decoders: dict[str, tuple[str, Decoder]] = {
        "json_loads": ("json.loads", lambda: json.loads(body)),
        "msgspec": ("msgspec.json.decode (untyped)", lambda: msgspec.json.decode(body)),
        "msgspec_typed": (
            "msgspec Struct from the spec",
            lambda: msgspec.json.decode(body, type=typed_struct),
        ),
        "client": (
            "generated client (json.loads + attrs from_dict)",
            lambda: CustomerListEnvelope.from_dict(json.loads(body)),
        ),
    }
    try:
        from chargeover_models import CustomerListEnvelope as PydanticEnvelope
    except ImportError:
        pass
    else:
        decoders["models"] = (
            "generated pydantic models (model_validate_json)",
            lambda: PydanticEnvelope.model_validate_json(body),
        )
    # Every decoder must produce a full page, or a ratio would flatter one that fails early.
    for key, (_, decode) in decoders.items():
        result: Any = decode()
        items = result["response"] if isinstance(result, dict) else result.response
        if len(items) != PAGE_SIZE:
            raise RuntimeError(f"{key} decoded {len(items)} customers, not {PAGE_SIZE}")
    return decoders


def run(*, spec: Path, workdir: Path, rounds: int) -> dict[str, Any]:
    """Decode timings and ratios for the emulator's page and client_decode's synthetic page."""
    typed_struct = _msgspec_envelope(spec)
    pages = {
        "emulator_page": ("real emulator output (seeded)", customer_page(spec, workdir)),
        # client_decode.py's page: every Customer property filled, so date fields are parsed too.
        "synthetic_page": ("benchmarks/client_decode.py page (every property set)", build_page()),
    }
    out: dict[str, Any] = {"page_items": PAGE_SIZE, "rounds": rounds, "pages": {}}
    for key, (label, body) in pages.items():
        out["pages"][key] = {
            "label": label,
            "bytes": len(body),
            "decoders": _measure(_decoders(body, typed_struct), rounds),
        }
    return out
