"""Closed-loop HTTP load on loopback: wrk when installed, else a Python generator (own process).

Both keep `connections` requests in flight, each connection sending its next request as soon as
the previous response has arrived (closed loop: latency includes queueing in the server, and a
slow server is offered less load rather than a growing backlog). Both report the same JSON:
requests, seconds, bytes, errors (connect/read/non-2xx), median and p99 latency.

The Python generator (`python -m benchmarks.loadgen SCENARIO_JSON`) exists for machines without
wrk or root; it tops out far below wrk, so its numbers are marked `generator: python`.

A body whose fields must differ per request (a create with a unique email) names a marker text
(`Load.numbered`); each request replaces it with `<load id>.<request number>`, where the load id
is random per load, so no two requests of a bench run send the same value.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import math
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.processes import LOAD_CORE, pinned
from benchmarks.stats import percentile

__all__ = ["Load", "generator_name", "run_load"]

_MARKER = "LOADGEN_JSON "


@dataclasses.dataclass(frozen=True)
class Load:
    """What to send: one method, paths taken in turn, one optional JSON body, for `seconds`.

    `numbered`, when given, is a text in `body` that each request replaces with a value unique
    to that request (see the module's docstring).
    """

    host: str
    port: int
    method: str
    paths: Sequence[str]
    headers: dict[str, str]
    body: bytes | None = None
    connections: int = 8
    seconds: float = 10.0
    numbered: str | None = None

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["paths"] = list(self.paths)
        data["body"] = None if self.body is None else self.body.decode()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Load:
        data = json.loads(text)
        data["body"] = None if data["body"] is None else data["body"].encode()
        return cls(**data)


def generator_name(requested: str = "auto") -> str:
    """`wrk` when it is on PATH (the nox session installs it when it can), else `python`."""
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if requested == "wrk" and shutil.which("wrk") is None:
        raise RuntimeError("--generator wrk, but wrk is not on PATH")
    return requested


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for our ASCII


def _load_id() -> str:
    """A random prefix for the numbers of one load, so two loads never send the same one."""
    return secrets.token_hex(4)


def _wrk_body(load: Load) -> tuple[str, str]:
    """The Lua setting wrk's fixed body (if any), and the `request` function's body argument.

    A numbered body is kept as its parts around the marker and joined per request with that
    request's number; wrk.format then sets its Content-Length. One wrk thread (`-t1`), so the
    counter is unique within the load.
    """
    if load.body is None:
        return "", ""
    text = load.body.decode()
    if load.numbered is None or load.numbered not in text:
        return f"wrk.body = {_lua_string(text)}", ""
    parts = ", ".join(_lua_string(part) for part in text.split(load.numbered))
    number = f"{_lua_string(_load_id() + '.')} .. counter"
    return f"local body_parts = {{{parts}}}", f", nil, table.concat(body_parts, {number})"


def _wrk_script(load: Load) -> str:
    """Lua for wrk: rotate through the paths, and print the summary as one JSON line."""
    paths = ",\n".join(_lua_string(path) for path in load.paths)
    headers = "\n".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in load.headers.items()
    )
    body, per_request_body = _wrk_body(load)
    return f"""
wrk.method = {_lua_string(load.method)}
{headers}
{body}
local paths = {{
{paths}
}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1]{per_request_body})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{_MARKER}{{"requests":%d,"seconds":%.6f,"bytes":%d,"errors_connect":%d,'
    .. '"errors_read":%d,"errors_write":%d,"errors_timeout":%d,"errors_status":%d,'
    .. '"median_ms":%.3f,"p99_ms":%.3f}}\\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write,
    e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _parse(output: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith(_MARKER):
            result: dict[str, Any] = json.loads(line[len(_MARKER) :])
            return result
    raise RuntimeError(f"load generator printed no result:\n{output[-2000:]}")


def _finish(result: dict[str, Any], generator: str) -> dict[str, Any]:
    requests, seconds = result["requests"], result["seconds"]
    errors = sum(v for k, v in result.items() if k.startswith("errors_"))
    return {
        "generator": generator,
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else math.nan,
        "median_ms": round(result["median_ms"], 3),
        "p99_ms": round(result["p99_ms"], 3),
        "bytes_per_response": round(result["bytes"] / requests) if requests else None,
        "errors": errors,
        "error_detail": {k: v for k, v in result.items() if k.startswith("errors_") and v},
    }


def run_load(load: Load, generator: str = "auto") -> dict[str, Any]:
    """Run one closed-loop load on LOAD_CORE with `generator` and return its summary."""
    timeout = load.seconds + 60
    if generator_name(generator) == "wrk":
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_wrk_script(load))
        try:
            argv = [
                "wrk",
                "-t1",
                f"-c{load.connections}",
                f"-d{max(1, round(load.seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://{load.host}:{load.port}",
            ]
            done = subprocess.run(
                pinned(argv, LOAD_CORE),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        finally:
            Path(script.name).unlink(missing_ok=True)
        return _finish(_parse(done.stdout + done.stderr), "wrk")
    argv = [sys.executable, "-m", "benchmarks.loadgen", load.to_json()]
    done = subprocess.run(
        pinned(argv, LOAD_CORE), capture_output=True, text=True, timeout=timeout, check=False
    )
    return _finish(_parse(done.stdout + done.stderr), "python")


# -- the Python generator (runs in its own process) ------------------------------------------


class _Counters:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.bytes = 0
        self.errors_connect = 0
        self.errors_read = 0
        self.errors_status = 0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Status code and total bytes of one HTTP/1.1 response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    size = len(head)
    if "content-length" in fields:
        length = int(fields["content-length"])
        await reader.readexactly(length)
        return status, size + length
    if fields.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            chunk = int(size_line.split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += len(size_line) + chunk + 2
            if chunk == 0:
                return status, size
    raise ConnectionError("response without Content-Length or chunked encoding")


def _request_bytes(load: Load, path: str, body: bytes | None) -> bytes:
    """One HTTP/1.1 request as sent on a keep-alive connection."""
    headers = {"Host": f"{load.host}:{load.port}", "Connection": "keep-alive", **load.headers}
    if body is not None:
        headers["Content-Length"] = str(len(body))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"{load.method} {path} HTTP/1.1\r\n{head}\r\n".encode("latin-1") + (body or b"")


def _numbered_requests(load: Load) -> Callable[[int], bytes] | None:
    """Request bytes per request index for a numbered body (None when the body is fixed)."""
    if load.body is None or load.numbered is None or load.numbered.encode() not in load.body:
        return None
    parts = load.body.split(load.numbered.encode())
    prefix = (_load_id() + ".").encode()
    # one counter for all connections (one event loop: no two requests take the same number)
    numbers = itertools.count(1)

    def request(index: int) -> bytes:
        body = (prefix + str(next(numbers)).encode()).join(parts)
        return _request_bytes(load, load.paths[index % len(load.paths)], body)

    return request


async def _connection(
    load: Load,
    offset: int,
    deadline: float,
    counters: _Counters,
    numbered: Callable[[int], bytes] | None,
) -> None:
    requests = [_request_bytes(load, path, load.body) for path in load.paths]
    index = offset
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(load.host, load.port)
        except OSError:
            counters.errors_connect += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                if numbered is None:
                    writer.write(requests[index % len(requests)])
                else:
                    writer.write(numbered(index))
                index += 1
                status, size = await _read_response(reader)
                counters.latencies.append(time.perf_counter() - started)
                counters.bytes += size
                if not 200 <= status < 400:
                    counters.errors_status += 1
        except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            counters.errors_read += 1
        finally:
            writer.close()


async def _generate(load: Load) -> dict[str, Any]:
    counters = _Counters()
    started = time.perf_counter()
    deadline = started + load.seconds
    numbered = _numbered_requests(load)  # shared: its numbers are unique across connections
    await asyncio.gather(
        *(_connection(load, i, deadline, counters, numbered) for i in range(load.connections))
    )
    seconds = time.perf_counter() - started
    return {
        "requests": len(counters.latencies),
        "seconds": seconds,
        "bytes": counters.bytes,
        "errors_connect": counters.errors_connect,
        "errors_read": counters.errors_read,
        "errors_status": counters.errors_status,
        "median_ms": percentile(counters.latencies, 0.5) * 1000,
        "p99_ms": percentile(counters.latencies, 0.99) * 1000,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the Python generator: one Load as JSON in, one result line out."""
    args = list(sys.argv[1:] if argv is None else argv)
    result = asyncio.run(_generate(Load.from_json(args[0])))
    print(_MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
