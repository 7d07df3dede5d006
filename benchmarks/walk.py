"""One full walk of a ChargeOver emulator's customers through the generated client, in its own
process, so that its peak RSS is the walk's own:

    python -m benchmarks.walk BASE_URL --username U --password P \
        --mode default|lazy|structs [--stop-after N]

Prints one JSON object: records, seconds, records_per_second, peak_rss_mib and the client
package that walked. The modes are the
ways users call `chargeover_client.lib.paginate`: `default` (keyset, one page ahead, attrs
models), `lazy` (`prefetch=False`: each request sent when its page is needed) and `structs`
(`structs=True`: msgspec Structs, one page ahead). `--stop-after N` stops after N records, for
the memory of a walk that reads a single page.

It imports the generated client and nothing else of the kit (the emulator's modules would add
about 11 MiB to the peak it measures), so it also runs as a plain script against another
checkout's client: benchmarks/walk_ab.py runs it that way for older git refs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import chargeover_client
from chargeover_client.api.customers import list_customers
from chargeover_client.lib import connect, paginate

__all__ = ["MODES", "main", "walk"]

#: mode -> paginate's keyword arguments
MODES: dict[str, dict[str, Any]] = {
    "default": {},
    "lazy": {"prefetch": False},
    "structs": {"structs": True},
}


def walk(
    base_url: str, mode: str, username: str, password: str, stop_after: int | None = None
) -> dict[str, Any]:
    """Walk every customer (or the first `stop_after`) and time it."""
    client = connect(base_url, username=username, password=password)
    started = time.perf_counter()
    customers = paginate(list_customers.sync_detailed, client=client, **MODES[mode])
    records = sum(1 for _ in islice(customers, stop_after))
    seconds = time.perf_counter() - started
    customers.close()
    client.get_httpx_client().close()
    return {
        "mode": mode,
        "records": records,
        "seconds": round(seconds, 3),
        "records_per_second": round(records / seconds, 1),
        "peak_rss_mib": _peak_rss_mib(),
        "client": chargeover_client.__file__,
    }


def _peak_rss_mib() -> float | None:
    """This process's peak RSS, imports included: VmHWM, which exec resets. (ru_maxrss does
    not: on Linux it keeps the peak of the process this one was forked from, here the bench
    runner with its seeded emulator.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--mode", choices=sorted(MODES), default="default")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--stop-after", type=int, default=None)
    args = parser.parse_args(argv)
    result = walk(args.base_url, args.mode, args.username, args.password, args.stop_after)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
