"""WAL checkpoints on a background thread, so that no request waits for an fsync.

In WAL mode with synchronous=NORMAL a COMMIT only appends to the WAL; the fsyncs happen when
the WAL is copied back into the database file (a checkpoint). SQLite's automatic checkpoint
runs inside whichever COMMIT crosses the threshold, so every few dozen writes one request
paid for two fsyncs: on a 2-core machine that was a third of the cost of a create.

Here the request connection only signals after enough writing commits, and a thread with its
own connection runs a PASSIVE checkpoint (it never blocks the writer). Durability is the same
as before: a commit is durable against a process crash once COMMIT returns, and an OS crash
can lose the commits not yet checkpointed. SQLite's own automatic checkpoint stays on with a
high threshold, as a backstop should this thread ever fall behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading

__all__ = ["BACKSTOP_PAGES", "Checkpointer"]

#: WAL size (pages) at which the writing connection checkpoints by itself after all
BACKSTOP_PAGES = 4096
#: writing commits between two background checkpoints (about 1000 pages for a customer create,
#: SQLite's default automatic-checkpoint size)
COMMITS_PER_CHECKPOINT = 32


class Checkpointer:
    """A daemon thread that copies the WAL into the database when asked, coalescing requests."""

    def __init__(self, path: str, *, commits_per_checkpoint: int = COMMITS_PER_CHECKPOINT) -> None:
        self.path = path
        self.commits_per_checkpoint = commits_per_checkpoint
        #: rounds that copied the whole WAL into the database file (a PASSIVE round can copy
        #: part of it, or nothing, while the writer or a reader holds frames)
        self.checkpoints = 0
        self._pending = 0
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """Called after each COMMIT that wrote something; wakes the thread every N of them."""
        self._pending += 1
        if self._pending < self.commits_per_checkpoint:
            return
        self._pending = 0
        if self._thread is None:
            # Started on first need: read-only emulators (and most test fixtures) never pay.
            self._thread = threading.Thread(
                target=self._run, name="sqlite-wal-checkpoint", daemon=True
            )
            self._thread.start()
        self._wake.set()

    @property
    def running(self) -> bool:
        """Whether the thread has been started and not yet stopped."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._closed:
                    return
                # PASSIVE: copy what no reader needs, never wait for the writer. A busy
                # database simply leaves the rest for the next round.
                with contextlib.suppress(sqlite3.Error):
                    busy, frames, copied = connection.execute(
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).fetchone()
                    if not busy and copied == frames:
                        self.checkpoints += 1
        finally:
            connection.close()

    def close(self) -> None:
        """Stop the thread (if it ever started) and wait for it."""
        self._closed = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
