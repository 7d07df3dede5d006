"""The full walk of benchmarks/walk.py, compared across git refs in one run (an A/B):

    python -m benchmarks.walk_ab --db scale-100000.sqlite3 --rounds 4 \\
        446f3ee=default a8c644d=default,structs HEAD=default,lazy,structs

Each ref is checked out into a temporary git worktree; its emulator serves a copy of the same
database (started from that worktree, pinned to SERVER_CORE), and each walk runs in its own
process with that worktree's generated client first on the path. Rounds rotate the order of the
refs and of their modes, so that load from elsewhere on the machine spreads over all of them;
the report gives each (ref, mode) its median records/s, every round, the ratio to the first
ref's first mode, and the walk's peak RSS (VmHWM).

The database is seeded by the current tree (`--size N`) or given (`--db`): a ref whose tables
differ from it cannot be compared this way. A mode a ref's client does not have (`structs` or
`lazy` before they existed) fails that walk with the client's own error, in the report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks import walk
from benchmarks.http_load import AUTH, PASSWORD, USERNAME
from benchmarks.processes import LOAD_CORE, Server, free_port, pin_to
from benchmarks.scale import seed_database
from benchmarks.stats import rotated
from benchmarks.walk import MODES

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def _worktree(ref: str, into: Path) -> Iterator[Path]:
    """`ref` checked out (detached) at `into`, removed afterwards."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(into), ref],
        check=True,
    )
    try:
        yield into
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(into)], check=False
        )


def _pythonpath(tree: Path) -> str:
    """The worktree's engine and generated packages ahead of the installed ones."""
    generated = tree / "generated"
    return os.pathsep.join(
        [str(tree), str(generated / "chargeover_client"), str(generated / "chargeover_models")]
    )


def _walk(tree: Path, base_url: str, mode: str) -> dict[str, Any]:
    """benchmarks/walk.py of this tree, run as a script with the ref's client on the path (an
    older ref has no walk.py of its own)."""
    env = {**os.environ, "PYTHONPATH": _pythonpath(tree)}
    argv = [sys.executable, str(Path(walk.__file__)), base_url, "--mode", mode]
    argv += ["--username", USERNAME, "--password", PASSWORD]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result: dict[str, Any] = json.loads(done.stdout)
    if not str(result.pop("client")).startswith(str(tree)):
        raise RuntimeError(f"the walk for {tree} did not import that worktree's client")
    return result


def _serve(tree: Path, db: Path, log: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "chargeover_emulator", "serve", "--port", str(port)]
    argv += ["--db", str(db), "--rate-limit", "off"]
    return Server(
        tree.name,
        argv,
        port=port,
        ready_path="/api/v3/teapot",
        headers=AUTH,
        log=log,
        env={"PYTHONPATH": _pythonpath(tree)},
    )


def compare(
    plans: list[tuple[str, list[str]]], db: Path, rounds: int, workdir: Path
) -> dict[str, Any]:
    """Walk every (ref, mode) `rounds` times; records/s and peak RSS per walk."""
    walks: dict[str, list[dict[str, Any]]] = {
        f"{ref} {mode}": [] for ref, modes in plans for mode in modes
    }
    trees: dict[str, Path] = {}
    with contextlib.ExitStack() as stack:
        for index, (ref, _) in enumerate(plans):
            trees[ref] = stack.enter_context(_worktree(ref, workdir / f"ref-{index}"))
        refs = [ref for ref, _ in plans]
        modes = dict(plans)
        # One copy for every server (they only read it), written out before any walk starts:
        # a copy per walk would put hundreds of MB of writeback beside the measurements.
        served = workdir / "served.sqlite3"
        shutil.copyfile(db, served)
        os.sync()
        for round_ in range(rounds):
            for ref in rotated(refs, round_):
                with _serve(trees[ref], served, workdir / f"emulator-{ref}.log") as server:
                    base_url = f"http://127.0.0.1:{server.port}/api/v3"
                    for mode in rotated(modes[ref], round_):
                        result = _walk(trees[ref], base_url, mode)
                        walks[f"{ref} {mode}"].append(result)
                        print(f"walk_ab: round {round_ + 1} {ref} {mode}: {result}", flush=True)
    return walks


def report(walks: dict[str, list[dict[str, Any]]], rounds: int) -> str:
    """Markdown: median records/s per (ref, mode), every round, the ratio to the first one."""
    lines = [
        f"Full walk, {rounds} alternating rounds (medians):",
        "",
        "| Ref and mode | records/s, median | ratio to the first | each round | peak RSS MiB |",
        "|---|---:|---:|---|---:|",
    ]
    baseline: float | None = None
    for name, results in walks.items():
        rates = [r["records_per_second"] for r in results if "error" not in r]
        errors = [r["error"] for r in results if "error" in r]
        if not rates:
            lines.append(f"| {name} | failed: {errors[0] if errors else '-'} | | | |")
            continue
        median = statistics.median(rates)
        baseline = baseline or median
        peak = max(r["peak_rss_mib"] for r in results if "error" not in r)
        lines.append(
            f"| {name} | {median:,.0f} | {median / baseline:.2f}x |"
            f" {', '.join(f'{rate:,.0f}' for rate in rates)} | {peak:.0f} |"
        )
    return "\n".join(lines) + "\n"


def _plan(text: str) -> tuple[str, list[str]]:
    ref, _, modes = text.partition("=")
    chosen = modes.split(",") if modes else ["default"]
    unknown = [mode for mode in chosen if mode not in MODES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown mode(s) {unknown}; known: {sorted(MODES)}")
    return ref, chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plans", nargs="+", type=_plan, help="REF[=mode,mode...]")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path, help="a seeded ChargeOver emulator database")
    source.add_argument("--size", type=int, help="seed this many customers (current tree)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    pin_to(LOAD_CORE)
    with tempfile.TemporaryDirectory(prefix="walk-ab-") as tmp:
        workdir = Path(tmp)
        db = args.db
        if db is None:
            db = workdir / "seeded.sqlite3"
            seed_database(db, ROOT / "spec" / "chargeover.openapi.yaml", args.size)
        walks = compare(args.plans, db.resolve(), args.rounds, workdir)
    text = report(walks, args.rounds)
    print(text)
    if args.out is not None:
        args.out.write_text(text)
    return 1 if any("error" in r for results in walks.values() for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
