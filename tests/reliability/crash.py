"""kill -9 during a write burst, restart, and check the file and every acknowledged create."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time

import httpx

from tests.emulator_process import EmulatorProcess

__all__ = ["CrashOutcome", "crash_cycle"]


@dataclasses.dataclass
class CrashOutcome:
    """Per cycle: creates acknowledged before the kill, and what survived it."""

    kills: int = 0
    acknowledged: int = 0
    in_flight_at_kill: int = 0
    lost: int = 0
    integrity: list[str] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


def _writer(base_url: str, auth: tuple[str, str], tag: str, acked: dict[int, str],
            lock: threading.Lock, stop: threading.Event) -> None:  # fmt: skip
    with httpx.Client(base_url=base_url, auth=auth, timeout=10.0) as http:
        n = 0
        while not stop.is_set():
            key = f"{tag}-{n}"
            n += 1
            try:
                answer = http.post("/customer", json={"company": key, "external_key": key})
            except httpx.TransportError:
                return  # the server is gone: this request was never acknowledged
            if answer.status_code == 201:
                with lock:
                    acked[answer.json()["response"]["id"]] = key


def crash_cycle(
    process: EmulatorProcess, outcome: CrashOutcome, *, writers: int, kill_after: int
) -> None:
    """Burst writes, SIGKILL once `kill_after` creates are acknowledged, restart, verify."""
    acked: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    tag = f"crash{outcome.kills}"
    threads = [
        threading.Thread(
            target=_writer, args=(process.base_url, process.auth, f"{tag}w{k}", acked, lock, stop)
        )
        for k in range(writers)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acked) < kill_after and time.monotonic() < deadline:
        time.sleep(0.005)
    process.kill9()  # mid-burst: the writers are still sending
    outcome.kills += 1
    stop.set()
    for thread in threads:
        thread.join()
    outcome.acknowledged += len(acked)

    process.start()  # same file, new process
    with sqlite3.connect(process.db) as conn:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        outcome.integrity.append(f"cycle {outcome.kills}: {result}")
    with httpx.Client(base_url=process.base_url, auth=process.auth, timeout=30.0) as http:
        stored: dict[int, str] = {}
        offset = 0
        while True:
            page = http.get("/customer", params={"limit": 500, "offset": offset}).json()["response"]
            stored.update({int(row["customer_id"]): row["external_key"] for row in page})
            if len(page) < 500:
                break
            offset += 500
    missing = [key for customer_id, key in acked.items() if stored.get(customer_id) != key]
    outcome.lost += len(missing)
    if missing:
        outcome.problems.append(
            f"cycle {outcome.kills}: {len(missing)} acknowledged creates lost, e.g. {missing[:3]}"
        )
