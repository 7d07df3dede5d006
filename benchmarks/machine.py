"""Facts about the machine and software a run was taken on, recorded next to every number."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["load_average", "machine_facts"]

_CODE_UNDER_TEST = ("chargeover_emulator/", "generated/", "contracts/", "benchmarks/", "spec/")
_DISTRIBUTIONS = (
    "chargeover-contract-kit",
    "chargeover-client",
    "chargeover-models",
    "starlette",
    "uvicorn",
    "httpx",
    "schemathesis",
    "hypothesis",
    "pydantic",
    "attrs",
    "msgspec",
)


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: other work on the machine makes numbers noisy."""
    return [round(value, 2) for value in os.getloadavg()]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _command_output(*argv: str) -> str | None:
    """First line of a tool's output, or None when the tool is missing or fails."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def _dirty_paths(root: Path) -> list[str]:
    """Tracked or untracked paths with uncommitted changes (`git status --porcelain`)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line[3:] for line in done.stdout.splitlines() if len(line) > 3]


def _memory_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine_facts(root: Path) -> dict[str, Any]:
    """Cores, memory, load, interpreter, package versions and the git commit of the tree."""
    return {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_total_gib(),
        "load_average_before": load_average(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "sqlite": _sqlite_version(),
        "node": _command_output("node", "--version"),
        "versions": {name: _version(name) for name in _DISTRIBUTIONS},
        "git_commit": _command_output("git", "-C", str(root), "rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_dirty_paths(root)),
        # Code under test that differs from the commit (a shared work tree changes under a run).
        "dirty_code": [
            path
            for path in _dirty_paths(root)
            if path.startswith(_CODE_UNDER_TEST) and not path.startswith("benchmarks/results/")
        ],
    }


def _sqlite_version() -> str:
    return sqlite3.sqlite_version
