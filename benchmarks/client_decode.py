"""Decode a 500-customer list page into the generated client's models; compare with json/msgspec.

    python benchmarks/client_decode.py [--rounds 60]

The page is built from the spec's Customer schema (every property, typed as the schema says;
none has a `format`, so no field goes through a date parser), wrapped in the list envelope.
Each round times json.loads, msgspec and the client once, in a rotating order, so that load on a
shared machine slows all three alike. The number to watch is the median of per-round ratios of the
client (json.loads + from_dict) to json.loads of the same bytes: target at most 3x. Not a timed
test: timings on shared machines are too noisy to gate on.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import yaml

from chargeover_client.models import CustomerListEnvelope

SPEC = Path(__file__).resolve().parent.parent / "spec" / "chargeover.openapi.yaml"
PAGE_SIZE = 500


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _value(spec: dict[str, Any], name: str, schema: dict[str, Any], row: int) -> Any:
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_resolve(spec, s) for s in schema[key]]
            return _value(spec, name, next(s for s in options if s.get("type") != "null"), row)
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    kinds = schema.get("type", "string")
    kind = next(k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null")
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2024-03-05 10:36:22"
        if schema.get("format") == "date":
            return "2024-03-05"
        return f"{name} of customer {row}"
    if kind == "integer":
        return row
    if kind == "number":
        return row + 0.25
    if kind == "boolean":
        return row % 2 == 0
    if kind == "array":
        return []
    return {}


def build_page() -> bytes:
    spec = yaml.safe_load(SPEC.read_bytes())
    properties = spec["components"]["schemas"]["Customer"]["properties"]
    rows = [
        {name: _value(spec, name, schema, row) for name, schema in properties.items()}
        for row in range(1, PAGE_SIZE + 1)
    ]
    envelope = {"code": 200, "status": "OK", "message": "", "details": {}, "response": rows}
    return json.dumps(envelope).encode()


def _time(func: Callable[[], object]) -> float:
    # As timeit does: a collection landing in one sample but not another is noise.
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        func()
        return time.perf_counter() - start
    finally:
        gc.enable()


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """One gc-free sample per contender per round, in a rotating order (machine load hits all)."""
    names = list(contenders)
    for func in contenders.values():
        func()  # warm-up: imports, caches
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_time(contenders[name]))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    page = build_page()
    fields = len(json.loads(page)["response"][0])
    decoded = CustomerListEnvelope.from_dict(json.loads(page))
    assert len(decoded.response) == PAGE_SIZE

    samples = interleaved(
        {
            "json": lambda: json.loads(page),
            "msgspec": lambda: msgspec.json.decode(page),
            "client": lambda: CustomerListEnvelope.from_dict(json.loads(page)),
        },
        args.rounds,
    )
    json_time, msgspec_time, client_time = (
        statistics.median(samples[name]) for name in ("json", "msgspec", "client")
    )
    # The median of per-round ratios pairs samples taken moments apart, under the same load.
    ratio = statistics.median(
        c / j for c, j in zip(samples["client"], samples["json"], strict=True)
    )
    ratio_msgspec = statistics.median(
        c / m for c, m in zip(samples["client"], samples["msgspec"], strict=True)
    )

    print(f"page: {PAGE_SIZE} customers x {fields} fields, {len(page) / 1e6:.2f} MB")
    print(f"rounds: {args.rounds} (interleaved; medians)")
    print(f"json.loads          {json_time * 1e3:8.2f} ms")
    print(f"msgspec.json.decode {msgspec_time * 1e3:8.2f} ms")
    print(f"client models       {client_time * 1e3:8.2f} ms  (json.loads + from_dict)")
    print(f"ratio to json.loads:    {ratio:.2f}x (target <= 3x)")
    print(f"ratio to msgspec:       {ratio_msgspec:.2f}x")


if __name__ == "__main__":
    main()
