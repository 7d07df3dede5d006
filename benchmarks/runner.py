"""Run the benchmark sections and write the results table (Markdown + JSON).

Sections: `http` (emulator vs Prism under load), `vendors` (the same for the Invoiced and Fynn
emulators), `decode` (client decode ratios), `contracts` (examples/s), `scale` (1k/10k/100k).
A full run is sized to finish in under ~10 minutes on 2 cores, most of it seeding 100k
customers; `--quick` is a smoke run of a few minutes whose results go to `quick.{md,json}`
(not committed) so they never overwrite a full run.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import contract_rate, decode, http_load, report, scale, vendors
from benchmarks.machine import load_average, machine_facts
from benchmarks.processes import LOAD_CORE, pin_to

__all__ = ["Budget", "main"]

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "chargeover.openapi.yaml"
SECTIONS = ("http", "vendors", "decode", "contracts", "scale")


@dataclasses.dataclass(frozen=True)
class Budget:
    """How long each section runs."""

    http_seconds: float
    http_warmup: float
    decode_rounds: int
    scale_sizes: tuple[int, ...]
    scale_samples: int
    walk_rounds: int
    # per request type for Invoiced and Fynn: 2 vendors x 4 servers x 3 request types
    vendor_seconds: float
    vendor_warmup: float


FULL = Budget(8.0, 1.0, 20, (1_000, 10_000, 100_000), 15, 3, 4.0, 1.0)
QUICK = Budget(2.0, 1.0, 8, (1_000, 5_000), 5, 1, 2.0, 1.0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="short smoke run; writes quick.{md,json}"
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results", help="results directory"
    )
    parser.add_argument(
        "--npm-prefix",
        type=Path,
        default=ROOT / ".nox" / "_npm_bench",
        help="where Prism is installed",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=SPEC,
        help="ChargeOver's spec (the vendors section serves each vendor's own)",
    )
    parser.add_argument(
        "--generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="HTTP load generator (auto: wrk when on PATH, else the Python one)",
    )
    return parser


def _section(name: str, body: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one section; a failure is recorded in the results instead of losing the others."""
    print(f"bench: {name} ...", flush=True)
    started = time.perf_counter()
    try:
        result = body()
    except Exception as error:  # reported in the results and by the exit code
        traceback.print_exc()
        return {"error": f"{type(error).__name__}: {error}"}
    result["section_seconds"] = round(time.perf_counter() - started, 1)
    print(f"bench: {name} done in {result['section_seconds']} s", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m benchmarks`; exits 1 when a section failed."""
    args = _parser().parse_args(argv)
    budget = QUICK if args.quick else FULL
    sections = args.only or SECTIONS
    # The runner (the scale section's client, the decode loops) takes the load generator's core,
    # so the servers keep core 0 to themselves.
    pin_to(LOAD_CORE)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {**machine_facts(ROOT), "mode": "quick" if args.quick else "full"}
    }
    results["machine"]["budget"] = dataclasses.asdict(budget)
    with tempfile.TemporaryDirectory(prefix="chargeover-bench-") as tmp:
        workdir = Path(tmp)
        if "http" in sections:
            results["http"] = _section(
                "http",
                lambda: http_load.run(
                    workdir=workdir,
                    spec=args.spec,
                    npm_prefix=args.npm_prefix,
                    seconds=budget.http_seconds,
                    warmup=budget.http_warmup,
                    generator=args.generator,
                ),
            )
        if "vendors" in sections:
            results["vendors"] = _section(
                "vendors",
                lambda: vendors.run(
                    workdir=workdir,
                    npm_prefix=args.npm_prefix,
                    seconds=budget.vendor_seconds,
                    warmup=budget.vendor_warmup,
                    generator=args.generator,
                ),
            )
        if "decode" in sections:
            results["decode"] = _section(
                "decode",
                lambda: decode.run(spec=args.spec, workdir=workdir, rounds=budget.decode_rounds),
            )
        if "contracts" in sections:
            results["contracts"] = _section(
                "contracts",
                lambda: contract_rate.run(workdir=workdir, quick=args.quick),
            )
        if "scale" in sections:
            results["scale"] = _section(
                "scale",
                lambda: scale.run(
                    spec=args.spec,
                    workdir=workdir,
                    sizes=budget.scale_sizes,
                    samples=budget.scale_samples,
                    walk_rounds=budget.walk_rounds,
                ),
            )
    results["machine"]["load_average_after"] = load_average()
    results["machine"]["seconds"] = round(time.perf_counter() - started, 1)
    json_path, md_path = report.write(results, args.out, "quick" if args.quick else "latest")
    print(md_path.read_text())
    print(f"bench: wrote {md_path} and {json_path}")
    return 1 if any("error" in results.get(name, {}) for name in sections) else 0
