"""benchmarks/walk_ab.py compares the full walk across git refs: each ref's own emulator and
client (from a worktree of that ref), every mode asked for, a failed mode reported as such.

Run here on HEAD twice over a small seeded database: the point is that each walk really ran
that worktree's code and counted every customer, not how fast it was.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.scale import seed_database
from benchmarks.walk_ab import ROOT, _plan, compare, report

SPEC = ROOT / "spec" / "chargeover.openapi.yaml"
CUSTOMERS = 700

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode
    != 0,
    reason="needs a git checkout",
)


def test_each_ref_and_mode_walks_every_customer(tmp_path: Path) -> None:
    db = tmp_path / "seeded.sqlite3"
    seed_database(db, SPEC, CUSTOMERS)
    workdir = tmp_path / "work"
    workdir.mkdir()
    walks = compare([("HEAD", ["default", "structs"]), ("HEAD~0", ["lazy"])], db, 1, workdir)
    assert set(walks) == {"HEAD default", "HEAD structs", "HEAD~0 lazy"}
    for name, [result] in walks.items():
        assert result.get("records") == CUSTOMERS, (name, result)
        assert result["peak_rss_mib"] > 0
    text = report(walks, 1)
    assert "| HEAD default |" in text and "1.00x" in text
    # the worktrees are gone afterwards
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert str(workdir) not in listed


def test_a_failed_mode_is_reported_not_averaged() -> None:
    walks: dict[str, list[dict[str, Any]]] = {
        "old default": [{"records_per_second": 10000.0, "peak_rss_mib": 50.0}],
        "old structs": [{"error": "TypeError: paginate() got an unexpected keyword 'structs'"}],
    }
    text = report(walks, 1)
    assert "| old default | 10,000 | 1.00x | 10,000 | 50 |" in text
    assert "| old structs | failed: TypeError" in text


def test_plans_name_known_modes_only() -> None:
    assert _plan("a8c644d=default,structs") == ("a8c644d", ["default", "structs"])
    assert _plan("HEAD") == ("HEAD", ["default"])
    with pytest.raises(Exception, match="unknown mode"):
        _plan("HEAD=fast")
