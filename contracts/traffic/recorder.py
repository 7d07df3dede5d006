"""Recording from Python: an httpx transport that keeps every exchange, redacted, in a cassette.

    recorder = Recorder(Path("cassettes/sandbox.yaml"))
    client = chargeover_client.connect(URL, username=..., password=...,
                                       transport=recorder.transport())
    ...                                   # the team's code or the contract suite runs
    recorder.save()                       # vcrpy YAML (or HAR for a `.har` path)

The transport wraps the real one (`httpx.HTTPTransport()` by default), so the generated
clients' own retrying transport, auth and timeouts stay as they are: the recording sees each
request as it goes on the wire, credentials included, and the `Redactor` removes them before
the interaction is kept in memory; nothing unredacted is ever written.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from contracts.traffic.cassette import Interaction, write_har, write_vcr
from contracts.traffic.redaction import Redactor

__all__ = ["AsyncRecordingTransport", "Recorder", "RecordingTransport"]

# the body is kept (and handed on) decoded: its encoding and encoded length no longer apply
_DECODED = frozenset({"content-encoding", "content-length"})


class Recorder:
    """The interactions recorded so far (already redacted) and where they are saved."""

    def __init__(self, path: Path, *, redactor: Redactor | None = None) -> None:
        self.path = path
        self.redactor = redactor or Redactor()
        self.interactions: list[Interaction] = []
        self._lock = threading.Lock()

    def keep(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        """Redact one exchange and keep it."""
        item = Interaction(
            method=request.method,
            url=str(request.url),
            request_headers=tuple(request.headers.multi_items()),
            request_body=request.content,
            status=response.status_code,
            reason=response.reason_phrase,
            response_headers=tuple(
                (k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED
            ),
            response_body=body,
        )
        redacted = self.redactor.interaction(item)
        with self._lock:
            self.interactions.append(redacted)

    def transport(self, inner: httpx.BaseTransport | None = None) -> RecordingTransport:
        """A transport for a sync httpx client (or a generated client's `connect`)."""
        return RecordingTransport(self, inner or httpx.HTTPTransport())

    def async_transport(
        self, inner: httpx.AsyncBaseTransport | None = None
    ) -> AsyncRecordingTransport:
        """A transport for an async httpx client."""
        return AsyncRecordingTransport(self, inner or httpx.AsyncHTTPTransport())

    def save(self) -> Path:
        """Write the cassette: HAR for a `.har` path, else a vcrpy cassette."""
        with self._lock:
            items = list(self.interactions)
        if self.path.suffix == ".har":
            write_har(self.path, items)
        else:
            write_vcr(self.path, items)
        return self.path


class RecordingTransport(httpx.BaseTransport):
    """Sends through `inner` and hands each exchange to the recorder."""

    def __init__(self, recorder: Recorder, inner: httpx.BaseTransport) -> None:
        self.recorder = recorder
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self.inner.handle_request(request)
        body = response.read()
        self.recorder.keep(request, response, body)
        # the body was consumed here: hand the client a fresh response over the same bytes
        return httpx.Response(
            response.status_code,
            headers=[
                (k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED
            ],
            content=body,
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """The async twin of `RecordingTransport`."""

    def __init__(self, recorder: Recorder, inner: httpx.AsyncBaseTransport) -> None:
        self.recorder = recorder
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.recorder.keep(request, response, body)
        return httpx.Response(
            response.status_code,
            headers=[
                (k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED
            ],
            content=body,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
