"""Recording from any language: a small reverse proxy that forwards to the real API and records.

    contract-kit record --upstream https://SANDBOX.chargeover.com --cassette sandbox.yaml
    # then point the PHP/Ruby/Node client at http://127.0.0.1:8765 instead of the sandbox

Real HTTP in, real HTTP out (httpx to the upstream): every request is forwarded with its
headers and body, the answer comes back unchanged, and the exchange goes through the
recorder's redactor before it is kept. The cassette is written when the proxy stops (Ctrl-C),
and after every `save_every` interactions so a crash loses little.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.traffic.recorder import Recorder

__all__ = ["recording_proxy"]

# hop-by-hop headers (RFC 9110 7.6.1) and the ones httpx sets itself
_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "trailer",
        "host",
        "content-length",
        "content-encoding",
    }
)


def recording_proxy(
    upstream: str, recorder: Recorder, *, timeout: float = 60.0, save_every: int = 20
) -> Starlette:
    """An ASGI app forwarding every path below `/` to `upstream` and recording the exchange."""
    base = upstream.rstrip("/")

    async def forward(request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        url = base + path + (f"?{request.url.query}" if request.url.query else "")
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP]
        client: httpx.AsyncClient = request.app.state.client
        outgoing = client.build_request(request.method, url, headers=headers, content=body)
        answer = await client.send(outgoing)
        content = answer.content
        recorder.keep(outgoing, answer, content)
        if save_every and len(recorder.interactions) % save_every == 0:
            recorder.save()
        response = Response(content=content, status_code=answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in _HOP:
                response.headers.append(name, value)
        return response

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        try:
            yield
        finally:
            await app.state.client.aclose()
            recorder.save()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)
