"""The "ceiling" server: the emulator's own HTTP stack answering with fixed bytes.

It runs the same ASGI server (uvicorn, started as the emulator's `serve` starts it: same log
level, access log off) and the same framework (a Starlette `Response`, `application/json`) as
the emulator, but does no work per request: every request is answered with the bytes the
emulator sent for that request type, captured earlier in the same bench run. So
emulator / ceiling is the share of the stack's capacity the emulator keeps after its own work
(routing, validation, SQLite, rendering), and 1.0 would mean the emulator costs nothing above
its stack.

    python -m benchmarks.ceiling --port 8123 BODIES_JSON

BODIES_JSON maps `"METHOD PATH?QUERY"` (exactly as the load generator sends it) to
`{"status": 200, "body": "..."}`; anything else gets a fixed 404.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

__all__ = ["CeilingApp", "main"]


class CeilingApp:
    """An ASGI app answering each known request line with its fixed status and body."""

    def __init__(self, answers: dict[str, tuple[int, bytes]]) -> None:
        self._answers = {
            line: Response(body, status_code=status, media_type="application/json")
            for line, (status, body) in answers.items()
        }
        self._missing = Response(b'{"error":"not captured"}', 404, media_type="application/json")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan: nothing to start or stop
            return
        # A request body (create) is read and dropped, as any server must read it.
        more = True
        while more:
            message = await receive()
            more = bool(message.get("more_body"))
        query = scope["query_string"].decode("latin-1")
        line = f"{scope['method']} {scope['raw_path'].decode('latin-1')}"
        response = self._answers.get(line + (f"?{query}" if query else ""), self._missing)
        await response(scope, receive, send)


def load_answers(path: Path) -> dict[str, tuple[int, bytes]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {line: (int(v["status"]), v["body"].encode("utf-8")) for line, v in raw.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bodies", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    import uvicorn

    # The emulator's `serve` defaults: log level warning, no access log.
    uvicorn.run(
        CeilingApp(load_answers(args.bodies)),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
