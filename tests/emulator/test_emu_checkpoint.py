"""WAL checkpoints run on a background thread (storage/checkpoint.py), not inside requests."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from chargeover_emulator.storage.database import Database


def write(db: Database, count: int) -> None:
    for n in range(count):
        with db.transaction() as conn:
            conn.execute("INSERT INTO t (n, pad) VALUES (?, ?)", [n, "x" * 2000])


def make(tmp_path: Path, commits: int = 4) -> Database:
    db = Database(str(tmp_path / "c.sqlite3"))
    with db.transaction() as conn:
        conn.execute("CREATE TABLE t (n INTEGER, pad TEXT)")
    assert db.checkpointer is not None
    db.checkpointer.commits_per_checkpoint = commits
    return db


def test_writes_reach_the_database_file_without_a_request_checkpointing(tmp_path: Path) -> None:
    db = make(tmp_path)
    try:
        write(db, 8)
        assert db.checkpointer is not None
        deadline = time.monotonic() + 20
        while db.checkpointer.checkpoints < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert db.checkpointer.checkpoints >= 1
        # The main file alone, without its WAL, holds what was checkpointed.
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(tmp_path / "c.sqlite3", copy)
        with sqlite3.connect(copy) as conn:
            assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] >= 4
    finally:
        db.close()


def test_read_only_requests_never_start_the_thread(tmp_path: Path) -> None:
    db = make(tmp_path, commits=1)
    try:
        for _ in range(50):
            with db.transaction() as conn:
                conn.execute("SELECT COUNT(*) FROM t").fetchone()
        assert db.checkpointer is not None and not db.checkpointer.running
    finally:
        db.close()


def test_close_stops_the_thread(tmp_path: Path) -> None:
    db = make(tmp_path, commits=1)
    write(db, 3)
    assert db.checkpointer is not None and db.checkpointer.running
    db.close()
    assert not db.checkpointer.running


def test_an_in_memory_database_has_no_checkpointer() -> None:
    db = Database(":memory:")
    try:
        assert db.checkpointer is None
    finally:
        db.close()
