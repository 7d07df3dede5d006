"""Concurrent writers over real HTTP, and the checks that nothing was lost or duplicated.

Each client creates its own customers and updates them (it alone knows their final values), and
also updates one shared "hot" customer, each client owning one of its fields: whatever the
interleaving, each field must end with its owner's last acknowledged value.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import threading
import time

import httpx

from tests.reliability.weakened_server import HOT_FIELDS

__all__ = ["LoadOutcome", "run_load"]


@dataclasses.dataclass
class LoadOutcome:
    """What the clients were told, and what the server holds afterwards."""

    clients: int
    operations: int = 0
    seconds: float = 0.0
    statuses: collections.Counter[int] = dataclasses.field(default_factory=collections.Counter)
    problems: list[str] = dataclasses.field(default_factory=list)
    lost_updates: int = 0
    lost_creates: int = 0


def _client_run(
    base_url: str,
    auth: tuple[str, str],
    hot_id: int,
    client: int,
    creates: int,
    outcome: LoadOutcome,
    created: dict[int, tuple[str, str]],
    hot_expected: dict[str, str],
    lock: threading.Lock,
) -> None:
    rng = random.Random(client)
    mine: dict[int, tuple[str, str]] = {}
    statuses: collections.Counter[int] = collections.Counter()
    with httpx.Client(base_url=base_url, auth=auth, timeout=60.0) as http:
        for n in range(creates):
            key = f"load-{client}-{n}"
            answer = http.post("/customer", json={"company": key, "external_key": key})
            statuses[answer.status_code] += 1
            if answer.status_code == 201:
                new_id = answer.json()["response"]["id"]
                with lock:
                    if new_id in created:
                        outcome.problems.append(f"id {new_id} handed out twice")
                    created[new_id] = (key, key)
                mine[new_id] = (key, key)
            if n % 2 == 0 and mine:
                target = rng.choice(list(mine))
                value = f"{mine[target][0]}-v{n}"
                answer = http.put(f"/customer/{target}", json={"company": value})
                statuses[answer.status_code] += 1
                if answer.status_code == 202:
                    mine[target] = (mine[target][0], value)
            else:
                field, value = HOT_FIELDS[client % len(HOT_FIELDS)], f"{client}:{n}"
                answer = http.put(f"/customer/{hot_id}", json={field: value})
                statuses[answer.status_code] += 1
                if answer.status_code == 202:
                    hot_expected[field] = value
    with lock:
        created.update(mine)
        outcome.statuses.update(statuses)


def run_load(base_url: str, auth: tuple[str, str], *, clients: int, creates: int) -> LoadOutcome:
    """`clients` threads x `creates` creates (+ as many updates); then verify the server's state."""
    outcome = LoadOutcome(clients)
    with httpx.Client(base_url=base_url, auth=auth, timeout=60.0) as http:
        hot = http.post("/customer", json={"company": "hot", **dict.fromkeys(HOT_FIELDS, "init")})
        hot_id = hot.json()["response"]["id"]
        baseline = http.get("/customer/_count").json()["response"]
    created: dict[int, tuple[str, str]] = {}
    hot_expected: dict[str, str] = {}
    lock = threading.Lock()
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=_client_run,
            args=(base_url, auth, hot_id, k, creates, outcome, created, hot_expected, lock),
        )
        for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - started
    outcome.operations = sum(outcome.statuses.values())
    unexpected = {s: c for s, c in outcome.statuses.items() if s not in {201, 202}}
    if unexpected:
        outcome.problems.append(f"unexpected statuses {unexpected}")
    _verify(base_url, auth, hot_id, baseline, created, hot_expected, outcome)
    return outcome


def _verify(
    base_url: str,
    auth: tuple[str, str],
    hot_id: int,
    baseline: int,
    created: dict[int, tuple[str, str]],
    hot_expected: dict[str, str],
    outcome: LoadOutcome,
) -> None:
    with httpx.Client(base_url=base_url, auth=auth, timeout=60.0) as http:
        count = http.get("/customer/_count").json()["response"]
        if int(count) != baseline + len(created):
            outcome.problems.append(f"_count {count} != {baseline} + {len(created)} acknowledged")
        stored: dict[int, dict[str, object]] = {}
        offset = 0
        while True:
            page = http.get("/customer", params={"limit": 500, "offset": offset}).json()["response"]
            stored.update({int(row["customer_id"]): row for row in page})
            if len(page) < 500:
                break
            offset += 500
        for customer_id, (key, company) in created.items():
            row = stored.get(customer_id)
            if row is None:
                outcome.lost_creates += 1
            elif (row["external_key"], row["company"]) != (key, company):
                outcome.lost_updates += 1
        hot = http.get(f"/customer/{hot_id}").json()["response"]
        outcome.lost_updates += sum(hot[f] != value for f, value in hot_expected.items())
    if outcome.lost_creates:
        outcome.problems.append(f"{outcome.lost_creates} acknowledged creates missing")
    if outcome.lost_updates:
        outcome.problems.append(f"{outcome.lost_updates} acknowledged updates lost")
